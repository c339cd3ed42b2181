// In-context binary classification on pattern data, and magnitude pruning (Li, Wang, Lu, Cui &
// Chen, ICML 2024, "How do nonlinear transformers learn and generalize in in-context learning?"),
// at CPU scale: iclc run specs/patterns.icl --jobs 2
//
// Data: 6 relevant and 24 irrelevant orthonormal patterns in d = 30; an input is a relevant
// pattern plus an irrelevant one with a coefficient uniform in [−0.5, 0.5]; a task labels two
// relevant patterns +1 and −1 (30 ordered pairs), 12 of them trained on (they cover every pattern
// with both labels, the paper's Condition 3.2), 18 held out; prompts of 20 examples, α = 0.6 of
// them sharing the query's relevant pattern; label embedding q = 1.
// Model: the paper's one-layer, one-head network — softmax attention, a ReLU MLP of 64 neurons, a
// fixed ±1/64 readout, no LayerNorm or residual — trained with the hinge loss by plain SGD, 1 000
// steps of 64 prompts (a few seconds each; docs/patterns.md has the probe that led here).
// The paper's second model: the project's GPT-2 transformer (3 layers, width 32, 2 heads) on the
// same prompts, each example's label its y, the hinge loss of every prediction, AdamW for 2 000
// steps (about 45 s each).
// Every evaluation prompts with held-out tasks only: the checker refuses a split whose held-out
// tasks a model trained on.

experiment "in-context classification on pattern data" {
  seed = 1
  dim = 30
  points = 21 // 20 context examples and the query
}

class pat = patterns(relevant = 6, irrelevant = 24, train_tasks = 12, alpha = 0.6, noise = 0.5)
model net = pattern_net(neurons = 64)

train icl {
  data = pat
  model = net
  steps = 1000
  batch = 64
  lr = 1
  optimizer = sgd
  schedule = constant
  clip = 1
  weight_decay = 0
  seeds = [1, 2, 3, 4, 5]
}

train gpt {
  data = pat
  model = transformer(layers = 3, width = 32, heads = 2)
  steps = 2000
  batch = 64
  lr = 1e-3
  schedule = cosine(warmup = 100, final = 0.1)
  clip = 1
  weight_decay = 0
  seeds = [1, 2, 3]
}

// The number of training tasks: 6 is the fewest that cover every pattern with both labels; a
// larger split extends a smaller one, so the 6 tasks held out of 24 are held out of all.
train tasks for n in [6, 9, 12, 18, 24] {
  data = patterns(train_tasks = n)
  model = net
  steps = 1000
  batch = 64
  lr = 1
  optimizer = sgd
  schedule = constant
  clip = 1
  weight_decay = 0
  seeds = [1, 2, 3, 4, 5]
}

// Held-out tasks at the training α: error against prompt length (k), where the query attends,
// and pruning 10–90% of the MLP's neurons by magnitude, smallest or largest first, or at random.
eval held_out {
  models = [
    icl,
    gpt,
    prune(icl, rate = r, order = smallest) for r in 0.1..=0.9 step 0.1,
    prune(icl, rate = r, order = largest) for r in 0.1..=0.9 step 0.1,
    prune(icl, rate = r, order = random) for r in 0.1..=0.9 step 0.1
  ]
  tasks = [pat]
  prompts = 2000
}

// α′: the share of the test context that shares the query's relevant pattern.
eval alphas {
  models = [icl, gpt]
  tasks = [patterns(alpha = a) for a in [0.2, 0.4, 0.6, 0.8, 1]]
  prompts = 2000
}

// Out of domain: the relevant patterns replaced by combinations of them whose coefficients sum
// to s (the held-out tasks over the shifted patterns).
eval shifts {
  models = [icl]
  tasks = [patterns(shift = s) for s in [0.5, 1, 1.5, 2]]
  prompts = 2000
}

eval task_count {
  models = [tasks]
  tasks = [patterns(train_tasks = 24)]
  prompts = 2000
}

figure alpha_fig = error_vs(alphas, a, k = 20)
figure shift_fig = error_vs(shifts, s, k = 20)
figure task_count_fig = error_vs(task_count, n, k = 20)

