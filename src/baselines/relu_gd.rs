//! Garg et al.'s baseline for ReLU tasks: a fresh two-layer ReLU network (PyTorch's default init)
//! trained on the context by full-batch Adam on squared error, then evaluated at the query.
use crate::rng::Rng;
use rand::Rng as _;

/// Trains `Linear(d, hidden) → ReLU → Linear(hidden, 1)` for `steps` Adam steps of size `lr` on
/// the `n` context points and predicts at `query`.
#[allow(clippy::too_many_arguments)]
pub fn relu_gd_predict(
    x: &[f64],
    n: usize,
    d: usize,
    y: &[f64],
    query: &[f64],
    hidden: usize,
    steps: usize,
    lr: f64,
    rng: &mut Rng,
) -> f64 {
    let h = hidden;
    let (b1, b2) = (1.0 / (d as f64).sqrt(), 1.0 / (h as f64).sqrt());
    // Parameters: w1 (h, d), c1 (h), w2 (h), c2.
    let mut p: Vec<f64> = (0..h * d).map(|_| rng.random_range(-b1..b1)).collect();
    p.extend((0..h).map(|_| rng.random_range(-b1..b1)));
    p.extend((0..h).map(|_| rng.random_range(-b2..b2)));
    p.push(rng.random_range(-b2..b2));
    let (w1, c1, w2, c2) = (0, h * d, h * d + h, h * d + 2 * h);
    let forward = |p: &[f64], xi: &[f64], act: &mut [f64]| -> f64 {
        let mut out = p[c2];
        for j in 0..h {
            let pre: f64 = p[c1 + j] + (0..d).map(|t| p[w1 + j * d + t] * xi[t]).sum::<f64>();
            act[j] = pre.max(0.0);
            out += p[w2 + j] * act[j];
        }
        out
    };
    let (mut m, mut v) = (vec![0.0; p.len()], vec![0.0; p.len()]);
    let mut act = vec![0.0; h];
    for step in 1..=steps {
        let mut g = vec![0.0; p.len()];
        for (xi, yi) in x.chunks(d).take(n).zip(y) {
            let out = forward(&p, xi, &mut act);
            let e = 2.0 * (out - yi) / n as f64;
            g[c2] += e;
            for j in 0..h {
                g[w2 + j] += e * act[j];
                if act[j] > 0.0 {
                    let back = e * p[w2 + j];
                    g[c1 + j] += back;
                    for t in 0..d {
                        g[w1 + j * d + t] += back * xi[t];
                    }
                }
            }
        }
        let (bc1, bc2) = (1.0 - 0.9f64.powi(step as i32), 1.0 - 0.999f64.powi(step as i32));
        for i in 0..p.len() {
            m[i] = 0.9 * m[i] + 0.1 * g[i];
            v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
            p[i] -= lr * (m[i] / bc1) / ((v[i] / bc2).sqrt() + 1e-8);
        }
    }
    forward(&p, query, &mut act)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_a_line_through_its_context() {
        let mut rng = crate::rng::stream(1, "relu-gd");
        let x: Vec<f64> = (0..20).map(|i| i as f64 / 10.0 - 1.0).collect();
        let y: Vec<f64> = x.iter().map(|v| 2.0 * v).collect();
        let pred = relu_gd_predict(&x, 20, 1, &y, &[0.5], 20, 500, 1e-2, &mut rng);
        assert!((pred - 1.0).abs() < 0.1, "{pred}");
    }
}
