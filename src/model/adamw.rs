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
        AdamWSettings { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01 }
    }
}

/// The optimiser and its state, one moment pair per parameter in sorted-name order.
pub struct AdamW {
    params: Vec<(String, Var)>,
    m: Vec<Tensor>,
    v: Vec<Tensor>,
    step: u64,
    /// Whether each parameter gets weight decay.
    decays: Vec<bool>,
    /// Settings; `lr` may change between steps (schedules).
    pub settings: AdamWSettings,
}

impl AdamW {
    /// An optimiser over `params`.
    pub fn new(params: Vec<(String, Var)>, settings: AdamWSettings) -> Result<Self> {
        let m = params.iter().map(|(_, p)| p.zeros_like()).collect::<Result<Vec<_>>>()?;
        let v = m.clone();
        let decays = vec![true; params.len()];
        Ok(AdamW { params, m, v, step: 0, decays, settings })
    }

    /// Applies weight decay to matrices only (two or more dimensions), as nanoGPT does: not to
    /// biases or LayerNorm parameters.
    pub fn decay_only_matrices(&mut self) {
        self.decays = self.params.iter().map(|(_, p)| p.rank() >= 2).collect();
    }

    /// `(name, m, v)` for every parameter, in sorted-name order.
    pub fn moments(&self) -> impl Iterator<Item = (&str, &Tensor, &Tensor)> {
        self.params.iter().zip(self.m.iter().zip(&self.v)).map(|((n, _), (m, v))| (n.as_str(), m, v))
    }

    /// The parameter names, in the order of [`AdamW::moments`].
    pub fn names(&self) -> Vec<String> {
        self.params.iter().map(|(n, _)| n.clone()).collect()
    }

    /// Updates taken so far.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// Restores the state saved by a checkpoint.
    pub fn restore(&mut self, step: u64, m: Vec<Tensor>, v: Vec<Tensor>) {
        self.step = step;
        self.m = m;
        self.v = v;
    }

    /// The global L2 norm of the gradients.
    fn grad_norm(&self, grads: &GradStore) -> Result<f64> {
        let mut total = 0f64;
        for (_, p) in &self.params {
            if let Some(g) = grads.get(p.as_tensor()) {
                total += g.sqr()?.sum_all()?.to_scalar::<f32>()? as f64;
            }
        }
        Ok(total.sqrt())
    }

    /// One update from the gradients in `grads`, first scaled so that their global norm is at
    /// most `clip`; parameters without a gradient are left alone.
    pub fn step(&mut self, grads: &GradStore, clip: Option<f64>) -> Result<()> {
        self.step += 1;
        let s = self.settings;
        let scale = match clip {
            Some(c) => {
                let norm = self.grad_norm(grads)?;
                if norm > c { c / norm } else { 1.0 }
            }
            None => 1.0,
        };
        let t = self.step as i32;
        let bc1 = 1.0 - s.beta1.powi(t);
        let bc2 = 1.0 - s.beta2.powi(t);
        for (((_, p), decays), (m, v)) in
            self.params.iter().zip(&self.decays).zip(self.m.iter_mut().zip(self.v.iter_mut()))
        {
            let Some(g) = grads.get(p.as_tensor()) else {
                continue;
            };
            // Gradients carry the op graph of the backward pass; the moments must not, or every
            // step would chain onto the last and memory would grow without bound.
            let g = if scale == 1.0 { g.detach() } else { (g.detach() * scale)? };
            *m = ((&*m * s.beta1)? + (&g * (1.0 - s.beta1))?)?.detach();
            *v = ((&*v * s.beta2)? + (g.sqr()? * (1.0 - s.beta2))?)?.detach();
            let wd = if *decays { s.weight_decay } else { 0.0 };
            let decayed = (p.as_tensor().detach() * (1.0 - s.lr * wd))?;
            let denom = ((v.sqrt()? / bc2.sqrt())? + s.eps)?;
            let update = ((&*m / denom)? * (s.lr / bc1))?;
            p.set(&(decayed - update)?)?;
        }
        Ok(())
    }
}
