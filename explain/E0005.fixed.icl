experiment "e" { seed = 1  dim = 4  points = 8 }
let n = 10
class dense = linear()
model m = transformer(layers = 2, width = 32, heads = 4)
train t { model = m  data = dense  steps = n }
eval ev { models = [t]  tasks = [dense]  baselines = [zero] }
