//! The seam between the kind-agnostic executor (scheduler, store, the shared training loop) and
//! what each task kind does with a job: how it trains a stack of members and how it evaluates
//! one task. A kind is a folder here and one line of [`of`]; see docs/task-kinds.md, "Adding a task
//! kind".
mod classification;
mod regression;
mod tokens;

use super::cache::Cache;
use super::train_job::{Jobs, Outcome};
use super::{ErrorTables, EvalOutput, ExecError, Observer, TrainOutput};
use crate::model::Target;
use crate::plan::{EvalJob, JobId, TrainJob};
use crate::spec::{Compute, TaskKind};
use std::collections::BTreeMap;

pub use classification::{AttentionMass, ClassificationRecord};
pub use regression::{FunctionPlot, RegressionRecord};
pub use tokens::{Completions, LanguageOutput};

/// What an evaluation of each kind records, stored as `{"kind": …, "data": …}`: the tag written
/// first and apart, so a record is read straight into its kind's type (an internally tagged
/// enum would buffer the whole record, at several times its size, to find the tag).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum KindRecord {
    /// Error tables, mixture components, function plots.
    Regression(RegressionRecord),
    /// Completions and their scores.
    Tokens(LanguageOutput),
    /// Error tables, labels, attention.
    Classification(ClassificationRecord),
}

/// What the executor asks of a task kind.
pub(super) trait Kind: Sync {
    /// Trains the members of `jobs` (unsealed job folders of one shape, data of this kind) as one
    /// stack and seals their records; one outcome per job, in order.
    fn train(&self, jobs: &Jobs, cache: &Cache, compute: &Compute, observer: &dyn Observer) -> Vec<Outcome>;

    /// The record of one task of an evaluation (the executor stores and seals it).
    fn evaluate(&self, job: &Evaluating) -> Result<EvalOutput, ExecError>;
}

/// One task of an evaluation, as a kind evaluates it: the job, the trainings it reads, where.
pub(super) struct Evaluating<'a> {
    /// The job's id (its progress is reported under it).
    pub id: &'a JobId,
    /// The job.
    pub job: &'a EvalJob,
    /// Every training of the run, by id, with its record.
    pub trains: &'a BTreeMap<JobId, (TrainJob, TrainOutput)>,
    /// The store the trainings' weights are read from.
    pub cache: &'a Cache,
    /// The device the models predict on.
    pub target: &'a Target,
    /// Told of each predictor done.
    pub observer: &'a dyn Observer,
}

/// The registry: each task kind's jobs.
pub(super) fn of(kind: TaskKind) -> &'static dyn Kind {
    match kind {
        TaskKind::Regression => &regression::Regression,
        TaskKind::Tokens => &tokens::Tokens,
        TaskKind::Classification => &classification::Classification,
    }
}

/// Each kind's record, as the results read it.
impl EvalOutput {
    /// The error tables, for a kind that keeps them (regression, classification).
    pub fn tables(&self) -> Option<&ErrorTables> {
        match &self.record {
            KindRecord::Regression(r) => Some(&r.tables),
            KindRecord::Classification(c) => Some(&c.tables),
            KindRecord::Tokens(_) => None,
        }
    }

    /// A regression evaluation's record.
    pub fn regression(&self) -> Option<&RegressionRecord> {
        if let KindRecord::Regression(r) = &self.record { Some(r) } else { None }
    }

    /// A language evaluation's completions.
    pub fn language(&self) -> Option<&LanguageOutput> {
        if let KindRecord::Tokens(l) = &self.record { Some(l) } else { None }
    }

    /// A classification evaluation's record.
    pub fn classification(&self) -> Option<&ClassificationRecord> {
        if let KindRecord::Classification(c) = &self.record { Some(c) } else { None }
    }
}
