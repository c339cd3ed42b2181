//! The training loop, a straight line for every member of a stack: sample, forward, loss,
//! backward, clip, step — the forward and backward of all members in one call of the backend.
use super::adamw::AdamW;
use super::backend::Backend;
use super::checkpoint::{self, CheckpointPolicy};
use super::flat::{FlatLayout, Weights};
use super::params::IclParams;
use super::stack::StackBackend;
use super::train::{TrainError, TrainOutcome, TrainSettings};
use crate::rng::Rng;
use crate::spec::Objective;
use crate::tasks::PromptBatch;
use std::ops::ControlFlow;

/// Trains `params` in place on batches from `next_batch`. `on_step(step, loss)` sees every step
/// and may stop the run (`ControlFlow::Break`). With a checkpoint policy the run writes a checkpoint
/// every `every` steps and, if the file already exists, first resumes from it — bit for bit the run
/// that was interrupted — and keeps the weights of the policy's snapshot steps.
pub fn train(
    params: &IclParams,
    settings: &TrainSettings,
    data_rng: &mut Rng,
    next_batch: impl FnMut(&mut Rng, u64) -> PromptBatch + Send,
    on_step: impl FnMut(u64, f32) -> ControlFlow<()> + Send,
    checkpoints: Option<&CheckpointPolicy>,
) -> Result<TrainOutcome, TrainError> {
    train_on(params, settings, Objective::SquaredError, data_rng, next_batch, on_step, checkpoints)
}

/// [`train`] minimising `objective` of every prediction: the squared error of regression, or the
/// hinge or logistic loss of ±1 labels when the regression transformer classifies pattern prompts.
pub fn train_on(
    params: &IclParams,
    settings: &TrainSettings,
    objective: Objective,
    data_rng: &mut Rng,
    mut next_batch: impl FnMut(&mut Rng, u64) -> PromptBatch + Send,
    mut on_step: impl FnMut(u64, f32) -> ControlFlow<()> + Send,
    checkpoints: Option<&CheckpointPolicy>,
) -> Result<TrainOutcome, TrainError> {
    let layout = FlatLayout::of(params);
    let mut engine = super::backend::backend(&settings.compute, params.net.config(), &layout, objective)?;
    let member = Member {
        model: params,
        settings: *settings,
        data_rng,
        next_batch: &mut next_batch,
        on_step: &mut on_step,
        checkpoints,
    };
    train_stack(engine.as_mut(), vec![member]).pop().expect("one member, one outcome")
}

/// The training loop over any model and backend: schedule, clipping, the NaN guard, checkpoints
/// and resume, snapshots; [`train`] for the regression model, the language model through it too.
pub fn train_with<B: Send>(
    model: &dyn Weights,
    engine: &mut dyn Backend<B>,
    settings: &TrainSettings,
    data_rng: &mut Rng,
    mut next_batch: impl FnMut(&mut Rng, u64) -> B + Send,
    mut on_step: impl FnMut(u64, f32) -> ControlFlow<()> + Send,
    checkpoints: Option<&CheckpointPolicy>,
) -> Result<TrainOutcome, TrainError> {
    let place = settings.compute.describe();
    let member = Member {
        model,
        settings: *settings,
        data_rng,
        next_batch: &mut next_batch,
        on_step: &mut on_step,
        checkpoints,
    };
    train_stack(&mut super::stack::Single(engine, place), vec![member]).pop().expect("one member, one outcome")
}

/// One training of a stack: its weights (trained in place), its settings (learning rate, decay,
/// clipping and schedule its own), its data stream and batches, what sees its steps, its
/// checkpoints.
pub struct Member<'a, B> {
    /// The weights, written back when the member stops.
    pub model: &'a dyn Weights,
    /// Its settings.
    pub settings: TrainSettings,
    /// Its data stream, drawn from as it would be alone.
    pub data_rng: &'a mut Rng,
    /// Its batch of a step (0-based) from its stream.
    pub next_batch: &'a mut (dyn FnMut(&mut Rng, u64) -> B + Send),
    /// Sees each of its steps and its loss; may stop it.
    pub on_step: &'a mut (dyn FnMut(u64, f32) -> ControlFlow<()> + Send),
    /// Its checkpoints, resume file and snapshots.
    pub checkpoints: Option<&'a CheckpointPolicy>,
}

/// A member's state between steps.
struct Progress {
    layout: FlatLayout,
    flat: Vec<f32>,
    grad: Vec<f32>,
    opt: AdamW,
    losses: Vec<f32>,
    /// The next step to run (1-based).
    next: u64,
    last_checkpoint: Option<(u64, std::path::PathBuf)>,
    /// Seconds of training before this segment (a resumed run's earlier ones).
    before_s: f64,
    /// The stack's clock when this member's first step of this segment began: a member that
    /// resumed at a later step waited for the others until then, and its time counts from there.
    joined: Option<f64>,
    /// How it ended, once it has.
    outcome: Option<Result<TrainOutcome, TrainError>>,
}

