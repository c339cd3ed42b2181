//! AdamW as PyTorch computes it: decoupled weight decay, bias-corrected moments.
use candle_core::{Result, Tensor, Var, backprop::GradStore};

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
        }
    }
}

/// The optimiser and its state, one moment pair per parameter in sorted-name order.
pub struct AdamW {
    params: Vec<(String, Var)>,
    m: Vec<Tensor>,
    v: Vec<Tensor>,
    step: u64,
    /// Settings; `lr` may change between steps (schedules).
    pub settings: AdamWSettings,
}

impl AdamW {
    /// An optimiser over `params`.
    pub fn new(params: Vec<(String, Var)>, settings: AdamWSettings) -> Result<Self> {
        let m = params
            .iter()
            .map(|(_, p)| p.zeros_like())
            .collect::<Result<Vec<_>>>()?;
        let v = m.clone();
        Ok(AdamW {
            params,
            m,
            v,
            step: 0,
            settings,
        })
    }

    /// One update from the gradients in `grads`; parameters without a gradient are left alone.
    pub fn step(&mut self, grads: &GradStore) -> Result<()> {
        self.step += 1;
        let s = self.settings;
        let t = self.step as i32;
        let bc1 = 1.0 - s.beta1.powi(t);
        let bc2 = 1.0 - s.beta2.powi(t);
        for ((_, p), (m, v)) in self
            .params
            .iter()
            .zip(self.m.iter_mut().zip(self.v.iter_mut()))
        {
            let Some(g) = grads.get(p.as_tensor()) else {
                continue;
            };
            // Gradients carry the op graph of the backward pass; the moments must not, or every
            // step would chain onto the last and memory would grow without bound.
            let g = g.detach();
            *m = ((&*m * s.beta1)? + (&g * (1.0 - s.beta1))?)?.detach();
            *v = ((&*v * s.beta2)? + (g.sqr()? * (1.0 - s.beta2))?)?.detach();
            let decayed = (p.as_tensor().detach() * (1.0 - s.lr * s.weight_decay))?;
            let denom = ((v.sqrt()? / bc2.sqrt())? + s.eps)?;
            let update = ((&*m / denom)? * (s.lr / bc1))?;
            p.set(&(decayed - update)?)?;
        }
        Ok(())
    }
}
