//! Quadratic functions: f(x) = (x²)·w / sqrt(3), w ~ N(0, I_d) (Garg et al.'s `QuadraticRegression`).
use crate::rng::Rng;
use crate::spec::FamilyCall;
use crate::tasks::{Family, FunctionClass, ParamDecl};

/// The quadratic class.
#[derive(Debug, Clone, Copy)]
pub struct Quadratic;

impl FunctionClass for Quadratic {
    fn sample_and_apply(&self, rng: &mut Rng, xs: &[f32], d: usize, _live: usize, ys: &mut [f32]) -> usize {
        let w = crate::tasks::gaussian(rng, d);
        let scale = 1.0 / 3f32.sqrt();
        for (x, y) in xs.chunks(d).zip(ys.iter_mut()) {
            *y = scale * x.iter().zip(&w).map(|(a, b)| a * a * b).sum::<f32>();
        }
        0
    }
}

/// `quadratic()`.
pub static FAMILY: &dyn Family = &QuadraticFamily;

struct QuadraticFamily;

impl Family for QuadraticFamily {
    fn name(&self) -> &'static str {
        "quadratic"
    }
    fn definition(&self) -> &'static str {
        "f(x) = (x²)·w / sqrt(3), w ~ N(0, I_d)"
    }
    fn params(&self) -> &'static [ParamDecl] {
        &[]
    }
    fn sampler(&self, _call: &FamilyCall) -> Result<Box<dyn FunctionClass>, String> {
        Ok(Box::new(Quadratic))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::InputSpec;

    #[test]
    fn variance_is_d() {
        // E[(x²)ᵀw]² = Σ E[x⁴] = 3d, divided by 3.
        let mut rng = crate::rng::stream(6, "t");
        let b = crate::tasks::sample_batch(&Quadratic, &InputSpec::Normal, &mut rng, 4000, 4, 4, 4);
        let var = b.ys.iter().map(|y| (y * y) as f64).sum::<f64>() / b.ys.len() as f64;
        assert!((var - 4.0).abs() < 0.5, "{var}");
    }
}
