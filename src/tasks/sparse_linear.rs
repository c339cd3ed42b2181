//! Sparse linear functions: as `linear` with all but `nnz` coordinates of w, chosen uniformly,
//! set to zero (Garg et al.'s `SparseLinearRegression`).
use super::FunctionClass;
use super::linear::apply_linear;
use crate::rng::Rng;
use rand::seq::index::sample;

/// The sparse linear class.
#[derive(Debug, Clone, Copy)]
pub struct SparseLinear {
    /// Non-zero coordinates.
    pub nnz: usize,
    /// Output scale.
    pub scale: f64,
}

impl SparseLinear {
    /// One weight vector.
    pub fn draw(&self, rng: &mut Rng, d: usize) -> Vec<f32> {
        let dense = super::gaussian(rng, d);
        let mut w = vec![0f32; d];
        for i in sample(rng, d, self.nnz.min(d)) {
            w[i] = dense[i];
        }
        w
    }
}

impl FunctionClass for SparseLinear {
    fn sample_and_apply(&self, rng: &mut Rng, xs: &[f32], d: usize, ys: &mut [f32]) -> usize {
        let w = self.draw(rng, d);
        apply_linear(&w, self.scale as f32, xs, ys);
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_nnz_nonzeros_on_uniform_coordinates() {
        let mut rng = crate::rng::stream(1, "t");
        let c = SparseLinear { nnz: 3, scale: 1.0 };
        let mut hits = [0usize; 8];
        for _ in 0..4000 {
            let w = c.draw(&mut rng, 8);
            assert_eq!(w.iter().filter(|v| **v != 0.0).count(), 3);
            for (h, v) in hits.iter_mut().zip(&w) {
                *h += usize::from(*v != 0.0);
            }
        }
        // Each coordinate is kept with probability 3/8: 1500 of 4000, sd ≈ 31.
        assert!(hits.iter().all(|h| (*h as f64 - 1500.0).abs() < 3.0 * 31.0), "{hits:?}");
    }
}
