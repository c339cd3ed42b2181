//! The init policy, written out. Backbone: GPT-2 (HF `_init_weights`): weights N(0, 0.02), the two
//! residual projections (`attn.c_proj`, `mlp.c_proj`) N(0, 0.02/sqrt(2·layers)), biases 0,
//! LayerNorm weight 1. `_read_in`/`_read_out` are plain `nn.Linear`s in the reference code, so
//! they keep PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias.
use super::names::*;
use crate::rng::Rng;
use candle_core::{Device, Result, Tensor};
use rand::Rng as _;
use rand_distr::{Distribution, Normal};

/// What the init policy reads of a model's shape.
#[derive(Debug, Clone, Copy)]
pub struct InitShape {
    /// The fan-in of `_read_in`: the input dimension (a language model has no `_read_in`; it
    /// passes its vocabulary, read by nothing).
    pub read_in: usize,
    /// Embedding width: the fan-in of `_read_out`.
    pub n_embd: usize,
    /// Transformer blocks: the residual projections' scaling.
    pub n_layer: usize,
}

/// Draws the initial value of parameter `name`.
pub fn draw(name: &str, shape: &[usize], cfg: &InitShape, rng: &mut Rng, device: &Device) -> Result<Tensor> {
    let n: usize = shape.iter().product();
    let values: Vec<f32> = if name.starts_with(READ_IN) || name.starts_with(READ_OUT) {
        let fan_in = if name.starts_with(READ_IN) { cfg.read_in } else { cfg.n_embd };
        let bound = 1.0 / (fan_in as f32).sqrt();
        (0..n).map(|_| rng.random_range(-bound..bound)).collect()
    } else if name.ends_with(&format!(".{BIAS}")) {
        vec![0.0; n]
    } else if [LN_1, LN_2, LN_F].iter().any(|ln| name.contains(&format!(".{ln}."))) {
        vec![1.0; n]
    } else {
        let std =
            if name.ends_with(&join(&[C_PROJ, WEIGHT])) { 0.02 / (2.0 * cfg.n_layer as f32).sqrt() } else { 0.02 };
        let normal = Normal::new(0.0f32, std).expect("positive std");
        (0..n).map(|_| normal.sample(rng)).collect()
    };
    Tensor::from_vec(values, shape, device)
}
