//! The error tables two kinds share (regression and classification): every predictor's score
//! at every prompt and position, its raw outputs, and the models' scores at training steps.
use crate::spec::Predictor;
use serde::{Deserialize, Serialize};

/// Every predictor's per-prompt, per-position score on one task.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorTables {
    /// The score (squared error / d, or 0-1 error), `(prompts, points)` row-major, per predictor
    /// (models first).
    pub errors: Vec<(Predictor, Vec<f32>)>,
    /// Predictions (outputs), `(prompts, points)` row-major, per predictor in the order of `errors`.
    #[serde(default)]
    pub predictions: Vec<Vec<f32>>,
    /// Scores of the models at the training steps the job's `at` asks for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub at_steps: Vec<StepErrors>,
}

impl ErrorTables {
    /// The tables of the predictions `predictions[i]` whose scores are `errors[i]`.
    pub fn of(errors: Vec<(Predictor, Vec<f32>)>, predictions: Vec<Vec<f32>>) -> Self {
        ErrorTables { errors, predictions, at_steps: vec![] }
    }

    /// The predictions of `who`'s replicates, in order.
    pub fn predictions_of<'a>(&'a self, who: &'a Predictor) -> impl Iterator<Item = &'a [f32]> + 'a {
        self.errors.iter().zip(&self.predictions).filter(move |((p, _), _)| p == who).map(|(_, f)| f.as_slice())
    }
}

/// One model replicate's errors at one training step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepErrors {
    /// The training's name.
    pub model: String,
    /// The replicate's seed.
    pub seed: u64,
    /// The step.
    pub step: u64,
    /// Seconds of training up to it.
    pub wall_s: f64,
    /// The score, as `ErrorTables::errors` (squared error / d, or 0-1 error), `(prompts, points)`
    /// row-major.
    pub errors: Vec<f32>,
}
