//! An evaluation job: fresh prompts of one task through every model and baseline, evaluated the
//! way the task's kind evaluates (`kinds/`), its record stored the same for every kind.
use super::cache::Cache;
use super::kinds::{self, Evaluating};
use super::{EvalOutput, ExecError, Observer, TrainOutput};
use crate::plan::{EvalJob, Job, JobId, JobKind, TrainJob};
use std::collections::BTreeMap;

const RECORD: &str = "eval.json";

/// The stored record of an evaluation, if it is complete.
pub fn load(id: &JobId, cache: &Cache, observer: &dyn Observer) -> Option<EvalOutput> {
    cache.found::<EvalOutput>(id, RECORD, observer)
}

/// Evaluates (or finds in the cache) one task of an evaluation.
pub fn run(
    id: &JobId,
    e: &EvalJob,
    trains: &BTreeMap<JobId, (TrainJob, TrainOutput)>,
    cache: &Cache,
    compute: &crate::spec::Compute,
    observer: &dyn Observer,
) -> Result<(EvalOutput, bool), ExecError> {
    let job = Job { id: id.clone(), kind: JobKind::Eval(e.clone()), deps: vec![] };
    observer.job_started(&job, (e.models.len() + e.baselines.len()) as u64);
    if let Some(record) = cache.found::<EvalOutput>(id, RECORD, observer) {
        observer.job_finished(&job, true);
        return Ok((record, true));
    }
    cache.unseal(id)?;
    let target = super::train_job::target(compute)?;
    // Each kind of task is evaluated its own way; the record is stored the same.
    let mut record =
        kinds::of(e.task_kind).evaluate(&Evaluating { id, job: e, trains, cache, target: &target, observer })?;
    record.ran_on = Some(format!("graph on {}", target.name()));
    cache.write(id, RECORD, &record)?;
    cache.seal(id, &[RECORD])?;
    observer.job_finished(&job, false);
    Ok((record, false))
}
