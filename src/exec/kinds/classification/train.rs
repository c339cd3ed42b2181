//! Pattern-classifier training jobs (one, or a stack of them): prompts of the class's training
//! tasks through the shared training loop (checkpoints, resume, snapshots as every other job),
//! their records and weights.
use crate::exec::cache::Cache;
use crate::exec::train_job::{Jobs, Outcome, Prepared, checkpoints, finish, target, train_prepared};
use crate::exec::{ExecError, Observer};
use crate::model::{CheckpointPolicy, PatternBatch, PatternModel};
use crate::plan::{JobId, TrainJob};
use crate::spec::Compute;
use crate::tasks::patterns::{Part, PatternData};

/// A member ready to train: its model, its data, its checkpoints.
struct Ready<'a> {
    index: usize,
    job: (&'a JobId, &'a TrainJob),
    model: PatternModel,
    data: PatternData,
    policy: CheckpointPolicy,
}

/// Trains the classifiers of `jobs` (unsealed job folders, one shape) as one stack and seals
/// their records; one outcome per job.
pub fn train(jobs: &Jobs, cache: &Cache, compute: &Compute, observer: &dyn Observer) -> Vec<Outcome> {
    let mut out: Vec<Option<Outcome>> = (0..jobs.len()).map(|_| None).collect();
    let mut ready = Vec::new();
    for (index, &(id, t)) in jobs.iter().enumerate() {
        let prepared = prepare(t).and_then(|(model, data)| Ok((model, data, checkpoints(id, t, cache, observer)?)));
        match prepared {
            Ok((model, data, policy)) => ready.push(Ready { index, job: (id, t), model, data, policy }),
            Err(e) => out[index] = Some(Err(e)),
        }
    }
    let objective = ready.first().map(|r| r.job.1.setup.objective(crate::spec::TaskKind::Classification));
    let engine = target(compute).and_then(|target| {
        let first = ready.first().zip(objective).map(|(r, o)| r.model.engine(o, &target)).transpose();
        first.map_err(|source| ExecError::Tensor { context: "building the classifiers' graph".into(), source })
    });
    match engine {
        Ok(Some(mut engine)) => {
            let members = ready.iter().map(|r| member(r, compute)).collect();
            let outcomes = train_prepared(engine.as_mut(), members, observer);
            for (r, outcome) in ready.iter().zip(outcomes) {
                let (id, t) = r.job;
                let steps = t.setup.steps;
                let save = |path: &std::path::Path, wall_s: f64| r.model.save(path, steps, wall_s);
                out[r.index] = Some(
                    outcome
                        .map_err(|source| ExecError::Train { name: t.name.clone(), source })
                        .and_then(|o| finish(id, t, cache, &r.policy, o, r.model.parameters(), save, None)),
                );
            }
        }
        Ok(None) => {}
        Err(e) => {
            let why = e.to_string();
            for r in &ready {
                out[r.index] = Some(Err(ExecError::Unsupported(format!("training `{}`: {why}", r.job.1.name))));
            }
        }
    }
    out.into_iter().map(|o| o.expect("every job has an outcome")).collect()
}

/// A member's model (its init policy) and its data.
fn prepare(t: &TrainJob) -> Result<(PatternModel, PatternData), ExecError> {
    let unsupported = |why: String| ExecError::Unsupported(format!("training `{}`: {why}", t.name));
    let data = crate::tasks::patterns_of(&t.data.class, t.dim).map_err(unsupported)?;
    if t.init.is_some() {
        return Err(unsupported("a pattern classifier starts from its init policy (no `init` file yet)".into()));
    }
    Ok((PatternModel::init(&t.setup.model, t.dim, t.seed).map_err(unsupported)?, data))
}

/// The loop's view of a ready member: prompts of its training tasks, embedded.
fn member<'a>(r: &'a Ready<'a>, compute: &Compute) -> Prepared<'a, PatternBatch> {
    let t = r.job.1;
    let q = [r.data.settings.label as f32];
    let data = &r.data;
    let next_batch = move |rng: &mut crate::rng::Rng, _| {
        PatternBatch::of(&data.prompts(Part::Train, t.setup.batch, t.points, rng), t.dim, &q)
    };
    Prepared::of(r.job, r.model.weights(), compute, &r.policy, next_batch)
}
