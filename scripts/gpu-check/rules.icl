// scripts/gpu-check.sh --dry-run's stand-in for specs/rules.icl: GPT-2 language models (normal and
// adversarial) and an LSTM on aⁿbⁿ, two seeds each.
experiment "rules-dry" {
  seed = 1
  dim = 1
  points = 2
}

class ab = anbn(max_n = 4)

model lm = causal_lm(layers = 1, width = 8, heads = 2, context = 16, positions = learned)
model rnn = lstm(layers = 1, hidden = 8, context = 16)

train normal {
  data = ab
  model = lm
  steps = 40
  lr = 1e-2
  seeds = [1, 2]
}
train adversarial {
  data = ab
  model = lm
  steps = 40
  lr = 1e-2
  completions = adversarial(weight = 0.1, batch = 4, length = 3)
  seeds = [1, 2]
}
train recurrent {
  data = ab
  model = rnn
  steps = 40
  lr = 1e-2
  seeds = [1, 2]
}

eval rules {
  models = [normal, adversarial, recurrent]
  tasks = [ab]
  prompts = all(length = 3)
  decode = greedy(max_new = 10)
}

claim "the test loss is finite" {
  test_loss(rules, normal) < 100
}