/// The training loop of a stack of members (one model is a stack of one): each member's
/// schedule, clipping, NaN guard, checkpoints, resume and snapshots are its own; their losses
/// and gradients come from one call of `engine` per step. A member that resumes from a later
/// step waits until the others catch up (every member of a step must have one batch shape); a
/// member whose loss stops being finite stops with [`TrainError::NonFinite`] and the others go on.
/// One outcome per member, in order.
pub fn train_stack<B: Send>(
    engine: &mut dyn StackBackend<B>,
    mut members: Vec<Member<'_, B>>,
) -> Vec<Result<TrainOutcome, TrainError>> {
    let started = std::time::Instant::now();
    // The members' host work (their batches, their updates and checkpoints) runs side by side:
    // alone, a stack of K would spend K members' host time between two device steps. One model
    // works on its own thread.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pool = (members.len() > 1 && cores > 1)
        .then(|| rayon::ThreadPoolBuilder::new().num_threads(members.len().min(cores)).build().ok())
        .flatten();
    let stack = if members.len() > 1 { format!(", a stack of {}", members.len()) } else { String::new() };
    let ran_on = format!("{}{stack}", engine.placement());
    let mut progress: Vec<Progress> = members.iter_mut().map(|m| start(m, &ran_on)).collect();
    loop {
        let waiting = progress.iter().filter(|p| p.outcome.is_none()).map(|p| p.next);
        let Some(step) = waiting.min() else { break };
        let active = |p: &Progress| p.outcome.is_none() && p.next == step;
        let now = started.elapsed().as_secs_f64();
        progress.iter_mut().filter(|p| active(p)).for_each(|p| _ = p.joined.get_or_insert(now));
        let mut batches: Vec<Option<B>> = members.iter().map(|_| None).collect();
        each(pool.as_ref(), &mut members, &mut progress, &mut batches, &|m, p, batch| {
            if active(p) {
                *batch = Some((m.next_batch)(&mut *m.data_rng, step - 1));
            }
        });
        let values = {
            let (mut flats, mut grads): (Vec<&[f32]>, Vec<&mut [f32]>) = (vec![], vec![]);
            for p in progress.iter_mut().filter(|p| active(p)) {
                flats.push(p.flat.as_slice());
                grads.push(p.grad.as_mut_slice());
            }
            let batches: Vec<&B> = batches.iter().flatten().collect();
            engine.loss_and_grads(&flats, &batches, &mut grads)
        };
        let values = match values {
            Ok(v) => v,
            Err(e) => {
                // The tensor library failed for the whole stack: every member still running stops.
                for (m, p) in members.iter().zip(&mut progress).filter(|(_, p)| p.outcome.is_none()) {
                    let _ = p.layout.scatter(&p.flat, m.model);
                    p.outcome = Some(Err(TrainError::from(candle_core::Error::Msg(e.to_string()))));
                }
                break;
            }
        };
        let elapsed = started.elapsed().as_secs_f64();
        // Each active member's loss, in member order.
        let mut values = values.into_iter();
        let mut mine: Vec<Option<f32>> =
            progress.iter().map(|p| if active(p) { values.next() } else { None }).collect();
        each(pool.as_ref(), &mut members, &mut progress, &mut mine, &|m, p, value| {
            let Some(value) = *value else { return };
            let own = elapsed - p.joined.unwrap_or(0.0);
            if let Err(e) = advance(m, p, step, value, own, &ran_on) {
                let _ = p.layout.scatter(&p.flat, m.model);
                p.outcome = Some(Err(e));
            }
        });
    }
    progress.into_iter().map(|p| p.outcome.expect("every member ends")).collect()
}

