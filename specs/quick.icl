// The smallest end-to-end experiment: a small transformer learns dense linear regression in
// context, and its error falls with the number of examples like least squares' does.
// Sized for a 2-core laptop CPU: a few minutes of training.

experiment "quick" {
  seed = 1
  dim = 5 // input dimension d
  points = 11 // (x, y) pairs per prompt
}

class dense = linear()

model small = transformer(layers = 4, width = 64, heads = 4)

train dense_model {
  model = small
  data = dense
  steps = 2000
  batch = 64
  lr = 1e-3
}

eval curve {
  models = [dense_model]
  tasks = [dense]
  baselines = [least_squares, zero]
  prompts = 1280
}

claim "the model learns in context: at k = 2d its error is under half the zero predictor's" {
  error(curve, dense_model, dense, k = 2 * dim) < 0.5 * error(curve, zero, dense, k = 2 * dim)
}
