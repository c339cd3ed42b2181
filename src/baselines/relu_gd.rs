//! Garg et al.'s baseline for ReLU tasks: a fresh two-layer ReLU network (PyTorch's default init)
//! trained on the context by full-batch Adam on squared error, then evaluated at the query.
//!
//! It trains one network per (prompt, position) — tens of thousands per evaluation — so the step is
//! written as register-blocked f32 loops the compiler turns into FMA vector code: the hidden layer
//! is padded to whole lanes (padded units have zero weights, zero gradients and stay zero under Adam,
//! so the result is the unpadded network's).
use crate::rng::Rng;
use rand::Rng as _;

use crate::lanes::{L, Strided, dot, product};

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
    let mut net = Net::init(d, hidden, rng);
    let xs: Vec<f32> = x[..n * d].iter().map(|&v| v as f32).collect();
    let ys: Vec<f32> = y[..n].iter().map(|&v| v as f32).collect();
    let mut work = Work::new(n, net.hp, d);
    let mut adam = Adam::new(net.p.len());
    for step in 1..=steps {
        net.gradient(&xs, &ys, &mut work);
        adam.step(&mut net.p, &work.g, lr as f32, step);
    }
    let q: Vec<f32> = query.iter().map(|&v| v as f32).collect();
    let mut act = vec![0f32; net.hp];
    net.forward(&q, 1, &mut act)[0] as f64
}

/// Parameters in one buffer: `w1 (d, hp) | c1 (hp) | w2 (hp) | c2`, hidden padded to `hp`.
struct Net {
    p: Vec<f32>,
    d: usize,
    hp: usize,
}

/// Buffers reused across steps.
struct Work {
    act: Vec<f32>,  // (n, hp)
    back: Vec<f32>, // (n, hp): d loss / d pre-activation
    out: Vec<f32>,  // (n)
    g: Vec<f32>,    // like Net::p
}

impl Work {
    fn new(n: usize, hp: usize, d: usize) -> Self {
        Work { act: vec![0.0; n * hp], back: vec![0.0; n * hp], out: vec![0.0; n], g: vec![0.0; d * hp + 2 * hp + 1] }
    }
}

impl Net {
    /// PyTorch's default `nn.Linear` init: U(±1/sqrt(fan_in)) for weights and biases.
    fn init(d: usize, h: usize, rng: &mut Rng) -> Self {
        let hp = h.div_ceil(L) * L;
        let (b1, b2) = (1.0 / (d as f64).sqrt(), 1.0 / (h as f64).sqrt());
        let mut p = vec![0f32; d * hp + 2 * hp + 1];
        for j in 0..h {
            for t in 0..d {
                p[t * hp + j] = rng.random_range(-b1..b1) as f32;
            }
        }
        for j in 0..h {
            p[d * hp + j] = rng.random_range(-b1..b1) as f32;
        }
        for j in 0..h {
            p[d * hp + hp + j] = rng.random_range(-b2..b2) as f32;
        }
        p[d * hp + 2 * hp] = rng.random_range(-b2..b2) as f32;
        Net { p, d, hp }
    }

    fn parts(&self) -> (&[f32], &[f32], &[f32], f32) {
        let (d, hp) = (self.d, self.hp);
        let (w1, rest) = self.p.split_at(d * hp);
        let (c1, rest) = rest.split_at(hp);
        let (w2, c2) = rest.split_at(hp);
        (w1, c1, w2, c2[0])
    }

    /// Outputs at the `n` points `x (n, d)`; fills `act (n, hp)` with the hidden activations.
    fn forward(&self, x: &[f32], n: usize, act: &mut [f32]) -> Vec<f32> {
        let (d, hp) = (self.d, self.hp);
        let (w1, c1, w2, c2) = self.parts();
        // pre (n, hp) = c1 + X (n, d) · W1 (d, hp)
        let a = Strided::t(x, d);
        product(&a, d, n, w1, hp, Some(c1), act);
        act.iter_mut().for_each(|v| *v = v.max(0.0));
        (0..n).map(|i| c2 + dot(&act[i * hp..(i + 1) * hp], w2)).collect()
    }