/// Runs `work` on every member with its progress and its slot: side by side on `pool`, or one
/// after another without one.
fn each<B: Send, T: Send>(
    pool: Option<&rayon::ThreadPool>,
    members: &mut [Member<'_, B>],
    progress: &mut [Progress],
    slots: &mut [T],
    work: &(dyn Fn(&mut Member<'_, B>, &mut Progress, &mut T) + Sync),
) {
    use rayon::prelude::*;
    match pool {
        Some(pool) => pool.install(|| {
            members
                .par_iter_mut()
                .zip(progress.par_iter_mut())
                .zip(slots.par_iter_mut())
                .for_each(|((m, p), s)| work(m, p, s))
        }),
        None => members.iter_mut().zip(progress.iter_mut()).zip(slots.iter_mut()).for_each(|((m, p), s)| work(m, p, s)),
    }
}

/// A member's state at its start: its weights and fresh optimiser, or what its checkpoint left.
fn start<B>(member: &mut Member<'_, B>, ran_on: &str) -> Progress {
    let layout = FlatLayout::of(member.model);
    let settings = &member.settings;
    let mut opt = AdamW::new(&layout, settings.adamw);
    if settings.decay_matrices_only {
        opt.decay_only_matrices();
    }
    let mut p = Progress {
        flat: vec![],
        grad: vec![0f32; layout.len()],
        opt,
        losses: Vec::with_capacity(settings.steps as usize),
        next: 1,
        last_checkpoint: None,
        before_s: 0.0,
        joined: None,
        outcome: None,
        layout,
    };
    let begun = (|| -> Result<(), TrainError> {
        p.flat = p.layout.gather(member.model)?;
        if let Some(policy) = member.checkpoints.filter(|c| c.path.exists()) {
            let restored =
                checkpoint::load(policy, &mut p.flat, &mut p.opt, member.data_rng).map_err(TrainError::Checkpoint)?;
            p.next = restored.step + 1;
            p.losses = restored.losses;
            p.before_s = restored.elapsed_s;
            p.last_checkpoint = Some((restored.step, policy.path.clone()));
        }
        if p.next == 1 {
            snapshot(member, &p, 0, 0.0)?;
        }
        Ok(())
    })();
    if let Err(e) = begun {
        p.outcome = Some(Err(e));
    } else if p.next > member.settings.steps {
        p.outcome = Some(finished(member, &p, 0.0, ran_on));
    }
    p
}

/// Writes the snapshots of `step`, if the policy keeps any.
fn snapshot<B>(member: &Member<'_, B>, p: &Progress, step: u64, elapsed: f64) -> Result<(), TrainError> {
    let Some(policy) = member.checkpoints else { return Ok(()) };
    for (_, path) in policy.snapshots.iter().filter(|(s, _)| *s == step) {
        let owner = Some(policy.owner.as_str());
        checkpoint::save_weights(path, &p.flat, &p.layout, step, p.before_s + elapsed, owner).map_err(|e| {
            TrainError::Checkpoint(format!("cannot write the weights of step {step} to `{}`: {e}", path.display()))
        })?;
    }
    Ok(())
}

/// The member's weights written back, and its outcome after its last step.
fn finished<B>(member: &Member<'_, B>, p: &Progress, elapsed: f64, ran_on: &str) -> Result<TrainOutcome, TrainError> {
    p.layout.scatter(&p.flat, member.model)?;
    Ok(TrainOutcome::Finished { losses: p.losses.clone(), wall_s: p.before_s + elapsed, ran_on: ran_on.to_string() })
}

/// One step of one member after its loss and gradient are known: the NaN guard, the update,
/// snapshots, checkpoint, `on_step`; the outcome when it was its last.
fn advance<B>(
    member: &mut Member<'_, B>,
    p: &mut Progress,
    step: u64,
    value: f32,
    elapsed: f64,
    ran_on: &str,
) -> Result<(), TrainError> {
    let settings = member.settings;
    if !value.is_finite() {
        return Err(TrainError::NonFinite { step, loss: value, last_checkpoint: p.last_checkpoint.clone() });
    }
    p.opt.settings.lr = settings.schedule.learning_rate(settings.adamw.lr, step, settings.steps);
    p.opt.step(&mut p.flat, &p.grad, settings.clip);
    p.losses.push(value);
    // Snapshots first: a resumable checkpoint of step s promises every snapshot up to s exists.
    snapshot(member, p, step, elapsed)?;
    // Only finite weights are checkpointed, so the last checkpoint is always a good one.
    if let Some(policy) = member.checkpoints.filter(|c| step.is_multiple_of(c.every) && step < settings.steps)
        && p.flat.iter().all(|v| v.is_finite())
    {
        checkpoint::save(policy, &p.flat, &p.opt, member.data_rng, step, &p.losses, p.before_s + elapsed)
            .map_err(|e| TrainError::Checkpoint(format!("cannot write checkpoint `{}`: {e}", policy.path.display())))?;
        p.last_checkpoint = Some((step, policy.path.clone()));
    }
    p.next = step + 1;
    if (member.on_step)(step, value).is_break() {
        p.layout.scatter(&p.flat, member.model)?;
        p.outcome = Some(Ok(TrainOutcome::Interrupted { step, losses: p.losses.clone() }));
    } else if step >= settings.steps {
        p.outcome = Some(finished(member, p, elapsed, ran_on));
    }
    Ok(())
}
