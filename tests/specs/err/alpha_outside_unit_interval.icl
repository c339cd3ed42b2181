// expect: E0106 at 7:58
experiment "x" {
  seed = 1
  dim = 12
  points = 6
}
class p = patterns(relevant = 3, irrelevant = 6, alpha = 1.5)
model m = pattern_net(neurons = 4)
train t { data = p  model = m  steps = 5 }
