// expect: E0105 at 4:16
// The `experiment` block may leave out `dim` and `points` only when every task is a language:
// one error, at the block, naming the first training that needs them.
experiment "e" { seed = 1 }
class dense = linear()
model m = transformer(layers = 2, width = 32, heads = 4)
train t { model = m  data = dense  steps = 10 }
eval ev { models = [t]  tasks = [dense]  baselines = [zero] }
