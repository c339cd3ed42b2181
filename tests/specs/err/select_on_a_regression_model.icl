// expect: E0110 at 11:12
experiment "x" {
  seed = 1
  dim = 2
  points = 4
}
train t {
  data = linear()
  model = tiny
  steps = 10
  select = lowest_loss
}
