//! What a regression evaluation stores: the error tables, each prompt's mixture component and
//! the function plots asked for.
use crate::exec::ErrorTables;
use serde::{Deserialize, Serialize};

/// A regression evaluation's record of one task.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegressionRecord {
    /// Every predictor's squared error / d.
    pub tables: ErrorTables,
    /// The mixture component each prompt's function was drawn from (0 for a plain class).
    pub components: Vec<usize>,
    /// One per k the job's `plots` asks for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plots: Vec<FunctionPlot>,
}

/// One function drawn from a one-dimensional task, k context points from it, and each model's
/// prediction at a grid of query points after seeing them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionPlot {
    /// In-context examples shown.
    pub k: usize,
    /// The examples `(x, y)`.
    pub context: Vec<(f32, f32)>,
    /// Query points, ascending.
    pub grid: Vec<f32>,
    /// The drawn function at the grid (with the task's noise, if it has any).
    pub truth: Vec<f32>,
    /// Each model's predictions at the grid.
    pub models: Vec<(String, Vec<f32>)>,
}
