// expect: E0110 at 12:11
experiment "x" {
  seed = 1
  dim = 12
  points = 6
}
class p = patterns(relevant = 3, irrelevant = 6, train_tasks = 4)
model m = pattern_net(neurons = 4)
train t { data = p  model = m  steps = 5 }
eval e {
  models = [t]
  tasks = [p, linear()]
}
