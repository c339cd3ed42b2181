//! What a training needs besides its model — settings, curriculum, errors, outcomes; the loop
//! and its entry points are `train_loop`, the schedule's rate is the spec's.
use super::adamw::AdamWSettings;
use super::params::IclParams;
use crate::spec::Objective;
use crate::spec::{Curriculum, Schedule};
use crate::tasks::PromptBatch;
use candle_core::{Device, Tensor};

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
pub fn loss(params: &IclParams, batch: &PromptBatch, device: &Device) -> candle_core::Result<(Tensor, Tensor)> {
    loss_of(params, batch, Objective::SquaredError, device)
}

/// The mean of `objective` over the predictions at every x position, and the predictions `(B, k)`.
pub fn loss_of(
    params: &IclParams,
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

#[cfg(test)]
mod tests {
    use super::*;

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
