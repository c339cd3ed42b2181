//! Chebyshev polynomial regression, a class researchers added to Garg et al.'s code: an additive
//! polynomial f(x) = Σᵢ Σⱼ₌₀^degree cᵢⱼ Tⱼ(xᵢ) with cᵢⱼ ~ N(0, 1 / (d (degree + 1))), so that on
//! [-1, 1]^d the output's scale does not grow with d or the degree. Tⱼ comes from the recurrence
//! T₀ = 1, T₁ = x, Tⱼ₊₁ = 2x Tⱼ − Tⱼ₋₁, defined for every real x (it grows like (2x)ʲ outside
//! [-1, 1]).
use crate::rng::Rng;
use crate::spec::FamilyCall;
use crate::tasks::{Bound, Family, FunctionClass, ParamDecl};

/// `chebyshev(degree = 3)`.
pub static FAMILY: &dyn Family = &ChebyshevFamily;

struct ChebyshevFamily;

impl Family for ChebyshevFamily {
    fn name(&self) -> &'static str {
        "chebyshev"
    }
    fn definition(&self) -> &'static str {
        "f(x) = Σᵢ Σⱼ₌₀^degree cᵢⱼ Tⱼ(xᵢ), Tⱼ the Chebyshev polynomials, cᵢⱼ ~ N(0, 1/(d (degree + 1)))"
    }
    fn params(&self) -> &'static [ParamDecl] {
        const PARAMS: &[ParamDecl] = &[ParamDecl::int("degree", Some(3.0), 0.0, Bound::Value(12.0))];
        PARAMS
    }
    fn sampler(&self, call: &FamilyCall) -> Result<Box<dyn FunctionClass>, String> {
        Ok(Box::new(Chebyshev { degree: call.int("degree")? }))
    }
}

/// The Chebyshev class.
#[derive(Debug, Clone, Copy)]
pub struct Chebyshev {
    /// The highest degree of each coordinate's polynomial.
    pub degree: usize,
}

/// T₀(x) … T_degree(x) into `out`.
fn chebyshev_values(x: f32, out: &mut [f32]) {
    for j in 0..out.len() {
        out[j] = match j {
            0 => 1.0,
            1 => x,
            _ => 2.0 * x * out[j - 1] - out[j - 2],
        };
    }
}

impl FunctionClass for Chebyshev {
    fn sample_and_apply(&self, rng: &mut Rng, xs: &[f32], d: usize, _live: usize, ys: &mut [f32]) -> usize {
        let terms = self.degree + 1;
        let std = (1.0 / (d * terms) as f32).sqrt();
        let c: Vec<f32> = crate::tasks::gaussian(rng, d * terms).iter().map(|v| v * std).collect(); // (d, terms)
        let mut t = vec![0f32; terms];
        for (x, y) in xs.chunks(d).zip(ys.iter_mut()) {
            let mut acc = 0f32;
            for (i, &xi) in x.iter().enumerate() {
                chebyshev_values(xi, &mut t);
                acc += t.iter().zip(&c[i * terms..(i + 1) * terms]).map(|(a, b)| a * b).sum::<f32>();
            }
            *y = acc;
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_polynomials_are_cos_of_j_arccos_on_the_unit_interval() {
        let mut t = [0f32; 8];
        for i in 0..=20 {
            let x = -1.0 + i as f32 / 10.0;
            chebyshev_values(x, &mut t);
            for (j, v) in t.iter().enumerate() {
                let want = (j as f32 * x.acos()).cos();
                assert!((v - want).abs() < 1e-4, "T{j}({x}) = {v}, want {want}");
            }
        }
    }

    #[test]
    fn a_function_is_an_additive_polynomial_of_the_declared_degree() {
        // Degree 2 in one coordinate: f(x) = a + b x + c (2x² − 1), so the third differences of f
        // on an even grid vanish while the second do not.
        let class = Chebyshev { degree: 2 };
        let mut rng = crate::rng::stream(2, "cheb");
        let xs: Vec<f32> = (0..6).map(|i| -0.5 + 0.2 * i as f32).collect();
        let mut ys = vec![0f32; 6];
        class.sample_and_apply(&mut rng, &xs, 1, 1, &mut ys);
        let diff = |v: &[f32]| v.windows(2).map(|w| w[1] - w[0]).collect::<Vec<f32>>();
        let third = diff(&diff(&diff(&ys)));
        assert!(third.iter().all(|v| v.abs() < 1e-5), "{third:?}");
        assert!(diff(&diff(&ys)).iter().any(|v| v.abs() > 1e-4));
        // Additive in two coordinates: f(a, b) − f(a, 0) − f(0, b) + f(0, 0) = 0.
        let xs = [0.3f32, -0.7, 0.3, 0.0, 0.0, -0.7, 0.0, 0.0];
        let mut ys = [0f32; 4];
        Chebyshev { degree: 4 }.sample_and_apply(&mut rng, &xs, 2, 2, &mut ys);
        assert!((ys[0] - ys[1] - ys[2] + ys[3]).abs() < 1e-5, "{ys:?}");
    }

    #[test]
    fn outputs_on_the_unit_cube_have_about_unit_scale() {
        // E[f²] = Σ cᵢⱼ² E[Tⱼ(x)²]-ish ≤ 1 for x in [-1, 1]: on x = cos(θ), θ uniform, E[Tⱼ²] = 1/2
        // (1 for j = 0), so E[f²] = (1 + degree/2) / (degree + 1).
        let class = Chebyshev { degree: 3 };
        let mut rng = crate::rng::stream(3, "cheb-scale");
        let d = 4;
        let (mut sum, mut n) = (0f64, 0usize);
        for p in 0..3000 {
            let xs: Vec<f32> = (0..d * 4).map(|i| ((p * 31 + i * 17) as f32 * 0.37).cos()).collect();
            let mut ys = vec![0f32; 4];
            class.sample_and_apply(&mut rng, &xs, d, d, &mut ys);
            sum += ys.iter().map(|y| (y * y) as f64).sum::<f64>();
            n += 4;
        }
        let ms = sum / n as f64;
        assert!((ms - 2.5 / 4.0).abs() < 0.1, "mean square {ms}");
    }
}
