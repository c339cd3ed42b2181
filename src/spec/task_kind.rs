//! What a task family's prompts are, what a model minimises on them and how it is scored. Every
//! family names its kind; a training's data and an evaluation's tasks must share the model's.
//! Regression on real (x, y) pairs is the only kind so far; binary classification (hinge or
//! logistic loss, 0-1 error) and token sequences (cross-entropy, accuracy and rule metrics) are
//! the next variants of these three enums.
use serde::{Deserialize, Serialize};

/// A family's batch kind, objective and metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskKind {
    /// What a prompt holds.
    pub batch: BatchKind,
    /// What training minimises.
    pub objective: Objective,
    /// What evaluation reports.
    pub metric: Metric,
}

impl TaskKind {
    /// In-context regression: real (x, y) pairs, squared error, error / d.
    pub const REGRESSION: TaskKind =
        TaskKind { batch: BatchKind::RealPairs, objective: Objective::SquaredError, metric: Metric::ErrorPerDim };

    /// The kind in words, for diagnostics.
    pub fn describe(&self) -> &'static str {
        match self.batch {
            BatchKind::RealPairs => "regression",
        }
    }
}

/// What a prompt holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchKind {
    /// Points x ∈ R^d with real labels y.
    RealPairs,
}

/// What training minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Mean squared error of every prediction.
    SquaredError,
}

/// What evaluation reports per prediction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// (prediction − y)² / d, Garg et al.'s normalised squared error.
    ErrorPerDim,
}

impl Metric {
    /// One prediction's score at input dimension `d`.
    pub fn score(&self, prediction: f32, target: f32, d: usize) -> f32 {
        match self {
            Metric::ErrorPerDim => (prediction - target).powi(2) / d as f32,
        }
    }

    /// The axis label of figures that plot it.
    pub fn axis_label(&self) -> &'static str {
        match self {
            Metric::ErrorPerDim => "squared error / d",
        }
    }
}
