// expect: E0110 at 19:14
// A Dyck rule is a matching, which the completion alone cannot keep: it closes the prompt's openers.
experiment "x" {
  seed = 1
}
class brackets = dyck(pairs = 4, max_depth = 3, kinds = 2)
model lm = causal_lm(layers = 1, width = 8, heads = 2, context = 16)
train t {
  data = brackets
  model = lm
  steps = 10
}
eval e {
  models = [t]
  tasks = [brackets]
  prompts = all(length = 3)
}
claim "c" {
  rate(e, t, r2_completion, prompts = ood) > 0.1
}
