//! What every kind's training shares: its settings, the files of its folder, the member it
//! prepares for a stack, the one loop all kinds train in, and sealing its record (the lowest-loss
//! selection included). `training` dispatches a stack to a kind; each kind (`kinds/`) builds on
//! this and on nothing above it.
use super::cache::Cache;
use super::{ExecError, Observer, Snapshot, TrainOutput};
use crate::model::{
    AdamWSettings, CheckpointPolicy, Member, StackBackend, TrainError, TrainOutcome, TrainSettings, Weights,
};
use crate::plan::{JobId, TrainJob};
use crate::rng;
use crate::spec::Compute;
use crate::spec::DecayOn;
use std::ops::ControlFlow;

pub(super) const RECORD: &str = "train.json";
pub(super) const WEIGHTS: &str = "model.safetensors";
/// The resumable checkpoint, removed once the final weights are written.
pub(super) const RESUME: &str = "resume.safetensors";

/// The file that keeps the weights of `step`, in the job's folder.
pub(super) fn snapshot_file(step: u64) -> String {
    format!("step-{step:09}.safetensors")
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

/// A training or a stack's part: the jobs, each with its id.
pub(super) type Jobs<'a> = [(&'a JobId, &'a TrainJob)];

/// A job's outcome: its record, or why it has none.
pub(super) type Outcome = Result<TrainOutput, ExecError>;

/// A member's batch of a step (0-based) from its data stream.
pub(super) type Batches<'a, B> = Box<dyn FnMut(&mut crate::rng::Rng, u64) -> B + Send + 'a>;

/// What a kind prepares for a member of a stack before it trains.
pub(super) struct Prepared<'a, B> {
    /// The job.
    pub id: &'a JobId,
    /// Its seed (of its data stream).
    pub seed: u64,
    /// The weights it starts from, trained in place.
    pub model: &'a dyn Weights,
    /// Its settings.
    pub settings: TrainSettings,
    /// Its batch of a step from its data stream.
    pub next_batch: Batches<'a, B>,
    /// Its checkpoints.
    pub policy: CheckpointPolicy,
}

impl<'a, B> Prepared<'a, B> {
    /// The member of `job`, training `model` in place with its checkpoints and batches.
    pub fn of(
        (id, t): (&'a JobId, &'a TrainJob),
        model: &'a dyn Weights,
        compute: &Compute,
        policy: &CheckpointPolicy,
        next_batch: impl FnMut(&mut crate::rng::Rng, u64) -> B + Send + 'a,
    ) -> Self {
        Prepared {
            id,
            seed: t.seed,
            model,
            settings: settings(t, compute),
            next_batch: Box::new(next_batch),
            policy: policy.clone(),
        }
    }
}

/// Trains prepared members on `engine`, each step seen by `observer`; one outcome per member.
pub(super) fn train_prepared<B: Send>(
    engine: &mut dyn StackBackend<B>,
    mut members: Vec<Prepared<'_, B>>,
    observer: &dyn Observer,
) -> Vec<Result<TrainOutcome, TrainError>> {
    let mut rngs: Vec<_> = members.iter().map(|m| rng::stream(m.seed, "train-data")).collect();
    type OnStep<'o> = Box<dyn FnMut(u64, f32) -> ControlFlow<()> + Send + 'o>;
    let mut steps: Vec<OnStep> = members
        .iter()
        .map(|m| {
            let id = m.id;
            Box::new(move |step, loss| {
                observer.train_step(id, step, loss);
                ControlFlow::Continue(())
            }) as OnStep
        })
        .collect();
    let stack = members
        .iter_mut()
        .zip(&mut rngs)
        .zip(&mut steps)
        .map(|((m, rng), on_step)| Member {
            model: m.model,
            settings: m.settings,
            data_rng: rng,
            next_batch: m.next_batch.as_mut(),
            on_step: on_step.as_mut(),
            checkpoints: Some(&m.policy),
        })
        .collect();
    crate::model::train_stack(engine, stack)
}

/// One failure of a whole stack part (its engine could not be built), said for every member.
pub(super) fn all_failed(jobs: &Jobs, why: &dyn std::fmt::Display) -> Vec<Outcome> {
    jobs.iter()
        .map(|(_, t)| {
            let source = crate::model::TrainError::Tensor(crate::model::TensorError::msg(why));
            Err(ExecError::Train { name: t.name.clone(), source })
        })
        .collect()
}

/// Where a training's tensors live: the run's device.
pub(super) fn target(compute: &Compute) -> Result<crate::model::Target, ExecError> {
    crate::model::Target::open(compute)
        .map_err(|source| ExecError::Tensor { context: format!("opening {}", compute.describe()), source })
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
    let (losses, wall_s, ran_on) = match outcome {
        TrainOutcome::Finished { losses, wall_s, ran_on } => (losses, wall_s, ran_on),
        TrainOutcome::Interrupted { step, .. } => {
            return Err(ExecError::Unsupported(format!("an interrupted training (stopped at step {step})")));
        }
    };
    let dir = cache.job_dir(id)?;
    let snapshots = t
        .snapshots
        .iter()
        .map(|&step| {
            let file = snapshot_file(step);
            let (_, wall_s) = crate::model::check_checkpoint(&dir.join(&file), &id.0)
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
    let mut record = TrainOutput {
        losses,
        wall_s,
        parameters,
        checkpoint: WEIGHTS.into(),
        snapshots,
        selected: None,
        ran_on: Some(ran_on),
    };
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
/// earlier run left one to resume from. What an earlier run left is used only when every file of
/// it is whole and this job's: a damaged or foreign resume file, or a missing or damaged snapshot
/// it promises, is named and removed, and the job trains from its start. `--fresh` removes it
/// unread.
pub(super) fn checkpoints(
    id: &JobId,
    t: &TrainJob,
    cache: &Cache,
    observer: &dyn Observer,
) -> Result<CheckpointPolicy, ExecError> {
    let dir = cache.job_dir(id)?;
    let policy = CheckpointPolicy {
        owner: id.0.clone(),
        path: dir.join(RESUME),
        every: t.setup.checkpoint_every,
        snapshots: t.snapshots.iter().map(|&s| (s, dir.join(snapshot_file(s)))).collect(),
    };
    if !policy.path.exists() {
        return Ok(policy);
    }
    if cache.is_fresh() {
        remove(&policy.path)?;
        return Ok(policy);
    }
    let usable = crate::model::check_checkpoint(&policy.path, &id.0).and_then(|(step, seconds)| {
        for (_, path) in policy.snapshots.iter().filter(|(s, _)| *s <= step) {
            crate::model::check_checkpoint(path, &id.0).map_err(|why| format!("its snapshot {why}"))?;
        }
        Ok((step, seconds))
    });
    match usable {
        Ok((step, seconds)) => observer.resumed(id, step, seconds),
        Err(why) => {
            observer.warning(&format!(
                "{}: not resuming from `{}` ({why}); training from the start",
                t.name,
                policy.path.display()
            ));
            remove(&policy.path)?;
        }
    }
    Ok(policy)
}

/// Removes a file of a job's folder.
fn remove(path: &std::path::Path) -> Result<(), ExecError> {
    std::fs::remove_file(path).map_err(|source| ExecError::Io {
        what: "cannot remove",
        path: path.to_path_buf(),
        source,
    })
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
