//! CheckedSpec → [`Plan`]: the jobs to run, each named by the hash of everything that determines
//! its result, so a cache can tell a finished job from a changed one.
mod cost;
mod resources;
mod schedule;
mod shard;
mod stacks;

pub use cost::{
    CPU_CORE_FLOPS, Cost, GPU_CALIBRATION, GPU_FLOPS, GPU_OP_SECONDS, LM_GRAPH_FLOPS, PATTERN_GRAPH_FLOPS, estimate,
    graph_ops_per_step, train_flops, train_seconds,
};
pub use resources::{
    EVAL_CHUNK, JobEstimate, MAX_EVAL_SECONDS, job_estimate, machine_memory, refusal, run_memory, run_refusal,
    train_estimate,
};
pub use schedule::{first_ready, wall_seconds};
pub use shard::{Shard, training_owners};
pub use stacks::{Stack, member_bytes, split, stacks_of};

use crate::diag::Diagnostic;
use crate::spec::{
    AtSteps, Baseline, CheckedSpec, Completing, Compute, FigureSpec, InputSpec, Pruned, TaskKind, TaskSpec, TrainSetup,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Bumped when a training's meaning changes without its fields changing, so old caches are not
/// reused. 2: under a curriculum, sparse supports and sine directions are drawn among the live
/// coordinates.
const TRAIN_FORMAT: u32 = 2;

/// The same for an evaluation, whose record may change without its training's. 3: a pruned model
/// is its own kind of predictor in the record, and a random order draws its neurons from a
/// stream keyed by the rate's bits, not its printed form. 4: the record is its kind's own
/// (`exec::KindRecord`, tagged), not one struct of every kind's fields.
const EVAL_FORMAT: u32 = 4;

/// A content hash naming a job.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct JobId(pub String);

impl std::fmt::Display for JobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Train one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainJob {
    /// The training's name in the spec (not part of the job's id).
    pub name: String,
    /// Other trainings of the spec that train the very same model (not part of the job's id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Its data.
    pub data: TaskSpec,
    /// Input dimension.
    pub dim: usize,
    /// Points per prompt.
    pub points: usize,
    /// The model and how it is optimised.
    #[serde(flatten)]
    pub setup: TrainSetup,
    /// Seed of its init and data streams.
    pub seed: u64,
    /// Initial weights from a file instead of the init policy (absent from the hash when unused,
    /// so specs without it keep their job ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<InitFile>,
    /// Steps whose weights are kept for evaluations during training (absent from the hash when
    /// empty; a training read at steps is a different job, since it leaves more behind).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub snapshots: Vec<u64>,
    /// The backend and device, when not the default fused engine on the CPU: their sums run in
    /// other orders, so their results are other jobs (absent from the hash by default, so default
    /// runs keep their ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed_on: Option<String>,
}

impl TrainJob {
    /// Every name it trains for, as one: `mix = mixture`.
    pub fn names(&self) -> String {
        std::iter::once(&self.name).chain(&self.aliases).cloned().collect::<Vec<_>>().join(" = ")
    }
}

/// A weights file a training starts from; its content hash is part of the job's id, so a changed
/// file is a different job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InitFile {
    /// The file, resolved against the spec's folder.
    pub path: std::path::PathBuf,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
}

impl InitFile {
    /// Reads and hashes `written` (as in the spec), relative to `base`.
    fn read(written: &str, base: &std::path::Path) -> Result<InitFile, Diagnostic> {
        let path = if base == std::path::Path::new(".") { written.into() } else { base.join(written) };
        // Hashed as it is read, not held: the weights are read when the training starts.
        let sha256 = crate::files::sha256(&path).map_err(|e| {
            Diagnostic::error(crate::diag::Code::Io, format!("cannot read the checkpoint `{}`: {e}", path.display()))
                .help("`init = checkpoint(\"…\")` names a safetensors file relative to the spec's folder")
        })?;
        Ok(InitFile { path, sha256 })
    }
}

