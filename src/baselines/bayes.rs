//! The exact Bayes-optimal predictor (the posterior mean of y_query) where the prior allows it:
//! Gaussian linear functions, dense or sparse (every support of size nnz enumerated, each a small
//! Gaussian model), with or without noise, and mixtures of these (posterior weights from each
//! class's marginal likelihood). This is the reference for "near-optimal model selection".
//!
//! A noiseless prior gets a small jitter, noise variance `tasks::NOISELESS_JITTER · scale²`, so that every
//! Gaussian model has a proper likelihood; its posterior mean is then ridge with α = jitter, which
//! is the exact noiseless posterior mean to about 1e-6 relative.
use crate::tasks::Prior;

/// Sufficient statistics of a context: XᵀX, Xᵀy, yᵀy and n.
#[derive(Debug, Clone)]
pub struct Stats {
    d: usize,
    gram: Vec<f64>,
    xty: Vec<f64>,
    yty: f64,
    n: usize,
}

impl Stats {
    /// No points yet.
    pub fn new(d: usize) -> Self {
        Stats { d, gram: vec![0.0; d * d], xty: vec![0.0; d], yty: 0.0, n: 0 }
    }

    /// Adds one point.
    pub fn push(&mut self, x: &[f64], y: f64) {
        let d = self.d;
        for i in 0..d {
            self.xty[i] += x[i] * y;
            for j in 0..d {
                self.gram[i * d + j] += x[i] * x[j];
            }
        }
        self.yty += y * y;
        self.n += 1;
    }
}

/// The outcome for one context: its log marginal likelihood, the posterior mean at the query,
/// and (for a mixture) the posterior probability of each component.
#[derive(Debug, Clone)]
pub struct Posterior {
    /// log p(y_1..n | x_1..n).
    pub log_evidence: f64,
    /// E[y_query | context].
    pub prediction: f64,
    /// Posterior component probabilities (empty for a single class).
    pub weights: Vec<f64>,
}

/// The posterior of `prior` given the context statistics, predicting at `query`.
pub fn posterior(prior: &Prior, stats: &Stats, query: &[f64]) -> Posterior {
    match prior {
        Prior::Gaussian { scale2, noise2, nnz: None } => {
            let all: Vec<usize> = (0..stats.d).collect();
            gaussian(&all, *scale2, *noise2, stats, query)
        }
        Prior::Gaussian { scale2, noise2, nnz: Some(m) } => {
            // Streaming log-sum-exp over the supports, uniform prior: no per-support allocation.
            let (mut top, mut total, mut weighted, mut count) = (f64::NEG_INFINITY, 0.0, 0.0, 0usize);
            let mut supports = Combinations::new(stats.d, *m);
            while let Some(s) = supports.next_ref() {
                let p = gaussian_varying(s, *scale2, *noise2, stats, query);
                count += 1;
                if p.log_evidence > top {
                    let shrink = (top - p.log_evidence).exp();
                    total *= shrink;
                    weighted *= shrink;
                    top = p.log_evidence;
                }
                // Supports e^-40 below the best cannot move the sums.
                if p.log_evidence > top - 40.0 {
                    let e = (p.log_evidence - top).exp();
                    total += e;
                    weighted += e * p.prediction;
                }
            }
            let constant = gaussian_constant(*m, noise2 / scale2, *noise2, stats.n as f64);
            Posterior {
                log_evidence: top + total.ln() - (count as f64).ln() + constant,
                prediction: weighted / total,
                weights: vec![],
            }
        }
        Prior::Mixture(components) => {
            let parts: Vec<Posterior> = components.iter().map(|(_, p)| posterior(p, stats, query)).collect();
            let weights: Vec<f64> = components.iter().map(|(w, _)| *w).collect();
            combine(&weights, &parts, true)
        }
    }
}

/// Averages models by their posterior probabilities.
fn combine(prior_weights: &[f64], parts: &[Posterior], keep_weights: bool) -> Posterior {
    let logs: Vec<f64> = prior_weights
        .iter()
        .zip(parts)
        .map(|(w, p)| if *w > 0.0 { w.ln() + p.log_evidence } else { f64::NEG_INFINITY })
        .collect();
    let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = logs.iter().map(|l| (l - top).exp()).collect();
    let total: f64 = exps.iter().sum();
    let weights: Vec<f64> = exps.iter().map(|e| e / total).collect();
    Posterior {
        log_evidence: top + total.ln(),
        prediction: weights.iter().zip(parts).map(|(w, p)| w * p.prediction).sum(),
        weights: if keep_weights { weights } else { vec![] },
    }
}

/// The Gaussian model on `support`: ridge posterior mean and the exact marginal likelihood
/// (Woodbury form, so only an m×m system is solved).
fn gaussian(support: &[usize], scale2: f64, noise2: f64, s: &Stats, query: &[f64]) -> Posterior {
    let n = s.n as f64;
    let mut p = gaussian_varying(support, scale2, noise2, s, query);
    p.log_evidence += gaussian_constant(support.len(), noise2 / scale2, noise2, n);
    p
}

