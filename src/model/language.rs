//! What `exec` sees of a language model: built from the spec's shape for a vocabulary, trained
//! through the shared loop, saved and loaded under its names, asked for completions and its loss.
//! Candle stays inside `model/`.
use super::flat::{FlatLayout, Weights};
use super::graphs::{LmGraph, LmShape, WeightedBatches};
use super::layers::ParamVb;
use super::lm::{CausalLm, Decoding, LmConfig, TokenModel, generate, sequence_losses, token_loss};
use super::lstm::{LstmConfig, LstmLm};
use super::stack::StackBackend;
use super::target::{Target, TensorError};
use crate::rng::Rng;
use crate::spec::{Arch, ModelSpec};
use crate::tasks::languages::TokenBatch;
use candle_core::{DType, Device};
use candle_nn::{VarBuilder, VarMap};
use std::path::Path;

/// A language model: the GPT-2 causal LM or the LSTM of a spec's `model`.
pub struct LanguageModel {
    net: Box<dyn TokenModel>,
    /// Loaded weights' twin on tensors that record no graph, for completions and losses: through
    /// the `Var`s every generated token's activations would be kept for a backward pass.
    frozen: Option<Box<dyn TokenModel>>,
    shape: Shape,
    device: Device,
}

use LmShape as Shape;

impl LanguageModel {
    /// Fresh weights (drawn on the host, as the regression model's) for `vocab` tokens; an error
    /// for a regression model's shape.
    pub fn init(spec: &ModelSpec, vocab: usize, seed: u64) -> Result<LanguageModel, String> {
        let shape = shape(spec, vocab)?;
        let net: Box<dyn TokenModel> = match shape {
            Shape::Transformer(cfg) => Box::new(CausalLm::init(&cfg, seed, &Device::Cpu).map_err(|e| e.to_string())?),
            Shape::Lstm(cfg) => Box::new(LstmLm::init(&cfg, seed, &Device::Cpu).map_err(|e| e.to_string())?),
        };
        Ok(LanguageModel { net, shape, frozen: None, device: Device::Cpu })
    }

    /// Trained weights from a checkpoint, onto `target`.
    pub fn load(spec: &ModelSpec, vocab: usize, path: &Path, target: &Target) -> Result<LanguageModel, String> {
        let shape = shape(spec, vocab)?;
        let device = target.device().clone();
        let net: Box<dyn TokenModel> = match shape {
            Shape::Transformer(cfg) => Box::new(CausalLm::zeros(&cfg, &device).map_err(|e| e.to_string())?),
            Shape::Lstm(cfg) => Box::new(LstmLm::zeros(&cfg, &device).map_err(|e| e.to_string())?),
        };
        let tensors =
            candle_core::safetensors::load(path, &device).map_err(|e| format!("`{}`: {e}", path.display()))?;
        super::params::fill(net.as_ref(), &tensors, &device).map_err(|e| format!("`{}`: {e}", path.display()))?;
        let vb = || ParamVb::single(VarBuilder::from_tensors(tensors.clone(), DType::F32, &device));
        let frozen: Box<dyn TokenModel> = match shape {
            Shape::Transformer(cfg) => Box::new(CausalLm::build(VarMap::new(), vb(), &cfg).map_err(|e| e.to_string())?),
            Shape::Lstm(cfg) => Box::new(LstmLm::build(VarMap::new(), vb(), &cfg).map_err(|e| e.to_string())?),
        };
        Ok(LanguageModel { net, shape, frozen: Some(frozen), device })
    }

    /// Scalar parameters.
    pub fn parameters(&self) -> usize {
        FlatLayout::of(self.net.as_ref()).len()
    }

    /// The weights the training loop reads and writes back (its host copy).
    pub fn weights(&self) -> &dyn Weights {
        self.net.as_ref()
    }

    /// The graph that trains models of this one's shape on `target`, one or a stack, on
    /// weighted lists of batches (the language's words, and a training variant's completions).
    pub fn engine(&self, target: &Target) -> Result<Box<dyn StackBackend<WeightedBatches>>, TensorError> {
        Ok(Box::new(LmGraph::of(self.shape, &FlatLayout::of(self.net.as_ref()), target.device())?))
    }

    /// Writes the weights (safetensors, sorted names).
    pub fn save(&self, path: &Path, step: u64, elapsed_s: f64) -> std::io::Result<()> {
        let layout = FlatLayout::of(self.net.as_ref());
        let flat = layout.gather(self.net.as_ref()).map_err(std::io::Error::other)?;
        super::checkpoint::save_weights(path, &flat, &layout, step, elapsed_s, None)
    }

    /// The new tokens after each prompt (SOS first, all of one length), each sampled from its own
    /// stream of `rngs`.
    pub fn complete(
        &self,
        prompts: &[Vec<u32>],
        max_new: usize,
        eos: u32,
        decoding: Decoding,
        rngs: &mut [Rng],
    ) -> Result<Vec<Vec<u32>>, TensorError> {
        Ok(generate(self.reading(), prompts, max_new, eos, decoding, rngs, &self.device)?)
    }

    /// Each sequence's summed next-token cross-entropy and its number of targets.
    pub fn sequence_losses(&self, batch: &TokenBatch) -> Result<Vec<(f32, u32)>, TensorError> {
        Ok(sequence_losses(self.reading(), batch, &self.device)?)
    }

    /// The mean next-token cross-entropy on `batch`.
    pub fn loss(&self, batch: &TokenBatch) -> Result<f32, TensorError> {
        Ok(token_loss(self.reading(), batch, &self.device)?.to_scalar::<f32>()?)
    }

    /// The network that reads (completes, scores): the frozen twin of loaded weights, else the
    /// trained one.
    fn reading(&self) -> &dyn TokenModel {
        self.frozen.as_deref().unwrap_or(self.net.as_ref())
    }
}

/// The network's shape for a spec's model and a vocabulary.
fn shape(spec: &ModelSpec, vocab: usize) -> Result<Shape, String> {
    match spec.arch {
        Arch::CausalLm { context, positions } => Ok(Shape::Transformer(LmConfig {
            vocab,
            context,
            n_embd: spec.width,
            n_layer: spec.layers,
            n_head: spec.heads,
            positions,
        })),
        Arch::Lstm { context } => {
            Ok(Shape::Lstm(LstmConfig { vocab, context, hidden: spec.width, layers: spec.layers }))
        }
        Arch::Regression => Err("the regression transformer is no language model".into()),
        Arch::PatternNet => Err("the pattern classifier is no language model".into()),
    }
}
