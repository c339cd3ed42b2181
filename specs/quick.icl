// The smallest end-to-end experiment: a small transformer learns dense linear regression in
// context, and its error falls with the number of examples like least squares' does.
// Sized for one CPU core: the `cpu_icl` recipe trains in about 3½ minutes.

experiment "quick" {
  seed = 1
  dim = 5 // input dimension d
  points = 11 // (x, y) pairs per prompt
}

class dense = linear()

train dense_model {
  // 4 layers × width 64, 14 000 steps of 32 prompts, cosine schedule, curriculum on dims and points
  recipe = cpu_icl
  data = dense
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

claim "the cpu_icl recipe reaches error/d of at most 0.05 at k = 2d" {
  error(curve, dense_model, dense, k = 2 * dim) <= 0.05
}
