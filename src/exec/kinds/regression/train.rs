//! Regression-transformer training jobs (one, or a stack of them): prompts of a function class
//! (or of another kind's data, as (x, y) pairs: `Prompts`) through the shared training loop,
//! their records and weights.
use crate::exec::cache::Cache;
use crate::exec::train_job::{Jobs, Outcome, Prepared, all_failed, checkpoints, finish, settings, train_prepared};
use crate::exec::{ExecError, Observer};
use crate::model::{CheckpointPolicy, FlatLayout, IclConfig, IclParams, StepShape, step_shape};
use crate::plan::{InitFile, TrainJob};
use crate::spec::{Compute, InputSpec};
use crate::tasks;
use std::collections::HashMap;

/// Where a regression transformer's training prompts come from: a function class fills the ys
/// of drawn xs; another kind's data may bring both (classification: the labels as ys).
pub trait Prompts: Send + Sync {
    /// A step's batch at the curriculum's `shape` (prompts, points, live coordinates) of
    /// (x, y) pairs in `dim` dimensions.
    fn draw(&self, rng: &mut crate::rng::Rng, shape: StepShape, dim: usize) -> tasks::PromptBatch;
}

impl Prompts for Box<dyn tasks::FunctionClass> {
    fn draw(&self, rng: &mut crate::rng::Rng, s: StepShape, dim: usize) -> tasks::PromptBatch {
        tasks::sample_batch(self.as_ref(), &InputSpec::Normal, rng, s.batch, s.points, dim, s.active_dims)
    }
}

/// A training's prompts, or why its data cannot give them.
pub type PromptsOf = dyn Fn(&TrainJob) -> Result<Box<dyn Prompts>, String>;

/// A member ready to train: its first weights, its data, its checkpoints.
struct Ready<'a> {
    index: usize,
    job: (&'a crate::plan::JobId, &'a TrainJob),
    params: IclParams,
    source: Box<dyn Prompts>,
    policy: CheckpointPolicy,
}

/// The regression transformer's shape for a training job.
pub fn model_config(t: &TrainJob) -> IclConfig {
    let m = t.setup.model;
    IclConfig::new(t.dim, t.points, m.width, m.layers, m.heads)
}

/// Trains the regression models of `jobs` (unsealed job folders, one shape) on prompts of their
/// function classes as one stack and seals their records; one outcome per job.
pub fn train(jobs: &Jobs, cache: &Cache, compute: &Compute, observer: &dyn Observer) -> Vec<Outcome> {
    let of_class = |t: &TrainJob| tasks::class_for(&t.data.class).map(|c| Box::new(c) as Box<dyn Prompts>);
    train_with(jobs, cache, compute, observer, &of_class)
}

/// Trains the regression transformers of `jobs` on the prompts `prompts_of` gives each.
pub fn train_with(
    jobs: &Jobs,
    cache: &Cache,
    compute: &Compute,
    observer: &dyn Observer,
    prompts_of: &PromptsOf,
) -> Vec<Outcome> {
    let mut out: Vec<Option<Outcome>> = (0..jobs.len()).map(|_| None).collect();
    let mut ready = Vec::new();
    for (index, &(id, t)) in jobs.iter().enumerate() {
        match prepare(t, prompts_of)
            .and_then(|(params, source)| Ok((params, source, checkpoints(id, t, cache, observer)?)))
        {
            Ok((params, source, policy)) => ready.push(Ready { index, job: (id, t), params, source, policy }),
            Err(e) => out[index] = Some(Err(e)),
        }
    }
    if let Some(first) = ready.first() {
        let t = first.job.1;
        let kind = tasks::kind_of(&t.data.class).map_err(ExecError::Unsupported);
        let engine = kind.and_then(|kind| {
            let objective = t.setup.objective(kind);
            let layout = FlatLayout::of(&first.params);
            crate::model::backend(compute, &model_config(t), &layout, objective)
                .map_err(|e| ExecError::Unsupported(format!("a backend for `{}`: {e}", t.name)))
        });
        let outcomes = match engine {
            Ok(mut engine) => {
                let members = ready.iter().map(|r| member(r, compute)).collect();
                train_prepared(engine.as_mut(), members, observer)
            }
            Err(e) => {
                let failed = all_failed(&ready.iter().map(|r| r.job).collect::<Vec<_>>(), &e);
                for (r, f) in ready.iter().zip(failed) {
                    out[r.index] = Some(f);
                }
                return out.into_iter().map(|o| o.expect("every job has an outcome")).collect();
            }
        };
        for (r, outcome) in ready.iter().zip(outcomes) {
            let (id, t) = r.job;
            let cfg = model_config(t);
            let record = outcome.map_err(|source| ExecError::Train { name: t.name.clone(), source }).and_then(|o| {
                let save = |path: &std::path::Path, _wall_s: f64| r.params.save(path, metadata(&cfg));
                finish(id, t, cache, &r.policy, o, r.params.count(), save, None)
            });
            out[r.index] = Some(record);
        }
    }
    out.into_iter().map(|o| o.expect("every job has an outcome")).collect()
}

