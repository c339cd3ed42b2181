//! Each job's seconds and peak memory, estimated from its shape before anything runs, so that a
//! spec which would exhaust the machine is refused with the numbers instead of being killed.
use super::cost::{core_rate, train_flops, train_seconds};
use super::{EvalJob, Job, JobKind, Plan, TrainJob};
use crate::spec::{Baseline, ModelSpec};
use serde::Serialize;

/// Bytes as people read them (`files::size` of a count estimated as a float).
fn bytes(b: f64) -> String {
    crate::files::size(b as u64)
}

/// Scalar floating-point operations per second of the baselines' f64 loops on one core.
const BASELINE_FLOPS: f64 = 2e9;
/// Prompts an evaluation feeds a model at once (a forward pass, or a batch of generation): what
/// bounds its memory, here and in `exec`.
pub const EVAL_CHUNK: usize = 256;
/// Bytes of the process before any job: the binary, the allocator's first arenas, spec and plan.
/// Measured at 17 MB (`/usr/bin/time -v iclc run` of one zero baseline) on this project's machine,
/// an Intel Xeon with AVX-512, in December 2026; rounded up.
pub const PROCESS_BYTES: f64 = 20e6;
/// Bytes the allocator (mimalloc) keeps of a job's freed pages for its reuse, beyond the live
/// bytes the estimates count: 30–50 MB over the heap's peak as heaptrack measures it (a tiny
/// regression spec, a small rules spec; same machine and date), per job side by side.
pub const ALLOCATOR_SLACK_BYTES: f64 = 40e6;
/// The most seconds one evaluation may be estimated to take: its baselines show no progress of
/// their own, so beyond a day it is more likely a typo than a plan.
pub const MAX_EVAL_SECONDS: f64 = 86_400.0;

/// A job's estimated cost.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct JobEstimate {
    /// Seconds on one core of this project's machine.
    pub seconds: f64,
    /// Peak bytes of memory while it runs, its record included.
    pub memory_bytes: f64,
    /// Bytes of its record, which stays in memory until the report is written.
    pub record_bytes: f64,
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
    l * (12.0 * c * c + 13.0 * c) + tokens(m, points) as f64 * c + c * (dim as f64 + 4.0) + 1.0
}

/// Tokens one prompt holds: a language model's context, or two per (x, y) point.
fn tokens(m: ModelSpec, points: usize) -> usize {
    match m.arch {
        crate::spec::Arch::CausalLm { context, .. } | crate::spec::Arch::Lstm { context } => context,
        _ => 2 * points,
    }
}

/// Bytes of the activations a forward and backward pass keep for `batch` prompts: per layer and
/// token about 16 vectors of width C (norms, q, k, v, the MLP's 4C twice, residuals) and the
/// attention probabilities of every head.
fn activation_bytes(m: ModelSpec, batch: usize, points: usize) -> f64 {
    let t = tokens(m, points) as f64;
    let (c, l, h) = (m.width as f64, m.layers as f64, m.heads as f64);
    4.0 * batch as f64 * t * l * (16.0 * c + 2.0 * h * t)
}

/// The estimate of a training job.
pub fn train_estimate(t: &TrainJob) -> JobEstimate {
    let m = t.setup.model;
    // Weights, gradients and Adam's two moments; while a resume checkpoint is written, the three
    // it holds copied into tensors and serialised; the prompts of a batch.
    let state = (4.0 + 6.0) * 4.0 * parameters(m, t.dim, t.points);
    let prompts = 4.0 * (t.setup.batch * 2 * t.points * (t.dim + 1)) as f64;
    JobEstimate {
        seconds: train_seconds(t),
        memory_bytes: state + prompts + activation_bytes(m, t.setup.batch, t.points),
        record_bytes: 4.0 * t.setup.steps as f64,
    }
}

