//! Each job's seconds and peak memory, estimated from its shape before anything runs, so that a
//! spec which would exhaust the machine is refused with the numbers instead of being killed.
use super::cost::{core_rate, train_flops, train_seconds};
use super::{EvalJob, Job, JobKind, Plan, TrainJob};
use crate::spec::{Baseline, ModelSpec};
use serde::Serialize;

/// Scalar floating-point operations per second of the baselines' f64 loops on one core.
const BASELINE_FLOPS: f64 = 2e9;
/// Prompts the evaluation feeds the model at once (`exec::evaluate`).
const EVAL_CHUNK: usize = 256;
/// The most seconds one evaluation may be estimated to take: its baselines show no progress of
/// their own, so beyond a day it is more likely a typo than a plan.
pub const MAX_EVAL_SECONDS: f64 = 86_400.0;

/// A job's estimated cost.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct JobEstimate {
    /// Seconds on one core of this project's machine.
    pub seconds: f64,
    /// Peak bytes of memory.
    pub memory_bytes: f64,
}

/// The estimate of `job` of `plan`.
pub fn job_estimate(plan: &Plan, job: &Job) -> JobEstimate {
    match &job.kind {
        JobKind::Train(t) => train_estimate(t),
        JobKind::Eval(e) => eval_estimate(plan, e),
    }
}

/// Parameters of a model (the GPT-2 backbone, read-in and read-out).
fn parameters(m: ModelSpec, dim: usize, points: usize) -> f64 {
    let (c, l) = (m.width as f64, m.layers as f64);
    if m.arch == crate::spec::Arch::PatternNet {
        let e = dim as f64 + 1.0;
        return 3.0 * e * e + c * e;
    }
    l * (12.0 * c * c + 13.0 * c) + 2.0 * points as f64 * c + c * (dim as f64 + 4.0) + 1.0
}

/// Bytes of the activations a forward and backward pass keep for `batch` prompts: per layer and
/// token about 16 vectors of width C (norms, q, k, v, the MLP's 4C twice, residuals) and the
/// attention probabilities of every head.
fn activation_bytes(m: ModelSpec, batch: usize, points: usize) -> f64 {
    let t = 2.0 * points as f64;
    let (c, l, h) = (m.width as f64, m.layers as f64, m.heads as f64);
    4.0 * batch as f64 * t * l * (16.0 * c + 2.0 * h * t)
}

/// The estimate of a training job.
pub fn train_estimate(t: &TrainJob) -> JobEstimate {
    let m = t.setup.model;
    // Weights, gradients and Adam's two moments, plus the prompts of a batch.
    let state = 4.0 * 4.0 * parameters(m, t.dim, t.points);
    let prompts = 4.0 * (t.setup.batch * 2 * t.points * (t.dim + 1)) as f64;
    JobEstimate {
        seconds: train_seconds(t),
        memory_bytes: state + prompts + activation_bytes(m, t.setup.batch, t.points),
    }
}

fn eval_estimate(plan: &Plan, e: &EvalJob) -> JobEstimate {
    if let Some(c) = &e.completing {
        return completion_estimate(plan, e, c);
    }
    let (n, p, d) = (e.prompts as f64, e.points as f64, e.dim as f64);
    // The prompts (x and y), and every predictor's predictions and errors.
    let predictors = (e.models.len() + e.baselines.len()) as f64;
    let mut memory = 4.0 * n * p * (d + 1.0) + 8.0 * n * p * predictors;
    let mut seconds = 0.0;
    for (_, id) in &e.models {
        if let Some(JobKind::Train(t)) = plan.jobs.iter().find(|j| &j.id == id).map(|j| &j.kind) {
            let m = t.setup.model;
            memory =
                memory.max(4.0 * n * p * (d + 1.0) + activation_bytes(m, EVAL_CHUNK.min(e.prompts), e.points) / 2.0);
            // A forward pass is a third of a training step's work.
            seconds += train_flops(&TrainJob { setup: crate::spec::TrainSetup { steps: 1, ..t.setup }, ..t.clone() })
                / 3.0
                / t.setup.batch as f64
                * n
                / core_rate(&t.setup.model.arch);
        }
    }
    for b in &e.baselines {
        let (flops, bytes) = baseline_cost(b, e);
        seconds += flops / BASELINE_FLOPS;
        memory = memory.max(bytes + 4.0 * n * p * (d + 1.0));
    }
    JobEstimate { seconds, memory_bytes: memory }
}

