//! The regression transformer's shape.
use serde::{Deserialize, Serialize};

/// GPT-2's LayerNorm epsilon, for both transformers.
pub const LAYER_NORM_EPS: f64 = 1e-5;

/// The shape of an [`super::IclTransformer`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IclConfig {
    /// Input dimension d (the width of x).
    pub n_dims: usize,
    /// Points per prompt; the sequence is `2 * points` long.
    pub points: usize,
    /// Embedding width.
    pub n_embd: usize,
    /// Transformer blocks.
    pub n_layer: usize,
    /// Attention heads.
    pub n_head: usize,
    /// LayerNorm epsilon (GPT-2: 1e-5).
    pub layer_norm_eps: f64,
}

impl IclConfig {
    /// A config with GPT-2's LayerNorm epsilon.
    pub fn new(n_dims: usize, points: usize, n_embd: usize, n_layer: usize, n_head: usize) -> Self {
        IclConfig { n_dims, points, n_embd, n_layer, n_head, layer_norm_eps: LAYER_NORM_EPS }
    }

    /// What the init policy reads of it.
    pub fn init_shape(&self) -> super::init::InitShape {
        super::init::InitShape { read_in: self.n_dims, n_embd: self.n_embd, n_layer: self.n_layer }
    }

    /// Learned positions: one per token of the interleaved prompt.
    pub fn n_positions(&self) -> usize {
        2 * self.points
    }
}
