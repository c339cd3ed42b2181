//! Mixtures Σ wᵢ D(Fᵢ): each prompt's class drawn with probability wᵢ; the index drawn is
//! returned so an evaluation can split by it.
use super::FunctionClass;
use crate::rng::Rng;
use rand::Rng as _;

/// A mixture of classes.
pub struct Mixture {
    /// Probabilities, summing to 1.
    pub weights: Vec<f64>,
    /// The classes.
    pub classes: Vec<Box<dyn FunctionClass>>,
}

impl FunctionClass for Mixture {
    fn sample_and_apply(&self, rng: &mut Rng, xs: &[f32], d: usize, live: usize, ys: &mut [f32]) -> usize {
        let u: f64 = rng.random();
        let mut acc = 0.0;
        let mut pick = self.classes.len() - 1;
        for (i, w) in self.weights.iter().enumerate() {
            acc += w;
            if u < acc {
                pick = i;
                break;
            }
        }
        self.classes[pick].sample_and_apply(rng, xs, d, live, ys);
        pick
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::InputSpec;
    use crate::tasks::{linear::Linear, sparse_linear::SparseLinear};

    #[test]
    fn component_frequencies_match_the_weights() {
        let m = Mixture {
            weights: vec![0.3, 0.7],
            classes: vec![Box::new(Linear { scale: 1.0 }), Box::new(SparseLinear { nnz: 1, scale: 1.0 })],
        };
        let mut rng = crate::rng::stream(8, "t");
        let b = super::super::sample_batch(&m, &InputSpec::Normal, &mut rng, 10_000, 2, 3, 3);
        let first = b.components.iter().filter(|c| **c == 0).count() as f64;
        // Binomial(10 000, 0.3): sd ≈ 45.8.
        assert!((first - 3000.0).abs() < 3.0 * 45.8, "{first}");
    }
}