/// A language evaluation: every generated token is a forward pass over the whole sequence so far
/// (no cache), counted at the model's full context, for each weights read (the final and `at`).
fn completion_estimate(plan: &Plan, e: &EvalJob, c: &crate::spec::Completing) -> JobEstimate {
    let mut seconds = 0.0;
    let mut memory = 0f64;
    for (_, id) in &e.models {
        if let Some(JobKind::Train(t)) = plan.jobs.iter().find(|j| &j.id == id).map(|j| &j.kind) {
            let one_step = TrainJob { setup: crate::spec::TrainSetup { steps: 1, ..t.setup }, ..t.clone() };
            let sequences = (t.setup.batch + t.setup.completions.map_or(0, |a| a.batch)) as f64;
            let context = t.setup.model.arch.context().unwrap_or(1) as f64;
            // A token's forward pass at full context: a third of a step's work per token.
            let per_token = train_flops(&one_step) / 3.0 / sequences / context;
            let reads = 1 + e.at.as_ref().map_or(0, |a| a.resolve(t.setup.steps).len());
            let tokens = e.prompts as f64 * c.decode.max_new() as f64 * context;
            seconds += reads as f64 * tokens * per_token / core_rate(&t.setup.model.arch);
            let chunk = EVAL_CHUNK.min(e.prompts) as f64;
            memory = memory.max(4.0 * chunk * context * (16.0 * t.setup.model.width as f64 + context));
        }
    }
    JobEstimate { seconds, memory_bytes: memory }
}

/// Floating-point operations of a baseline over all prompts and positions, and its working bytes.
fn baseline_cost(b: &Baseline, e: &EvalJob) -> (f64, f64) {
    let (n, p, d) = (e.prompts as f64, e.points as f64, e.dim as f64);
    // Σ_k over positions of a k-point fit: ≈ p²/2 rows in all per prompt.
    let rows = p * p / 2.0;
    match *b {
        Baseline::Zero | Baseline::Averaging => (n * rows * d, 0.0),
        Baseline::Knn { .. } => (n * rows * d * 2.0, 8.0 * p),
        Baseline::LeastSquares | Baseline::Ridge { .. } => (n * rows * d * d * 4.0, 8.0 * p * d * 2.0),
        Baseline::Lasso { .. } => (n * rows * d * 200.0, 8.0 * p * d * 2.0),
        Baseline::Bayes => {
            let supports = crate::baselines::bayes::Prior::of(&e.task.class).map_or(1.0, |p| p.supports(e.dim));
            (n * p * supports * (d * d + 30.0), 8.0 * d * d * 4.0)
        }
        Baseline::ReluGd { hidden, steps, .. } => {
            let h = hidden as f64;
            (n * rows * steps as f64 * h * d * 6.0, 8.0 * (p * h + 4.0 * h * d))
        }
        Baseline::Tree { depth } => (n * rows * d * depth as f64 * 10.0, 8.0 * p * d),
    }
}

/// Bytes of memory of this machine (`/proc/meminfo`'s MemTotal); `None` where it cannot be read.
pub fn machine_memory() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024.0)
}

/// Why a job cannot run here, if it cannot: more memory than `memory` bytes, or an evaluation
/// longer than [`MAX_EVAL_SECONDS`].
pub fn refusal(job: &Job, estimate: JobEstimate, memory: Option<f64>) -> Option<String> {
    let name = match &job.kind {
        JobKind::Train(t) => format!("training `{}`", t.name),
        JobKind::Eval(e) => format!("evaluation `{}` on `{}`", e.eval, e.task.name),
    };
    if let Some(mem) = memory.filter(|&m| estimate.memory_bytes > m) {
        let what = match &job.kind {
            JobKind::Train(_) => "lower batch, points, width or layers",
            JobKind::Eval(_) => "lower prompts, points or dim",
        };
        return Some(format!(
            "{name} needs about {} of memory, and this machine has {}: {what}",
            bytes(estimate.memory_bytes),
            bytes(mem)
        ));
    }
    if matches!(job.kind, JobKind::Eval(_)) && estimate.seconds > MAX_EVAL_SECONDS {
        return Some(format!(
            "{name} would take about {:.1e} hours on one core (baselines such as relu_gd, bayes or lasso grow with prompts × points² × their own size): lower prompts, points or the baselines' settings",
            estimate.seconds / 3600.0
        ));
    }
    None
}

/// Bytes in the largest sensible unit.
pub fn bytes(b: f64) -> String {
    match b {
        b if b < 1e6 => format!("{:.0} kB", b / 1e3),
        b if b < 1e9 => format!("{:.0} MB", b / 1e6),
        b if b < 1e12 => format!("{:.1} GB", b / 1e9),
        b => format!("{:.1} TB", b / 1e12),
    }
}
