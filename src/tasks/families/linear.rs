//! Dense linear functions: f(x) = scale · w·x with w ~ N(0, I_d) (Garg et al.'s `LinearRegression`).
use crate::rng::Rng;
use crate::spec::FamilyCall;
use crate::tasks::{Family, FunctionClass, ParamDecl};

/// The dense linear class.
#[derive(Debug, Clone, Copy)]
pub struct Linear {
    /// Output scale.
    pub scale: f64,
}

/// `ys[i] = scale · w·xs[i]`.
pub(crate) fn apply_linear(w: &[f32], scale: f32, xs: &[f32], ys: &mut [f32]) {
    for (x, y) in xs.chunks(w.len()).zip(ys.iter_mut()) {
        *y = scale * x.iter().zip(w).map(|(a, b)| a * b).sum::<f32>();
    }
}

impl FunctionClass for Linear {
    fn sample_and_apply(&self, rng: &mut Rng, xs: &[f32], d: usize, _live: usize, ys: &mut [f32]) -> usize {
        let w = crate::tasks::gaussian(rng, d);
        apply_linear(&w, self.scale as f32, xs, ys);
        0
    }
}

/// `linear(scale = 1)`.
pub static FAMILY: &dyn Family = &LinearFamily;

struct LinearFamily;

impl Family for LinearFamily {
    fn name(&self) -> &'static str {
        "linear"
    }
    fn definition(&self) -> &'static str {
        "f(x) = scale · w·x, w ~ N(0, I_d)"
    }
    fn params(&self) -> &'static [ParamDecl] {
        const PARAMS: &[ParamDecl] = &[ParamDecl::float("scale", 1.0)];
        PARAMS
    }
    fn sampler(&self, call: &FamilyCall) -> Result<Box<dyn FunctionClass>, String> {
        Ok(Box::new(Linear { scale: call.float("scale")? }))
    }
    fn linear_prior(&self, call: &FamilyCall) -> Option<crate::tasks::LinearPrior> {
        Some(crate::tasks::LinearPrior { scale: call.float("scale").ok()?, nnz: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::InputSpec;

    #[test]
    fn y_variance_is_about_d() {
        let mut rng = crate::rng::stream(3, "test");
        let batch = crate::tasks::sample_batch(&Linear { scale: 1.0 }, &InputSpec::Normal, &mut rng, 4000, 4, 5, 5);
        let var = batch.ys.iter().map(|y| (y * y) as f64).sum::<f64>() / batch.ys.len() as f64;
        // Var(w·x) = d for w, x ~ N(0, I); 16000 draws of a heavy-ish product: allow 10%.
        assert!((var - 5.0).abs() < 0.5, "variance {var}");
    }
}
