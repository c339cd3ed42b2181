// expect: E0106 at 7:64
experiment "x" {
  seed = 1
  dim = 12
  points = 6
}
class p = patterns(relevant = 4, irrelevant = 6, train_tasks = 9, whole_pairs = 1)
model m = pattern_net(neurons = 4)
train t { data = p  model = m  steps = 5 }
