// expect: E0110 at 13:16
experiment "x" {
  seed = 1
  dim = 2
  points = 3
}
class ab = anbn(max_n = 4)
model lm = causal_lm(layers = 1, width = 8, heads = 2, context = 16)
train t {
  data = ab
  model = lm
  steps = 10
  curriculum = curriculum(dims = 1..=2, points = 2..=3, every = 5)
}
