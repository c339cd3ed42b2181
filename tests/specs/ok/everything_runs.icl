// Every function class, input distribution, mixture, convex combination and baseline, at sizes
// that run end to end in seconds (tests/cli.rs runs it and reads the report).
experiment "everything" {
  seed = 5
  dim = 2
  points = 5
}

class dense = linear()
class scaled = linear(scale = 2)
class sparse = sparse_linear(nnz = 1)
class relu = relu_net(hidden = 8)
class wave = sine(amp = 1, freq ~ uniform(0.5, 2), phase ~ uniform(0, 2 * pi))
class tree = decision_tree(depth = 2)
class square = quadratic()
class noisy_dense = noisy(dense, std = 0.1)
class blend = convex(dense, wave, lambda ~ uniform(0, 1))
class everything = 0.2 * dense
  + 0.1 * sparse
  + 0.1 * relu
  + 0.1 * wave
  + 0.1 * tree
  + 0.1 * square
  + 0.1 * noisy_dense
  + 0.1 * blend
  + 0.1 * scaled

train m {
  model = transformer(layers = 1, width = 8, heads = 2)
  data = everything
  steps = 5
  batch = 8
  schedule = cosine(warmup = 2, final = 0.1)
  clip = 1
  decay = matrices
  curriculum = curriculum(dims = 1..=2, points = 3..=5 step 2, every = 2)
}

eval classes {
  models = [m]
  tasks = [dense, scaled, sparse, relu, wave, tree, square, noisy_dense, blend, everything]
  inputs = [
    normal(),
    scaled(factor = 2),
    skewed(),
    orthants(),
    half_subspace(),
    orthogonal_query(),
    repeated_query()
  ]
  baselines = [
    least_squares,
    ridge(alpha = 0.1),
    lasso(alpha = 0.01),
    knn(k = 2),
    averaging,
    zero,
    relu_gd(hidden = 4, steps = 10),
    tree(depth = 2)
  ]
  prompts = 16
}

eval exact {
  models = [m]
  tasks = [noisy_dense, 0.5 * dense + 0.5 * sparse, sparse_linear(nnz = n) for n in 1..=2]
  baselines = [bayes, least_squares]
  prompts = 16
}

figure by_nnz = error_vs(exact, n, k = 3)

claim "bayes is no worse than least squares on noisy dense prompts" {
  error(exact, bayes, noisy_dense, k = 4) <= error(exact, least_squares, noisy_dense, k = 4) + 0.5
}

claim "bayes holds up at every sparsity" {
  all(error(exact, bayes, sparse_linear(nnz = n), k = 4) < 10 for n in 1..=2)
}
