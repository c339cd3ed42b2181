//! Sparse linear functions: as `linear` with all but `nnz` coordinates of w, chosen uniformly
//! among the live ones, set to zero (Garg et al.'s `SparseLinearRegression` with `valid_coords`).
use super::linear::apply_linear;
use crate::rng::Rng;
use crate::spec::FamilyCall;
use crate::tasks::{Bound, Family, FunctionClass, LinearPrior, ParamDecl};
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
    /// One weight vector whose support lies among the first `live` coordinates. Under a
    /// curriculum the others are zero in every x: a support drawn there would make the function
    /// vanish on the prompt and teach the model to predict zero.
    pub fn draw(&self, rng: &mut Rng, d: usize, live: usize) -> Vec<f32> {
        let live = live.clamp(1, d);
        let dense = crate::tasks::gaussian(rng, d);
        let mut w = vec![0f32; d];
        for i in sample(rng, live, self.nnz.min(live)) {
            w[i] = dense[i];
        }
        w
    }
}

impl FunctionClass for SparseLinear {
    fn sample_and_apply(&self, rng: &mut Rng, xs: &[f32], d: usize, live: usize, ys: &mut [f32]) -> usize {
        let w = self.draw(rng, d, live);
        apply_linear(&w, self.scale as f32, xs, ys);
        0
    }
}

/// `sparse_linear(nnz, scale = 1)`.
pub static FAMILY: &dyn Family = &SparseLinearFamily;

struct SparseLinearFamily;

impl Family for SparseLinearFamily {
    fn name(&self) -> &'static str {
        "sparse_linear"
    }
    fn definition(&self) -> &'static str {
        "as `linear` with all but `nnz` coordinates of w (chosen uniformly among the live ones) zero"
    }
    fn params(&self) -> &'static [ParamDecl] {
        const PARAMS: &[ParamDecl] = &[ParamDecl::int("nnz", None, 1.0, Bound::Dim), ParamDecl::float("scale", 1.0)];
        PARAMS
    }
    fn sampler(&self, call: &FamilyCall) -> Result<Box<dyn FunctionClass>, String> {
        Ok(Box::new(SparseLinear { nnz: call.int("nnz")?, scale: call.float("scale")? }))
    }
    fn linear_prior(&self, call: &FamilyCall) -> Option<LinearPrior> {
        Some(LinearPrior { scale: call.float("scale").ok()?, nnz: Some(call.int("nnz").ok()?) })
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
            let w = c.draw(&mut rng, 8, 8);
            assert_eq!(w.iter().filter(|v| **v != 0.0).count(), 3);
            for (h, v) in hits.iter_mut().zip(&w) {
                *h += usize::from(*v != 0.0);
            }
        }
        // Each coordinate is kept with probability 3/8: 1500 of 4000, sd ≈ 31.
        assert!(hits.iter().all(|h| (*h as f64 - 1500.0).abs() < 3.0 * 31.0), "{hits:?}");
    }

    #[test]
    fn the_support_stays_among_the_live_coordinates() {
        let mut rng = crate::rng::stream(2, "t");
        let c = SparseLinear { nnz: 2, scale: 1.0 };
        let mut hits = [0usize; 5];
        for _ in 0..3000 {
            let w = c.draw(&mut rng, 5, 3);
            assert_eq!(w.iter().filter(|v| **v != 0.0).count(), 2);
            for (h, v) in hits.iter_mut().zip(&w) {
                *h += usize::from(*v != 0.0);
            }
        }
        assert_eq!(&hits[3..], &[0, 0], "no weight on a dead coordinate");
        // Each live coordinate is kept with probability 2/3: 2000 of 3000, sd ≈ 26.
        assert!(hits[..3].iter().all(|h| (*h as f64 - 2000.0).abs() < 3.0 * 26.0), "{hits:?}");
        // More non-zeros than live coordinates: every live one (Garg's `perm[:sparsity]`).
        let w = SparseLinear { nnz: 4, scale: 1.0 }.draw(&mut rng, 5, 2);
        assert_eq!(w.iter().map(|v| *v != 0.0).collect::<Vec<_>>(), [true, true, false, false, false]);
    }
}
