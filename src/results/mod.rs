//! Tidy numbers from a run: mean error curves with bootstrap intervals, claim verdicts, and
//! training curves.
mod bootstrap;
mod claims;

pub use bootstrap::{Estimate, bootstrap_means};
pub use claims::{ClaimResult, Term, evaluate_claims};

use crate::check::{CheckedSpec, Predictor};
use crate::exec::ExecOutput;
use serde::Serialize;

/// Resamples used for every interval.
pub const BOOTSTRAP_RESAMPLES: usize = 1000;
/// The interval's coverage.
pub const CONFIDENCE: f64 = 0.90;

/// One predictor's error/d at each position k, with its interval.
#[derive(Debug, Clone, Serialize)]
pub struct Curve {
    /// Model or baseline.
    pub predictor: Predictor,
    /// True for trained models.
    pub is_model: bool,
    /// Per position k = 0..points−1.
    pub points: Vec<Estimate>,
}

/// All curves of one (evaluation, task).
#[derive(Debug, Clone, Serialize)]
pub struct TaskCurves {
    /// The evaluation.
    pub eval: String,
    /// The task.
    pub task: String,
    /// The input distribution.
    pub inputs: crate::check::InputSpec,
    /// Prompts behind each mean.
    pub prompts: usize,
    /// One per predictor.
    pub curves: Vec<Curve>,
}

impl TaskCurves {
    /// The estimate of `predictor` at position `k`.
    pub fn at(&self, predictor: &Predictor, k: usize) -> Option<&Estimate> {
        self.curves.iter().find(|c| &c.predictor == predictor)?.points.get(k)
    }
}

/// A training run's loss curve, thinned for plotting.
#[derive(Debug, Clone, Serialize)]
pub struct TrainingSummary {
    /// The training's name.
    pub name: String,
    /// Steps run.
    pub steps: u64,
    /// Scalar parameters.
    pub parameters: usize,
    /// Mean loss over the last 5% of steps.
    pub final_loss: f64,
    /// Seconds of training.
    pub wall_s: f64,
    /// `(step, loss)` pairs, at most a few hundred, each a window mean.
    pub curve: Vec<(u64, f64)>,
}

/// Everything the report shows.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    /// Error curves per (evaluation, task).
    pub curves: Vec<TaskCurves>,
    /// Claims with verdicts.
    pub claims: Vec<ClaimResult>,
    /// Training runs.
    pub trainings: Vec<TrainingSummary>,
}

/// Summarises a run.
pub fn summarise(spec: &CheckedSpec, out: &ExecOutput) -> Results {
    let curves: Vec<TaskCurves> = out
        .evals
        .iter()
        .map(|(job, eval)| TaskCurves {
            eval: job.eval.clone(),
            task: job.task.name.clone(),
            inputs: job.inputs,
            prompts: eval.prompts,
            curves: eval
                .errors
                .iter()
                .map(|(predictor, errs)| Curve {
                    predictor: predictor.clone(),
                    is_model: matches!(predictor, Predictor::Model(_)),
                    points: bootstrap_means(errs, eval.prompts, eval.points, spec.seed),
                })
                .collect(),
        })
        .collect();
    let claims = evaluate_claims(&spec.claims, &curves);
    let trainings = out.trains.values().map(|(job, t)| training_summary(&job.name, t)).collect();
    Results { curves, claims, trainings }
}

fn training_summary(name: &str, t: &crate::exec::TrainOutput) -> TrainingSummary {
    let n = t.losses.len();
    let window = n.div_ceil(200).max(1);
    let curve = t
        .losses
        .chunks(window)
        .enumerate()
        .map(|(i, c)| (((i * window) + c.len()) as u64, c.iter().map(|&v| v as f64).sum::<f64>() / c.len() as f64))
        .collect();
    let tail = &t.losses[n - (n / 20).max(1).min(n)..];
    let final_loss = tail.iter().map(|&v| v as f64).sum::<f64>() / tail.len().max(1) as f64;
    TrainingSummary {
        name: name.to_string(),
        steps: n as u64,
        parameters: t.parameters,
        final_loss,
        wall_s: t.wall_s,
        curve,
    }
}
