// expect: E0110 at 17:12
experiment "x" {
  seed = 1
  dim = 1
  points = 2
}
class ab = anbn(max_n = 4)
model lm = causal_lm(layers = 1, width = 8, heads = 2, context = 16)
train t {
  data = ab
  model = lm
  steps = 10
}
eval e {
  models = [t]
  tasks = [ab]
  inputs = [normal]
  prompts = all(length = 3)
}
