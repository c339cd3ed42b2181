//! What a classification evaluation stores: the 0-1 error tables (outputs included, whose
//! margins the hinge loss reads), the query labels and each whole replicate's attention.
use crate::exec::ErrorTables;
use serde::{Deserialize, Serialize};

/// A classification evaluation's record of one task.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClassificationRecord {
    /// Every classifier's 0-1 error after k examples (whole and pruned), and its outputs.
    pub tables: ErrorTables,
    /// The query labels (±1), one per prompt: with the outputs, the margins y·F.
    pub labels: Vec<f32>,
    /// The attention of each whole pattern-network replicate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attention: Vec<AttentionMass>,
}

/// Where a classifier's query looks: per prompt, the share of its attention on the context
/// examples that share its relevant pattern.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttentionMass {
    /// The training's name.
    pub model: String,
    /// The replicate's seed.
    pub seed: u64,
    /// The mass per prompt, in [0, 1].
    pub mass: Vec<f32>,
}
