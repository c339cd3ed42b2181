// expect: E0106 at 9:10
experiment "x" {
  seed = 1
  dim = 1
  points = 2
}
model lm = causal_lm(layers = 1, width = 8, heads = 2, context = 16)
train t {
  data = anbn(max_n = 8)
  model = lm
  steps = 10
}
