//! Evaluations: tasks, inputs, predictors and prompts, and the training steps read.
use super::*;
use serde::{Deserialize, Serialize};

/// An evaluation: models and baselines on fresh prompts of each task and input distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalSpec {
    /// Its name.
    pub name: String,
    /// Names of the trainings whose models it evaluates.
    pub models: Vec<String>,
    /// The tasks it prompts with, sweeps expanded.
    pub tasks: Vec<TaskSpec>,
    /// The input distributions.
    pub inputs: Vec<InputSpec>,
    /// The baselines on the same prompts.
    pub baselines: Vec<Baseline>,
    /// Prompts per (task, inputs).
    pub prompts: usize,
    /// Seed of its prompt stream.
    pub seed: u64,
    /// Training steps whose weights are evaluated besides the final ones.
    pub at: Option<AtSteps>,
}

/// The training steps an evaluation reads a model at, besides its final weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum AtSteps {
    /// `every(n)`: steps n, 2n, … before the last.
    Every {
        /// Steps between evaluations.
        every: u64,
    },
    /// `[s, …]`: these steps (0: the initial weights).
    List {
        /// The steps, ascending.
        steps: Vec<u64>,
    },
}

impl AtSteps {
    /// The steps before `total` (the last step is the final model, read anyway), ascending.
    pub fn resolve(&self, total: u64) -> Vec<u64> {
        match self {
            AtSteps::Every { every } => (1..).map(|i| i * every).take_while(|s| *s < total).collect(),
            AtSteps::List { steps } => steps.iter().copied().filter(|s| *s < total).collect(),
        }
    }
}
