//! Progress reporting without printing: the CLI implements [`Observer`] (a progress bar).
use crate::plan::Job;

/// Told what the run is doing; every method has an empty default.
pub trait Observer {
    /// A job starts; `work` is its step count (training) or prompt count (evaluation).
    fn job_started(&self, _job: &Job, _work: u64) {}
    /// A training step finished.
    fn train_step(&self, _step: u64, _loss: f32) {}
    /// A job finished; `cached` when its result came from the cache.
    fn job_finished(&self, _job: &Job, _cached: bool) {}
}

/// An observer that ignores everything (tests, library use).
pub struct NoObserver;

impl Observer for NoObserver {}
