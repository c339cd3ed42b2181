//! Lasso as scikit-learn's `Lasso(fit_intercept=False)`: minimises
//! (1/2n)‖y − Xw‖² + α‖w‖₁ by cyclic coordinate descent, optionally warm-started.

/// Sweeps over all coordinates at most this often.
const MAX_SWEEPS: usize = 100_000;
/// The tolerance the evaluation uses: the duality gap must fall below `tol · ‖y‖² / n`.
/// scikit-learn's default.
pub const EVAL_TOL: f64 = 1e-4;

/// The lasso solution for `(n, d)` row-major `x` to duality-gap tolerance `tol` (scikit-learn's
/// `tol`); `warm` is a starting point (e.g. the solution for one point fewer).
pub fn lasso(x: &[f64], n: usize, d: usize, y: &[f64], alpha: f64, warm: Option<&[f64]>, tol: f64) -> Vec<f64> {
    let mut w = warm.map_or_else(|| vec![0.0; d], <[f64]>::to_vec);
    // Columns and their scaled squared norms.
    let cols: Vec<Vec<f64>> = (0..d).map(|j| (0..n).map(|i| x[i * d + j]).collect()).collect();
    let norms: Vec<f64> = cols.iter().map(|c| c.iter().map(|v| v * v).sum::<f64>() / n as f64).collect();
    let mut r: Vec<f64> = (0..n).map(|i| y[i] - (0..d).map(|j| x[i * d + j] * w[j]).sum::<f64>()).collect();
    for _ in 0..MAX_SWEEPS {
        let (mut max_step, mut max_w) = (0f64, 0f64);
        for j in 0..d {
            if norms[j] == 0.0 {
                w[j] = 0.0;
                continue;
            }
            let old = w[j];
            let rho = cols[j].iter().zip(&r).map(|(a, b)| a * b).sum::<f64>() / n as f64 + norms[j] * old;
            let new = soft_threshold(rho, alpha) / norms[j];
            if new != old {
                for (ri, xij) in r.iter_mut().zip(&cols[j]) {
                    *ri -= xij * (new - old);
                }
                w[j] = new;
            }
            max_step = max_step.max((new - old).abs());
            max_w = max_w.max(new.abs());
        }
        // As scikit-learn: only when the coordinates have settled, check the duality gap.
        if (max_step <= tol * max_w.max(1e-12) || max_w == 0.0)
            && duality_gap(&cols, &r, &w, y, alpha) <= tol * y.iter().map(|v| v * v).sum::<f64>() / n as f64
        {
            break;
        }
    }
    w
}

/// Primal minus dual objective at `w` (residual `r`); zero exactly at the optimum.
fn duality_gap(cols: &[Vec<f64>], r: &[f64], w: &[f64], y: &[f64], alpha: f64) -> f64 {
    let n = r.len() as f64;
    let rr: f64 = r.iter().map(|v| v * v).sum();
    let primal = rr / (2.0 * n) + alpha * w.iter().map(|v| v.abs()).sum::<f64>();
    let xtr_max = cols.iter().map(|c| c.iter().zip(r).map(|(a, b)| a * b).sum::<f64>().abs()).fold(0.0, f64::max);
    let s = if xtr_max > n * alpha { n * alpha / xtr_max } else { 1.0 };
    let nu_y: f64 = r.iter().zip(y).map(|(a, b)| s * a * b).sum();
    let dual = nu_y / n - s * s * rr / (2.0 * n);
    primal - dual
}

fn soft_threshold(v: f64, t: f64) -> f64 {
    if v > t {
        v - t
    } else if v < -t {
        v + t
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_alpha_gives_zero_and_small_alpha_least_squares() {
        let x = [1.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        let y = [1.0, 2.0, 3.0];
        assert_eq!(lasso(&x, 3, 2, &y, 100.0, None, 1e-10), vec![0.0, 0.0]);
        let w = lasso(&x, 3, 2, &y, 1e-12, None, 1e-10);
        let ls = super::super::lstsq_min_norm(&x, 3, 2, &y);
        assert!((w[0] - ls[0]).abs() < 1e-6 && (w[1] - ls[1]).abs() < 1e-6, "{w:?} vs {ls:?}");
    }
}
