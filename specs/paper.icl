// Yadlowsky, Doshi & Tripuraneni (2023), "Pretraining data mixtures enable narrow model selection
// capabilities in transformer models", Figures 1-6 at a size that trains on a 2-core CPU.
// The paper's scale is in the comments: d = 20, 41 points, 12 layers of width 256 with 8 heads,
// 500k steps of batch 64.

experiment "narrow-model-selection" {
  seed = 7
  dim = 5 // paper: 20
  points = 11 // paper: 41
}

let steps = 10_000 // paper: 500_000

class dense = linear()
class sparse = sparse_linear(nnz = 1) // paper: nnz = 2 of 20
class wave = sine(freq ~ uniform(0.5, 2), phase ~ uniform(0, 2 * pi))
class low_wave = sine(freq ~ uniform(0.5, 1), phase ~ uniform(0, 2 * pi))

model net = transformer(layers = 6, width = 64, heads = 4) // paper: standard = 12 layers, 256, 8 heads

train dense_only {
  model = net
  data = dense
  steps = steps
  lr = 1e-3
  schedule = cosine(warmup = 500)
  curriculum = curriculum(dims = 2..=5, points = 5..=11 step 2, every = 400)
}

train sparse_only {
  model = net
  data = sparse
  steps = steps
  lr = 1e-3
  schedule = cosine(warmup = 500)
  curriculum = curriculum(dims = 2..=5, points = 5..=11 step 2, every = 400)
}

// Figure 1: one model pretrained on a 50/50 mixture of dense and sparse linear functions.
train mix {
  model = net
  data = 0.5 * dense + 0.5 * sparse
  steps = steps
  lr = 1e-3
  schedule = cosine(warmup = 500)
  curriculum = curriculum(dims = 2..=5, points = 5..=11 step 2, every = 400)
}

train wave_only {
  model = net
  data = wave
  steps = steps
  lr = 1e-3
  schedule = cosine(warmup = 500)
}

train low_wave_only {
  model = net
  data = low_wave
  steps = steps
  lr = 1e-3
  schedule = cosine(warmup = 500)
}

// Figure 3: a mixture of linear functions and sinusoids.
train lin_wave {
  model = net
  data = 0.5 * dense + 0.5 * wave
  steps = steps
  lr = 1e-3
  schedule = cosine(warmup = 500)
}

// Figures 1-2: the mixture model against the specialists and the Bayes-optimal predictor.
eval fig1 {
  models = [dense_only, sparse_only, mix]
  tasks = [dense, sparse]
  baselines = [least_squares, lasso(alpha = 0.01), bayes]
  prompts = 1280
}

// Figure 2: sparsity swept from 1 to d non-zero coordinates.
eval nnz_sweep {
  models = [dense_only, sparse_only, mix]
  tasks = [sparse_linear(nnz = n) for n in 1..=dim]
  baselines = [least_squares, lasso(alpha = 0.01), bayes]
  prompts = 1280
}

// Figures 3-4: convex combinations lambda * linear + (1 - lambda) * sine, out of the mixture.
eval convex_sweep {
  models = [lin_wave, dense_only, wave_only]
  tasks = [convex(dense, wave, lambda = l) for l in 0..=1 step 0.25]
  baselines = [least_squares]
  prompts = 1280
}

// Figures 5-6: frequencies outside the pretraining range.
eval freq_sweep {
  models = [low_wave_only, wave_only]
  tasks = [sine(freq = f, phase ~ uniform(0, 2 * pi)) for f in [0.25, 0.5, 1, 2, 4]]
  baselines = [knn(k = 3)]
  prompts = 1280
}

figure fig2 = error_vs(nnz_sweep, n, k = dim)
figure fig4 = error_vs(convex_sweep, l, k = 10)
figure fig6 = error_vs(freq_sweep, f, k = 10)

claim "the mixture model matches the dense specialist on dense prompts" {
  error(fig1, mix, dense, k = 2 * dim) <= 1.1 * error(fig1, dense_only, dense, k = 2 * dim) + 0.01
}

claim "the mixture model matches the sparse specialist on sparse prompts" {
  error(fig1, mix, sparse, k = 3) <= 1.1 * error(fig1, sparse_only, sparse, k = 3) + 0.01
}

claim "on sparse prompts the mixture model beats least squares before k = d" {
  error(fig1, mix, sparse, k = 3) < error(fig1, least_squares, sparse, k = 3)
}

claim "the mixture model is near Bayes-optimal across sparsity levels" {
  all(error(nnz_sweep, mix, sparse_linear(nnz = n), k = 3) <= 1.5 * error(nnz_sweep, bayes, sparse_linear(nnz = n), k = 3) + 0.02 for n in 1..=dim)
}

claim "convex combinations outside the mixture are harder than either pure class" {
  error(convex_sweep, lin_wave, convex(dense, wave, lambda = 0.5), k = 10) > error(convex_sweep, lin_wave, convex(dense, wave, lambda = 0), k = 10) and error(convex_sweep, lin_wave, convex(dense, wave, lambda = 0.5), k = 10) > error(convex_sweep, lin_wave, convex(dense, wave, lambda = 1), k = 10)
}

claim "a narrow-frequency model fails at frequencies it never saw" {
  error(freq_sweep, low_wave_only, sine(freq = 4, phase ~ uniform(0, 2 * pi)), k = 10) > 2 * error(freq_sweep, low_wave_only, sine(freq = 0.5, phase ~ uniform(0, 2 * pi)), k = 10)
}
