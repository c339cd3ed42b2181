//! Runs a [`Plan`]: trains models and evaluates them and the baselines, caching each job's result
//! under its content hash so an interrupted or repeated run redoes only what is missing.
mod cache;
mod evaluate;
mod kinds;
mod observer;
mod schedule;
mod tables;
mod train_job;
mod training;

pub use kinds::{
    AttentionMass, ClassificationRecord, Completions, FunctionPlot, KindRecord, LanguageOutput, RegressionRecord,
};
pub use observer::{NoObserver, Observer};
pub use tables::{ErrorTables, StepErrors};

use crate::plan::{EvalJob, Job, JobId, JobKind, Plan, Shard, TrainJob};
use crate::spec::Compute;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Where and how to run.
#[derive(Debug, Clone)]
pub struct ExecOptions {
    /// Job results live in `cache_dir/<job id>/`.
    pub cache_dir: PathBuf,
    /// Ignore cached results and recompute every job.
    pub fresh: bool,
    /// Jobs run side by side (each on one thread).
    pub jobs: usize,
    /// After a job fails, finish every job that does not need it (the failures are listed).
    pub keep_going: bool,
    /// Run one shard's share of the jobs only (a task of a cluster job array).
    pub shard: Option<Shard>,
    /// The backend and device models compute on.
    pub compute: Compute,
}

/// A trained model's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainOutput {
    /// Loss at every step.
    pub losses: Vec<f32>,
    /// Seconds the training took when it ran.
    pub wall_s: f64,
    /// Scalar parameters in the model.
    pub parameters: usize,
    /// The weights file, in the job's folder.
    pub checkpoint: PathBuf,
    /// Weights kept along the way for evaluations during training.
    #[serde(default)]
    pub snapshots: Vec<Snapshot>,
    /// The step whose weights `checkpoint` holds when a selection (`select = lowest_loss`) chose
    /// them, with their loss.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<(u64, f64)>,
    /// Where the steps ran, as the backend said it (`graph on cuda:0 (NVIDIA H200), a stack of
    /// 16`); absent in records of earlier versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ran_on: Option<String>,
}

/// The weights of one training step, kept for evaluations during training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The step (0: before the first).
    pub step: u64,
    /// Seconds of training up to it.
    pub wall_s: f64,
    /// The weights file, in the job's folder.
    pub file: String,
}

/// One task's evaluation record: what every kind stores, and its kind's own record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalOutput {
    /// Points per prompt (0 for a language, whose prompts are strings).
    pub points: usize,
    /// Prompts.
    pub prompts: usize,
    /// What the task's kind recorded.
    pub record: KindRecord,
    /// Where the models predicted (`graph on cuda:0 (NVIDIA H200)`); absent in records of
    /// earlier versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ran_on: Option<String>,
}

impl EvalOutput {
    /// The record of `points` × `prompts` of a kind, not yet placed.
    pub fn of(points: usize, prompts: usize, record: KindRecord) -> Self {
        EvalOutput { points, prompts, record, ran_on: None }
    }
}

/// Everything a run produced.
#[derive(Debug, Clone, Default)]
pub struct ExecOutput {
    /// Trainings by job id.
    pub trains: BTreeMap<JobId, (TrainJob, TrainOutput)>,
    /// Evaluations in plan order.
    pub evals: Vec<(EvalJob, EvalOutput)>,
    /// Seconds spent training, summed over trainings (including loading cached models).
    pub train_s: f64,
    /// Seconds spent evaluating, summed over evaluations.
    pub eval_s: f64,
    /// Seconds from the first job's start to the last one's end.
    pub wall_s: f64,
    /// Jobs answered from the cache.
    pub cached_jobs: usize,
    /// Jobs that failed (with `keep_going`) or could not run, in plan order.
    pub not_done: Vec<NotDone>,
    /// Evaluations another shard was computing (sharded runs).
    pub elsewhere: usize,
}

