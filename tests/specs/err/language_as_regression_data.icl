// expect: E0110 at 9:10
experiment "x" {
  seed = 1
  dim = 2
  points = 4
}
class ab = anbn(max_n = 4)
train t {
  data = ab
  model = tiny
  steps = 10
}
