experiment "sel-d4m4x64b256" { seed = 7  dim = 4  points = 9 }
class dense = linear()
class sparse = sparse_linear(nnz = 1)
train d4m4x64b256 {
  model = transformer(layers = 4, width = 64, heads = 4)
  batch = 256
  lr = 1e-3
  schedule = warmup(steps = 300)
  weight_decay = 0
  clip = 1
  curriculum = curriculum(dims = 2..=4, points = 5..=9 step 2, every = 100)
  data = 0.5 * dense + 0.5 * sparse
  steps = 200000
}
eval sel { models = [d4m4x64b256]  tasks = [sparse, dense]  baselines = [least_squares]  prompts = 1280  at = every(1000) }