    /// Fills `work.g` with the gradient of the mean squared error over the `n` points.
    fn gradient(&self, x: &[f32], y: &[f32], work: &mut Work) {
        let (d, hp, n) = (self.d, self.hp, y.len());
        work.out = self.forward(x, n, &mut work.act);
        let (_, _, w2, _) = self.parts();
        let g = &mut work.g;
        g.fill(0.0);
        let (gw1, rest) = g.split_at_mut(d * hp);
        let (gc1, rest) = rest.split_at_mut(hp);
        let (gw2, gc2) = rest.split_at_mut(hp);
        let rows = work.act.chunks_exact(hp).zip(work.back.chunks_exact_mut(hp));
        for (((act, back), out), target) in rows.zip(&work.out).zip(y) {
            let e = 2.0 * (out - target) / n as f32;
            gc2[0] += e;
            for j in 0..hp {
                gw2[j] = e.mul_add(act[j], gw2[j]);
                back[j] = if act[j] > 0.0 { e * w2[j] } else { 0.0 };
                gc1[j] += back[j];
            }
        }
        // gw1 (d, hp) = Xᵀ (d, n) · Back (n, hp)
        let a = Strided::rows(x, d);
        product(&a, n, d, &work.back, hp, None, gw1);
    }
}

/// PyTorch's Adam (β = 0.9, 0.999, ε = 1e-8, no weight decay).
struct Adam {
    m: Vec<f32>,
    v: Vec<f32>,
}

impl Adam {
    fn new(len: usize) -> Self {
        Adam { m: vec![0.0; len], v: vec![0.0; len] }
    }

    fn step(&mut self, p: &mut [f32], g: &[f32], lr: f32, step: usize) {
        let (bc1, bc2) = (1.0 - 0.9f32.powi(step as i32), 1.0 - 0.999f32.powi(step as i32));
        let (a, inv_sqrt_bc2) = (lr / bc1, 1.0 / bc2.sqrt());
        for (((p, g), m), v) in p.iter_mut().zip(g).zip(&mut self.m).zip(&mut self.v) {
            *m = 0.9 * *m + 0.1 * g;
            *v = 0.999 * *v + 0.001 * g * g;
            *p -= a * *m / (v.sqrt() * inv_sqrt_bc2 + 1e-8);
        }
    }
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

    #[test]
    fn padded_units_stay_zero_and_the_gradient_matches_finite_differences() {
        let mut rng = crate::rng::stream(2, "relu-gd");
        let (n, d, h) = (5, 3, 7);
        let net = Net::init(d, h, &mut rng);
        let x: Vec<f32> = (0..n * d).map(|i| ((i * 7 % 11) as f32 - 5.0) / 4.0).collect();
        let y: Vec<f32> = (0..n).map(|i| i as f32 - 2.0).collect();
        let mut work = Work::new(n, net.hp, d);
        net.gradient(&x, &y, &mut work);
        let loss = |p: &[f32]| -> f64 {
            let probe = Net { p: p.to_vec(), d, hp: net.hp };
            let mut act = vec![0f32; n * net.hp];
            let out = probe.forward(&x, n, &mut act);
            out.iter().zip(&y).map(|(o, t)| ((o - t) as f64).powi(2)).sum::<f64>() / n as f64
        };
        for i in 0..net.p.len() {
            let padded = (i < d * net.hp && i % net.hp >= h) || (i >= d * net.hp && (i - d * net.hp) % net.hp >= h);
            if padded {
                assert_eq!(work.g[i], 0.0, "padded parameter {i} got a gradient");
                continue;
            }
            let (mut up, mut down) = (net.p.clone(), net.p.clone());
            up[i] += 1e-2;
            down[i] -= 1e-2;
            let numeric = (loss(&up) - loss(&down)) / 2e-2;
            assert!(
                (numeric - work.g[i] as f64).abs() < 1e-2 * (1.0 + numeric.abs()),
                "{i}: {numeric} vs {}",
                work.g[i]
            );
        }
    }
}
