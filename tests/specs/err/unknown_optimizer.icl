// expect: E0107 at 10:15
experiment "x" {
  seed = 1
  dim = 2
  points = 4
}
train t {
  data = linear()
  model = tiny
  optimizer = adam
  steps = 10
}
