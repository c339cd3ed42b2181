//! A classification evaluation job: prompts of the class's held-out tasks through every classifier
//! replicate, whole and pruned. Each query is classified after its first k context examples for
//! every k, so the error-vs-k table of a regression evaluation is the error against prompt length
//! here; and the query's attention on the examples that share its relevant pattern is recorded.
use super::super::Evaluating;
use super::super::KindRecord;
use super::super::regression::model_config;
use super::{AttentionMass, ClassificationRecord};
use crate::exec::cache::Cache;
use crate::exec::{ErrorTables, EvalOutput, ExecError, StepErrors, TrainOutput};
use crate::model::{PatternBatch, PatternModel, TensorError};
use crate::plan::{EvalJob, JobId, TrainJob};
use crate::spec::{Arch, Metric, Predictor};
use crate::tasks::PromptBatch;
use crate::tasks::patterns::{Part, PatternData, PatternPrompt};

/// The record of one task of a classification evaluation (`evaluate::run` stores it).
pub fn record(job: &Evaluating) -> Result<EvalOutput, ExecError> {
    let Evaluating { id, job: e, trains, cache, target, observer } = *job;
    let unsupported = |why: String| ExecError::Unsupported(format!("evaluating `{}`: {why}", e.eval));
    let data = crate::tasks::patterns_of(&e.task.class, e.dim).map_err(unsupported)?;
    let mut rng = crate::rng::stream(e.seed, &e.prompt_stream());
    let prompts = data.prompts(Part::HeldOut, e.prompts, e.points, &mut rng);
    let q = [data.settings.label as f32];
    // Each k's prompts cut to k examples, embedded, and as (x, y) pairs for a transformer trained
    // on them; cut one k at a time, so that only the batches stay.
    let (prefixes, pairs): (Vec<PatternBatch>, Vec<PromptBatch>) = (0..e.points)
        .map(|k| {
            let cut = with_context(&prompts, k);
            (PatternBatch::of(&cut, e.dim, &q), PatternData::batch(&cut, e.dim))
        })
        .unzip();
    let full = PatternBatch::of(&prompts, e.dim, &q);
    let (mut errors, mut predictions, mut at_steps, mut attention) = (vec![], vec![], vec![], vec![]);
    for (done, (name, train_id)) in e.models.iter().enumerate() {
        let (t, out) = &trains[train_id];
        let tensor_err = |source| ExecError::Tensor { context: format!("evaluating `{name}` in `{}`", e.eval), source };
        let load = |path: &std::path::Path| -> Result<Classifier, ExecError> {
            Ok(match t.setup.model.arch {
                Arch::PatternNet => {
                    Classifier::Net(PatternModel::load(&t.setup.model, e.dim, path, target).map_err(unsupported)?)
                }
                _ => Classifier::Transformer(
                    crate::model::icl::load_weights(&model_config(t), path, target).map_err(tensor_err)?,
                ),
            })
        };
        let classifier = load(&cache.path(train_id, &out.checkpoint))?;
        let pred = classifier.outputs(&prefixes, &pairs).map_err(tensor_err)?;
        errors.push((Predictor::Model(name.clone()), scores(&pred, &prefixes)));
        predictions.push(pred);
        let Classifier::Net(model) = &classifier else {
            // A transformer has no single head whose attention is the mechanism, nor MLP rows.
            read_at_steps(e, (name, train_id), t, out, cache, &load, &prefixes, &pairs, &mut at_steps)?;
            observer.eval_step(id, done as u64 + 1);
            continue;
        };
        let mass = same_pattern_mass(model, &full).map_err(tensor_err)?;
        attention.push(AttentionMass { model: name.clone(), seed: t.seed, mass });
        for p in e.pruned.iter().filter(|p| &p.model == name) {
            let mut rng = crate::rng::stream(e.seed, &format!("{}/{}", p.key(), t.seed));
            let keep = model.prune_mask(p.rate, p.order, &mut rng).map_err(tensor_err)?;
            let pred = outputs(model, &prefixes, Some(&keep)).map_err(tensor_err)?;
            errors.push((Predictor::Pruned(p.clone()), scores(&pred, &prefixes)));
            predictions.push(pred);
        }
        read_at_steps(e, (name, train_id), t, out, cache, &load, &prefixes, &pairs, &mut at_steps)?;
        observer.eval_step(id, done as u64 + 1);
    }
    let tables = ErrorTables { errors, predictions, at_steps };
    let record = ClassificationRecord { tables, labels: full.labels.clone(), attention };
    Ok(EvalOutput::of(e.points, e.prompts, KindRecord::Classification(record)))
}

