// expect: E0111 at 4:7
experiment "e" { seed = 1  dim = 4  points = 8 }
class dense = linear()
train least_squares { model = tiny  data = dense  steps = 10 }
eval ev { models = [least_squares]  tasks = [dense]  baselines = [least_squares, zero] }
claim "c" { error(ev, least_squares, dense, k = 4) < error(ev, zero, dense, k = 4) }
