// expect: E0101 at 9:12
experiment "e" {
  seed = 1
  dim = 5
  points = 11
}
class dense = linear()
train t {
  recipe = cpu_ilc
  data = dense
}
