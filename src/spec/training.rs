//! Models, optimisation schedules, curricula and training runs.
use super::*;
use serde::{Deserialize, Serialize};

/// A model's shape: GPT-2 blocks reading (x, y) prompts (the in-context regression model), or a
/// language model over tokens (a GPT-2 causal LM or an LSTM).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSpec {
    /// Transformer blocks (LSTM layers).
    pub layers: usize,
    /// Embedding width (the LSTM's hidden width).
    pub width: usize,
    /// Attention heads (divides width; 1 for an LSTM).
    pub heads: usize,
    /// What the blocks read and predict; absent (regression) in the job ids of earlier versions.
    #[serde(default, skip_serializing_if = "Arch::is_regression")]
    pub arch: Arch,
}

impl ModelSpec {
    /// The in-context regression transformer.
    pub const fn transformer(layers: usize, width: usize, heads: usize) -> ModelSpec {
        ModelSpec { layers, width, heads, arch: Arch::Regression }
    }
}

/// What a model reads and predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "arch", rename_all = "snake_case")]
pub enum Arch {
    /// (x, y) prompts in, each y predicted from its x (Garg et al.).
    #[default]
    Regression,
    /// Tokens in, the next token's logits out (GPT-2).
    CausalLm {
        /// The longest sequence it reads.
        context: usize,
        /// Learned or sinusoidal positions.
        positions: Positions,
    },
    /// Tokens in, the next token's logits out (stacked LSTMs).
    Lstm {
        /// The longest sequence generation runs to.
        context: usize,
    },
    /// Pattern prompts in, the query's ±1 label out: Li et al.'s one-layer, one-head network
    /// (softmax attention, a ReLU MLP of `width` neurons, a fixed readout).
    PatternNet,
}

impl Arch {
    /// Whether this is the regression transformer (the default, left out of job ids).
    pub fn is_regression(&self) -> bool {
        *self == Arch::Regression
    }

    /// How the weights are drawn when no file is given.
    pub fn init_policy(&self) -> &'static str {
        match self {
            Arch::Lstm { .. } => "PyTorch's LSTM init",
            Arch::PatternNet => "N(0, 1/fan-in), readout ±1/m fixed",
            Arch::Regression | Arch::CausalLm { .. } => "GPT-2 init policy",
        }
    }

    /// What its prompts hold: the batch kind of the data it is built for.
    pub fn reads(&self) -> BatchKind {
        match self {
            Arch::Regression => BatchKind::RealPairs,
            Arch::CausalLm { .. } | Arch::Lstm { .. } => BatchKind::Tokens,
            Arch::PatternNet => BatchKind::Patterns,
        }
    }

    /// Whether it can learn data of this batch kind: its own, and for the regression transformer
    /// also pattern prompts (labels ±1 as its ys; Li et al.'s second model).
    pub fn learns(&self, batch: BatchKind) -> bool {
        batch == self.reads() || (*self == Arch::Regression && batch == BatchKind::Patterns)
    }

    /// Whether a training of it on `batch` data can start from `init = checkpoint(…)`: only the
    /// regression transformer on (x, y) pairs has a checkpoint format to load (the PyTorch one).
    pub fn loads_checkpoint(&self, batch: BatchKind) -> bool {
        *self == Arch::Regression && batch == BatchKind::RealPairs
    }

    /// The longest token sequence a language model reads (none for the regression model).
    pub fn context(&self) -> Option<usize> {
        match *self {
            Arch::Regression | Arch::PatternNet => None,
            Arch::CausalLm { context, .. } | Arch::Lstm { context } => Some(context),
        }
    }
}

/// How positions enter a causal language model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Positions {
    /// A learned table (GPT-2).
    Learned,
    /// Fixed sine and cosine waves (the reference code's `PositionalEncoding`).
    Sinusoidal,
}

