//! The spec vocabulary, on the ground floor: the checked spec as plain serialisable data — every
//! name resolved, every value in range, every sweep expanded. `check` produces it; every later phase
//! (plan, exec, results, report) and the numeric libraries (tasks, model, baselines) consume it.
use serde::{Deserialize, Serialize};

mod baselines;
mod claims;
mod classes;
mod compute;
mod evals;
mod figures;
mod language_metric;
mod params;
mod task_kind;
mod training;

pub use baselines::*;
pub use claims::*;
pub use classes::*;
pub use compute::*;
pub use evals::*;
pub use figures::*;
pub use language_metric::*;
pub use params::*;
pub use task_kind::*;
pub use training::*;

/// A spec that passed every check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckedSpec {
    /// The experiment's name.
    pub name: String,
    /// Master seed; every random stream derives from it.
    pub seed: u64,
    /// Input dimension d; `None` in a spec of formal languages alone, which reads no inputs.
    pub dim: Option<usize>,
    /// Points (x, y) per prompt; `None` in a spec of formal languages alone.
    pub points: Option<usize>,
    /// Training runs in source order.
    pub trainings: Vec<TrainSpec>,
    /// Evaluations in source order.
    pub evals: Vec<EvalSpec>,
    /// The spec's `figure` items in source order (`default_figures` holds the rest).
    pub figures: Vec<FigureSpec>,
    /// The figures the report draws after `figures`, in order: what every evaluation of its kind
    /// shows, and the trainings' (`check` decides them).
    pub default_figures: Vec<FigureRef>,
    /// Claims in source order.
    pub claims: Vec<ClaimSpec>,
}
