//! AdamW as PyTorch computes it: decoupled weight decay, bias-corrected moments; and plain SGD
//! (the same clipping and decoupled decay, no moments) for the models whose papers train with it.
use super::flat::FlatLayout;

/// AdamW hyper-parameters.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AdamWSettings {
    /// Learning rate.
    pub lr: f64,
    /// First-moment decay.
    pub beta1: f64,
    /// Second-moment decay.
    pub beta2: f64,
    /// Added to the root of the second moment.
    pub eps: f64,
    /// Decoupled weight decay (applied to every parameter).
    pub weight_decay: f64,
    /// The spec's optimiser: AdamW, or plain SGD, p ← p·(1 − lr·decay) − lr·g (the betas and
    /// eps unused).
    #[serde(default)]
    pub optimizer: crate::spec::Optimizer,
}

impl Default for AdamWSettings {
    /// PyTorch's defaults.
    fn default() -> Self {
        AdamWSettings {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.01,
            optimizer: crate::spec::Optimizer::AdamW,
        }
    }
}

/// The optimiser and its state: moments laid out like the flat parameter buffer (none for SGD).
pub struct AdamW {
    layout: FlatLayout,
    m: Vec<f32>,
    v: Vec<f32>,
    step: u64,
    /// Whether each parameter (in layout order) gets weight decay.
    decays: Vec<bool>,
    /// Settings; `lr` may change between steps (schedules).
    pub settings: AdamWSettings,
}

impl AdamW {
    /// An optimiser over parameters laid out as `layout`.
    pub fn new(layout: &FlatLayout, settings: AdamWSettings) -> Self {
        // Plain SGD keeps no moments: nothing to allocate, checkpoint or restore.
        let n = if settings.optimizer == crate::spec::Optimizer::Sgd { 0 } else { layout.len() };
        let decays = vec![true; layout.entries().count()];
        AdamW { layout: layout.clone(), m: vec![0.0; n], v: vec![0.0; n], step: 0, decays, settings }
    }

    /// Applies weight decay to matrices only (two or more dimensions), as nanoGPT does: not to
    /// biases or LayerNorm parameters.
    pub fn decay_only_matrices(&mut self) {
        self.decays = self.layout.entries().map(|(_, shape, _)| shape.len() >= 2).collect();
    }

    /// The first and second moments, laid out like the parameters; empty for SGD.
    pub fn moments(&self) -> (&[f32], &[f32]) {
        (&self.m, &self.v)
    }

    /// The parameter layout the moments follow.
    pub fn layout(&self) -> &FlatLayout {
        &self.layout
    }

    /// Updates taken so far.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// Restores the state saved by a checkpoint.
    pub fn restore(&mut self, step: u64, m: Vec<f32>, v: Vec<f32>) {
        self.step = step;
        self.m = m;
        self.v = v;
    }

    /// One update of `params` from `grads` (both laid out like the moments), the gradients first
    /// scaled so that their global L2 norm is at most `clip`.
    pub fn step(&mut self, params: &mut [f32], grads: &[f32], clip: Option<f64>) {
        self.step += 1;
        let s = self.settings;
        let scale = match clip {
            Some(c) => {
                let norm = grads.iter().map(|&g| g as f64 * g as f64).sum::<f64>().sqrt();
                if norm > c { (c / norm) as f32 } else { 1.0 }
            }
            None => 1.0,
        };
        let t = self.step as i32;
        let (bc1, bc2) = (1.0 - s.beta1.powi(t), 1.0 - s.beta2.powi(t));
        let (b1, b2, eps) = (s.beta1 as f32, s.beta2 as f32, s.eps as f32);
        let (step_size, root_bc2) = ((s.lr / bc1) as f32, bc2.sqrt() as f32);
        for ((_, _, range), decays) in self.layout.entries().zip(&self.decays) {
            let keep = if *decays { (1.0 - s.lr * s.weight_decay) as f32 } else { 1.0 };
            let r = range.clone();
            if s.optimizer == crate::spec::Optimizer::Sgd {
                let lr = s.lr as f32;
                params[r.clone()].iter_mut().zip(&grads[r]).for_each(|(p, &g)| *p = *p * keep - lr * g * scale);
                continue;
            }
            for (((p, &g), m), v) in
                params[r.clone()].iter_mut().zip(&grads[r.clone()]).zip(&mut self.m[r.clone()]).zip(&mut self.v[r])
            {
                let g = g * scale;
                *m = b1 * *m + (1.0 - b1) * g;
                *v = b2 * *v + (1.0 - b2) * g * g;
                *p = *p * keep - step_size * *m / (v.sqrt() / root_bc2 + eps);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device, Var};

    struct One(Var);
    impl super::super::flat::Weights for One {
        fn named(&self) -> Vec<(String, Var)> {
            vec![("w".into(), self.0.clone())]
        }
    }

    #[test]
    fn sgd_steps_against_the_gradient_with_clipping_and_decoupled_decay() {
        let w = One(Var::zeros(2, DType::F32, &Device::Cpu).unwrap());
        let layout = FlatLayout::of(&w);
        let sgd = AdamWSettings {
            lr: 0.1,
            weight_decay: 0.5,
            optimizer: crate::spec::Optimizer::Sgd,
            ..AdamWSettings::default()
        };
        let mut opt = AdamW::new(&layout, sgd);
        let mut p = vec![1.0f32, -2.0];
        // |g| = 5 clipped to 1: g·(1/5); decay keeps 1 − 0.1·0.5 = 0.95 of the weights.
        opt.step(&mut p, &[3.0, 4.0], Some(1.0));
        assert!((p[0] - (0.95 - 0.1 * 0.6)).abs() < 1e-6 && (p[1] - (-1.9 - 0.1 * 0.8)).abs() < 1e-6, "{p:?}");
        assert!(opt.moments().0.is_empty() && opt.moments().1.is_empty(), "no moments");
    }
}
