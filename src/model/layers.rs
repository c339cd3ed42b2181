//! The building blocks, each written with candle ops that have a backward pass.
use candle_core::{D, Result, Tensor};
use candle_nn::VarBuilder;

/// A parameter: created as zeros here, filled by [`super::init`] or a checkpoint.
pub fn param(vb: &VarBuilder, shape: &[usize], name: &str) -> Result<Tensor> {
    vb.get_with_hints(shape, name, candle_nn::Init::Const(0.))
}

/// PyTorch `nn.Linear`: weight `(out, in)`.
pub struct Linear {
    weight: Tensor,
    bias: Tensor,
}

impl Linear {
    /// `weight` and `bias` under `vb`.
    pub fn new(vb: VarBuilder, d_in: usize, d_out: usize) -> Result<Self> {
        Ok(Linear {
            weight: param(&vb, &[d_out, d_in], super::names::WEIGHT)?,
            bias: param(&vb, &[d_out], super::names::BIAS)?,
        })
    }

    /// `(B, T, in)` → `(B, T, out)`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let (b, t, d_in) = x.dims3()?;
        let d_out = self.weight.dim(0)?;
        x.reshape((b * t, d_in))? // (B·T, in)
            .matmul(&self.weight.t()?)? // (B·T, out)
            .broadcast_add(&self.bias)?
            .reshape((b, t, d_out))
    }
}

/// HF GPT-2 `Conv1D`: weight stored `(in, out)`.
pub struct Conv1D {
    weight: Tensor,
    bias: Tensor,
}

impl Conv1D {
    /// `weight` and `bias` under `vb`.
    pub fn new(vb: VarBuilder, d_in: usize, d_out: usize) -> Result<Self> {
        Ok(Conv1D {
            weight: param(&vb, &[d_in, d_out], super::names::WEIGHT)?,
            bias: param(&vb, &[d_out], super::names::BIAS)?,
        })
    }

    /// `(B, T, in)` → `(B, T, out)`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let (b, t, d_in) = x.dims3()?;
        let d_out = self.weight.dim(1)?;
        x.reshape((b * t, d_in))? // (B·T, in)
            .matmul(&self.weight)? // (B·T, out)
            .broadcast_add(&self.bias)?
            .reshape((b, t, d_out))
    }
}

/// LayerNorm over the last dimension, composed so that it has a gradient (candle-nn's fused
/// `LayerNorm::forward` has none).
pub struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNorm {
    /// `weight` and `bias` under `vb`.
    pub fn new(vb: VarBuilder, d: usize, eps: f64) -> Result<Self> {
        Ok(LayerNorm {
            weight: param(&vb, &[d], super::names::WEIGHT)?,
            bias: param(&vb, &[d], super::names::BIAS)?,
            eps,
        })
    }

    /// `(B, T, C)` → `(B, T, C)`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let mean = x.mean_keepdim(D::Minus1)?; // (B, T, 1)
        let xc = x.broadcast_sub(&mean)?;
        let var = xc.sqr()?.mean_keepdim(D::Minus1)?; // (B, T, 1)
        let xn = xc.broadcast_div(&(var + self.eps)?.sqrt()?)?;
        xn.broadcast_mul(&self.weight)?.broadcast_add(&self.bias)
    }
}