/// Bytes of a forward pass of `chunk` prompts through the regression model on weights that record
/// no graph (`IclParams::frozen`): one layer's tensors at a time, the attention's scores a few times
/// over (scaled, masked, exponentiated, normalised) or the MLP's 4C a few times (GELU's terms).
fn forward_bytes(m: ModelSpec, chunk: usize, points: usize) -> f64 {
    let t = 2.0 * points as f64;
    let (c, h) = (m.width as f64, m.heads as f64);
    4.0 * chunk as f64 * t * (4.0 * h * t + 16.0 * c)
}

/// A regression or classification evaluation: while it runs, its prompts (x and y), one
/// predictor's working set at a time (a chunk of forward passes, or a baseline's per-prompt
/// solve) and its record so far; the record (every predictor's predictions and errors, and the
/// errors at each step read) stays until the report is written.
fn eval_estimate(plan: &Plan, e: &EvalJob) -> JobEstimate {
    if let Some(c) = &e.completing {
        return completion_estimate(plan, e, c);
    }
    let (n, p, d) = (e.prompts as f64, e.points as f64, e.dim as f64);
    let classifying = e.task_kind == crate::spec::TaskKind::Classification;
    let prompts = if classifying {
        // Every k's prompts cut to k examples, embedded and as (x, y) pairs: p(p + 1)/2 tokens each.
        4.0 * n * p * (d + 1.0) + 2.0 * 4.0 * n * (d + 1.0) * p * (p + 1.0) / 2.0
    } else {
        4.0 * n * p * (d + 1.0) + 8.0 * n
    };
    let predictors = (e.models.len() + e.baselines.len() + e.pruned.len()) as f64;
    let mut record = 8.0 * n * p * predictors;
    let mut working = 0f64;
    let mut seconds = 0.0;
    for (_, id) in &e.models {
        if let Some(JobKind::Train(t)) = plan.jobs.iter().find(|j| &j.id == id).map(|j| &j.kind) {
            let m = t.setup.model;
            let weights = 4.0 * 2.0 * parameters(m, t.dim, t.points);
            working = working.max(weights + forward_bytes(m, EVAL_CHUNK.min(e.prompts), e.points));
            let reads = e.at.as_ref().map_or(0, |a| a.resolve(t.setup.steps).len());
            record += 4.0 * n * p * reads as f64;
            // A forward pass is a third of a training step's work.
            seconds += train_flops(&TrainJob { setup: crate::spec::TrainSetup { steps: 1, ..t.setup }, ..t.clone() })
                / 3.0
                / t.setup.batch as f64
                * n
                * (1 + reads) as f64
                / core_rate(&t.setup.model.arch);
        }
    }
    for b in &e.baselines {
        let (flops, bytes) = baseline_cost(b, e);
        seconds += flops / BASELINE_FLOPS;
        // Each prompt's points as f64, and the baseline's solve.
        working = working.max(8.0 * p * (d + 1.0) + bytes);
    }
    JobEstimate { seconds, memory_bytes: prompts + working + record, record_bytes: record }
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
    JobEstimate { seconds, memory_bytes: memory, record_bytes: 0.0 }
}

