// expect: E0106 at 7:47
experiment "x" {
  seed = 1
  dim = 12
  points = 6
}
class p = patterns(relevant = 4, irrelevant = 9, train_tasks = 6)
model m = pattern_net(neurons = 4)
train t { data = p  model = m  steps = 5 }
