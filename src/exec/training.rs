//! A training job, or a stack of them: cached records, unsealing, the memory parts of a stack,
//! and the kind that trains each part (`kinds/`, all on `train_job`).
use super::cache::Cache;
use super::train_job::{Jobs, Outcome, RECORD};
use super::{ExecError, Observer, TrainOutput};
use crate::plan::{Job, JobId, JobKind, TrainJob};
use crate::spec::Compute;
use crate::tasks;

/// The stored record of a training another process ran, if it is complete.
pub fn load(id: &JobId, cache: &Cache, observer: &dyn Observer) -> Option<TrainOutput> {
    cache.found::<TrainOutput>(id, RECORD, observer)
}

/// Trains (or finds in the cache) the model of `t`; the flag says whether it was cached.
pub fn run(
    id: &JobId,
    t: &TrainJob,
    cache: &Cache,
    compute: &Compute,
    observer: &dyn Observer,
) -> Result<(TrainOutput, bool), ExecError> {
    run_stack(&[(id, t)], cache, compute, 1, observer).pop().expect("one job, one outcome")
}

/// Trains (or finds in the cache) the models of `jobs` as one stack (trainings of one shape,
/// `plan::stacks_of`), cut into parts that fit the device's memory shared among the
/// `side_by_side` stacks that may train at once; one outcome per job, in order, the flag saying
/// whether it was cached. A member that fails (a NaN, a damaged file) fails alone.
pub fn run_stack(
    jobs: &Jobs,
    cache: &Cache,
    compute: &Compute,
    side_by_side: usize,
    observer: &dyn Observer,
) -> Vec<Result<(TrainOutput, bool), ExecError>> {
    let mut out: Vec<Option<Result<(TrainOutput, bool), ExecError>>> = (0..jobs.len()).map(|_| None).collect();
    let mut todo = Vec::new();
    for (i, &(id, t)) in jobs.iter().enumerate() {
        let job = Job { id: id.clone(), kind: JobKind::Train(t.clone()), deps: vec![] };
        observer.job_started(&job, t.setup.steps);
        if let Some(record) = cache.found::<TrainOutput>(id, RECORD, observer) {
            observer.job_finished(&job, true);
            out[i] = Some(Ok((record, true)));
            continue;
        }
        // From here until the new manifest the job is incomplete, whatever an older run left.
        match cache.unseal(id) {
            Ok(()) => todo.push(i),
            Err(e) => out[i] = Some(Err(e)),
        }
    }
    let parts = match parts(jobs, &todo, compute, side_by_side) {
        Ok(parts) => parts,
        Err(why) => {
            for &i in &todo {
                out[i] = Some(Err(ExecError::Invalid(why.clone())));
            }
            vec![]
        }
    };
    for part in parts {
        let members: Vec<(&JobId, &TrainJob)> = part.iter().map(|&i| jobs[i]).collect();
        for (&i, outcome) in part.iter().zip(train_part(&members, cache, compute, observer)) {
            if outcome.is_ok() {
                let (id, t) = jobs[i];
                observer.job_finished(&Job { id: id.clone(), kind: JobKind::Train(t.clone()), deps: vec![] }, false);
            }
            out[i] = Some(outcome.map(|r| (r, false)));
        }
    }
    out.into_iter().map(|o| o.expect("every job has an outcome")).collect()
}

/// The members `todo` of a stack, cut into parts whose estimated memory on the graph fits the
/// stack's share of the budget ([`stack_budget`], divided among the stacks that may train at
/// once); one part when there is no budget to go by.
fn parts(jobs: &Jobs, todo: &[usize], compute: &Compute, side_by_side: usize) -> Result<Vec<Vec<usize>>, String> {
    if todo.len() < 2 {
        return Ok(todo.iter().map(|&i| vec![i]).collect());
    }
    let bytes: Vec<f64> = todo.iter().map(|&i| crate::plan::member_bytes(jobs[i].1)).collect();
    Ok(match stack_budget(compute)? {
        Some(b) => {
            crate::plan::split(&bytes, b / side_by_side.max(1) as f64).into_iter().map(|r| todo[r].to_vec()).collect()
        }
        None => vec![todo.to_vec()],
    })
}

/// The share of a device's free memory a stack may fill (the rest for the evaluations and
/// allocator slack running beside it).
const MEMORY_SHARE: f64 = 0.8;

/// The bytes the stacks may fill on the device: `$ICLC_STACK_MEMORY` when set (a GPU shared with
/// other work), else a share of the device's free memory; `None` when it cannot be read.
fn stack_budget(compute: &Compute) -> Result<Option<f64>, String> {
    if let Ok(text) = std::env::var("ICLC_STACK_MEMORY") {
        return match text.trim().parse::<f64>() {
            Ok(bytes) if bytes.is_finite() && bytes > 0.0 => Ok(Some(bytes)),
            _ => {
                Err(format!("ICLC_STACK_MEMORY=`{text}`: give the bytes a stack may fill, as a positive number (8e9)"))
            }
        };
    }
    Ok(crate::model::Target::open(compute).ok().and_then(|t| t.free_memory()).map(|free| free * MEMORY_SHARE))
}

/// Trains one part of a stack: every member is of one kind, each kind has its own model and data.
fn train_part(jobs: &Jobs, cache: &Cache, compute: &Compute, observer: &dyn Observer) -> Vec<Outcome> {
    let (_, first) = jobs[0];
    let kind = match tasks::kind_of(&first.data.class) {
        Ok(kind) => kind,
        Err(why) => return jobs.iter().map(|_| Err(ExecError::Unsupported(why.clone()))).collect(),
    };
    super::kinds::of(kind).train(jobs, cache, compute, observer)
}
