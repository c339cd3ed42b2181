//! Progress reporting without printing: the CLI implements [`Observer`] (a progress bar).
use crate::plan::{Job, JobId};

/// Told what the run is doing, from every worker thread; every method has an empty default.
pub trait Observer: Sync {
    /// A job starts; `work` is its step count (training) or predictor count (evaluation).
    fn job_started(&self, _job: &Job, _work: u64) {}
    /// A step of the training `job` finished.
    fn train_step(&self, _job: &JobId, _step: u64, _loss: f32) {}
    /// The training `job` resumes from its checkpoint of `step`, after `seconds` of earlier training.
    fn resumed(&self, _job: &JobId, _step: u64, _seconds: f64) {}
    /// `done` predictors of the evaluation `job` have predicted all its prompts.
    fn eval_step(&self, _job: &JobId, _done: u64) {}
    /// Nothing can start until other processes (shards) store their results; said every poll.
    fn waiting(&self, _text: &str) {}
    /// Something the user should know that does not stop the run (a damaged cache entry).
    fn warning(&self, _text: &str) {}
    /// A job finished; `cached` when its result came from the cache.
    fn job_finished(&self, _job: &Job, _cached: bool) {}
}

/// An observer that ignores everything (tests, library use).
pub struct NoObserver;

impl Observer for NoObserver {}
