//! A greedy regression tree (CART with squared error, as scikit-learn's `DecisionTreeRegressor`)
//! fitted to the context, predicting the mean y of the query's leaf.

/// Fits a tree of at most `depth` levels to the `n` context points and predicts at `query`.
pub fn tree_predict(x: &[f64], n: usize, d: usize, y: &[f64], query: &[f64], depth: usize) -> f64 {
    let mut idx: Vec<usize> = (0..n).collect();
    predict_node(x, d, y, &mut idx, query, depth)
}

fn mean(y: &[f64], idx: &[usize]) -> f64 {
    idx.iter().map(|&i| y[i]).sum::<f64>() / idx.len().max(1) as f64
}

/// Splits `idx` by the best (coordinate, threshold) and follows the query's side.
fn predict_node(x: &[f64], d: usize, y: &[f64], idx: &mut [usize], query: &[f64], depth: usize) -> f64 {
    if depth == 0 || idx.len() < 2 {
        return mean(y, idx);
    }
    let total: f64 = idx.iter().map(|&i| y[i]).sum();
    let total_sq: f64 = idx.iter().map(|&i| y[i] * y[i]).sum();
    let parent_sse = total_sq - total * total / idx.len() as f64;
    let mut best: Option<(f64, usize, f64)> = None;
    for c in 0..d {
        idx.sort_by(|&a, &b| x[a * d + c].total_cmp(&x[b * d + c]));
        let (mut left_sum, mut left_sq) = (0.0, 0.0);
        for split in 1..idx.len() {
            let yi = y[idx[split - 1]];
            left_sum += yi;
            left_sq += yi * yi;
            let (lo, hi) = (x[idx[split - 1] * d + c], x[idx[split] * d + c]);
            if lo == hi {
                continue;
            }
            let (nl, nr) = (split as f64, (idx.len() - split) as f64);
            let sse = (left_sq - left_sum * left_sum / nl) + ((total_sq - left_sq) - (total - left_sum).powi(2) / nr);
            if best.is_none_or(|(b, _, _)| sse < b - 1e-12) {
                best = Some((sse, c, (lo + hi) / 2.0));
            }
        }
    }
    match best {
        Some((sse, c, threshold)) if sse < parent_sse - 1e-12 => {
            let (mut left, mut right): (Vec<usize>, Vec<usize>) = idx.iter().partition(|&&i| x[i * d + c] <= threshold);
            if query[c] <= threshold {
                predict_node(x, d, y, &mut left, query, depth - 1)
            } else {
                predict_node(x, d, y, &mut right, query, depth - 1)
            }
        }
        _ => mean(y, idx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_step_function() {
        // y = 1 when x_1 > 0 else −1; one split suffices.
        let x = [-2.0, 5.0, -1.0, 3.0, 1.0, -4.0, 2.0, 0.5];
        let y = [-1.0, -1.0, 1.0, 1.0];
        assert_eq!(tree_predict(&x, 4, 2, &y, &[0.5, 0.0], 3), 1.0);
        assert_eq!(tree_predict(&x, 4, 2, &y, &[-3.0, 0.0], 3), -1.0);
        assert_eq!(tree_predict(&x, 4, 2, &y, &[0.0, 0.0], 0), 0.0);
    }
}
