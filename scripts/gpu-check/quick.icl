// scripts/gpu-check.sh --dry-run's stand-in for specs/quick.icl: one regression training, seconds long.
experiment "quick-dry" {
  seed = 1
  dim = 3
  points = 7
}

class dense = linear()

train dense_model {
  model = transformer(layers = 2, width = 16, heads = 2)
  data = dense
  steps = 400
  batch = 16
  lr = 5e-3
}

eval curve {
  models = [dense_model]
  tasks = [dense]
  baselines = [least_squares, zero]
  prompts = 128
}

claim "the model beats the zero predictor at k = 6" {
  error(curve, dense_model, dense, k = 6) < error(curve, zero, dense, k = 6)
}
