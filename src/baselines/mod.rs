//! Classical in-context estimators, run on the same prompts as the models: each predicts y at
//! position k from the first k points (0 when k = 0).
pub mod bayes;
mod knn;
mod lasso;
mod least_squares;
mod relu_gd;
mod ridge;
mod tree;

pub use knn::knn_predict;
pub use lasso::lasso;
pub use least_squares::lstsq_min_norm;
pub use relu_gd::relu_gd_predict;
pub use ridge::ridge;
pub use tree::tree_predict;

use crate::spec::{Baseline, ClassSpec};
use crate::tasks::PromptBatch;

/// Predictions `(batch, points)` of `baseline` at every position of every prompt, whose functions
/// come from `class` (the prior `bayes` conditions on); `None` for `bayes` on an intractable class
/// (the checker rejects that first).
pub fn predict(baseline: Baseline, prompts: &PromptBatch, class: &ClassSpec) -> Option<Vec<f32>> {
    let (p, d) = (prompts.points, prompts.dim);
    let mut out = vec![0f32; prompts.batch * p];
    if baseline == Baseline::Zero {
        return Some(out);
    }
    if baseline == Baseline::Bayes {
        let prior = crate::tasks::Prior::of(class)?;
        for b in 0..prompts.batch {
            let xs: Vec<f64> = prompts.prompt_xs(b).iter().map(|&v| v as f64).collect();
            let ys = prompts.prompt_ys(b);
            let mut stats = bayes::Stats::new(d);
            for k in 1..p {
                stats.push(&xs[(k - 1) * d..k * d], ys[k - 1] as f64);
                out[b * p + k] = bayes::posterior(&prior, &stats, &xs[k * d..(k + 1) * d]).prediction as f32;
            }
        }
        return Some(out);
    }
    for b in 0..prompts.batch {
        let xs: Vec<f64> = prompts.prompt_xs(b).iter().map(|&v| v as f64).collect();
        let ys: Vec<f64> = prompts.prompt_ys(b).iter().map(|&v| v as f64).collect();
        // Lasso is warm-started from the solution with one point fewer.
        let mut warm: Option<Vec<f64>> = None;
        for k in 1..p {
            let (x, y, query) = (&xs[..k * d], &ys[..k], &xs[k * d..(k + 1) * d]);
            let linear = |w: Vec<f64>| query.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>();
            out[b * p + k] = match baseline {
                Baseline::LeastSquares => linear(lstsq_min_norm(x, k, d, y)),
                Baseline::Ridge { alpha } => linear(ridge(x, k, d, y, alpha)),
                Baseline::Lasso { alpha } => {
                    let w = lasso(x, k, d, y, alpha, warm.as_deref(), lasso::EVAL_TOL);
                    warm = Some(w.clone());
                    linear(w)
                }
                Baseline::Averaging => linear(averaging(x, k, d, y)),
                Baseline::Knn { k: neighbours } => knn_predict(x, k, d, y, query, neighbours),
                Baseline::Tree { depth } => tree_predict(x, k, d, y, query, depth),
                Baseline::ReluGd { hidden, steps, lr } => {
                    // Its own stream per (prompt, k), so results do not depend on evaluation order.
                    let mut rng = crate::rng::stream(((b as u64) << 20) | k as u64, "relu-gd-init");
                    relu_gd_predict(x, k, d, y, query, hidden, steps, lr, &mut rng)
                }
                _ => return None,
            } as f32;
        }
    }
    Some(out)
}

/// w = mean_i(x_i y_i).
pub fn averaging(x: &[f64], n: usize, d: usize, y: &[f64]) -> Vec<f64> {
    let mut w = vec![0.0; d];
    for (row, yi) in x.chunks(d).zip(y) {
        for (wj, xj) in w.iter_mut().zip(row) {
            *wj += xj * yi / n as f64;
        }
    }
    w
}
