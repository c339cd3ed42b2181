//! Runs a plan's jobs on N worker threads: a job starts once every job it depends on is done, in
//! plan order among the ready ones. Each job computes from its own seed and stream, so the results
//! do not depend on N or on which worker ran what. Trainings of one stack train together; on the
//! CPU a member's numbers are what it computes alone, on a GPU they may differ in the last bits
//! with the stack it trained in (cuBLAS may pick other kernels for another batch count).
//!
//! A shard of a cluster run trains only the trainings it owns; it reads the others' from the
//! store as their shards finish them, waiting while their shard is alive (it holds its lock) and
//! giving up on an evaluation when that shard is not running: a shard still to start does it then,
//! so a cluster that runs one task at a time never deadlocks. Any shard may run an evaluation; the
//! job's lock decides which.
use super::cache::Cache;
use super::{EvalOutput, ExecError, ExecOutput, NotDone, Observer, TrainOutput, evaluate, training};
use crate::files::Lock;
use crate::plan::{EvalJob, JobId, JobKind, Plan, Shard, TrainJob};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How often a shard looks for the trainings of other shards.
const POLL: Duration = Duration::from_secs(2);

/// How to run.
pub struct Settings {
    /// Jobs at a time.
    pub workers: usize,
    /// Finish every job that can be after one fails.
    pub keep_going: bool,
    /// Run one shard's share only.
    pub shard: Option<Shard>,
    /// The backend and device models compute on.
    pub compute: crate::spec::Compute,
}

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
    /// Trainings other shards run, by plan index, with their shard; not yet found in the store.
    foreign: BTreeMap<usize, usize>,
    /// Jobs that failed or could not run, by plan index.
    not_done: BTreeMap<usize, NotDone>,
    /// Evaluations another shard took.
    elsewhere: usize,
    train_s: f64,
    eval_s: f64,
    cached_jobs: usize,
    /// The first failure (without `keep_going`): no new job starts after it.
    failed: Option<ExecError>,
}

/// The jobs a shard takes part in, and the trainings it leaves to others.
fn share(plan: &Plan, shard: Option<Shard>) -> (Vec<usize>, BTreeMap<usize, usize>) {
    let Some(shard) = shard else { return ((0..plan.jobs.len()).collect(), BTreeMap::new()) };
    let owners = crate::plan::training_owners(plan, shard.count);
    let owner = |i: usize| owners.get(&plan.jobs[i].id).copied().filter(|&s| s != shard.index);
    let theirs: BTreeMap<usize, usize> = (0..plan.jobs.len()).filter_map(|i| owner(i).map(|s| (i, s))).collect();
    let mine = (0..plan.jobs.len()).filter(|i| !theirs.contains_key(i)).collect();
    (mine, theirs)
}

/// Runs the jobs of `plan` (a shard's share of them) with `settings.workers` at a time.
pub fn run(plan: &Plan, cache: &Cache, settings: &Settings, observer: &dyn Observer) -> Result<ExecOutput, ExecError> {
    let started = Instant::now();
    // Held while the shard runs: other shards wait for its trainings only while it is alive.
    let _alive = match settings.shard {
        Some(s) => Some(shard_lock(cache, s)?),
        None => None,
    };
    let (waiting, foreign) = share(plan, settings.shard);
    let board = Mutex::new(Board {
        waiting,
        done: BTreeSet::new(),
        running: 0,
        trains: BTreeMap::new(),
        evals: BTreeMap::new(),
        foreign,
        not_done: BTreeMap::new(),
        elsewhere: 0,
        train_s: 0.0,
        eval_s: 0.0,
        cached_jobs: 0,
        failed: None,
    });
    let changed = Condvar::new();
    let stack_of = plan.stacks.iter().enumerate().flat_map(|(s, st)| st.members.iter().map(move |id| (id.clone(), s)));
    let stack_of = stack_of.collect();
    let shared = Shared { plan, cache, settings, board: &board, changed: &changed, observer, stack_of };
    std::thread::scope(|s| {
        for _ in 0..settings.workers.max(1) {
            s.spawn(|| shared.work());
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
        not_done: b.not_done.into_values().collect(),
        elsewhere: b.elsewhere,
    })
}

/// A shard's lock in the store, or an error when the same shard already runs.
fn shard_lock(cache: &Cache, shard: Shard) -> Result<Lock, ExecError> {
    let path = cache.root().join(shard.lock_file());
    match Lock::try_exclusive(&path) {
        Ok(Some(lock)) => Ok(lock),
        Ok(None) => Err(ExecError::Busy(format!("shard {shard} of this out folder is already running"))),
        Err(source) => Err(ExecError::Io { what: "cannot lock the shard", path, source }),
    }
}

/// Everything a worker reads.
struct Shared<'a> {
    plan: &'a Plan,
    cache: &'a Cache,
    settings: &'a Settings,
    board: &'a Mutex<Board>,
    changed: &'a Condvar,
    observer: &'a dyn Observer,
    /// The stack of each training that trains in one (an index into the plan's stacks).
    stack_of: BTreeMap<JobId, usize>,
}

