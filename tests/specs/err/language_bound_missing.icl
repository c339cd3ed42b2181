// expect: E0105 at 3:12
experiment "e" { seed = 1  dim = 1  points = 2 }
class ab = anbn()
model lm = causal_lm(layers = 1, width = 16, heads = 4, context = 40)
train t { data = ab  model = lm  steps = 10  batch = 8 }
eval rules { models = [t]  tasks = [ab]  prompts = all(length = 6)  decode = greedy(max_new = 20) }
claim "r1" { rate(rules, t, r1, prompts = ood) >= 0 }