/// How the learning rate moves over training.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "schedule", rename_all = "snake_case")]
pub enum Schedule {
    /// Always `lr`.
    Constant,
    /// Linear from 0 to `lr` over `steps`, then constant.
    Warmup {
        /// Warmup steps.
        steps: u64,
    },
    /// Linear warmup, then cosine decay to `final_fraction · lr` at the last step.
    Cosine {
        /// Warmup steps.
        warmup: u64,
        /// The final learning rate as a fraction of `lr`.
        final_fraction: f64,
    },
}

impl Schedule {
    /// The learning rate at `step` (1-based) of `total`.
    pub fn learning_rate(&self, peak: f64, step: u64, total: u64) -> f64 {
        let warm = |w: u64| if w == 0 { 1.0 } else { (step as f64 / w as f64).min(1.0) };
        match *self {
            Schedule::Constant => peak,
            Schedule::Warmup { steps } => peak * warm(steps),
            Schedule::Cosine { warmup, final_fraction } => {
                if step <= warmup {
                    return peak * warm(warmup);
                }
                let progress = (step - warmup) as f64 / (total - warmup).max(1) as f64;
                peak * (final_fraction + (1.0 - final_fraction) * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos()))
            }
        }
    }
}

/// One curriculum axis: from `start` to `end` by `inc` every so many steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Value at step 0.
    pub start: usize,
    /// Final value.
    pub end: usize,
    /// Increase per stage.
    pub inc: usize,
}

/// Garg et al.'s curriculum on active dimensions and points per prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Curriculum {
    /// Active input dimensions (the rest are zero).
    pub dims: Stage,
    /// Points per prompt.
    pub points: Stage,
    /// Steps between increases.
    pub every: u64,
}

impl Curriculum {
    /// `(active dims, points)` at `step` (0-based): each starts at its start and grows by its
    /// increment every `every` steps, up to its end.
    pub fn at(&self, step: u64) -> (usize, usize) {
        let stages = (step / self.every) as usize;
        let at = |s: &Stage| (s.start + stages.saturating_mul(s.inc)).min(s.end);
        (at(&self.dims), at(&self.points))
    }
}

/// Which parameters weight decay applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecayOn {
    /// Every parameter (PyTorch's AdamW default).
    All,
    /// Tensors of two or more dimensions only (weights and positions), not biases or LayerNorm (nanoGPT).
    Matrices,
}

/// One training run (one model per seed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainSpec {
    /// Its name; evaluations and claims call the trained model by it (`mix(w = 0.25)` for one
    /// run of a swept training).
    pub name: String,
    /// The `train` block's name: the name itself, or the swept training's (`mix`).
    pub family: String,
    /// The sweep variable and its value, for one run of a swept training.
    pub binding: Option<(String, f64)>,
    /// The model's name in the spec.
    pub model_name: String,
    /// Where its prompts' functions come from.
    pub data: TaskSpec,
    /// The model and how it is optimised.
    pub setup: TrainSetup,
    /// Initial weights from this safetensors file (relative to the spec) instead of the init policy.
    pub init: Option<String>,
    /// One replicate per seed.
    pub seeds: Vec<u64>,
}

/// How a model is trained: its shape and every optimisation setting — what a training's spec, its
/// job and its record share.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainSetup {
    /// The model's shape.
    pub model: ModelSpec,
    /// Optimiser steps.
    pub steps: u64,
    /// Prompts per step.
    pub batch: usize,
    /// Peak AdamW learning rate.
    pub lr: f64,
    /// Learning-rate schedule.
    pub schedule: Schedule,
    /// Gradient-norm clipping threshold.
    pub clip: Option<f64>,
    /// AdamW weight decay.
    pub weight_decay: f64,
    /// What weight decay applies to.
    pub decay_on: DecayOn,
    /// Curriculum, if any.
    pub curriculum: Option<Curriculum>,
    /// Steps between resumable checkpoints.
    pub checkpoint_every: u64,
    /// A language training's auxiliary completions of OOD prompts (Reizinger et al.'s
    /// adversarial and oracle variants); absent from the job ids of every other training.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completions: Option<Completions>,
    /// Which weights a language training keeps as its model; absent (the last) from the job ids
    /// of every other training.
    #[serde(default, skip_serializing_if = "Select::is_last")]
    pub select: Select,
    /// The optimiser; absent (AdamW) from the job ids of every training that keeps it.
    #[serde(default, skip_serializing_if = "Optimizer::is_adamw")]
    pub optimizer: Optimizer,
    /// A classification training's loss when not its data's (`loss = logistic`); absent from the
    /// job ids of every other training.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<Objective>,
}

