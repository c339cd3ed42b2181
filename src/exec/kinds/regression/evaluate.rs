//! A regression evaluation: fresh prompts of one task through every model and baseline, each
//! predictor's squared error / d at every prompt and position, and the function plots asked for.
use super::super::Evaluating;
use super::super::KindRecord;
use super::model_config;
use super::{FunctionPlot, RegressionRecord};
use crate::baselines;
use crate::exec::{ErrorTables, EvalOutput, ExecError, StepErrors};
use crate::model::{IclParams, TensorError};
use crate::plan::EvalJob;
use crate::rng;
use crate::spec::{Metric, Predictor};
use crate::tasks::{self, PromptBatch};

/// The record of a regression evaluation: every predictor's error at every prompt and k.
pub fn record(job: &Evaluating) -> Result<EvalOutput, ExecError> {
    let Evaluating { id, job: e, trains, cache, target, observer } = *job;
    let metric = Metric::ErrorPerDim;
    let prompts = prompts(e)?;
    let (mut errors, mut predictions, mut at_steps) = (Vec::new(), Vec::new(), Vec::new());
    let mut plots = plot_functions(e)?;
    for (name, train_id) in &e.models {
        let (t, out) = &trains[train_id];
        let tensor_err = |source| ExecError::Tensor { context: format!("evaluating `{name}` in `{}`", e.eval), source };
        let cfg = model_config(t);
        let params = crate::model::icl::load_weights(&cfg, &cache.path(train_id, &out.checkpoint), target)
            .map_err(tensor_err)?;
        let pred = model_predictions(&params, &prompts).map_err(tensor_err)?;
        errors.push((Predictor::Model(name.clone()), scores(metric, &pred, &prompts)));
        predictions.push(pred);
        for step in e.at.as_ref().map_or_else(Vec::new, |at| at.resolve(t.setup.steps)) {
            let snapshot = out.snapshots.iter().find(|s| s.step == step).ok_or_else(|| {
                ExecError::Unsupported(format!(
                    "reading `{name}` at step {step}: its training kept no weights of that step"
                ))
            })?;
            let path = cache.job_dir(train_id)?.join(&snapshot.file);
            let at = crate::model::icl::load_weights(&cfg, &path, target).map_err(tensor_err)?;
            let pred = model_predictions(&at, &prompts).map_err(tensor_err)?;
            let errors = scores(metric, &pred, &prompts);
            at_steps.push(StepErrors { model: name.clone(), seed: t.seed, step, wall_s: snapshot.wall_s, errors });
        }
        let replicated = e.models.iter().filter(|(n, _)| n == name).count() > 1;
        let label = if replicated { crate::plan::replicate_label(name, t.seed) } else { name.clone() };
        for plot in &mut plots {
            let at_grid = predictions_along_grid(&params, plot).map_err(tensor_err)?;
            plot.models.push((label.clone(), at_grid));
        }
        observer.eval_step(id, errors.len() as u64);
    }
    for &b in &e.baselines {
        let pred = baselines::predict(b, &prompts, &e.task.class)
            .ok_or_else(|| ExecError::Unsupported(format!("the baseline `{}`", b.name())))?;
        errors.push((Predictor::Baseline(b), scores(metric, &pred, &prompts)));
        predictions.push(pred);
        observer.eval_step(id, errors.len() as u64);
    }
    let tables = ErrorTables { errors, predictions, at_steps };
    let record = RegressionRecord { tables, components: prompts.components, plots };
    Ok(EvalOutput::of(e.points, e.prompts, KindRecord::Regression(record)))
}

/// The sampler of the task's class.
fn sampler(e: &EvalJob) -> Result<Box<dyn tasks::FunctionClass>, ExecError> {
    tasks::class_for(&e.task.class).map_err(|why| ExecError::Unsupported(format!("task `{}`: {why}", e.task.name)))
}

/// A per-prediction metric at every prompt and position, `(prompts, points)`.
fn scores(metric: Metric, pred: &[f32], prompts: &PromptBatch) -> Vec<f32> {
    pred.iter().zip(&prompts.ys).map(|(p, y)| metric.score(*p, *y, prompts.dim).unwrap_or(f32::NAN)).collect()
}

/// The task's class as text: part of the name of every random stream drawn for it.
fn class_key(e: &EvalJob) -> String {
    serde_json::to_string(&e.task.class).expect("classes serialise")
}

