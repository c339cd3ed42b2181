experiment "sel-p8x256" { seed = 7  dim = 5  points = 11 }
class dense = linear()
class sparse = sparse_linear(nnz = 1)
train p8x256 {
  model = transformer(layers = 8, width = 256, heads = 8)
  batch = 128
  lr = 3e-4
  schedule = warmup(steps = 1000)
  weight_decay = 0
  clip = 1
  curriculum = curriculum(dims = 2..=5, points = 5..=11 step 2, every = 400)
  data = 0.5 * dense + 0.5 * sparse
  steps = 200000
}
eval sel { models = [p8x256]  tasks = [sparse, dense]  baselines = [least_squares]  prompts = 1280  at = every(1000) }
