//! What a training needs besides its model — settings, schedule, curriculum, errors, outcomes —
//! and its entry points for one model; the loop itself is `train_loop`.
use super::adamw::AdamWSettings;
use super::backend::Backend;
use super::checkpoint::CheckpointPolicy;
use super::flat::{FlatLayout, Weights};
use super::params::Params;
use super::train_loop::{Member, train_stack};
use crate::rng::Rng;
use crate::spec::Objective;
use crate::spec::{Curriculum, Schedule};
use crate::tasks::PromptBatch;
use candle_core::{Device, Tensor};
use std::ops::ControlFlow;

/// What one training run needs besides the model and its data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainSettings {
    /// Optimiser steps.
    pub steps: u64,
    /// Prompts per step.
    pub batch: usize,
    /// The optimiser; `adamw.lr` is the peak learning rate.
    pub adamw: AdamWSettings,
    /// How the learning rate moves.
    pub schedule: Schedule,
    /// Gradient-norm clipping threshold.
    pub clip: Option<f64>,
    /// Weight decay on matrices only (nanoGPT) instead of every parameter.
    pub decay_matrices_only: bool,
    /// Curriculum on active dimensions and points.
    pub curriculum: Option<Curriculum>,
    /// Which backend and device compute the steps.
    pub compute: crate::spec::Compute,
}

/// The shape of one step's prompts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepShape {
    /// Prompts.
    pub batch: usize,
    /// Points per prompt.
    pub points: usize,
    /// Input coordinates that are not zero.
    pub active_dims: usize,
}

/// Why training stopped early.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// The loss stopped being a finite number.
    #[error("the training loss became {loss} at step {step}; {}", match last_checkpoint {
        Some((s, path)) => format!("the last good checkpoint is from step {s} ({}); lower the learning rate or check the data", path.display()),
        None => "no checkpoint was written before it; lower the learning rate or check the data".to_string(),
    })]
    NonFinite {
        /// The step (1-based).
        step: u64,
        /// The loss seen.
        loss: f32,
        /// The step and file of the last checkpoint written, if any.
        last_checkpoint: Option<(u64, std::path::PathBuf)>,
    },
    /// A checkpoint could not be written or read.
    #[error("{0}")]
    Checkpoint(String),
    /// candle failed.
    #[error("tensor error: {0}")]
    Tensor(#[from] super::TensorError),
}

impl From<candle_core::Error> for TrainError {
    fn from(e: candle_core::Error) -> TrainError {
        TrainError::Tensor(e.into())
    }
}

/// Mean squared error of the predictions at every x position, and the predictions `(B, k)`.
pub fn loss(params: &Params, batch: &PromptBatch, device: &Device) -> candle_core::Result<(Tensor, Tensor)> {
    loss_of(params, batch, Objective::SquaredError, device)
}

/// The mean of `objective` over the predictions at every x position, and the predictions `(B, k)`.
pub fn loss_of(
    params: &Params,
    batch: &PromptBatch,
    objective: Objective,
    device: &Device,
) -> candle_core::Result<(Tensor, Tensor)> {
    let zs = Tensor::from_vec(batch.interleaved(), (batch.batch, 2 * batch.points, batch.dim), device)?;
    let ys = Tensor::from_slice(&batch.ys, (batch.batch, batch.points), device)?;
    let pred = params.net.forward(&zs)?; // (B, k)
    let loss = super::graphs::member_losses(objective, &pred.unsqueeze(0)?, &ys.unsqueeze(0)?)?.squeeze(0)?;
    Ok((loss, pred))
}

/// The learning rate at `step` (1-based) of `total`.
pub fn learning_rate(schedule: &Schedule, peak: f64, step: u64, total: u64) -> f64 {
    let warm = |w: u64| if w == 0 { 1.0 } else { (step as f64 / w as f64).min(1.0) };
    match *schedule {
        Schedule::Constant => peak,
        Schedule::Warmup { steps } => peak * warm(steps),
        Schedule::Cosine { warmup, final_fraction } => {
            if step <= warmup {
                return peak * warm(warmup);
            }
            let progress = (step - warmup) as f64 / (total - warmup).max(1) as f64;
            peak * (final_fraction + (1.0 - final_fraction) * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos()))
        }
    }
}

/// The prompt shape at `step` (0-based): Garg et al.'s curriculum raises dims and points by their
/// increments every `every` steps, up to their ends.
pub fn step_shape(settings: &TrainSettings, points: usize, dims: usize, step: u64) -> StepShape {
    let (active_dims, points) = settings.curriculum.map_or((dims, points), |c| c.at(step));
    StepShape { batch: settings.batch, points, active_dims }
}

/// How a training call ended.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainOutcome {
    /// Every step ran.
    Finished {
        /// The loss curve.
        losses: Vec<f32>,
        /// Seconds of training, over every segment when the run was resumed.
        wall_s: f64,
        /// Where the steps ran, as the backend says it (`fused on cpu (1 thread)`, `graph on
        /// cuda:0 (NVIDIA H200)`), with the size of the stack it was trained in.
        ran_on: String,
    },
    /// `on_step` asked to stop after this step; the losses so far.
    Interrupted {
        /// The last step run.
        step: u64,
        /// Losses of steps 1..=step.
        losses: Vec<f32>,
    },
}

/// Trains `params` in place on batches from `next_batch`. `on_step(step, loss)` sees every step
/// and may stop the run (`ControlFlow::Break`). With a checkpoint policy the run writes a checkpoint
/// every `every` steps and, if the file already exists, first resumes from it — bit for bit the run
/// that was interrupted — and keeps the weights of the policy's snapshot steps.
pub fn train(
    params: &Params,
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
    params: &Params,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules() {
        assert_eq!(learning_rate(&Schedule::Constant, 1.0, 5, 10), 1.0);
        assert_eq!(learning_rate(&Schedule::Warmup { steps: 4 }, 1.0, 2, 10), 0.5);
        assert_eq!(learning_rate(&Schedule::Warmup { steps: 4 }, 1.0, 8, 10), 1.0);
        let c = Schedule::Cosine { warmup: 0, final_fraction: 0.1 };
        assert!((learning_rate(&c, 1.0, 10, 10) - 0.1).abs() < 1e-12);
        assert!((learning_rate(&c, 1.0, 5, 10) - 0.55).abs() < 1e-12);
    }

    #[test]
    fn curriculum_grows_and_stops_at_its_ends() {
        let c = crate::spec::Curriculum {
            dims: crate::spec::Stage { start: 2, end: 5, inc: 1 },
            points: crate::spec::Stage { start: 4, end: 11, inc: 2 },
            every: 100,
        };
        let s = TrainSettings {
            steps: 1000,
            batch: 8,
            adamw: AdamWSettings::default(),
            schedule: Schedule::Constant,
            clip: None,
            decay_matrices_only: false,
            curriculum: Some(c),
            compute: Default::default(),
        };
        assert_eq!(step_shape(&s, 11, 5, 0), StepShape { batch: 8, points: 4, active_dims: 2 });
        assert_eq!(step_shape(&s, 11, 5, 250), StepShape { batch: 8, points: 8, active_dims: 4 });
        assert_eq!(step_shape(&s, 11, 5, 999), StepShape { batch: 8, points: 11, active_dims: 5 });
    }
}
