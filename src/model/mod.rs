//! The learners on candle, with PyTorch parameter names so checkpoints interchange with the
//! reference code: the in-context-learning transformer of Garg et al. (2022) (`read_in` → GPT-2
//! backbone → `read_out`), the causal language model and the LSTM of the rule-extrapolation
//! experiments, and Li et al.'s one-layer pattern classifier. Every one trains through one loop
//! over a [`StackBackend`] — the fused CPU engine (the regression model alone) or the candle graph
//! on the run's device, which also trains stacks of K models with a leading model axis.
mod adamw;
mod backend;
mod checkpoint;
mod config;
pub mod cpu;
mod flat;
mod gelu;
mod gpt2;
mod graphs;
mod init;
mod language;
mod layers;
mod lm;
mod lstm;
mod names;
mod params;
mod pattern_model;
mod pattern_net;
mod stack;
mod target;
mod train;
mod train_loop;

pub use adamw::{AdamW, AdamWSettings};
pub use backend::{Backend, backend, resolve, resolve_elsewhere};
pub use checkpoint::{
    CheckpointPolicy, Header, Restored, check as check_checkpoint, header as safetensors_header,
    verified as verified_safetensors, weights_step,
};
pub use config::IclConfig;
pub use cpu::Fused;
pub use flat::{FlatLayout, Weights};
pub use gpt2::IclTransformer;
pub use graphs::{Graph, LmGraph, LmShape, PatternGraph, WeightedBatches};
pub use language::LanguageModel;
pub use lm::{CausalLm, Decoding, LmConfig, Positions, TokenModel, generate, sequence_losses, token_loss};
pub use lstm::{LstmConfig, LstmLm};
pub use params::IclParams;
pub use pattern_model::PatternModel;
pub use pattern_net::{PatternBatch, PatternNet, PatternNetConfig, PruneOrder, embed, hinge_loss, logistic_loss};
pub use stack::{Single, StackBackend};
pub use target::{GpuInfo, Target, TensorError, gpu_info};

/// The regression transformer's weights and predictions ([`IclTransformer`], [`IclConfig`],
/// [`IclParams`]): each language and pattern model has its own (`LanguageModel`, `PatternModel`).
pub mod icl {
    pub use super::backend::predict;
    pub use super::target::{initial_weights, load_weights, weights_from_file};
}
pub use train::{StepShape, TrainError, TrainOutcome, TrainSettings, loss, step_shape};
pub use train_loop::{Member, train, train_on, train_stack, train_with};
