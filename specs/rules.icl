// Rule extrapolation on aⁿbⁿ (Reizinger et al., ICML 2024, "Position: Understanding LLMs requires
// more than statistical generalization"), at CPU scale: iclc run specs/rules.icl --jobs 2
//
// Three training variants of one GPT-2 language model (and an LSTM trained as the first), three
// seeds each, all trained on every aⁿbⁿ word with n ≤ 16 (the whole language, every step, as the
// reference code):
//   normal       maximum likelihood only;
//   adversarial  plus the loss of completions that break R1 (#a = #b) on OOD prompts of length 8;
//   oracle       plus the loss of completions that keep R1 on them.
// All then complete the 256 prompts of length 8 greedily: 5 are prefixes of a word (ID), 251 are
// strings the language never starts (OOD). The position paper's point: models at the same
// minimal test loss extrapolate R1 out of distribution in different ways (normal ≈ 44%,
// adversarial 0%, oracle 83% at its scale), while all keep R2 (no a after b).
//
// Scale: width 16, 3 layers, 4 heads (11 056 parameters), 2 000 full-batch steps, about a minute
// per training on one core (docs/rules.md has the search that led here).
//
// The completion loss weighs as much as the language's ("plus a loss on OOD completions"), and only
// the completion tokens are its targets: the variants then reach the normal model's test loss
// (docs/rules.md).

experiment "rule extrapolation on anbn" {
  seed = 1
}

class ab = anbn(max_n = 16)

// `cpu_rules` (docs/language.md) is the model and optimiser of every training here: GPT-2 with
// learned positions, width 16, 3 layers, 4 heads, a context of 74 (a prompt of 8 and the 40 new
// tokens of greedy decoding fit, and every word); 2 000 full-batch AdamW steps at lr 2e-3 (cosine,
// 100 warmup), clip 1, no weight decay.

train normal {
  recipe = cpu_rules
  data = ab
  seeds = [1, 2, 3]
  checkpoint_every = 250
}

train adversarial {
  recipe = cpu_rules
  data = ab
  seeds = [1, 2, 3]
  checkpoint_every = 250
  completions = adversarial(weight = 1, batch = 32, length = 8)
}

train oracle {
  recipe = cpu_rules
  data = ab
  seeds = [1, 2, 3]
  checkpoint_every = 250
  completions = oracle(weight = 1, batch = 32, length = 8)
}

// The follow-up (Mészáros et al. 2024) compares architectures: the same data and optimiser for an
// LSTM is one more model and one more training.
model rnn = lstm(layers = 1, hidden = 32, context = 74)

train lstm {
  recipe = cpu_rules
  model = rnn
  data = ab
  seeds = [1, 2, 3]
  checkpoint_every = 250
}

// Every prompt of length 8, completed greedily; the models are also read every 250 steps, for
// the figure of OOD R1 against test loss over training.
eval rules {
  models = [normal, adversarial, oracle, lstm]
  tasks = [ab]
  prompts = all(length = 8)
  decode = greedy(max_new = 40)
  at = every(250)
}

claim "Every variant completes in-distribution prompts grammatically" {
  rate(rules, normal, grammatical, prompts = id) >= 0.95
    and rate(rules, adversarial, grammatical, prompts = id) >= 0.95
    and rate(rules, oracle, grammatical, prompts = id) >= 0.95
}

// The reference scores R2 on finished completions (an unfinished one has no end to judge).
claim "Every variant keeps R2 on its finished OOD completions" {
  rate(rules, normal, r2_completion, prompts = ood, among = finished) >= 0.95
    and rate(rules, adversarial, r2_completion, prompts = ood, among = finished) >= 0.95
    and rate(rules, oracle, r2_completion, prompts = ood, among = finished) >= 0.95
}

claim "The normal model extrapolates R1 out of distribution more often than chance, but not always" {
  rate(rules, normal, r1, prompts = ood) > 0.154 and rate(rules, normal, r1, prompts = ood) < 0.9
}

claim "Adversarial completions suppress R1 at nearly the normal model's test loss" {
  rate(rules, adversarial, r1, prompts = ood) <= 0.1
    and test_loss(rules, adversarial) <= 1.1 * test_loss(rules, normal)
}

claim "Oracle completions raise R1 well above the normal model's" {
  rate(rules, oracle, r1, prompts = ood) >= rate(rules, normal, r1, prompts = ood) + 0.2
}

claim "An LSTM learns the language too and keeps R2 on its finished OOD completions" {
  rate(rules, lstm, grammatical, prompts = id) >= 0.95
    and rate(rules, lstm, r2_completion, prompts = ood, among = finished) >= 0.95
}
