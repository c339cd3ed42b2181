// expect: E0101 at 7:95
experiment "e" { seed = 1  dim = 4  points = 8 }
class dense = linear()
model m = transformer(layers = 2, width = 32, heads = 4)
train t { model = m  data = dense  steps = 10 }
eval ev { models = [t]  tasks = [sparse_linear(nnz = n) for n in 1..=3]  baselines = [zero] }
claim "c" { error(ev, t, sparse_linear(nnz = 2), k = 4) < error(ev, zero, sparse_linear(nnz = n), k = 4) }
