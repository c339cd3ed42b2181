experiment "sel-m3x128b256" { seed = 7  dim = 5  points = 11 }
class dense = linear()
class sparse = sparse_linear(nnz = 1)
train m3x128b256 {
  model = transformer(layers = 3, width = 128, heads = 4)
  batch = 256
  lr = 1e-3
  schedule = warmup(steps = 300)
  weight_decay = 0
  clip = 1
  curriculum = curriculum(dims = 2..=5, points = 5..=11 step 2, every = 100)
  data = 0.5 * dense + 0.5 * sparse
  steps = 200000
}
eval sel { models = [m3x128b256]  tasks = [sparse, dense]  baselines = [least_squares]  prompts = 1280  at = every(1000) }
