experiment "sel-p4x64nocur" { seed = 7  dim = 5  points = 11 }
class dense = linear()
class sparse = sparse_linear(nnz = 1)
train p4x64nocur {
  model = transformer(layers = 4, width = 64, heads = 4)
  batch = 256
  lr = 1e-3
  schedule = warmup(steps = 300)
  weight_decay = 0
  clip = 1
  data = 0.5 * dense + 0.5 * sparse
  steps = 200000
}
eval sel { models = [p4x64nocur]  tasks = [sparse, dense]  baselines = [least_squares]  prompts = 1280  at = every(1000) }
