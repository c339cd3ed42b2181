// expect: E0107 at 3:62
experiment "e" { seed = 1  dim = 4  points = 8 }
train t { model = tiny  data = linear()  steps = 10  seeds = 3 }
