//! k-nearest neighbours: the mean y of the k context points nearest the query (Euclidean; ties
//! by index; all of them when fewer than k).

/// The prediction for `query` from the `n` context points.
pub fn knn_predict(x: &[f64], n: usize, d: usize, y: &[f64], query: &[f64], k: usize) -> f64 {
    let mut order: Vec<(f64, usize)> = x
        .chunks(d)
        .take(n)
        .enumerate()
        .map(|(i, row)| (row.iter().zip(query).map(|(a, b)| (a - b) * (a - b)).sum::<f64>(), i))
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let take = k.min(n);
    order.iter().take(take).map(|(_, i)| y[*i]).sum::<f64>() / take as f64
}
