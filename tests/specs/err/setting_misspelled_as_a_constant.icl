// expect: E0104 at 6:36
experiment "e" { seed = 1  dim = 4  points = 8 }
let steps = 10
class dense = linear()
model m = transformer(layers = 2, width = 32, heads = 4)
train t { model = m  data = dense  setps = steps }
eval ev { models = [t]  tasks = [dense]  baselines = [zero] }
claim "c" { error(ev, t, dense, k = 4) < error(ev, zero, dense, k = 4) }
