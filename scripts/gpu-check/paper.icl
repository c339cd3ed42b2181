// scripts/gpu-check.sh --dry-run's stand-in for specs/paper.icl: mixtures of dense and sparse linear
// functions and the specialists, three seeds, one stack, read during training.
experiment "paper-dry" {
  seed = 7
  dim = 3
  points = 7
}

class dense = linear()
class sparse = sparse_linear(nnz = 1)

train pretrain for w in [0, 0.5, 1] {
  model = transformer(layers = 2, width = 16, heads = 2)
  data = w * dense + (1 - w) * sparse
  steps = 80
  batch = 16
  curriculum = curriculum(dims = 2..=3, points = 4..=7, every = 20)
  seeds = 1..=3
}

eval on_sparse {
  models = [pretrain(w = 0), pretrain(w = 0.5), pretrain(w = 1)]
  tasks = [sparse]
  baselines = [least_squares, lasso(alpha = 0.01)]
  prompts = 128
  at = every(40)
}

claim "the sparse specialist is no worse than the dense one on sparse prompts at k = 3" {
  error(on_sparse, pretrain(w = 0), sparse, k = 3) <= 2 * error(on_sparse, pretrain(w = 1), sparse, k = 3)
}