/// The optimiser of a training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Optimizer {
    /// AdamW (PyTorch's: betas 0.9/0.999, eps 1e-8, decoupled decay).
    #[default]
    AdamW,
    /// Plain stochastic gradient descent: p ← p·(1 − lr·decay) − lr·g.
    Sgd,
}

impl Optimizer {
    /// Whether this is the default, left out of job ids.
    pub fn is_adamw(&self) -> bool {
        *self == Optimizer::AdamW
    }
}

/// Which of a training's weights become its model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Select {
    /// The last step's.
    #[default]
    Last,
    /// Of the weights at every `checkpoint_every` steps and the last, those with the lowest
    /// next-token loss on the language's words (the reference's lowest validation loss).
    LowestLoss,
}

impl Select {
    /// Whether this is the default, left out of job ids.
    pub fn is_last(&self) -> bool {
        *self == Select::Last
    }
}

impl TrainSetup {
    /// What the training minimises: its `loss`, or what its data's kind prescribes.
    pub fn objective(&self, data: TaskKind) -> Objective {
        self.loss.unwrap_or(data.objective())
    }

    /// The steps before the last whose weights a selection compares with the last's: every
    /// `checkpoint_every` steps (none for `select = last`).
    pub fn selection_steps(&self) -> impl Iterator<Item = u64> + use<> {
        let every = self.checkpoint_every.max(1);
        let n = if self.select == Select::LowestLoss { selection_count(self.steps, every) } else { 0 };
        (1..=n).map(move |i| i * every)
    }
}

/// How many multiples of `every` lie strictly before step `steps`: the earlier weights a
/// selection compares.
pub fn selection_count(steps: u64, every: u64) -> u64 {
    steps.saturating_sub(1) / every.max(1)
}

/// The completions a language training adds to its loss: for OOD prompts of one length, a
/// completion that breaks R1 (`adversarial`) or keeps it (`oracle`), then EOS.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Completions {
    /// Which completions.
    pub variant: Variant,
    /// The weight of their loss beside the language's.
    pub weight: f64,
    /// OOD prompts drawn each step.
    pub batch: usize,
    /// The prompts' length (symbols after SOS).
    pub length: usize,
}

/// Which completions a training adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// Completions that break R1 by one: the minority symbol |#a − #b| + 1 times.
    Adversarial,
    /// Completions that keep R1: the minority symbol |#a − #b| times.
    Oracle,
}

#[cfg(test)]
mod schedule_tests {
    use super::Schedule;

    #[test]
    fn schedules() {
        assert_eq!(Schedule::Constant.learning_rate(1.0, 5, 10), 1.0);
        assert_eq!(Schedule::Warmup { steps: 4 }.learning_rate(1.0, 2, 10), 0.5);
        assert_eq!(Schedule::Warmup { steps: 4 }.learning_rate(1.0, 8, 10), 1.0);
        let c = Schedule::Cosine { warmup: 0, final_fraction: 0.1 };
        assert!((c.learning_rate(1.0, 10, 10) - 0.1).abs() < 1e-12);
        assert!((c.learning_rate(1.0, 5, 10) - 0.55).abs() < 1e-12);
    }
}
