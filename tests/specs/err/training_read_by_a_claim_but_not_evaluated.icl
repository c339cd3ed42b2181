// expect: E0108 at 8:23
experiment "e" { seed = 1  dim = 4  points = 8 }
class dense = linear()
model m = transformer(layers = 2, width = 32, heads = 4)
train t { model = m  data = dense  steps = 10 }
train u { model = m  data = dense  steps = 20 }
eval ev { models = [t]  tasks = [dense]  baselines = [zero] }
claim "c" { error(ev, u, dense, k = 4) < error(ev, t, dense, k = 4) }
