//! Least squares with the minimum-norm solution when under-determined (as `numpy.linalg.lstsq`),
//! by Householder QR: of X when n ≥ d, of Xᵀ when n < d.

/// Relative size below which a diagonal entry of R counts as zero (rank deficiency).
const RANK_TOL: f64 = 1e-12;

/// The w minimising ‖Xw − y‖ with the least ‖w‖; `x` is `(n, d)` row-major.
pub fn lstsq_min_norm(x: &[f64], n: usize, d: usize, y: &[f64]) -> Vec<f64> {
    if n >= d {
        // X = QR: w = R⁻¹ Qᵀ y.
        let qr = Qr::new(n, d, |i, j| x[i * d + j]);
        let mut b = y.to_vec();
        qr.apply_qt(&mut b);
        qr.solve_upper(&b[..d])
    } else {
        // Xᵀ = QR: X = Rᵀ Qᵀ, the min-norm w = Q R⁻ᵀ y.
        let qr = Qr::new(d, n, |i, j| x[j * d + i]);
        let z = qr.solve_lower_transposed(y);
        let mut w = z;
        w.resize(d, 0.0);
        qr.apply_q(&mut w);
        w
    }
}

/// A Householder QR factorisation of an `(m, p)` matrix with m ≥ p.
struct Qr {
    /// Reflection vectors, one per column.
    vs: Vec<Vec<f64>>,
    /// R, `(p, p)` row-major.
    r: Vec<f64>,
    p: usize,
    scale: f64,
}

impl Qr {
    fn new(m: usize, p: usize, at: impl Fn(usize, usize) -> f64) -> Qr {
        let mut cols: Vec<Vec<f64>> = (0..p).map(|j| (0..m).map(|i| at(i, j)).collect()).collect();
        let scale = cols.iter().flatten().fold(0f64, |a, v| a.max(v.abs())).max(f64::MIN_POSITIVE);
        let mut vs = Vec::with_capacity(p);
        let mut r = vec![0.0; p * p];
        for j in 0..p {
            let x = &cols[j][j..];
            let norm = x.iter().map(|v| v * v).sum::<f64>().sqrt();
            let alpha = if x[0] > 0.0 { -norm } else { norm };
            let mut v = x.to_vec();
            v[0] -= alpha;
            let vv: f64 = v.iter().map(|a| a * a).sum();
            for col in cols.iter_mut().skip(j) {
                reflect(&v, vv, &mut col[j..]);
            }
            for (jj, col) in cols.iter().enumerate().skip(j) {
                r[j * p + jj] = col[j];
            }
            vs.push((v, vv));
        }
        Qr { vs: vs.into_iter().map(|(v, vv)| normalise(v, vv)).collect(), r, p, scale }
    }

    /// b ← Qᵀ b.
    fn apply_qt(&self, b: &mut [f64]) {
        for (j, v) in self.vs.iter().enumerate() {
            reflect(v, 1.0, &mut b[j..]);
        }
    }

    /// b ← Q b.
    fn apply_q(&self, b: &mut [f64]) {
        for (j, v) in self.vs.iter().enumerate().rev() {
            reflect(v, 1.0, &mut b[j..]);
        }
    }

    fn pivot_ok(&self, i: usize) -> bool {
        self.r[i * self.p + i].abs() > RANK_TOL * self.scale
    }

    /// Solves R w = b (back substitution); a zero pivot gives a zero coordinate.
    fn solve_upper(&self, b: &[f64]) -> Vec<f64> {
        let p = self.p;
        let mut w = vec![0.0; p];
        for i in (0..p).rev() {
            if !self.pivot_ok(i) {
                continue;
            }
            let s: f64 = (i + 1..p).map(|j| self.r[i * p + j] * w[j]).sum();
            w[i] = (b[i] - s) / self.r[i * p + i];
        }
        w
    }

    /// Solves Rᵀ z = y (forward substitution).
    fn solve_lower_transposed(&self, y: &[f64]) -> Vec<f64> {
        let p = self.p;
        let mut z = vec![0.0; p];
        for i in 0..p {
            if !self.pivot_ok(i) {
                continue;
            }
            let s: f64 = (0..i).map(|j| self.r[j * p + i] * z[j]).sum();
            z[i] = (y[i] - s) / self.r[i * p + i];
        }
        z
    }
}

/// Scales v so that the reflection is I − 2vvᵀ with ‖v‖ = 1 (zero v: no reflection).
fn normalise(v: Vec<f64>, vv: f64) -> Vec<f64> {
    if vv == 0.0 { v } else { v.iter().map(|a| a / vv.sqrt()).collect() }
}

/// x ← (I − 2vvᵀ/vv) x.
fn reflect(v: &[f64], vv: f64, x: &mut [f64]) {
    if vv == 0.0 {
        return;
    }
    let dot: f64 = v.iter().zip(x.iter()).map(|(a, b)| a * b).sum();
    let f = 2.0 * dot / vv;
    for (xi, vi) in x.iter_mut().zip(v) {
        *xi -= f * vi;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_fit_when_square() {
        // x = [[2, 0], [0, 4]], y = [2, 8] → w = [1, 2].
        let w = lstsq_min_norm(&[2.0, 0.0, 0.0, 4.0], 2, 2, &[2.0, 8.0]);
        assert!((w[0] - 1.0).abs() < 1e-12 && (w[1] - 2.0).abs() < 1e-12, "{w:?}");
    }

    #[test]
    fn minimum_norm_when_underdetermined() {
        // One point x = [1, 1], y = 2: min-norm w = [1, 1].
        let w = lstsq_min_norm(&[1.0, 1.0], 1, 2, &[2.0]);
        assert!((w[0] - 1.0).abs() < 1e-12 && (w[1] - 1.0).abs() < 1e-12, "{w:?}");
    }

    #[test]
    fn overdetermined_mean() {
        // Three points on x = 1 with y = 1, 2, 3: w = 2.
        let w = lstsq_min_norm(&[1.0, 1.0, 1.0], 3, 1, &[1.0, 2.0, 3.0]);
        assert!((w[0] - 2.0).abs() < 1e-12, "{w:?}");
    }
}
