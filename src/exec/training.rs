//! A training job: init, train, checkpoint, record.
use super::cache::Cache;
use super::{ExecError, Observer, Snapshot, TrainOutput};
use crate::model::{AdamWSettings, CheckpointPolicy, Config, Params, TrainOutcome, TrainSettings, step_shape};
use crate::plan::{InitFile, Job, JobId, JobKind, TrainJob};
use crate::rng;
use crate::spec::Compute;
use crate::spec::{DecayOn, InputSpec};
use crate::tasks;
use std::collections::HashMap;
use std::ops::ControlFlow;

pub(super) const RECORD: &str = "train.json";
pub(super) const WEIGHTS: &str = "model.safetensors";
/// The resumable checkpoint, removed once the final weights are written.
pub(super) const RESUME: &str = "resume.safetensors";

/// The file that keeps the weights of `step`, in the job's folder.
pub(super) fn snapshot_file(step: u64) -> String {
    format!("step-{step:09}.safetensors")
}

/// A training job's own loop (a language model's, a pattern classifier's).
type Trainer = fn(&JobId, &TrainJob, &Cache, &Compute, &dyn Observer) -> Result<TrainOutput, ExecError>;

/// The model config of a training job.
pub fn model_config(t: &TrainJob) -> Config {
    let m = t.setup.model;
    Config::new(t.dim, t.points, m.width, m.layers, m.heads)
}

/// The weights a training starts from, read from its `init` file (PyTorch parameter names).
fn load_init(t: &TrainJob, file: &InitFile, cfg: &Config) -> Result<Params, ExecError> {
    let bytes = std::fs::read(&file.path).map_err(|source| ExecError::Io {
        what: "cannot read the initial weights",
        path: file.path.clone(),
        source,
    })?;
    let sha = crate::files::sha256_hex(&bytes);
    let bad = |why: String| ExecError::Checkpoint { name: t.name.clone(), path: file.path.clone(), why };
    if sha != file.sha256 {
        return Err(bad("the file changed after the run was planned; run again".into()));
    }
    crate::model::weights_from_file(cfg, &bytes).map_err(bad)
}

