// expect: E0105 at 4:36
// A read of `dim` the block does not set is reported where it is read, and only there.
experiment "e" { seed = 1  points = 8 }
class sparse = sparse_linear(nnz = dim)
model m = transformer(layers = 2, width = 32, heads = 4)
train t { model = m  data = sparse  steps = 10 }
eval ev { models = [t]  tasks = [sparse]  baselines = [zero] }