/// [`gaussian`] without the terms common to every support of one size.
fn gaussian_varying(support: &[usize], scale2: f64, noise2: f64, s: &Stats, query: &[f64]) -> Posterior {
    let (m, d) = (support.len(), s.d);
    let lambda = noise2 / scale2;
    // Small supports (the sparse case, enumerated thousands of times) stay on the stack.
    let mut stack = [0.0f64; 16];
    let mut heap = Vec::new();
    let a: &mut [f64] = if m * m <= stack.len() {
        &mut stack[..m * m]
    } else {
        heap.resize(m * m, 0.0);
        &mut heap
    };
    for (i, &si) in support.iter().enumerate() {
        for (j, &sj) in support.iter().enumerate() {
            a[i * m + j] = s.gram[si * d + sj];
        }
        a[i * m + i] += lambda;
    }
    let mut zs = [0.0f64; 8];
    let mut zh = Vec::new();
    let z: &mut [f64] = if m <= zs.len() {
        &mut zs[..m]
    } else {
        zh.resize(m, 0.0);
        &mut zh
    };
    for (zi, &i) in z.iter_mut().zip(support) {
        *zi = s.xty[i];
    }
    let log_det = cholesky_solve(a, m, z);
    let fit: f64 = support.iter().zip(z.iter()).map(|(&i, q)| s.xty[i] * q).sum();
    let log_evidence = -(s.yty - fit) / (2.0 * noise2) - 0.5 * log_det;
    let prediction = support.iter().zip(z.iter()).map(|(&i, w)| query[i] * w).sum();
    Posterior { log_evidence, prediction, weights: vec![] }
}

/// The part of a Gaussian model's log evidence that depends only on the support's size.
fn gaussian_constant(m: usize, lambda: f64, noise2: f64, n: f64) -> f64 {
    0.5 * m as f64 * lambda.ln() - 0.5 * n * (2.0 * std::f64::consts::PI * noise2).ln()
}

/// Solves A z = b in place (`z` holds b) for symmetric positive-definite A (overwritten by its
/// LDLᵀ factors: no square roots, one reciprocal per pivot); returns log|A| = Σ log D, taking one
/// logarithm per 16 pivots (products of 16 stay in range).
fn cholesky_solve(a: &mut [f64], m: usize, z: &mut [f64]) -> f64 {
    let (mut log_det, mut det) = (0.0, 1.0);
    let mut inv = [0.0f64; 8];
    let mut inv_heap = Vec::new();
    let inv: &mut [f64] = if m <= inv.len() {
        &mut inv[..m]
    } else {
        inv_heap.resize(m, 0.0);
        &mut inv_heap
    };
    for j in 0..m {
        // D_j = A_jj − Σ_k L_jk² D_k, with L_jk stored below the diagonal and D_k on it.
        let mut dj = a[j * m + j];
        for k in 0..j {
            dj -= a[j * m + k] * a[j * m + k] * a[k * m + k];
        }
        let dj = dj.max(1e-300);
        a[j * m + j] = dj;
        inv[j] = 1.0 / dj;
        det *= dj;
        if j % 16 == 15 {
            log_det += det.ln();
            det = 1.0;
        }
        for i in j + 1..m {
            let mut v = a[i * m + j];
            for k in 0..j {
                v -= a[i * m + k] * a[j * m + k] * a[k * m + k];
            }
            a[i * m + j] = v * inv[j];
        }
    }
    for i in 0..m {
        for k in 0..i {
            z[i] -= a[i * m + k] * z[k];
        }
    }
    for i in 0..m {
        z[i] *= inv[i];
    }
    for i in (0..m).rev() {
        for k in i + 1..m {
            z[i] -= a[k * m + i] * z[k];
        }
    }
    log_det + det.ln()
}

/// The m-element subsets of 0..d in lexicographic order.
struct Combinations {
    d: usize,
    current: Option<Vec<usize>>,
    started: bool,
}

impl Combinations {
    fn new(d: usize, m: usize) -> Self {
        Combinations { d, current: if m <= d { Some((0..m).collect()) } else { None }, started: false }
    }
}

impl Combinations {
    /// The next subset, borrowed (no allocation).
    fn next_ref(&mut self) -> Option<&[usize]> {
        if self.started {
            let c = self.current.as_mut()?;
            let m = c.len();
            let mut i = m;
            loop {
                if i == 0 {
                    self.current = None;
                    return None;
                }
                i -= 1;
                if c[i] < self.d - m + i {
                    c[i] += 1;
                    for j in i + 1..m {
                        c[j] = c[j - 1] + 1;
                    }
                    break;
                }
            }
        }
        self.started = true;
        self.current.as_deref()
    }
}

impl Iterator for Combinations {
    type Item = Vec<usize>;

    fn next(&mut self) -> Option<Vec<usize>> {
        self.next_ref().map(<[usize]>::to_vec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ClassSpec;

    #[test]
    fn combinations_count() {
        assert_eq!(Combinations::new(5, 2).count(), 10);
        assert_eq!(Combinations::new(20, 3).count(), 1140);
        assert_eq!(Combinations::new(3, 0).count(), 1);
    }

    #[test]
    fn dense_noisy_bayes_is_ridge_with_alpha_noise_variance() {
        let mut rng = crate::rng::stream(1, "bayes");
        let (d, n) = (6, 4);
        let x: Vec<f64> = crate::tasks::gaussian(&mut rng, n * d).into_iter().map(f64::from).collect();
        let y: Vec<f64> = crate::tasks::gaussian(&mut rng, n).into_iter().map(f64::from).collect();
        let q: Vec<f64> = crate::tasks::gaussian(&mut rng, d).into_iter().map(f64::from).collect();
        let prior = Prior::of(&ClassSpec::Noisy {
            class: Box::new(ClassSpec::call("linear", [("scale", 1.0.into())])),
            std: 0.5,
        })
        .unwrap();
        let mut s = Stats::new(d);
        for (row, yi) in x.chunks(d).zip(&y) {
            s.push(row, *yi);
        }
        let bayes = posterior(&prior, &s, &q).prediction;
        let w = super::super::ridge(&x, n, d, &y, 0.25);
        let ridge: f64 = q.iter().zip(&w).map(|(a, b)| a * b).sum();
        assert!((bayes - ridge).abs() < 1e-9, "{bayes} vs {ridge}");
    }
}
