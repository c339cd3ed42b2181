//! The init policy, written out. Backbone: GPT-2 (HF `_init_weights`): weights N(0, 0.02), the two
//! residual projections (`attn.c_proj`, `mlp.c_proj`) N(0, 0.02/sqrt(2·layers)), biases 0,
//! LayerNorm weight 1. `_read_in`/`_read_out` are plain `nn.Linear`s in the reference code, so
//! they keep PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias.
use super::config::Config;
use crate::rng::Rng;
use candle_core::{Device, Result, Tensor};
use rand::Rng as _;
use rand_distr::{Distribution, Normal};

/// Draws the initial value of parameter `name`.
pub fn draw(name: &str, shape: &[usize], cfg: &Config, rng: &mut Rng, device: &Device) -> Result<Tensor> {
    let n: usize = shape.iter().product();
    let values: Vec<f32> = if name.starts_with("_read_in") || name.starts_with("_read_out") {
        let fan_in = if name.starts_with("_read_in") { cfg.n_dims } else { cfg.n_embd };
        let bound = 1.0 / (fan_in as f32).sqrt();
        (0..n).map(|_| rng.random_range(-bound..bound)).collect()
    } else if name.ends_with(".bias") {
        vec![0.0; n]
    } else if name.contains(".ln_") {
        vec![1.0; n]
    } else {
        let std = if name.ends_with("c_proj.weight") { 0.02 / (2.0 * cfg.n_layer as f32).sqrt() } else { 0.02 };
        let normal = Normal::new(0.0f32, std).expect("positive std");
        (0..n).map(|_| normal.sample(rng)).collect()
    };
    Tensor::from_vec(values, shape, device)
}
