// expect: E0108 at 15:16
experiment "x" {
  seed = 1
  dim = 12
  points = 6
}
class p = patterns(relevant = 3, irrelevant = 6, train_tasks = 4)
model m = transformer(layers = 1, width = 8, heads = 2)
train t { data = p  model = m  steps = 5 }
eval e {
  models = [t]
  tasks = [p]
}
claim "c" {
  attention(e, t, p) >= 0.5
}
