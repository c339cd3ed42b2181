//! Additive noise on any class: y = f(x) + N(0, std²).
use super::FunctionClass;
use crate::rng::Rng;
use rand_distr::{Distribution, StandardNormal};

/// `noisy(class, std)` in the language reference's class table.
pub const DEFINITION: &str = "y = f(x) + N(0, std²) for f from `class`";

/// A class with Gaussian observation noise.
pub struct Noisy {
    /// The noiseless class.
    pub inner: Box<dyn FunctionClass>,
    /// Noise standard deviation.
    pub std: f64,
}

impl FunctionClass for Noisy {
    fn sample_and_apply(&self, rng: &mut Rng, xs: &[f32], d: usize, live: usize, ys: &mut [f32]) -> usize {
        let component = self.inner.sample_and_apply(rng, xs, d, live, ys);
        for y in ys.iter_mut() {
            let z: f32 = StandardNormal.sample(rng);
            *y += self.std as f32 * z;
        }
        component
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::InputSpec;
    use crate::tasks::linear::Linear;

    #[test]
    fn adds_the_noise_variance() {
        let c = Noisy { inner: Box::new(Linear { scale: 1.0 }), std: 2.0 };
        let mut rng = crate::rng::stream(7, "t");
        let b = super::super::sample_batch(&c, &InputSpec::Normal, &mut rng, 4000, 4, 3, 3);
        let var = b.ys.iter().map(|y| (y * y) as f64).sum::<f64>() / b.ys.len() as f64;
        assert!((var - 7.0).abs() < 0.6, "{var}");
    }
}
