//! Runs a plan's jobs on N worker threads: a job starts once every job it depends on is done, in
//! plan order among the ready ones. Each job computes from its own seed and stream, so the results
//! do not depend on N or on which worker ran what.
use super::cache::Cache;
use super::{EvalOutput, ExecError, ExecOutput, Observer, TrainOutput, evaluate, training};
use crate::plan::{EvalJob, JobId, JobKind, Plan, TrainJob};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Condvar, Mutex};
use std::time::Instant;

/// What the workers share.
struct Board {
    /// Indices into the plan of jobs not yet started.
    waiting: Vec<usize>,
    /// Jobs finished (by id).
    done: BTreeSet<JobId>,
    /// Jobs running now.
    running: usize,
    trains: BTreeMap<JobId, (TrainJob, TrainOutput)>,
    /// Evaluation results by plan index, so the output keeps plan order.
    evals: BTreeMap<usize, (EvalJob, EvalOutput)>,
    train_s: f64,
    eval_s: f64,
    cached_jobs: usize,
    /// The first failure: no new job starts after it.
    failed: Option<ExecError>,
}

/// Runs every job of `plan` with `workers` jobs at a time.
pub fn run(plan: &Plan, cache: &Cache, workers: usize, observer: &dyn Observer) -> Result<ExecOutput, ExecError> {
    let started = Instant::now();
    let board = Mutex::new(Board {
        waiting: (0..plan.jobs.len()).collect(),
        done: BTreeSet::new(),
        running: 0,
        trains: BTreeMap::new(),
        evals: BTreeMap::new(),
        train_s: 0.0,
        eval_s: 0.0,
        cached_jobs: 0,
        failed: None,
    });
    let changed = Condvar::new();
    std::thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| work(plan, cache, &board, &changed, observer));
        }
    });
    let b = board.into_inner().unwrap_or_else(|p| p.into_inner());
    if let Some(e) = b.failed {
        return Err(e);
    }
    Ok(ExecOutput {
        trains: b.trains,
        evals: b.evals.into_values().collect(),
        train_s: b.train_s,
        eval_s: b.eval_s,
        wall_s: started.elapsed().as_secs_f64(),
        cached_jobs: b.cached_jobs,
    })
}

/// One worker: take a ready job, run it outside the lock, post its result; until nothing is left.
fn work(plan: &Plan, cache: &Cache, board: &Mutex<Board>, changed: &Condvar, observer: &dyn Observer) {
    let lock = || board.lock().unwrap_or_else(|p| p.into_inner());
    let mut b = lock();
    loop {
        if b.failed.is_some() || b.waiting.is_empty() {
            break;
        }
        let ready = b.waiting.iter().position(|&i| plan.jobs[i].deps.iter().all(|d| b.done.contains(d)));
        let Some(pos) = ready else {
            if b.running == 0 {
                // Nothing runs that could make a waiting job ready: a dependency outside the plan.
                let stuck = &plan.jobs[b.waiting[0]];
                b.failed = Some(ExecError::Unsupported(format!("job {} waits on a job the plan lacks", stuck.id.0)));
                changed.notify_all();
                break;
            }
            b = changed.wait(b).unwrap_or_else(|p| p.into_inner());
            continue;
        };
        let index = b.waiting.remove(pos);
        let job = &plan.jobs[index];
        b.running += 1;
        // An evaluation reads only its own models' records.
        let inputs: BTreeMap<JobId, (TrainJob, TrainOutput)> = match &job.kind {
            JobKind::Eval(e) => e.models.iter().map(|(_, id)| (id.clone(), b.trains[id].clone())).collect(),
            JobKind::Train(_) => BTreeMap::new(),
        };
        drop(b);
        let t0 = Instant::now();
        let result = match &job.kind {
            JobKind::Train(t) => training::run(&job.id, t, cache, observer).map(|(r, c)| (Done::Train(t, r), c)),
            JobKind::Eval(e) => evaluate::run(&job.id, e, &inputs, cache, observer).map(|(r, c)| (Done::Eval(e, r), c)),
        };
        let secs = t0.elapsed().as_secs_f64();
        b = lock();
        b.running -= 1;
        match result {
            Ok((done, cached)) => {
                b.cached_jobs += usize::from(cached);
                match done {
                    Done::Train(t, r) => {
                        b.train_s += secs;
                        b.trains.insert(job.id.clone(), (t.clone(), r));
                    }
                    Done::Eval(e, r) => {
                        b.eval_s += secs;
                        b.evals.insert(index, (e.clone(), r));
                    }
                }
                b.done.insert(job.id.clone());
            }
            Err(e) => {
                b.failed.get_or_insert(e);
            }
        }
        changed.notify_all();
    }
}

/// A finished job's result.
enum Done<'a> {
    Train(&'a TrainJob, TrainOutput),
    Eval(&'a EvalJob, EvalOutput),
}