/// The loop's settings for a training job.
pub(super) fn settings(t: &TrainJob, compute: &Compute) -> TrainSettings {
    let s = &t.setup;
    TrainSettings {
        steps: s.steps,
        batch: s.batch,
        adamw: AdamWSettings {
            lr: s.lr,
            weight_decay: s.weight_decay,
            optimizer: s.optimizer,
            ..AdamWSettings::default()
        },
        schedule: s.schedule,
        clip: s.clip,
        decay_matrices_only: s.decay_on == DecayOn::Matrices,
        curriculum: s.curriculum,
        compute: *compute,
    }
}

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
    let job = Job { id: id.clone(), kind: JobKind::Train(t.clone()), deps: vec![] };
    observer.job_started(&job, t.setup.steps);
    if let Some(record) = cache.found::<TrainOutput>(id, RECORD, observer) {
        observer.job_finished(&job, true);
        return Ok((record, true));
    }
    // From here until the new manifest the job is incomplete, whatever an older run left.
    cache.unseal(id)?;
    // Each objective has its own model and loop.
    let kind = tasks::kind_of(&t.data.class).map_err(ExecError::Unsupported)?;
    let objective = t.setup.objective(kind);
    let own_loop = match (objective, t.setup.model.arch) {
        (crate::spec::Objective::CrossEntropy, _) => Some(super::train_language::train as Trainer),
        (_, crate::spec::Arch::PatternNet) => Some(super::train_patterns::train as Trainer),
        _ => None,
    };
    if let Some(train) = own_loop {
        let record = train(id, t, cache, compute, observer)?;
        observer.job_finished(&job, false);
        return Ok((record, false));
    }
    let tensor_err = |source| ExecError::Tensor { context: format!("training `{}`", t.name), source };
    let cfg = model_config(t);
    let params = match &t.init {
        None => crate::model::initial_weights(&cfg, t.seed).map_err(tensor_err)?,
        Some(file) => load_init(t, file, &cfg)?,
    };
    let settings = settings(t, compute);
    let unsupported = |why| ExecError::Unsupported(format!("the data of `{}`: {why}", t.name));
    // A function class fills the ys of drawn xs; pattern data brings both (the labels as ys).
    enum Source {
        Class(Box<dyn tasks::FunctionClass>),
        Patterns(tasks::patterns::PatternData),
    }
    let source = if kind.batch == crate::spec::BatchKind::Patterns {
        Source::Patterns(tasks::patterns_of(&t.data.class, t.dim).map_err(unsupported)?)
    } else {
        Source::Class(tasks::class_for(&t.data.class).map_err(unsupported)?)
    };
    let mut data_rng = rng::stream(t.seed, "train-data");
    let policy = checkpoints(id, t, cache, observer)?;
    let outcome = crate::model::train_on(
        &params,
        &settings,
        objective,
        &mut data_rng,
        |r, step| {
            let shape = step_shape(&settings, t.points, t.dim, step);
            match &source {
                Source::Class(class) => tasks::sample_batch(
                    class.as_ref(),
                    &InputSpec::Normal,
                    r,
                    shape.batch,
                    shape.points,
                    t.dim,
                    shape.active_dims,
                ),
                Source::Patterns(data) => {
                    let prompts = data.prompts(tasks::patterns::Part::Train, shape.batch, shape.points, r);
                    tasks::patterns::PatternData::batch(&prompts, t.dim)
                }
            }
        },
        |step, loss| {
            observer.train_step(id, step, loss);
            ControlFlow::Continue(())
        },
        Some(&policy),
    )
    .map_err(|source| ExecError::Train { name: t.name.clone(), source })?;
    let save = |checkpoint: &std::path::Path, _wall_s: f64| {
        let meta: HashMap<String, String> = [
            ("n_dims", cfg.n_dims.to_string()),
            ("points", cfg.points.to_string()),
            ("n_embd", cfg.n_embd.to_string()),
            ("n_layer", cfg.n_layer.to_string()),
            ("n_head", cfg.n_head.to_string()),
            ("iclc", crate::VERSION.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        params.save(checkpoint, meta)
    };
    let record = finish(id, t, cache, &policy, outcome, params.count(), save, None)?;
    observer.job_finished(&job, false);
    Ok((record, false))
}

/// A weights file's loss, for selecting among a training's weights.
pub(super) type LossOf<'a> = &'a dyn Fn(&std::path::Path) -> Result<f64, String>;

/// Seals a finished training's job folder: its snapshots found, its final weights written by
/// `save(path, seconds of training)`, the weights `select` finds lowest chosen as its model, its
/// record, the manifest; the resumable checkpoint removed.
#[allow(clippy::too_many_arguments)]
pub(super) fn finish(
    id: &JobId,
    t: &TrainJob,
    cache: &Cache,
    policy: &CheckpointPolicy,
    outcome: TrainOutcome,
    parameters: usize,
    save: impl FnOnce(&std::path::Path, f64) -> std::io::Result<()>,
    select: Option<LossOf>,
) -> Result<TrainOutput, ExecError> {
    let (losses, wall_s) = match outcome {
        TrainOutcome::Finished { losses, wall_s } => (losses, wall_s),
        TrainOutcome::Interrupted { step, .. } => {
            return Err(ExecError::Unsupported(format!("an interrupted training (stopped at step {step})")));
        }
    };
    let dir = cache.job_dir(id)?;
    let snapshots =
        t.snapshots
            .iter()
            .map(|&step| {
                let file = snapshot_file(step);
                let (_, wall_s) = crate::model::weights_step(&dir.join(&file))
                    .map_err(|why| ExecError::Checkpoint { name: t.name.clone(), path: dir.join(&file), why })?;
                Ok(Snapshot { step, wall_s, file })
            })
            .collect::<Result<Vec<_>, ExecError>>()?;
    let checkpoint = dir.join(WEIGHTS);
    save(&checkpoint, wall_s).map_err(|source| ExecError::Io {
        what: "cannot write the checkpoint",
        path: checkpoint.clone(),
        source,
    })?;
    let mut record = TrainOutput { losses, wall_s, parameters, checkpoint: WEIGHTS.into(), snapshots, selected: None };
    if let Some(loss_of) = select {
        // The selection's steps (not an evaluation's), then the last: the lowest finite loss
        // wins, the latest on a tie.
        let steps: Vec<u64> = t.setup.selection_steps().collect();
        let kept = record.snapshots.iter().filter(|s| steps.contains(&s.step)).map(|s| (s.step, s.file.clone()));
        let mut scored = Vec::new();
        for (step, file) in kept.chain([(t.setup.steps, WEIGHTS.to_string())]) {
            let path = dir.join(&file);
            let loss = loss_of(&path).map_err(|why| ExecError::Checkpoint { name: t.name.clone(), path, why })?;
            scored.push((step, loss, file));
        }
        if let Some((step, loss, file)) = lowest(scored) {
            record.checkpoint = file.into();
            record.selected = Some((step, loss));
        }
    }
    cache.write(id, RECORD, &record)?;
    let files: Vec<&str> =
        [RECORD, WEIGHTS].into_iter().chain(record.snapshots.iter().map(|s| s.file.as_str())).collect();
    cache.seal(id, &files)?;
    // The final weights and record are in place; the resumable state is no longer needed.
    let _ = std::fs::remove_file(&policy.path);
    Ok(record)
}

/// The candidate with the lowest finite loss, the latest of equals; none when no loss is finite.
fn lowest<T>(candidates: Vec<(u64, f64, T)>) -> Option<(u64, f64, T)> {
    let mut best: Option<(u64, f64, T)> = None;
    for c in candidates {
        if c.1.is_finite() && best.as_ref().is_none_or(|b| c.1 <= b.1) {
            best = Some(c);
        }
    }
    best
}

/// Where a training job keeps its resumable checkpoint and snapshots; tells `observer` when an
/// earlier run left one to resume from.
pub(super) fn checkpoints(
    id: &JobId,
    t: &TrainJob,
    cache: &Cache,
    observer: &dyn Observer,
) -> Result<CheckpointPolicy, ExecError> {
    let dir = cache.job_dir(id)?;
    let policy = CheckpointPolicy {
        path: dir.join(RESUME),
        every: t.setup.checkpoint_every,
        snapshots: t.snapshots.iter().map(|&s| (s, dir.join(snapshot_file(s)))).collect(),
    };
    if let Ok((step, seconds)) = crate::model::weights_step(&policy.path) {
        observer.resumed(id, step, seconds);
    }
    Ok(policy)
}

#[cfg(test)]
mod tests {
    use super::lowest;

    #[test]
    fn selection_keeps_the_lowest_finite_loss_and_the_latest_of_equals() {
        let at = |losses: &[(u64, f64)]| lowest(losses.iter().map(|&(s, l)| (s, l, ())).collect()).map(|b| b.0);
        assert_eq!(at(&[(5, 0.9), (10, 0.4), (15, 0.7), (20, 0.5)]), Some(10), "not the last: the lowest");
        assert_eq!(at(&[(5, 0.4), (10, 0.6), (15, 0.4), (20, 0.8)]), Some(15), "a tie goes to the later step");
        assert_eq!(at(&[(5, f64::NAN), (10, 0.6), (20, f64::INFINITY)]), Some(10), "NaN and ∞ never win");
        assert_eq!(at(&[(5, f64::NAN)]), None);
    }
}