/// Floating-point operations of a baseline over all prompts and positions, and its working bytes.
fn baseline_cost(b: &Baseline, e: &EvalJob) -> (f64, f64) {
    let (n, p, d) = (e.prompts as f64, e.points as f64, e.dim as f64);
    // Σ_k over positions of a k-point fit: ≈ p²/2 rows in all per prompt.
    let rows = p * p / 2.0;
    match *b {
        Baseline::Zero | Baseline::Averaging => (n * rows * d, 0.0),
        Baseline::Knn { .. } => (n * rows * d * 2.0, 8.0 * p),
        // Householder QR of the k points at k = p: the matrix and its reflections.
        Baseline::LeastSquares => (n * rows * d * d * 4.0, 8.0 * p * d * 2.0),
        Baseline::Ridge { .. } => (n * rows * d * d * 4.0, 8.0 * (p * d + 2.0 * p.min(d) * p.min(d))),
        Baseline::Lasso { .. } => (n * rows * d * 200.0, 8.0 * p * d * 2.0),
        Baseline::Bayes => {
            let supports = crate::tasks::Prior::of(&e.task.class).map_or(1.0, |p| p.supports(e.dim));
            (n * p * supports * (d * d + 30.0), 8.0 * d * d * 4.0)
        }
        Baseline::ReluGd { hidden, steps, .. } => {
            let h = hidden as f64;
            (n * rows * steps as f64 * h * d * 6.0, 8.0 * (p * h + 4.0 * h * d))
        }
        Baseline::Tree { depth } => (n * rows * d * depth as f64 * 10.0, 8.0 * p * d),
    }
}

/// Peak bytes of a run of `plan` with `jobs` side by side: the process, every job's record (all
/// are held until the report is written) and the `jobs` largest working sets at once, each with
/// the allocator's slack.
/// `estimates` are the jobs' own, in the plan's order (computed once by the caller).
pub fn run_memory(plan: &Plan, estimates: &[JobEstimate], jobs: usize) -> f64 {
    let records: f64 = estimates.iter().map(|e| e.record_bytes).sum();
    let mut working: Vec<f64> = estimates.iter().map(|e| e.memory_bytes - e.record_bytes).collect();
    working.sort_by(|a, b| b.total_cmp(a));
    // An evaluation waits for its trainings: no more jobs run at once than the larger of the two kinds.
    let trainings = plan.jobs.iter().filter(|j| matches!(j.kind, JobKind::Train(_))).count();
    let side_by_side = jobs.max(1).min(trainings.max(plan.jobs.len() - trainings).max(1));
    PROCESS_BYTES
        + side_by_side as f64 * ALLOCATOR_SLACK_BYTES
        + records
        + working.iter().take(side_by_side).sum::<f64>()
}

/// Bytes of memory this process may use: the least of the machine's (`/proc/meminfo`'s
/// MemTotal), its control group's (`memory.max`) and its address-space limit (`ulimit -v`);
/// `None` where none can be read.
pub fn machine_memory() -> Option<f64> {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let total = read("/proc/meminfo").and_then(|text| {
        let line = text.lines().find(|l| l.starts_with("MemTotal:"))?.to_owned();
        Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? * 1024.0)
    });
    let cgroup = read("/sys/fs/cgroup/memory.max").and_then(|t| t.trim().parse::<f64>().ok());
    let address_space = read("/proc/self/limits").and_then(|text| {
        let line = text.lines().find(|l| l.starts_with("Max address space"))?.to_owned();
        line.split_whitespace().nth(3)?.parse::<f64>().ok()
    });
    [total, cgroup, address_space].into_iter().flatten().reduce(f64::min)
}

/// Why a run of `plan` with `jobs` side by side cannot run in `memory` bytes, if it cannot.
pub fn run_refusal(plan: &Plan, estimates: &[JobEstimate], jobs: usize, memory: Option<f64>) -> Option<String> {
    let need = run_memory(plan, estimates, jobs);
    let mem = memory.filter(|&m| need > m)?;
    let alone = run_memory(plan, estimates, 1);
    let fix = if jobs > 1 && alone <= mem {
        format!("run fewer jobs side by side (--jobs 1 needs about {})", bytes(alone))
    } else {
        "lower the evaluations' prompts or points, or split the spec".to_string()
    };
    Some(format!(
        "the run needs about {} of memory with {jobs} job{} side by side (the evaluations' records stay until the report), and this process may use {}: {fix}",
        bytes(need),
        if jobs == 1 { "" } else { "s" },
        bytes(mem)
    ))
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
            "{name} needs about {} of memory, and this process may use {} (the least of the machine's memory, its control group's and `ulimit -v`): {what}",
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
