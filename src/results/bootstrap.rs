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
    bootstrap_replicates(&[values], rows, cols, seed)
}

/// The same over several replicates of one model (one `(rows, cols)` table per training seed, on
/// the same prompts): the mean over replicates and rows, and an interval that resamples both the
/// replicates and the rows, so it carries the spread between seeds as well as between prompts.
/// With one replicate this is [`bootstrap_means`].
pub fn bootstrap_replicates(reps: &[&[f32]], rows: usize, cols: usize, seed: u64) -> Vec<Estimate> {
    let mean_of = |pick_rep: &mut dyn FnMut() -> usize, pick_row: &mut dyn FnMut() -> usize| {
        let mut sums = vec![0f64; cols];
        let picked: Vec<usize> = (0..reps.len()).map(|_| pick_rep()).collect();
        for _ in 0..rows {
            let r = pick_row();
            for &rep in &picked {
                for (s, v) in sums.iter_mut().zip(&reps[rep][r * cols..(r + 1) * cols]) {
                    *s += *v as f64;
                }
            }
        }
        let n = (rows * reps.len()) as f64;
        sums.into_iter().map(|s| s / n).collect::<Vec<_>>()
    };
    let (mut next_rep, mut next_row) = (0, 0);
    let means = mean_of(
        &mut || {
            next_rep += 1;
            next_rep - 1
        },
        &mut || {
            next_row += 1;
            next_row - 1
        },
    );
    let mut rng = crate::rng::stream(seed, "bootstrap");
    let resampled: Vec<Vec<f64>> = (0..BOOTSTRAP_RESAMPLES)
        .map(|_| {
            // The replicates are drawn first; with one there is nothing to draw, so a single
            // model's intervals are the plain bootstrap over prompts.
            let reps_drawn: Vec<usize> = if reps.len() == 1 {
                vec![0]
            } else {
                (0..reps.len()).map(|_| rng.random_range(0..reps.len())).collect()
            };
            let mut it = reps_drawn.into_iter();
            mean_of(&mut || it.next().expect("one draw per replicate"), &mut || rng.random_range(0..rows))
        })
        .collect();
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

/// A value with the percentile interval of its bootstrap draws. A draw that cannot be computed
/// (NaN: no prompts of a kind) counts as unknown: it widens nothing and decides nothing.
pub fn percentile_interval(mean: f64, mut draws: Vec<f64>) -> Estimate {
    draws.retain(|v| !v.is_nan());
    if draws.is_empty() {
        return Estimate { mean, lo: f64::NAN, hi: f64::NAN };
    }
    draws.sort_by(f64::total_cmp);
    let tail = (1.0 - CONFIDENCE) / 2.0;
    let at = |q: f64| draws[((q * (draws.len() - 1) as f64).round() as usize).min(draws.len() - 1)];
    Estimate { mean, lo: at(tail), hi: at(1.0 - tail) }
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

    #[test]
    fn replicates_average_and_their_spread_widens_the_interval() {
        let mut rng = crate::rng::stream(2, "t");
        let base: Vec<f32> = (0..400).map(|_| rng.random::<f32>()).collect();
        let one = bootstrap_replicates(&[&base], 400, 1, 0)[0];
        assert_eq!(one, bootstrap_means(&base, 400, 1, 0)[0], "one replicate is the plain bootstrap");
        let same = bootstrap_replicates(&[&base, &base], 400, 1, 0)[0];
        assert!((same.mean - one.mean).abs() < 1e-12);
        let shifted: Vec<f32> = base.iter().map(|v| v + 1.0).collect();
        let apart = bootstrap_replicates(&[&base, &shifted, &base, &shifted], 400, 1, 0)[0];
        assert!((apart.mean - (one.mean + 0.5)).abs() < 1e-6, "{apart:?}");
        assert!(apart.hi - apart.lo > 3.0 * (one.hi - one.lo), "seed spread shows: {apart:?} vs {one:?}");
    }
}
