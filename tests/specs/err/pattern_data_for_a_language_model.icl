// expect: E0110 at 9:10
experiment "x" {
  seed = 1
  dim = 12
  points = 6
}
class p = patterns(relevant = 3, irrelevant = 6, train_tasks = 4)
train t {
  data = p
  model = causal_lm(layers = 1, width = 8, heads = 2)
  steps = 5
}
