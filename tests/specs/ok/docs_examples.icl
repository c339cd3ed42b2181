// The examples of docs/language.md in one spec.
experiment "quick" {
  seed = 1
  dim = 5
  points = 11
}
class dense = linear()
class sparse = sparse_linear(nnz = 1)
model net = transformer(layers = 6, width = 64, heads = 4)
train mix {
  model = net
  data = 0.5 * dense + 0.5 * sparse
  steps = 10_000
  schedule = cosine(warmup = 500)
}
eval sweep {
  models = [mix]
  tasks = [sparse_linear(nnz = n) for n in 1..=dim]
  baselines = [lasso(alpha = 0.01), bayes]
}
eval mixes {
  models = [mix]
  tasks = [0.5 * dense + 0.5 * sparse, w * dense + (1 - w) * sparse for w in [0.1, 0.9]]
  baselines = [lasso(alpha = a) for a in logspace(1e-3, 1, 4)]
}
figure fig2 = error_vs(sweep, n, k = 3)
claim "near Bayes at every sparsity" {
  all(
    error(sweep, mix, sparse_linear(nnz = n), k = 3)
      <= 1.5 * error(sweep, bayes, sparse_linear(nnz = n), k = 3) for n in 1..=dim
  )
}
claim "mixes" {
  error(mixes, mix, 0.1 * dense + 0.9 * sparse, k = 3)
    < error(mixes, lasso(alpha = 0.01), 0.1 * dense + 0.9 * sparse, k = 3)
}
