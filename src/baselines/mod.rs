//! Classical in-context estimators, run on the same prompts as the models: each predicts y at
//! position k from the first k points (0 when k = 0).
mod least_squares;

pub use least_squares::lstsq_min_norm;

use crate::check::Baseline;
use crate::tasks::PromptBatch;

/// Predictions `(batch, points)` of `baseline` at every position of every prompt.
pub fn predict(baseline: Baseline, prompts: &PromptBatch) -> Vec<f32> {
    let (p, d) = (prompts.points, prompts.dim);
    let mut out = vec![0f32; prompts.batch * p];
    if baseline == Baseline::Zero {
        return out;
    }
    for b in 0..prompts.batch {
        let xs: Vec<f64> = prompts.prompt_xs(b).iter().map(|&v| v as f64).collect();
        let ys: Vec<f64> = prompts.prompt_ys(b).iter().map(|&v| v as f64).collect();
        for k in 1..p {
            let w = match baseline {
                Baseline::LeastSquares => lstsq_min_norm(&xs[..k * d], k, d, &ys[..k]),
                Baseline::Zero => unreachable!("handled above"),
            };
            let query = &xs[k * d..(k + 1) * d];
            out[b * p + k] = query.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>() as f32;
        }
    }
    out
}
