experiment "e" { seed = 1  dim = 4  points = 8 }
class dense = linear()
model m = transformer(layers = 2, width = 32, heads = 4)
train t { model = m  data = dense  steps = 10 }
eval ev { models = [t]  tasks = [dense]  baselines = [zero] }
