experiment "sel-p12x256" { seed = 7  dim = 5  points = 11 }
class dense = linear()
class sparse = sparse_linear(nnz = 1)
train p12x256 {
  model = transformer(layers = 12, width = 256, heads = 8)
  batch = 64
  lr = 1e-4
  schedule = constant()
  weight_decay = 0
  curriculum = curriculum(dims = 2..=5, points = 5..=11 step 2, every = 400)
  data = 0.5 * dense + 0.5 * sparse
  steps = 200000
}
eval sel { models = [p12x256]  tasks = [sparse, dense]  baselines = [least_squares]  prompts = 1280  at = every(1000) }
