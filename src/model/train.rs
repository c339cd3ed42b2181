//! The training loop, a straight line: sample, forward, loss, backward, step.
use super::adamw::{AdamW, AdamWSettings};
use super::params::Params;
use crate::rng::Rng;
use crate::tasks::PromptBatch;
use candle_core::{Device, Tensor};

/// What one training run needs besides the model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainSettings {
    /// Optimiser steps.
    pub steps: u64,
    /// Prompts per step.
    pub batch: usize,
    /// The optimiser.
    pub adamw: AdamWSettings,
}

/// Why training stopped early.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// The loss stopped being a finite number.
    #[error(
        "the training loss became {loss} at step {step}; lower the learning rate or check the data"
    )]
    NonFinite {
        /// The step (1-based).
        step: u64,
        /// The loss seen.
        loss: f32,
    },
    /// candle failed.
    #[error("tensor error: {0}")]
    Tensor(#[from] candle_core::Error),
}

/// Mean squared error of the predictions at every x position, and the predictions `(B, k)`.
pub fn loss(
    params: &Params,
    batch: &PromptBatch,
    device: &Device,
) -> candle_core::Result<(Tensor, Tensor)> {
    let zs = Tensor::from_vec(
        batch.interleaved(),
        (batch.batch, 2 * batch.points, batch.dim),
        device,
    )?;
    let ys = Tensor::from_slice(&batch.ys, (batch.batch, batch.points), device)?;
    let pred = params.net.forward(&zs)?; // (B, k)
    let loss = (&pred - &ys)?.sqr()?.mean_all()?;
    Ok((loss, pred))
}

/// Trains `params` in place on batches from `next_batch`; `on_step(step, loss)` sees every step.
/// Returns the loss curve.
pub fn train(
    params: &Params,
    settings: &TrainSettings,
    data_rng: &mut Rng,
    mut next_batch: impl FnMut(&mut Rng, usize) -> PromptBatch,
    mut on_step: impl FnMut(u64, f32),
) -> Result<Vec<f32>, TrainError> {
    let device = Device::Cpu;
    let mut opt = AdamW::new(params.named(), settings.adamw)?;
    let mut losses = Vec::with_capacity(settings.steps as usize);
    for step in 1..=settings.steps {
        let batch = next_batch(data_rng, settings.batch);
        let (loss, _) = loss(params, &batch, &device)?;
        let value = loss.to_scalar::<f32>()?;
        if !value.is_finite() {
            return Err(TrainError::NonFinite { step, loss: value });
        }
        opt.step(&loss.backward()?)?;
        losses.push(value);
        on_step(step, value);
    }
    Ok(losses)
}