claim "Held-out tasks are classified in context" {
  error(held_out, icl, pat, k = 20) <= 0.05
}

// Measured here (docs/patterns.md): the transformer fits the training tasks (hinge loss 0.04) and
// classifies prompts whose whole context shares the query's pattern (α′ = 1) without error, but on
// held-out tasks at α′ = 0.6 it is at chance or worse, and more so with more examples — it tells the
// 12 training tasks apart by their pair of patterns instead of reading the labels, and a held-out
// task is often a training task's pair in reverse. 6 000 steps or 24 training tasks do not change
// it; holding out whole pairs (`whole_pairs = 1`) brings it to 0.21–0.30, flat in k (it reads a
// fixed early example, not the same-pattern ones). The paper's GPT-2 result needs a budget this
// spec does not have.
claim "GPT-2 on the same prompts classifies held-out tasks in context too" {
  error(held_out, gpt, pat, k = 20) <= 0.05
}

claim "A fraction of the tasks suffices: 12 of 30 training tasks generalise to the other 18" {
  error(task_count, tasks(n = 12), patterns(train_tasks = 24), k = 20) <= 0.05
}

claim "Error does not rise with α′" {
  error(alphas, icl, patterns(alpha = 0.4), k = 20)
    <= error(alphas, icl, patterns(alpha = 0.2), k = 20) + 0.01
    and error(alphas, icl, patterns(alpha = 0.6), k = 20)
      <= error(alphas, icl, patterns(alpha = 0.4), k = 20) + 0.01
    and error(alphas, icl, patterns(alpha = 0.8), k = 20)
      <= error(alphas, icl, patterns(alpha = 0.6), k = 20) + 0.01
    and error(alphas, icl, patterns(alpha = 1), k = 20)
      <= error(alphas, icl, patterns(alpha = 0.8), k = 20) + 0.01
}

claim "Error does not rise with prompt length" {
  error(held_out, icl, pat, k = 10) <= error(held_out, icl, pat, k = 5) + 0.01
    and error(held_out, icl, pat, k = 20) <= error(held_out, icl, pat, k = 10) + 0.01
}

claim "Out of domain: shifted patterns whose coefficients sum to 1 are still classified" {
  error(shifts, icl, patterns(shift = 1), k = 20) <= 0.05
}

claim "Attention concentrates on the examples that share the query's relevant pattern" {
  attention(held_out, icl, pat) >= 0.8
}

claim "Pruning the smallest 30% of the neurons costs at most 0.01" {
  error(held_out, prune(icl, rate = 0.3, order = smallest), pat, k = 20)
    <= error(held_out, icl, pat, k = 20) + 0.01
}

claim "Pruning the largest 30% of the neurons costs at least 0.1" {
  error(held_out, prune(icl, rate = 0.3, order = largest), pat, k = 20)
    >= error(held_out, icl, pat, k = 20) + 0.1
}

// The 0-1 error keeps its sign while either readout half keeps a neuron (a trained neuron fires
// for its own label's prompts only), so it cannot show what pruning costs until a half is gone;
// the margin can: the hinge loss max(0, 1 − y·F) on the same prompts, with the same thresholds.
claim "Measured by the margin, pruning the smallest 30% of the neurons costs at most 0.01" {
  hinge(held_out, prune(icl, rate = 0.3, order = smallest), pat, k = 20)
    <= hinge(held_out, icl, pat, k = 20) + 0.01
}

claim "Measured by the margin, pruning the largest 30% of the neurons costs at least 0.1" {
  hinge(held_out, prune(icl, rate = 0.3, order = largest), pat, k = 20)
    >= hinge(held_out, icl, pat, k = 20) + 0.1
}

claim "Measured by the margin, the smallest neurons cost least and the largest most" {
  hinge(held_out, prune(icl, rate = 0.3, order = smallest), pat, k = 20)
    < hinge(held_out, prune(icl, rate = 0.3, order = random), pat, k = 20)
    and hinge(held_out, prune(icl, rate = 0.3, order = random), pat, k = 20)
      < hinge(held_out, prune(icl, rate = 0.3, order = largest), pat, k = 20)
}
