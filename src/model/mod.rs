//! The in-context-learning transformer of Garg et al. (2022) on candle: `read_in` → GPT-2 backbone
//! → `read_out`, with PyTorch parameter names so checkpoints interchange with the reference code.
//! The training loop runs over a [`Backend`]: the fused CPU engine or the candle graph on any device.
mod adamw;
mod backend;
mod checkpoint;
mod config;
pub mod cpu;
mod flat;
mod gelu;
mod gpt2;
mod init;
mod language;
mod layers;
mod lm;
mod lstm;
mod names;
mod params;
mod pattern_model;
mod pattern_net;
mod target;
mod train;

pub use adamw::{AdamW, AdamWSettings};
pub use backend::{Backend, Graph, LmGraph, backend, predict, resolve};
pub use checkpoint::{CheckpointPolicy, Restored, weights_step};
pub use config::Config;
pub use cpu::Fused;
pub use flat::{FlatLayout, Weights};
pub use gpt2::IclTransformer;
pub use language::LanguageModel;
pub use lm::{CausalLm, Decoding, LmConfig, Positions, TokenModel, generate, sequence_losses, token_loss};
pub use lstm::{LstmConfig, LstmLm};
pub use params::Params;
pub use pattern_model::PatternModel;
pub use pattern_net::{
    PatternBatch, PatternGraph, PatternNet, PatternNetConfig, PruneOrder, embed, hinge_loss, logistic_loss,
};
pub use target::{Target, TensorError, initial_weights, load_weights, weights_from_file};
pub use train::{
    StepShape, TrainError, TrainOutcome, TrainSettings, learning_rate, loss, step_shape, train, train_on, train_with,
};
