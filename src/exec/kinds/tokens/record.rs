//! What a language evaluation stores: every prompt completed by every model replicate, each
//! completion scored against the language's rules, and the losses of the test words.
use serde::{Deserialize, Serialize};

/// A language evaluation: every prompt completed by every model replicate, each completion scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageOutput {
    /// The prompts as text, in-distribution first.
    pub prompts: Vec<String>,
    /// Whether each prompt is out of distribution (no grammatical word starts with it).
    pub ood: Vec<bool>,
    /// The metrics each completion is scored on (`finished`, `grammatical`, `r1`, …).
    pub metrics: Vec<crate::spec::LanguageMetric>,
    /// What each metric counts, in words, in the order of `metrics`.
    pub meanings: Vec<String>,
    /// The lowest test loss a model can reach on `words`
    /// ([`crate::tasks::languages::minimum_loss`]); `None` where it is not a number (no words).
    pub minimum_loss: Option<f64>,
    /// The words the test loss is taken on.
    pub words: Vec<String>,
    /// One per model replicate, and per training step read (`at`).
    pub replicates: Vec<Completions>,
}

/// One model replicate's completions, at its final weights or at a training step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completions {
    /// The training's name.
    pub model: String,
    /// The replicate's seed.
    pub seed: u64,
    /// The training step whose weights completed (`None`: the final weights).
    pub step: Option<u64>,
    /// Seconds of training up to those weights.
    pub wall_s: f64,
    /// Each prompt's completion (up to and with its first EOS, `$`).
    pub completions: Vec<String>,
    /// Each metric per prompt (1: holds), `(prompts, metrics)` row-major.
    pub scores: Vec<u8>,
    /// Each test word's summed next-token cross-entropy and its number of targets.
    pub losses: Vec<(f32, u32)>,
}