/// Evaluate models and baselines on one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalJob {
    /// The evaluation's name in the spec.
    pub eval: String,
    /// The task.
    pub task: TaskSpec,
    /// The input distribution.
    pub inputs: InputSpec,
    /// Input dimension.
    pub dim: usize,
    /// Points per prompt.
    pub points: usize,
    /// Prompts.
    pub prompts: usize,
    /// Seed of the prompt stream.
    pub seed: u64,
    /// The models, by training name, with the job that trains each (one entry per replicate).
    pub models: Vec<(String, JobId)>,
    /// The baselines.
    pub baselines: Vec<Baseline>,
    /// The k of each function plot drawn from this task (absent from the hash when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plots: Vec<usize>,
    /// Training steps each model is read at besides its final weights (absent from the hash when
    /// unused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<AtSteps>,
    /// The backend and device of its models' predictions, when not the default (see [`TrainJob`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed_on: Option<String>,
    /// A language evaluation's prompts and decoding (absent from the hash of every other).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completing: Option<Completing>,
    /// Pruned classifiers evaluated besides the whole ones (absent from the hash when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pruned: Vec<Pruned>,
    /// The kind of its task (the evaluation's, as `check` found it): how it is evaluated. Not
    /// `kind`, the tag of the job's kind (`train` or `eval`) in its JSON.
    pub task_kind: TaskKind,
}

impl EvalJob {
    /// The name of its prompts' random stream (with its seed): the task's class as JSON, and the
    /// inputs when they are not N(0, I) — so adding inputs changes no other prompts — the same
    /// for every predictor.
    pub fn prompt_stream(&self) -> String {
        let class = serde_json::to_string(&self.task.class).expect("classes serialise");
        match self.inputs {
            InputSpec::Normal => format!("eval-prompts/{class}"),
            _ => format!("eval-prompts/{class}{}", serde_json::to_string(&self.inputs).expect("inputs serialise")),
        }
    }
}

/// What a job does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobKind {
    /// Training.
    Train(TrainJob),
    /// Evaluation.
    Eval(EvalJob),
}

/// A job and the jobs it needs first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// Content hash.
    pub id: JobId,
    /// What to do.
    pub kind: JobKind,
    /// Jobs whose results it reads.
    pub deps: Vec<JobId>,
}

impl Job {
    /// `train` or `eval`.
    pub fn kind_label(&self) -> &'static str {
        match self.kind {
            JobKind::Train(_) => "train",
            JobKind::Eval(_) => "eval",
        }
    }

    /// How a person names the job: `mix = mixture (seed 3)` for a training (every name it trains
    /// for), `curve/dense` for an evaluation's task.
    pub fn name(&self) -> String {
        match &self.kind {
            JobKind::Train(t) => replicate_label(&t.names(), t.seed),
            JobKind::Eval(e) => format!("{}/{}", e.eval, e.task.name),
        }
    }
}

/// One replicate of a training, as jobs, progress, plots and the report name it: `mix (seed 3)`.
pub fn replicate_label(name: &str, seed: u64) -> String {
    format!("{name} (seed {seed})")
}

/// Every job of a spec, in an order where each job comes after its dependencies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The experiment's name.
    pub experiment: String,
    /// The jobs.
    pub jobs: Vec<Job>,
    /// Trainings that train as one stacked model (`--stack on`); none when every training runs alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stacks: Vec<Stack>,
}

impl Plan {
    /// The training jobs.
    pub fn train_jobs(&self) -> impl Iterator<Item = (&JobId, &TrainJob)> {
        self.jobs.iter().filter_map(|j| match &j.kind {
            JobKind::Train(t) => Some((&j.id, t)),
            JobKind::Eval(_) => None,
        })
    }

    /// The evaluation jobs.
    pub fn eval_jobs(&self) -> impl Iterator<Item = (&JobId, &EvalJob)> {
        self.jobs.iter().filter_map(|j| match &j.kind {
            JobKind::Eval(e) => Some((&j.id, e)),
            JobKind::Train(_) => None,
        })
    }
}

/// The hash of a training job's content: its names (and its data's) are not part of it.
fn train_id(job: &TrainJob) -> JobId {
    let data = TaskSpec { name: String::new(), binding: None, ..job.data.clone() };
    job_id(&JobKind::Train(TrainJob { name: String::new(), aliases: vec![], data, ..job.clone() }))
}

/// The hash of a job's content.
fn job_id(kind: &JobKind) -> JobId {
    let format = match kind {
        JobKind::Train(_) => TRAIN_FORMAT,
        JobKind::Eval(_) => EVAL_FORMAT,
    };
    let json = serde_json::to_vec(&(format, kind)).expect("jobs serialise");
    let digest = Sha256::digest(&json);
    JobId(crate::files::hex(&digest[..8]))
}

/// A job's prompt shape (dim, points). `check` demands both of a spec with any task that reads
/// them, so a spec without them holds language jobs alone, which read neither: 0 for each.
fn shape(spec: &CheckedSpec) -> (usize, usize) {
    (spec.dim.unwrap_or(0), spec.points.unwrap_or(0))
}

