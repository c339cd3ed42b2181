//! Quadratic functions: f(x) = (x²)·w / sqrt(3), w ~ N(0, I_d) (Garg et al.'s `QuadraticRegression`).
use super::FunctionClass;
use crate::rng::Rng;

/// The quadratic class.
#[derive(Debug, Clone, Copy)]
pub struct Quadratic;

impl FunctionClass for Quadratic {
    fn sample_and_apply(&self, rng: &mut Rng, xs: &[f32], d: usize, _live: usize, ys: &mut [f32]) -> usize {
        let w = super::gaussian(rng, d);
        let scale = 1.0 / 3f32.sqrt();
        for (x, y) in xs.chunks(d).zip(ys.iter_mut()) {
            *y = scale * x.iter().zip(&w).map(|(a, b)| a * a * b).sum::<f32>();
        }
        0
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
        let b = super::super::sample_batch(&Quadratic, &InputSpec::Normal, &mut rng, 4000, 4, 4, 4);
        let var = b.ys.iter().map(|y| (y * y) as f64).sum::<f64>() / b.ys.len() as f64;
        assert!((var - 4.0).abs() < 0.5, "{var}");
    }
}
