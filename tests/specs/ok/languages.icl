// Every construct of language models and their evaluations (docs/language.md), checked clean.
experiment "languages" {
  seed = 1
}
class ab = anbn(max_n = 8)
model lm = causal_lm(layers = 2, width = 16, heads = 4, context = 40, positions = sinusoidal)
model rnn = lstm(layers = 1, hidden = 16, context = 40)
train normal {
  data = ab
  model = lm
  steps = 200
  batch = 8
  seeds = [1, 2]
  checkpoint_every = 50
}
train adversarial {
  data = ab
  model = lm
  steps = 200
  batch = 8
  completions = adversarial(weight = 1, batch = 16, length = 6)
  optimizer = sgd
}
train selected {
  data = ab
  model = rnn
  steps = 200
  checkpoint_every = 50
  select = lowest_loss
}
train from_recipe {
  recipe = cpu_rules
  data = ab
  steps = 200
}
eval rules {
  models = [normal, adversarial]
  tasks = [ab]
  prompts = all(length = 6)
  decode = greedy(max_new = 30)
  at = every(100)
}
eval listed {
  models = [selected, from_recipe]
  tasks = [ab]
  prompts = ["aab", "ba", "abab"]
  decode = sample(temperature = 0.5, max_new = 20)
}
claim "R1 out of distribution" {
  rate(rules, normal, r1, prompts = ood, among = finished)
    > rate(rules, adversarial, r1, prompts = ood)
    and test_loss(rules, adversarial) <= 1.1 * test_loss(rules, normal)
    and rate(rules, normal, grammatical, prompts = id, at = 100) >= 0
}
claim "listed" {
  rate(listed, selected, r2_completion, prompts = ood) >= 0.5 and test_loss(listed, selected) < 1
}
