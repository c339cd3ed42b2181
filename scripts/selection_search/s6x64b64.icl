experiment "sel-s6x64b64" { seed = 7  dim = 5  points = 11 }
class dense = linear()
class sparse = sparse_linear(nnz = 1)
train s6x64b64 {
  model = transformer(layers = 6, width = 64, heads = 4)
  batch = 64
  lr = 1e-3
  schedule = warmup(steps = 500)
  weight_decay = 0
  curriculum = curriculum(dims = 2..=5, points = 5..=11 step 2, every = 400)
  data = sparse
  steps = 200000
}
eval sel { models = [s6x64b64]  tasks = [sparse, dense]  baselines = [least_squares]  prompts = 1280  at = every(1000) }
