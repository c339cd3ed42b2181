// Many constructs at once; `iclc check` must accept it without warnings.
experiment "e" {
  seed = 1
  dim = 4
  points = 8
}
let n_max = 3
class dense = linear()
class sparse = sparse_linear(nnz = 2)
class wave = sine(freq ~ uniform(0.5, 2), phase ~ uniform(0, 2 * pi))
model m = transformer(layers = 2, width = 32, heads = 4)
train t {
  model = m
  data = 0.5 * dense + 0.5 * sparse
  steps = 10
  schedule = cosine(warmup = 2)
  curriculum = curriculum(dims = 2..=4, points = 4..=8 step 2, every = 5)
}
train w {
  model = tiny
  data = wave
  steps = 10
}
eval ev {
  models = [t, w]
  tasks = [dense, sparse_linear(nnz = k) for k in 1..=n_max]
  inputs = [normal(), skewed()]
  baselines = [least_squares, lasso(alpha = 0.1), bayes, zero]
}
eval mix_ev {
  models = [w]
  tasks = [convex(dense, wave, lambda = l) for l in 0..=1 step 0.5]
  baselines = [knn(k = 3)]
}
figure f = error_vs(ev, k, k = 4)
claim "c" {
  all(
    error(ev, t, sparse_linear(nnz = k), k = 4)
      < error(ev, zero, sparse_linear(nnz = k), k = 4) for k in 1..=n_max
  )
}
claim "d" {
  error(mix_ev, w, convex(dense, wave, lambda = 0.5), k = 7) > 0
}
