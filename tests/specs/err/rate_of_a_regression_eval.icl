// expect: E0108 at 15:8
experiment "x" {
  seed = 1
  dim = 2
  points = 4
}
model tiny = transformer(layers = 1, width = 8, heads = 2)
train t { data = linear()  model = tiny  steps = 5 }
eval e {
  models = [t]
  tasks = [linear()]
  prompts = 8
}
claim "c" {
  rate(e, t, metric = finished) > 0.5
}