/// A finished job's result.
enum Done<'a> {
    Train(&'a TrainJob, TrainOutput),
    Eval(&'a EvalJob, EvalOutput),
    /// Another process is computing it.
    Elsewhere,
}

impl Shared<'_> {
    fn lock(&self) -> MutexGuard<'_, Board> {
        self.board.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// One worker: take a ready job, run it outside the lock, post its result; until nothing is left.
    fn work(&self) {
        let mut b = self.lock();
        loop {
            if b.failed.is_some() {
                break;
            }
            self.drop_unreachable(&mut b);
            if b.waiting.is_empty() {
                break;
            }
            let ready = crate::plan::first_ready(&self.plan.jobs, &b.waiting, &b.done);
            let Some(pos) = ready else {
                if b.running > 0 {
                    b = self.changed.wait(b).unwrap_or_else(|p| p.into_inner());
                } else if !b.foreign.is_empty() {
                    if !self.look_for_foreign(&mut b) {
                        b = self.changed.wait_timeout(b, POLL).unwrap_or_else(|p| p.into_inner()).0;
                    }
                } else {
                    // Nothing runs that could make a waiting job ready: a dependency outside the plan.
                    let stuck = &self.plan.jobs[b.waiting[0]];
                    b.failed = Some(ExecError::Unsupported(format!("job {} waits on a job the plan lacks", stuck.id)));
                    self.changed.notify_all();
                    break;
                }
                continue;
            };
            let index = b.waiting.remove(pos);
            b.running += 1;
            let job = &self.plan.jobs[index];
            if let Some(&stack) = self.stack_of.get(&job.id) {
                // The stack's other members still waiting train with it (a shard's own only).
                let mut members = vec![index];
                b.waiting.retain(|&i| {
                    let with = self.stack_of.get(&self.plan.jobs[i].id) == Some(&stack);
                    if with {
                        members.push(i);
                    }
                    !with
                });
                drop(b);
                let t0 = Instant::now();
                let results = self.run_stack(&members);
                let secs = t0.elapsed().as_secs_f64() / members.len() as f64;
                b = self.lock();
                b.running -= 1;
                for (i, result) in members.into_iter().zip(results) {
                    self.post(&mut b, i, result, secs);
                }
                self.changed.notify_all();
                continue;
            }
            // An evaluation reads only its own models' records.
            let inputs: BTreeMap<JobId, (TrainJob, TrainOutput)> = match &job.kind {
                JobKind::Eval(e) => e.models.iter().map(|(_, id)| (id.clone(), b.trains[id].clone())).collect(),
                JobKind::Train(_) => BTreeMap::new(),
            };
            drop(b);
            let t0 = Instant::now();
            let result = self.run_job(index, &inputs);
            let secs = t0.elapsed().as_secs_f64();
            b = self.lock();
            b.running -= 1;
            self.post(&mut b, index, result, secs);
            self.changed.notify_all();
        }
    }

    /// Runs one job under its lock.
    fn run_job(
        &self,
        index: usize,
        inputs: &BTreeMap<JobId, (TrainJob, TrainOutput)>,
    ) -> Result<(Done<'_>, bool), ExecError> {
        let job = &self.plan.jobs[index];
        let Some(_claim) = self.cache.claim(&job.id)? else {
            return match (&job.kind, self.settings.shard) {
                (JobKind::Eval(_), Some(_)) => Ok((Done::Elsewhere, false)),
                _ => Err(ExecError::Busy(format!("job {} is being computed by another process", job.id))),
            };
        };
        match &job.kind {
            JobKind::Train(t) => training::run(&job.id, t, self.cache, &self.settings.compute, self.observer)
                .map(|(r, c)| (Done::Train(t, r), c)),
            JobKind::Eval(e) => evaluate::run(&job.id, e, inputs, self.cache, &self.settings.compute, self.observer)
                .map(|(r, c)| (Done::Eval(e, r), c)),
        }
    }

    /// Trains the stack members `indices` under their locks, as one stacked model; one result per
    /// member (a member another process holds is busy, the rest train).
    fn run_stack(&self, indices: &[usize]) -> Vec<Result<(Done<'_>, bool), ExecError>> {
        let mut results: Vec<Option<Result<(Done<'_>, bool), ExecError>>> = indices.iter().map(|_| None).collect();
        let (mut claims, mut members, mut at) = (Vec::new(), Vec::new(), Vec::new());
        for (k, &i) in indices.iter().enumerate() {
            let job = &self.plan.jobs[i];
            let JobKind::Train(t) = &job.kind else { continue };
            match self.cache.claim(&job.id) {
                Ok(Some(claim)) => {
                    claims.push(claim);
                    members.push((&job.id, t));
                    at.push(k);
                }
                Ok(None) => {
                    let busy = format!("job {} is being computed by another process", job.id);
                    results[k] = Some(Err(ExecError::Busy(busy)));
                }
                Err(e) => results[k] = Some(Err(e)),
            }
        }
        // The stacks that may train at once share the device's memory.
        let side_by_side = self.settings.workers.min(self.plan.stacks.len()).max(1);
        let outcomes = training::run_stack(&members, self.cache, &self.settings.compute, side_by_side, self.observer);
        for ((k, (_, t)), outcome) in at.into_iter().zip(&members).zip(outcomes) {
            results[k] = Some(outcome.map(|(r, c)| (Done::Train(t, r), c)));
        }
        drop(claims);
        results.into_iter().map(|r| r.expect("every member has a result")).collect()
    }

    /// Records a job's result on the board.
    fn post(&self, b: &mut Board, index: usize, result: Result<(Done<'_>, bool), ExecError>, secs: f64) {
        let job = &self.plan.jobs[index];
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
                    Done::Elsewhere => b.elsewhere += 1,
                }
                b.done.insert(job.id.clone());
            }
            Err(e) if self.settings.keep_going => {
                b.not_done.insert(index, NotDone::of(job, true, e.to_string()));
            }
            Err(e) => {
                b.failed.get_or_insert(e);
            }
        }
    }

    /// Moves every waiting job that needs a job not done to the not-done list, with the reason.
    fn drop_unreachable(&self, b: &mut Board) {
        let mut gone: BTreeMap<JobId, String> = b.not_done.values().map(|n| (n.id.clone(), n.name.clone())).collect();
        loop {
            let blocked = b.waiting.iter().position(|&i| self.plan.jobs[i].deps.iter().any(|d| gone.contains_key(d)));
            let Some(pos) = blocked else { return };
            let job = &self.plan.jobs[b.waiting[pos]];
            let dep = job.deps.iter().find_map(|d| gone.get(d)).cloned().unwrap_or_default();
            let why = format!("it needs {dep}, which was not done");
            let index = b.waiting.remove(pos);
            let not_done = NotDone::of(job, false, why);
            gone.insert(not_done.id.clone(), not_done.name.clone());
            b.not_done.insert(index, not_done);
        }
    }

    /// Reads the trainings of other shards that have reached the store; gives up on those whose
    /// shard is not running. Whether anything changed.
    fn look_for_foreign(&self, b: &mut Board) -> bool {
        let count = self.settings.shard.map_or(1, |s| s.count);
        let mut changed = false;
        let waiting_for: Vec<(usize, usize)> = b.foreign.iter().map(|(&i, &o)| (i, o)).collect();
        for (index, owner) in waiting_for {
            // Alive first, then the store: a shard that stores its training and exits in between
            // is still found.
            let shard = Shard { index: owner, count };
            let alive = Lock::is_held(&self.cache.root().join(shard.lock_file()));
            let job = &self.plan.jobs[index];
            let JobKind::Train(t) = &job.kind else { continue };
            if let Some(record) = training::load(&job.id, self.cache, self.observer) {
                b.trains.insert(job.id.clone(), (t.clone(), record));
                b.done.insert(job.id.clone());
            } else if !alive {
                let why = format!(
                    "shard {shard} trains it and is not running now (not started yet, or failed); \
                     what needs it is left to a shard that starts later"
                );
                b.not_done.insert(index, NotDone::of(job, false, why));
            } else {
                continue;
            }
            b.foreign.remove(&index);
            changed = true;
        }
        if !changed {
            let names: Vec<String> = b.foreign.keys().take(3).map(|&i| self.plan.jobs[i].name()).collect();
            let more = if b.foreign.len() > 3 { ", …" } else { "" };
            self.observer.waiting(&format!("waiting for other shards' trainings ({}{more})", names.join(", ")));
        }
        changed
    }
}
