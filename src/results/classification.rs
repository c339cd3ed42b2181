//! A classification evaluation summarised beyond its error curves: where each classifier's query
//! looks (its attention mass on the context examples that share its relevant pattern) and every
//! classifier's hinge loss after the whole context, each with an interval over prompts and
//! training seeds; and the claims' `attention` and `hinge`.
use super::Estimate;
use super::bootstrap::{bootstrap_means, bootstrap_replicates};
use super::read::{Draw, Reader};
use crate::exec::{ClassificationRecord, EvalOutput};
use crate::plan::EvalJob;
use crate::spec::{ErrorRef, Predictor};
use serde::Serialize;

/// A classification evaluation, task by task.
#[derive(Debug, Clone, Serialize)]
pub struct ClassificationSummary {
    /// The evaluation.
    pub eval: String,
    /// Its tasks, in order.
    pub tasks: Vec<String>,
    /// Each task's short label: `a = 0.2` for one value of a sweep, else its name.
    pub labels: Vec<String>,
    /// Prompts behind each mean.
    pub prompts: usize,
    /// Context examples before the query the hinge loss is read at.
    pub k: usize,
    /// Per task, each whole model's attention, in the evaluation's order.
    pub attention: Vec<Vec<ModelAttention>>,
    /// Per task, each model's (whole or pruned) hinge loss after `k` examples.
    pub hinge: Vec<Vec<(Predictor, Estimate)>>,
}

impl ClassificationSummary {
    /// The figure of its attention.
    pub fn attention_figure(&self) -> crate::spec::FigureRef {
        crate::spec::FigureRef::Attention { eval: self.eval.clone() }
    }
}

/// One model's attention mass on same-pattern examples.
#[derive(Debug, Clone, Serialize)]
pub struct ModelAttention {
    /// The training's name.
    pub model: String,
    /// Over prompts and replicates.
    pub mass: Estimate,
    /// Each training seed's mean.
    pub per_seed: Vec<(u64, f64)>,
}

/// The hinge loss max(0, 1 − y·F) of an output F against its label y: the one formula both the
/// summaries and the claims read.
pub fn hinge(output: f32, label: f32) -> f32 {
    (1.0 - output * label).max(0.0)
}

/// Each classification evaluation, from the records of its tasks (in plan order).
pub fn summaries<'a>(
    evals: impl Iterator<Item = (&'a EvalJob, &'a EvalOutput)>,
    seed: u64,
) -> Vec<ClassificationSummary> {
    let mut out: Vec<ClassificationSummary> = Vec::new();
    for (job, eval) in evals {
        // A record whose labels do not cover its prompts (damaged) has no margins to read.
        let Some(c) = eval.classification().filter(|c| c.labels.len() == eval.prompts) else { continue };
        let (attention, hinge) = (task_attention(c, eval.prompts, seed), task_hinge(c, eval, seed));
        match out.iter_mut().find(|s| s.eval == job.eval) {
            Some(s) => {
                s.tasks.push(job.task.name.clone());
                s.labels.push(label(job));
                s.attention.push(attention);
                s.hinge.push(hinge);
            }
            None => out.push(ClassificationSummary {
                eval: job.eval.clone(),
                tasks: vec![job.task.name.clone()],
                labels: vec![label(job)],
                prompts: eval.prompts,
                k: eval.points.saturating_sub(1),
                attention: vec![attention],
                hinge: vec![hinge],
            }),
        }
    }
    out
}

/// A task's label in a figure of the evaluation: its sweep value, or its name.
fn label(job: &EvalJob) -> String {
    match &job.task.binding {
        Some((var, value)) => format!("{var} = {}", crate::spec::fmt_num(*value)),
        None => job.task.name.clone(),
    }
}

/// Each model's attention on one task's prompts.
fn task_attention(c: &ClassificationRecord, prompts: usize, seed: u64) -> Vec<ModelAttention> {
    let mut models: Vec<&str> = c.attention.iter().map(|a| a.model.as_str()).collect();
    models.dedup();
    models
        .into_iter()
        .map(|model| {
            let reps: Vec<_> = c.attention.iter().filter(|a| a.model == model).collect();
            let tables: Vec<&[f32]> = reps.iter().map(|a| a.mass.as_slice()).collect();
            ModelAttention {
                model: model.to_string(),
                mass: bootstrap_replicates(&tables, prompts, 1, seed)[0],
                per_seed: reps.iter().map(|a| (a.seed, bootstrap_means(&a.mass, prompts, 1, seed)[0].mean)).collect(),
            }
        })
        .collect()
}

/// Each predictor's hinge loss after the whole context, its replicates pooled.
fn task_hinge(c: &ClassificationRecord, eval: &EvalOutput, seed: u64) -> Vec<(Predictor, Estimate)> {
    let k = eval.points.saturating_sub(1);
    let mut names: Vec<&Predictor> = c.tables.errors.iter().map(|(p, _)| p).collect();
    names.dedup();
    names
        .into_iter()
        .map(|who| {
            let tables: Vec<Vec<f32>> = c
                .tables
                .predictions_of(who)
                .map(|pred| (0..eval.prompts).map(|r| hinge(pred[r * eval.points + k], c.labels[r])).collect())
                .collect();
            let reps: Vec<&[f32]> = tables.iter().map(Vec::as_slice).collect();
            (who.clone(), bootstrap_replicates(&reps, eval.prompts, 1, seed)[0])
        })
        .collect()
}

/// A classification evaluation's claim quantities, read on one draw.
impl Reader<'_> {
    /// `attention(…)`: the mean over the drawn prompts and replicates of the query's attention mass
    /// on same-pattern examples (the prompts drawn as the error table's, so jointly with errors).
    pub fn attention(&self, a: &crate::spec::AttentionRef, draw: &Draw) -> f64 {
        let Some((key, out)) = self.table(&a.eval, &a.task, &crate::spec::InputSpec::Normal) else { return f64::NAN };
        let Some(c) = out.classification() else { return f64::NAN };
        let reps: Vec<&[f32]> = c.attention.iter().filter(|r| r.model == a.model).map(|r| r.mass.as_slice()).collect();
        if reps.is_empty() {
            return f64::NAN;
        }
        let rows = draw.pick(&draw.rows, self.seed, &key, out.prompts);
        let drawn = draw.replicates(self.seed, &a.model, reps.len());
        let total: f64 = drawn.iter().map(|&i| rows.iter().map(|&r| f64::from(reps[i][r])).sum::<f64>()).sum();
        total / (drawn.len() * rows.len()) as f64
    }

    /// `hinge(…)`: the mean hinge loss of the drawn replicates' outputs on the drawn prompts.
    pub fn hinge(&self, r: &ErrorRef, draw: &Draw) -> f64 {
        let Some((key, out)) = self.table(&r.eval, &r.task, &r.inputs) else { return f64::NAN };
        let Some(c) = out.classification() else { return f64::NAN };
        let reps: Vec<&[f32]> = c.tables.predictions_of(&r.predictor).collect();
        if reps.is_empty() || c.labels.len() != out.prompts {
            return f64::NAN;
        }
        let rows = draw.pick(&draw.rows, self.seed, &key, out.prompts);
        let drawn = draw.replicates(self.seed, &r.predictor.replicates_key(), reps.len());
        let p = out.points;
        let total: f64 = drawn
            .iter()
            .map(|&i| {
                rows.iter().map(|&row| f64::from(super::hinge(reps[i][row * p + r.k], c.labels[row]))).sum::<f64>()
            })
            .sum();
        total / (drawn.len() * rows.len()) as f64
    }
}
