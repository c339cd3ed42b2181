// expect: E0106 at 4:55
experiment "e" { seed = 1  dim = 1024  points = 8 }
class half = sparse_linear(nnz = 512)
eval ev { tasks = [half]  baselines = [least_squares, bayes]  prompts = 4 }
