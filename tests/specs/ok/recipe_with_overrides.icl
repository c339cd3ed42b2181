// A recipe supplies every setting the block leaves out; written settings win.
experiment "r" {
  seed = 1
  dim = 3
  points = 6
}

class dense = linear()

train quick_look {
  recipe = cpu_icl
  data = dense
  steps = 200
  batch = 16
}

eval curve {
  models = [quick_look]
  tasks = [dense]
  baselines = [least_squares]
  prompts = 64
}
