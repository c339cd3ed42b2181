//! Percentile bootstrap over prompts: the prompts are the replicates.
use super::{BOOTSTRAP_RESAMPLES, CONFIDENCE};
use rand::Rng as _;
use serde::Serialize;

/// A mean with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The mean.
    pub mean: f64,
    /// Lower end of the interval.
    pub lo: f64,
    /// Upper end of the interval.
    pub hi: f64,
}

/// Mean and bootstrap interval of each column of `values` (`(rows, cols)` row-major); one set of
/// resampled rows serves every column, so neighbouring positions stay paired.
pub fn bootstrap_means(values: &[f32], rows: usize, cols: usize, seed: u64) -> Vec<Estimate> {
    let mean_of = |pick: &mut dyn FnMut() -> usize| {
        let mut sums = vec![0f64; cols];
        for _ in 0..rows {
            let r = pick();
            for (s, v) in sums.iter_mut().zip(&values[r * cols..(r + 1) * cols]) {
                *s += *v as f64;
            }
        }
        sums.into_iter().map(|s| s / rows as f64).collect::<Vec<_>>()
    };
    let mut next = 0;
    let means = mean_of(&mut || {
        next += 1;
        next - 1
    });
    let mut rng = crate::rng::stream(seed, "bootstrap");
    let resampled: Vec<Vec<f64>> =
        (0..BOOTSTRAP_RESAMPLES).map(|_| mean_of(&mut || rng.random_range(0..rows))).collect();
    let tail = (1.0 - CONFIDENCE) / 2.0;
    (0..cols)
        .map(|c| {
            let mut col: Vec<f64> = resampled.iter().map(|m| m[c]).collect();
            col.sort_by(f64::total_cmp);
            let at = |q: f64| col[((q * (col.len() - 1) as f64).round() as usize).min(col.len() - 1)];
            Estimate { mean: means[c], lo: at(tail), hi: at(1.0 - tail) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_covers_the_mean_and_shrinks_with_rows() {
        let mut rng = crate::rng::stream(1, "t");
        let small: Vec<f32> = (0..100).map(|_| rng.random::<f32>()).collect();
        let large: Vec<f32> = (0..10_000).map(|_| rng.random::<f32>()).collect();
        let a = bootstrap_means(&small, 100, 1, 0)[0];
        let b = bootstrap_means(&large, 10_000, 1, 0)[0];
        assert!(a.lo <= a.mean && a.mean <= a.hi);
        assert!((b.hi - b.lo) < (a.hi - a.lo) / 5.0, "{a:?} {b:?}");
        // Uniform(0,1): standard error of 10k draws ≈ 0.0029, so the 90% half-width ≈ 0.0047.
        assert!(((b.hi - b.lo) / 2.0 - 0.0047).abs() < 0.001, "{b:?}");
    }
}
