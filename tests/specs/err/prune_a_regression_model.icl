// expect: E0110 at 10:19
experiment "x" {
  seed = 1
  dim = 12
  points = 6
}
class line = linear()
train t { data = line  model = tiny  steps = 5 }
eval e {
  models = [prune(t, rate = 0.5, order = smallest)]
  tasks = [line]
}
