//! Two-layer ReLU networks: W₁ ~ N(0,1)^{d×h}, W₂ ~ N(0,1)^h, f(x) = sqrt(2/h) · W₂·relu(W₁ᵀx)
//! (Garg et al.'s `Relu2nnRegression`).
use crate::rng::Rng;
use crate::spec::FamilyCall;
use crate::tasks::{Bound, Family, FunctionClass, ParamDecl};

/// The ReLU network class.
#[derive(Debug, Clone, Copy)]
pub struct ReluNet {
    /// Hidden width h.
    pub hidden: usize,
}

impl FunctionClass for ReluNet {
    fn sample_and_apply(&self, rng: &mut Rng, xs: &[f32], d: usize, _live: usize, ys: &mut [f32]) -> usize {
        let h = self.hidden;
        let w1 = crate::tasks::gaussian(rng, d * h); // (d, h)
        let w2 = crate::tasks::gaussian(rng, h);
        let scale = (2.0 / h as f32).sqrt();
        for (x, y) in xs.chunks(d).zip(ys.iter_mut()) {
            let mut acc = 0f32;
            for j in 0..h {
                let pre: f32 = (0..d).map(|i| x[i] * w1[i * h + j]).sum();
                acc += pre.max(0.0) * w2[j];
            }
            *y = scale * acc;
        }
        0
    }
}

/// `relu_net(hidden = 100)`.
pub static FAMILY: &dyn Family = &ReluNetFamily;

struct ReluNetFamily;

impl Family for ReluNetFamily {
    fn name(&self) -> &'static str {
        "relu_net"
    }
    fn definition(&self) -> &'static str {
        "W₁ ~ N(0,1)^{d×h}, W₂ ~ N(0,1)^h, f(x) = sqrt(2/h) · W₂·relu(W₁ᵀx)"
    }
    fn params(&self) -> &'static [ParamDecl] {
        const PARAMS: &[ParamDecl] = &[ParamDecl::int("hidden", Some(100.0), 1.0, Bound::Value(65_536.0))];
        PARAMS
    }
    fn sampler(&self, call: &FamilyCall) -> Result<Box<dyn FunctionClass>, String> {
        Ok(Box::new(ReluNet { hidden: call.int("hidden")? }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::InputSpec;

    #[test]
    fn output_variance_matches_the_formula() {
        // E[relu(z)²] = ‖x‖²/2 for z = w·x, so Var f = (2/h) · h · E‖x‖²/2 = d.
        let mut rng = crate::rng::stream(2, "t");
        let b = crate::tasks::sample_batch(&ReluNet { hidden: 50 }, &InputSpec::Normal, &mut rng, 3000, 4, 4, 4);
        let var = b.ys.iter().map(|y| (y * y) as f64).sum::<f64>() / b.ys.len() as f64;
        assert!((var - 4.0).abs() < 0.4, "variance {var}");
    }
}