/// The evaluation's prompts: their own stream per (seed, task), the same for every predictor.
fn prompts(e: &EvalJob) -> Result<PromptBatch, ExecError> {
    let class = sampler(e)?;
    let mut rng = rng::stream(e.seed, &e.prompt_stream());
    Ok(tasks::sample_batch(class.as_ref(), &e.inputs, &mut rng, e.prompts, e.points, e.dim, e.dim))
}

/// Query points per function plot.
const GRID: usize = 121;

/// For each k of `e.plots`: one function drawn from the task, k examples of it (x from the
/// evaluation's inputs) and its values along a grid covering ±3 and every example; the models'
/// predictions are added by the caller.
fn plot_functions(e: &EvalJob) -> Result<Vec<FunctionPlot>, ExecError> {
    let class = sampler(e)?;
    let mut plots = Vec::new();
    for &k in &e.plots {
        let purpose = format!("function-plot/{k}/{}", class_key(e));
        let mut rng = rng::stream(e.seed, &purpose);
        let sampler = tasks::InputSampler::new(&e.inputs, 1, &mut rng);
        let mut context = vec![0f32; k];
        sampler.fill(&mut rng, &mut context, k);
        let lo = context.iter().fold(-3f32, |m, &x| m.min(x));
        let hi = context.iter().fold(3f32, |m, &x| m.max(x));
        let grid: Vec<f32> = (0..GRID).map(|i| lo + (hi - lo) * i as f32 / (GRID - 1) as f32).collect();
        // One function, applied to the examples and the grid together.
        let xs: Vec<f32> = context.iter().chain(&grid).copied().collect();
        let mut ys = vec![0f32; xs.len()];
        class.sample_and_apply(&mut rng, &xs, 1, 1, &mut ys);
        plots.push(FunctionPlot {
            k,
            context: context.into_iter().zip(ys.iter().copied()).collect(),
            grid,
            truth: ys[k..].to_vec(),
            models: vec![],
        });
    }
    Ok(plots)
}

/// The model's prediction at each grid point after the plot's k examples: one prompt per grid
/// point, the examples followed by that point as the query.
fn predictions_along_grid(params: &IclParams, plot: &FunctionPlot) -> Result<Vec<f32>, TensorError> {
    let (k, g) = (plot.k, plot.grid.len());
    let (mut xs, mut ys) = (Vec::with_capacity(g * (k + 1)), Vec::with_capacity(g * (k + 1)));
    for &q in &plot.grid {
        xs.extend(plot.context.iter().map(|&(x, _)| x).chain([q]));
        ys.extend(plot.context.iter().map(|&(_, y)| y).chain([0.0]));
    }
    let batch = PromptBatch { xs, ys, batch: g, points: k + 1, dim: 1, components: vec![0; g] };
    let pred = model_predictions(params, &batch)?; // (G, k + 1)
    Ok(pred.chunks_exact(k + 1).map(|row| row[k]).collect())
}

/// The model's prediction at every position, `(prompts, points)`.
fn model_predictions(params: &IclParams, prompts: &PromptBatch) -> Result<Vec<f32>, TensorError> {
    crate::model::icl::predict(params, prompts, crate::plan::EVAL_CHUNK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{ClassSpec, InputSpec, TaskSpec};

    #[test]
    fn a_function_plot_shows_one_function_at_its_examples_and_along_the_grid() {
        let e = EvalJob {
            eval: "e".into(),
            task: TaskSpec {
                name: "line".into(),
                class: ClassSpec::call("linear", [("scale", 1.0.into())]),
                binding: None,
            },
            inputs: InputSpec::Normal,
            dim: 1,
            points: 6,
            prompts: 4,
            seed: 9,
            models: vec![],
            baselines: vec![],
            plots: vec![3],
            at: None,
            computed_on: None,
            completing: None,
            pruned: vec![],
            task_kind: crate::spec::TaskKind::Regression,
        };
        let plot = plot_functions(&e).unwrap().remove(0);
        assert_eq!((plot.k, plot.context.len(), plot.grid.len()), (3, 3, GRID));
        assert!(plot.grid.windows(2).all(|w| w[0] < w[1]) && plot.grid[0] <= -3.0 && plot.grid[GRID - 1] >= 3.0);
        // A line through the origin: every example and every grid point share one slope.
        let slope = plot.truth[GRID - 1] / plot.grid[GRID - 1];
        for (x, y) in plot.context.iter().copied().chain(plot.grid.iter().copied().zip(plot.truth.iter().copied())) {
            assert!((y - slope * x).abs() < 1e-4 * (1.0 + y.abs()), "({x}, {y}) is off the line of slope {slope}");
        }
    }
}
