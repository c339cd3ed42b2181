// scripts/gpu-check.sh --dry-run's stand-in for specs/patterns.icl: Li et al.'s one-layer classifier
// (three seeds, pruned at evaluation) and a small transformer on pattern prompts.
experiment "patterns-dry" {
  seed = 1
  dim = 10
  points = 7
}

class p = patterns(relevant = 3, irrelevant = 6, train_tasks = 4, alpha = 0.6)

model net = pattern_net(neurons = 8)

train t {
  data = p
  model = net
  steps = 100
  batch = 32
  lr = 1
  optimizer = sgd
  clip = 1
  weight_decay = 0
  seeds = 1..=3
}
train gpt {
  data = p
  model = transformer(layers = 1, width = 8, heads = 2)
  steps = 30
  batch = 16
  seeds = [1, 2]
}

eval e {
  models = [t, prune(t, rate = 0.5, order = smallest), gpt]
  tasks = [p]
  prompts = 200
}

claim "the classifier beats chance at k = 6" {
  error(e, t, p, k = 6) < 0.5
}