/// A member's first weights (its init policy or its `init` file) and its data.
fn prepare(t: &TrainJob, prompts_of: &PromptsOf) -> Result<(IclParams, Box<dyn Prompts>), ExecError> {
    let tensor_err = |source| ExecError::Tensor { context: format!("training `{}`", t.name), source };
    let cfg = model_config(t);
    let params = match &t.init {
        None => crate::model::icl::initial_weights(&cfg, t.seed).map_err(tensor_err)?,
        Some(file) => load_init(t, file, &cfg)?,
    };
    let source = prompts_of(t).map_err(|why| ExecError::Unsupported(format!("the data of `{}`: {why}", t.name)))?;
    Ok((params, source))
}

/// The loop's view of a ready member: its batches drawn at each step's curriculum shape.
fn member<'a>(r: &'a Ready<'a>, compute: &Compute) -> Prepared<'a, tasks::PromptBatch> {
    let t = r.job.1;
    let settings = settings(t, compute);
    let source = r.source.as_ref();
    let next_batch = move |rng: &mut crate::rng::Rng, step: u64| {
        let shape = step_shape(&settings, t.points, t.dim, step);
        source.draw(rng, shape, t.dim)
    };
    Prepared::of(r.job, &r.params, compute, &r.policy, next_batch)
}

/// The checkpoint's metadata: the model's shape and the iclc that wrote it.
fn metadata(cfg: &IclConfig) -> HashMap<String, String> {
    [
        ("n_dims", cfg.n_dims.to_string()),
        ("points", cfg.points.to_string()),
        ("n_embd", cfg.n_embd.to_string()),
        ("n_layer", cfg.n_layer.to_string()),
        ("n_head", cfg.n_head.to_string()),
        ("iclc", crate::VERSION.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The weights a training starts from, read from its `init` file (PyTorch parameter names).
fn load_init(t: &TrainJob, file: &InitFile, cfg: &IclConfig) -> Result<IclParams, ExecError> {
    let bad = |why: String| ExecError::Checkpoint { name: t.name.clone(), path: file.path.clone(), why };
    // The header first: a file of another model, or one far larger than this model's weights
    // (beside them only the causal-mask buffers older `transformers` save), is refused unread.
    let header = crate::model::safetensors_header(&file.path).map_err(bad)?;
    let wanted = crate::model::icl::initial_weights(cfg, 0).map_err(|e| bad(e.to_string()))?;
    let mut weight_bytes = 0u64;
    for (name, var) in wanted.named() {
        weight_bytes += 4 * var.elem_count() as u64;
        match header.tensors.get(&name) {
            Some((dtype, shape)) if dtype == "F32" && shape.as_slice() == var.dims() => {}
            Some((dtype, shape)) => {
                return Err(bad(format!(
                    "`{name}` has shape {shape:?} ({dtype}), this model's has {:?} (F32)",
                    var.dims()
                )));
            }
            None => return Err(bad(format!("it has no `{name}`: the weights of another model?"))),
        }
    }
    const BUFFERS: u64 = 256 << 20;
    if header.data_bytes > weight_bytes + BUFFERS {
        return Err(bad(format!(
            "it holds {} of tensors where this model's weights are {}",
            crate::files::size(header.data_bytes),
            crate::files::size(weight_bytes)
        )));
    }
    let bytes = crate::files::read_limited(&file.path, crate::files::WEIGHTS_LIMIT)
        .map_err(|source| ExecError::Io { what: "cannot read the initial weights", path: file.path.clone(), source })?;
    let sha = crate::files::sha256_hex(&bytes);
    if sha != file.sha256 {
        return Err(bad("the file changed after the run was planned; run again".into()));
    }
    crate::model::icl::weights_from_file(cfg, &bytes).map_err(bad)
}