/// A job a run did not finish, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotDone {
    /// The job.
    pub id: JobId,
    /// `train` or `eval`.
    pub kind: String,
    /// As a person names it (`mix (seed 3)`, `curve/dense`).
    pub name: String,
    /// It ran and failed (otherwise it could not run).
    pub failed: bool,
    /// The error, or what it waited for.
    pub why: String,
}

impl NotDone {
    /// `job` not done for `why`.
    pub fn of(job: &Job, failed: bool, why: String) -> Self {
        NotDone { id: job.id.clone(), kind: job.kind_label().into(), name: job.name(), failed, why }
    }
}

/// Where a job of a plan stands in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Complete and verified.
    Done,
    /// A process is computing it now.
    Running,
    /// Neither.
    Missing,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// A file could not be read or written.
    #[error("{what} `{path}`: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Training failed.
    #[error("training `{name}` failed: {source}")]
    Train {
        /// The training's name.
        name: String,
        /// The cause.
        source: crate::model::TrainError,
    },
    /// A training's initial weights file is not usable.
    #[error("training `{name}` cannot start from `{path}`: {why}")]
    Checkpoint {
        /// The training's name.
        name: String,
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// The plan asks for something this version cannot run (the planner normally stops it first).
    #[error("`iclc run` cannot execute {0} yet")]
    Unsupported(String),
    /// Another process holds what this run needs.
    #[error("{0}")]
    Busy(String),
    /// A setting of the run (an environment variable) is not usable.
    #[error("{0}")]
    Invalid(String),
    /// A tensor operation failed.
    #[error("{context}: {source}")]
    Tensor {
        /// What was being done.
        context: String,
        /// The cause.
        source: crate::model::TensorError,
    },
}

/// Whether the store under `cache_dir` holds `id` complete and verified.
pub fn is_complete(cache_dir: &std::path::Path, id: &JobId) -> bool {
    cache::Cache::at(cache_dir).is_complete(id)
}

/// Where each job of `plan` stands in the store under `cache_dir`, in plan order.
pub fn states(plan: &Plan, cache_dir: &std::path::Path) -> Vec<JobState> {
    let cache = cache::Cache::at(cache_dir);
    let state = |j: &Job| match (cache.is_complete(&j.id), cache.is_running(&j.id)) {
        (true, _) => JobState::Done,
        (false, true) => JobState::Running,
        (false, false) => JobState::Missing,
    };
    plan.jobs.iter().map(state).collect()
}

/// Runs every job of `plan` (or a shard's share), `opts.jobs` at a time, each after the jobs it reads.
pub fn run(plan: &Plan, opts: &ExecOptions, observer: &dyn Observer) -> Result<ExecOutput, ExecError> {
    let cache = cache::Cache::new(&opts.cache_dir, opts.fresh)?;
    let settings = schedule::Settings {
        workers: opts.jobs,
        keep_going: opts.keep_going,
        shard: opts.shard,
        compute: opts.compute,
    };
    schedule::run(plan, &cache, &settings, observer)
}

/// What the store under `cache_dir` holds of `plan`, computing nothing: complete jobs are read
/// (damaged ones are warned of), the rest listed as not done.
pub fn collect(plan: &Plan, cache_dir: &std::path::Path, observer: &dyn Observer) -> ExecOutput {
    let cache = cache::Cache::at(cache_dir);
    let mut out = ExecOutput::default();
    for job in &plan.jobs {
        let found = match &job.kind {
            JobKind::Train(t) => training::load(&job.id, &cache, observer).map(|r| {
                out.train_s += r.wall_s;
                out.trains.insert(job.id.clone(), (t.clone(), r));
            }),
            JobKind::Eval(e) => evaluate::load(&job.id, &cache, observer).map(|r| out.evals.push((e.clone(), r))),
        };
        match found {
            Some(()) => out.cached_jobs += 1,
            None => {
                let why = if cache.is_running(&job.id) { "still running" } else { "not in the store" };
                out.not_done.push(NotDone::of(job, false, why.into()));
            }
        }
    }
    out
}