/// A trained classifier: Li et al.'s network, or the regression transformer trained on the labels.
enum Classifier {
    Net(PatternModel),
    Transformer(crate::model::IclParams),
}

impl Classifier {
    /// The output for every prompt's query after k examples, `(prompts, points)` row-major.
    fn outputs(&self, prefixes: &[PatternBatch], pairs: &[PromptBatch]) -> Result<Vec<f32>, TensorError> {
        match self {
            Classifier::Net(model) => outputs(model, prefixes, None),
            Classifier::Transformer(params) => by_k(pairs.len(), |k| {
                // The prediction at the query, the last of k + 1 points.
                let pred = crate::model::icl::predict(params, &pairs[k], crate::plan::EVAL_CHUNK)?; // (B, k + 1)
                Ok(pred.chunks_exact(k + 1).map(|row| row[k]).collect())
            }),
        }
    }
}

/// Reads one model replicate at the training steps the evaluation asks for (`at`).
#[allow(clippy::too_many_arguments)]
fn read_at_steps(
    e: &EvalJob,
    (name, train_id): (&str, &JobId),
    t: &TrainJob,
    out: &TrainOutput,
    cache: &Cache,
    load: &dyn Fn(&std::path::Path) -> Result<Classifier, ExecError>,
    prefixes: &[PatternBatch],
    pairs: &[PromptBatch],
    at_steps: &mut Vec<StepErrors>,
) -> Result<(), ExecError> {
    for step in e.at.as_ref().map_or_else(Vec::new, |at| at.resolve(t.setup.steps)) {
        let snapshot = out.snapshots.iter().find(|s| s.step == step).ok_or_else(|| {
            ExecError::Unsupported(format!(
                "evaluating `{}`: reading `{name}` at step {step}: its training kept no weights of that step",
                e.eval
            ))
        })?;
        let at = load(&cache.job_dir(train_id)?.join(&snapshot.file))?;
        let tensor_err = |source| ExecError::Tensor { context: format!("evaluating `{name}` in `{}`", e.eval), source };
        let errors = scores(&at.outputs(prefixes, pairs).map_err(tensor_err)?, prefixes);
        at_steps.push(StepErrors { model: name.to_string(), seed: t.seed, step, wall_s: snapshot.wall_s, errors });
    }
    Ok(())
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
fn outputs(model: &PatternModel, prefixes: &[PatternBatch], keep: Option<&[f32]>) -> Result<Vec<f32>, TensorError> {
    by_k(prefixes.len(), |k| model.outputs(&prefixes[k], keep))
}

/// The `(prompts, points)` table whose column k is `column(k)`, one output per prompt.
fn by_k(
    points: usize,
    mut column: impl FnMut(usize) -> Result<Vec<f32>, TensorError>,
) -> Result<Vec<f32>, TensorError> {
    let columns = (0..points).map(&mut column).collect::<Result<Vec<_>, _>>()?;
    let n = columns.first().map_or(0, Vec::len);
    Ok((0..n * points).map(|i| columns[i % points][i / points]).collect())
}

/// The 0-1 error of each output against its query's label, laid out as the outputs.
fn scores(pred: &[f32], prefixes: &[PatternBatch]) -> Vec<f32> {
    let points = prefixes.len();
    let labels = prefixes.first().map_or(&[][..], |b| &b.labels[..]);
    pred.iter().enumerate().map(|(i, f)| Metric::ZeroOne.score(*f, labels[i / points], 1).unwrap_or(f32::NAN)).collect()
}

/// Each prompt's attention mass on the context examples labelled as its query — within a task,
/// those that share the query's relevant pattern.
fn same_pattern_mass(model: &PatternModel, full: &PatternBatch) -> Result<Vec<f32>, TensorError> {
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
