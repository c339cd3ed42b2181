//! A classification evaluation job: prompts of the class's held-out tasks through every classifier
//! replicate, whole and pruned. Each query is classified after its first k context examples for
//! every k, so the error-vs-k table of a regression evaluation is the error against prompt length
//! here; and the query's attention on the examples that share its relevant pattern is recorded.
use super::cache::Cache;
use super::{AttentionMass, EvalOutput, ExecError, Observer, StepErrors, TrainOutput};
use crate::model::{PatternBatch, PatternModel, Target};
use crate::plan::{EvalJob, Job, JobId, JobKind, TrainJob};
use crate::spec::{Metric, Predictor};
use crate::tasks::patterns::{Part, PatternPrompt};
use std::collections::BTreeMap;

const RECORD: &str = "eval.json";

/// Evaluates (or finds in the cache) one task of a classification evaluation.
pub fn run(
    id: &JobId,
    e: &EvalJob,
    trains: &BTreeMap<JobId, (TrainJob, TrainOutput)>,
    cache: &Cache,
    compute: &crate::spec::Compute,
    observer: &dyn Observer,
) -> Result<(EvalOutput, bool), ExecError> {
    let job = Job { id: id.clone(), kind: JobKind::Eval(e.clone()), deps: vec![] };
    observer.job_started(&job, e.models.len() as u64);
    if let Some(record) = cache.found::<EvalOutput>(id, RECORD, observer) {
        observer.job_finished(&job, true);
        return Ok((record, true));
    }
    cache.unseal(id)?;
    let unsupported = |why: String| ExecError::Unsupported(format!("evaluating `{}`: {why}", e.eval));
    let data = crate::tasks::patterns_of(&e.task.class, e.dim).map_err(unsupported)?;
    let class_key = serde_json::to_string(&e.task.class).expect("classes serialise");
    let mut rng = crate::rng::stream(e.seed, &format!("eval-prompts/{class_key}"));
    let prompts = data.prompts(Part::HeldOut, e.prompts, e.points, &mut rng);
    let q = [data.settings.label as f32];
    let prefixes: Vec<PatternBatch> =
        (0..e.points).map(|k| PatternBatch::of(&with_context(&prompts, k), e.dim, &q)).collect();
    let full = PatternBatch::of(&prompts, e.dim, &q);
    let target = Target::open(compute)
        .map_err(|source| ExecError::Tensor { context: format!("opening {}", compute.describe()), source })?;
    let (mut errors, mut predictions, mut at_steps, mut attention) = (vec![], vec![], vec![], vec![]);
    for (done, (name, train_id)) in e.models.iter().enumerate() {
        let (t, out) = &trains[train_id];
        let tensor_err = |source| ExecError::Tensor { context: format!("evaluating `{name}` in `{}`", e.eval), source };
        let load = |path: &std::path::Path| PatternModel::load(&t.setup.model, e.dim, path, &target);
        let model = load(&cache.path(train_id, &out.checkpoint)).map_err(unsupported)?;
        let pred = outputs(&model, &prefixes, None).map_err(tensor_err)?;
        errors.push((Predictor::Model(name.clone()), scores(&pred, &prefixes)));
        predictions.push(pred);
        let mass = same_pattern_mass(&model, &full).map_err(tensor_err)?;
        attention.push(AttentionMass { model: name.clone(), seed: t.seed, mass });
        for p in e.pruned.iter().filter(|p| &p.model == name) {
            let mut rng = crate::rng::stream(e.seed, &format!("prune/{}/{}", p.name(), t.seed));
            let keep = model.prune_mask(p.rate, p.order, &mut rng).map_err(tensor_err)?;
            let pred = outputs(&model, &prefixes, Some(&keep)).map_err(tensor_err)?;
            errors.push((Predictor::Model(p.name()), scores(&pred, &prefixes)));
            predictions.push(pred);
        }
        for step in e.at.as_ref().map_or_else(Vec::new, |at| at.resolve(t.setup.steps)) {
            let snapshot = out.snapshots.iter().find(|s| s.step == step).ok_or_else(|| {
                unsupported(format!("reading `{name}` at step {step}: its training kept no weights of that step"))
            })?;
            let at = load(&cache.job_dir(train_id)?.join(&snapshot.file)).map_err(unsupported)?;
            let errors = scores(&outputs(&at, &prefixes, None).map_err(tensor_err)?, &prefixes);
            at_steps.push(StepErrors { model: name.clone(), seed: t.seed, step, wall_s: snapshot.wall_s, errors });
        }
        observer.eval_step(id, done as u64 + 1);
    }
    let record = EvalOutput {
        points: e.points,
        prompts: e.prompts,
        errors,
        components: vec![0; e.prompts],
        plots: vec![],
        predictions,
        at_steps,
        language: None,
        attention,
        labels: full.labels.clone(),
    };
    cache.write(id, RECORD, &record)?;
    cache.seal(id, &[RECORD])?;
    observer.job_finished(&job, false);
    Ok((record, false))
}

/// The prompts cut to their first `k` context examples and the query.
fn with_context(prompts: &[PatternPrompt], k: usize) -> Vec<PatternPrompt> {
    prompts
        .iter()
        .map(|p| {
            let (n, dim) = (p.labels.len(), p.xs.len() / p.labels.len());
            let mut xs = p.xs[..k * dim].to_vec();
            xs.extend_from_slice(&p.xs[(n - 1) * dim..]);
            let mut labels = p.labels[..k].to_vec();
            labels.push(p.labels[n - 1]);
            PatternPrompt { xs, labels }
        })
        .collect()
}

/// The model's output on every prompt after k examples, `(prompts, points)` row-major (k = column).
fn outputs(
    model: &PatternModel,
    prefixes: &[PatternBatch],
    keep: Option<&[f32]>,
) -> Result<Vec<f32>, crate::model::TensorError> {
    let points = prefixes.len();
    let n = prefixes.first().map_or(0, |b| b.batch);
    let mut out = vec![0f32; n * points];
    for (k, batch) in prefixes.iter().enumerate() {
        for (i, f) in model.outputs(batch, keep)?.into_iter().enumerate() {
            out[i * points + k] = f;
        }
    }
    Ok(out)
}

/// The 0-1 error of each output against its query's label, laid out as the outputs.
fn scores(pred: &[f32], prefixes: &[PatternBatch]) -> Vec<f32> {
    let points = prefixes.len();
    let labels = prefixes.first().map_or(&[][..], |b| &b.labels[..]);
    pred.iter().enumerate().map(|(i, f)| Metric::ZeroOne.score(*f, labels[i / points], 1).unwrap_or(f32::NAN)).collect()
}

/// Each prompt's attention mass on the context examples labelled as its query — within a task,
/// those that share the query's relevant pattern.
fn same_pattern_mass(model: &PatternModel, full: &PatternBatch) -> Result<Vec<f32>, crate::model::TensorError> {
    let n = full.len - 1;
    let weights = model.attention(full)?; // (B, N)
    let embed = full.prompts.len() / (full.batch * full.len);
    Ok((0..full.batch)
        .map(|b| {
            let row = &full.prompts[b * full.len * embed..(b + 1) * full.len * embed];
            let query = full.labels[b];
            (0..n)
                // The label sits in each example's last coordinate, times q > 0.
                .filter(|&i| row[(i + 1) * embed - 1] * query > 0.0)
                .map(|i| weights[b * n + i])
                .sum()
        })
        .collect())
}
