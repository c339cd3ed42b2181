//! GPT-2's `gelu_new` (tanh approximation) as one fused candle op with an analytic backward pass,
//! on the CPU (the formula is the fused engine's, `kernels::gelu`); other devices use candle's own.
//! candle's built-in GELU computes its backward as a dozen separate tensor ops (a third of a
//! small model's step); this is one pass forward and one pass back.
use candle_core::{CpuStorage, CustomOp1, CustomOp2, Layout, Result, Shape, Tensor};

use super::cpu::kernels::{gelu, gelu_grad};

fn contiguous_f32<'a>(s: &'a CpuStorage, l: &Layout) -> Result<&'a [f32]> {
    match l.contiguous_offsets() {
        Some((start, end)) => Ok(&s.as_slice::<f32>()?[start..end]),
        None => candle_core::bail!("gelu expects a contiguous f32 tensor"),
    }
}

struct Gelu;

impl CustomOp1 for Gelu {
    fn name(&self) -> &'static str {
        "gelu-new"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        let x = contiguous_f32(s, l)?;
        Ok((CpuStorage::F32(x.iter().map(|&v| gelu(v)).collect()), l.shape().clone()))
    }

    fn bwd(&self, arg: &Tensor, _res: &Tensor, grad_res: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(grad_res.contiguous()?.apply_op2_no_bwd(arg, &GeluBackward)?))
    }
}

/// `grad · gelu'(x)` in one pass.
struct GeluBackward;

impl CustomOp2 for GeluBackward {
    fn name(&self) -> &'static str {
        "gelu-new-backward"
    }

    fn cpu_fwd(&self, s1: &CpuStorage, l1: &Layout, s2: &CpuStorage, l2: &Layout) -> Result<(CpuStorage, Shape)> {
        let (g, x) = (contiguous_f32(s1, l1)?, contiguous_f32(s2, l2)?);
        Ok((CpuStorage::F32(g.iter().zip(x).map(|(&g, &x)| g * gelu_grad(x)).collect()), l1.shape().clone()))
    }
}

/// `gelu_new(x)`, with gradient.
pub fn gelu_new(x: &Tensor) -> Result<Tensor> {
    x.contiguous()?.apply_op1(Gelu)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_formula_and_its_derivative() {
        for &x in &[-6.0f32, -1.3, -0.2, 0.0, 0.4, 1.7, 5.0, 30.0, -30.0] {
            // The textbook form, with the library tanh: sqrt(2/π) and GPT-2's cubic coefficient.
            let want = 0.5 * x * (1.0 + (0.797_884_6f32 * (x + 0.044_715 * x.powi(3))).tanh());
            assert!((gelu(x) - want).abs() < 1e-5 * (1.0 + want.abs()), "gelu({x})");
            let h = 1e-2f32;
            let numeric = (gelu(x + h) - gelu(x - h)) / (2.0 * h);
            assert!((gelu_grad(x) - numeric).abs() < 2e-3, "gelu'({x}) = {} vs {numeric}", gelu_grad(x));
        }
    }
}
