//! Ridge regression as scikit-learn's `Ridge(fit_intercept=False)`: minimises
//! ‖y − Xw‖² + α‖w‖², solved in whichever of the primal (d×d) or dual (n×n) form is smaller.

/// The ridge solution; α = 0 falls back to minimum-norm least squares.
pub fn ridge(x: &[f64], n: usize, d: usize, y: &[f64], alpha: f64) -> Vec<f64> {
    if alpha <= 0.0 {
        return super::lstsq_min_norm(x, n, d, y);
    }
    if n >= d {
        // (XᵀX + αI) w = Xᵀy.
        let mut a = vec![0.0; d * d];
        let mut b = vec![0.0; d];
        for (row, yi) in x.chunks(d).zip(y) {
            for i in 0..d {
                b[i] += row[i] * yi;
                for j in 0..d {
                    a[i * d + j] += row[i] * row[j];
                }
            }
        }
        for i in 0..d {
            a[i * d + i] += alpha;
        }
        cholesky_solve(&mut a, d, &mut b);
        b
    } else {
        // w = Xᵀ (XXᵀ + αI)⁻¹ y.
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                a[i * n + j] = (0..d).map(|t| x[i * d + t] * x[j * d + t]).sum();
            }
            a[i * n + i] += alpha;
        }
        let mut c = y.to_vec();
        cholesky_solve(&mut a, n, &mut c);
        (0..d).map(|t| (0..n).map(|i| x[i * d + t] * c[i]).sum()).collect()
    }
}

/// Solves A z = b in place for a symmetric positive-definite `(m, m)` A (overwritten).
fn cholesky_solve(a: &mut [f64], m: usize, b: &mut [f64]) {
    for j in 0..m {
        let s: f64 = (0..j).map(|k| a[j * m + k] * a[j * m + k]).sum();
        let diag = (a[j * m + j] - s).max(f64::MIN_POSITIVE).sqrt();
        a[j * m + j] = diag;
        for i in j + 1..m {
            let s: f64 = (0..j).map(|k| a[i * m + k] * a[j * m + k]).sum();
            a[i * m + j] = (a[i * m + j] - s) / diag;
        }
    }
    for i in 0..m {
        let s: f64 = (0..i).map(|k| a[i * m + k] * b[k]).sum();
        b[i] = (b[i] - s) / a[i * m + i];
    }
    for i in (0..m).rev() {
        let s: f64 = (i + 1..m).map(|k| a[k * m + i] * b[k]).sum();
        b[i] = (b[i] - s) / a[i * m + i];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primal_and_dual_agree() {
        // Two points in 3 dimensions (dual) against the same problem solved in the primal form
        // by hand: w = Xᵀ(XXᵀ + αI)⁻¹y equals (XᵀX + αI)⁻¹Xᵀy.
        let x = [1.0, 2.0, 0.5, -1.0, 0.0, 3.0];
        let y = [1.0, -2.0];
        let w = ridge(&x, 2, 3, &y, 0.3);
        // Check the normal equations (XᵀX + αI)w = Xᵀy directly.
        for i in 0..3 {
            let lhs: f64 = (0..3).map(|j| (0..2).map(|r| x[r * 3 + i] * x[r * 3 + j]).sum::<f64>() * w[j]).sum::<f64>()
                + 0.3 * w[i];
            let rhs: f64 = (0..2).map(|r| x[r * 3 + i] * y[r]).sum();
            assert!((lhs - rhs).abs() < 1e-12, "{i}: {lhs} vs {rhs}");
        }
    }
}
