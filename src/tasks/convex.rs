//! Convex combinations λ f₁ + (1 − λ) f₂ with f₁, f₂ drawn independently from their classes.
use super::{FunctionClass, sample_param};
use crate::rng::Rng;
use crate::spec::Param;

/// A convex combination of two classes.
pub struct Convex {
    /// f₁'s class.
    pub first: Box<dyn FunctionClass>,
    /// f₂'s class.
    pub second: Box<dyn FunctionClass>,
    /// λ.
    pub lambda: Param,
}

impl FunctionClass for Convex {
    fn sample_and_apply(&self, rng: &mut Rng, xs: &[f32], d: usize, live: usize, ys: &mut [f32]) -> usize {
        let lambda = sample_param(&self.lambda, rng) as f32;
        let mut other = vec![0f32; ys.len()];
        self.first.sample_and_apply(rng, xs, d, live, ys);
        self.second.sample_and_apply(rng, xs, d, live, &mut other);
        for (y, o) in ys.iter_mut().zip(&other) {
            *y = lambda * *y + (1.0 - lambda) * o;
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::InputSpec;
    use crate::tasks::linear::Linear;

    #[test]
    fn variance_of_independent_parts() {
        // λ f₁ + (1 − λ) f₂ with independent linear parts: variance (λ² + (1 − λ)²) d.
        let c = Convex {
            first: Box::new(Linear { scale: 1.0 }),
            second: Box::new(Linear { scale: 1.0 }),
            lambda: Param::fixed(0.25),
        };
        let mut rng = crate::rng::stream(9, "t");
        let b = super::super::sample_batch(&c, &InputSpec::Normal, &mut rng, 4000, 4, 4, 4);
        let var = b.ys.iter().map(|y| (y * y) as f64).sum::<f64>() / b.ys.len() as f64;
        assert!((var - 0.625 * 4.0).abs() < 0.25, "{var}");
    }
}
