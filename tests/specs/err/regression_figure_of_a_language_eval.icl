// expect: E0108 at 21:23
experiment "x" {
  seed = 1
  dim = 1
  points = 2
}
class ab = anbn(max_n = 4)
model lm = causal_lm(layers = 1, width = 8, heads = 2, context = 16)
train t {
  data = ab
  model = lm
  steps = 10
  checkpoint_every = 5
  select = lowest_loss
}
eval e {
  models = [t]
  tasks = [ab]
  prompts = all(length = 3)
}
figure f = error_vs_k(e)