/// Expands a checked spec into jobs: one per training, one per (evaluation, task, inputs), and the
/// trainings' stacks when `compute` stacks. A spec that names a weights file that cannot be read
/// gets diagnostics instead of a plan; `base` is the folder files in the spec are relative to;
/// `compute` names the backend and device that will run it.
pub fn plan(spec: &CheckedSpec, base: &std::path::Path, compute: &Compute) -> Result<Plan, Vec<Diagnostic>> {
    let (dim, points) = shape(spec);
    let computed_on = (!compute.is_default()).then(|| compute.describe());
    let mut problems = Vec::new();
    let mut inits = BTreeMap::new();
    for t in &spec.trainings {
        if let Some(written) = &t.init {
            match InitFile::read(written, base) {
                Ok(f) => {
                    inits.insert(t.name.as_str(), f);
                }
                Err(d) => problems.push(d),
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut jobs = Vec::new();
    // Every seed of a training is a replicate: its own job, evaluated beside the others. Two
    // trainings that would train the same model (`sparse_only` and `mix(w = 0)`) share one job,
    // which keeps the weights every evaluation of either name reads.
    let mut same: Vec<(JobId, TrainJob)> = Vec::new();
    // Where each content id stands in `same`: a lookup, not a search (a plan holds thousands).
    let mut seen: std::collections::HashMap<JobId, usize> = std::collections::HashMap::new();
    let mut trained: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for t in &spec.trainings {
        let init = inits.remove(t.name.as_str());
        let snapshots = spec
            .evals
            .iter()
            .filter(|e| e.models.contains(&t.name))
            .filter_map(|e| e.at.as_ref())
            .flat_map(|at| at.resolve(t.setup.steps));
        let snapshots: Vec<u64> = snapshots.chain(t.setup.selection_steps()).collect();
        for &seed in &t.seeds {
            let job = TrainJob {
                name: t.name.clone(),
                aliases: vec![],
                data: t.data.clone(),
                dim,
                points,
                setup: t.setup,
                seed,
                init: init.clone(),
                snapshots: vec![],
                computed_on: computed_on.clone(),
            };
            let content = train_id(&job);
            let at = match seen.get(&content) {
                Some(&i) => {
                    same[i].1.aliases.push(t.name.clone());
                    i
                }
                None => {
                    seen.insert(content.clone(), same.len());
                    same.push((content, job));
                    same.len() - 1
                }
            };
            same[at].1.snapshots.extend(&snapshots);
            trained.entry(&t.name).or_default().push(at);
        }
    }
    let mut train_ids = Vec::new();
    for (_, mut job) in same {
        job.snapshots.sort_unstable();
        job.snapshots.dedup();
        let id = train_id(&job);
        train_ids.push(id.clone());
        jobs.push(Job { id, kind: JobKind::Train(job), deps: vec![] });
    }
    let trained: BTreeMap<&str, Vec<JobId>> =
        trained.into_iter().map(|(name, at)| (name, at.into_iter().map(|i| train_ids[i].clone()).collect())).collect();
    for e in &spec.evals {
        let models: Vec<(String, JobId)> =
            e.models.iter().flat_map(|m| trained[m.as_str()].iter().map(move |id| (m.clone(), id.clone()))).collect();
        for (task, inputs) in e.tasks.iter().flat_map(|t| e.inputs.iter().map(move |i| (t, *i))) {
            // A function plot is drawn once per task, with the evaluation's first input distribution.
            let mut plots: Vec<usize> = spec
                .figures
                .iter()
                .filter_map(|f| match f {
                    FigureSpec::FunctionPlot { eval, task: t, k, .. }
                        if *eval == e.name && *t == task.name && Some(&inputs) == e.inputs.first() =>
                    {
                        Some(*k)
                    }
                    _ => None,
                })
                .collect();
            plots.sort_unstable();
            plots.dedup();
            let kind = JobKind::Eval(EvalJob {
                eval: e.name.clone(),
                task: task.clone(),
                inputs,
                dim,
                points,
                prompts: e.prompts,
                seed: e.seed,
                models: models.clone(),
                baselines: e.baselines.clone(),
                plots,
                at: e.at.clone(),
                computed_on: computed_on.clone(),
                completing: e.completing.clone(),
                pruned: e.pruned.clone(),
                task_kind: e.kind,
            });
            let deps = models.iter().map(|(_, id)| id.clone()).collect();
            jobs.push(Job { id: job_id(&kind), kind, deps });
        }
    }
    let stacks = if compute.stack { stacks_of(&jobs) } else { vec![] };
    Ok(Plan { experiment: spec.name.clone(), jobs, stacks })
}
