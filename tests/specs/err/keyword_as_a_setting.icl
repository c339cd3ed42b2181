// expect: E0002 at 6:36
experiment "e" { seed = 1  dim = 4  points = 8 }
let steps = 10
class dense = linear()
model m = transformer(layers = 2, width = 32, heads = 4)
train t { model = m  data = dense  step = steps }
