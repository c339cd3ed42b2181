// expect: E0110 at 20:14
// R1 of aⁿbⁿcⁿ counts the whole word: the new tokens alone neither keep nor break it, so it has
// no `_completion` rate (R2, an order, has one).
experiment "x" {
  seed = 1
}
class abc = anbncn(max_n = 4)
model lm = causal_lm(layers = 1, width = 8, heads = 2, context = 16)
train t {
  data = abc
  model = lm
  steps = 10
}
eval e {
  models = [t]
  tasks = [abc]
  prompts = all(length = 3)
}
claim "c" {
  rate(e, t, r1_completion, prompts = ood) > 0.1 and rate(e, t, r2_completion, prompts = ood) > 0.1
}
