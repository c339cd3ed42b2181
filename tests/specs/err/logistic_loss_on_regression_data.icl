// expect: E0110 at 11:10
experiment "x" {
  seed = 1
  dim = 2
  points = 4
}
class line = linear()
train t {
  data = line
  model = tiny
  loss = logistic
  steps = 5
}
