//! Error at one k against a swept variable.
use super::{fmt_estimate, reference_stroke};
use crate::report::Figure;
use crate::report::svg::{Chart, Series};
use crate::results::{Results, TaskCurves};
use crate::spec::EvalSpec;
use crate::spec::fmt_num;

/// Error at one k against an evaluation's sweep variable.
pub fn sweep_figure(
    name: &str,
    eval: &EvalSpec,
    var: &str,
    k: usize,
    results: &Results,
    confidence_pct: u32,
) -> Option<Figure> {
    let inputs = eval.inputs.first()?;
    let tasks: Vec<(f64, &TaskCurves)> =
        eval.tasks
            .iter()
            .filter_map(|t| {
                let (v, value) = t.binding.as_ref()?;
                let curves = results.curves.iter().find(|c| {
                    c.eval == eval.name && c.task == t.name && c.inputs == *inputs && c.component.is_none()
                })?;
                (v == var).then_some((*value, curves))
            })
            .collect();
    let first = tasks.first()?.1;
    let predictors: Vec<(&crate::spec::Predictor, bool)> =
        first.curves.iter().map(|c| (&c.predictor, c.is_model)).collect();
    let at = |p: &crate::spec::Predictor, t: &TaskCurves| t.at(p, k).copied();
    let series = predictors
        .iter()
        .map(|(p, is_model)| Series {
            label: p.name(),
            points: tasks.iter().filter_map(|(v, t)| Some((*v, at(p, t)?.mean))).collect(),
            band: if *is_model {
                tasks.iter().filter_map(|(v, t)| at(p, t).map(|e| (*v, e.lo, e.hi))).collect()
            } else {
                vec![]
            },
            stroke: reference_stroke(p),
        })
        .collect();
    let chart = Chart {
        title: format!("{}: error at k = {k} against {var}", eval.name),
        x_label: var.to_string(),
        y_label: first.metric.axis_label().into(),
        series,
        y_max: None,
    };
    let mut header = vec![var.to_string()];
    header.extend(predictors.iter().map(|(p, _)| p.name()));
    let rows = tasks
        .iter()
        .map(|(v, t)| {
            std::iter::once(fmt_num(*v))
                .chain(predictors.iter().map(|(p, _)| at(p, t).map_or_else(|| "–".into(), |e| fmt_estimate(&e))))
                .collect()
        })
        .collect();
    Some(super::named(
        name,
        format!("Error at k = {k} against `{var}` — `{}`", eval.name),
        format!(
            "{} after {k} in-context examples for each value of `{var}`; shaded: {confidence_pct}% bootstrap interval over prompts.",
            first.metric.caption()
        ),
        chart,
        header,
        rows,
    ))
}

/// Error at one k against a swept training's variable (`train mix for w in …`): one line per task
/// of the evaluation through the runs, the baselines on each task as flat dashed lines.
pub fn training_sweep_figure(
    name: &str,
    eval: &EvalSpec,
    var: &str,
    k: usize,
    results: &Results,
    trainings: &[crate::spec::TrainSpec],
    confidence_pct: u32,
) -> Option<Figure> {
    let inputs = eval.inputs.first()?;
    let mut runs: Vec<(f64, crate::spec::Predictor)> = trainings
        .iter()
        .filter(|t| eval.models.contains(&t.name))
        .filter_map(|t| {
            let (v, value) = t.binding.as_ref()?;
            (v == var).then(|| (*value, crate::spec::Predictor::Model(t.name.clone())))
        })
        .collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let tasks: Vec<&TaskCurves> = eval
        .tasks
        .iter()
        .filter_map(|t| {
            results
                .curves
                .iter()
                .find(|c| c.eval == eval.name && c.task == t.name && c.inputs == *inputs && c.component.is_none())
        })
        .collect();
    let (lo, hi) = (runs.first()?.0, runs.last()?.0);
    let metric = tasks.first()?.metric;
    let mut series: Vec<Series> = tasks
        .iter()
        .map(|t| Series {
            label: format!("on {}", t.task),
            points: runs.iter().filter_map(|(v, p)| Some((*v, t.at(p, k)?.mean))).collect(),
            band: runs.iter().filter_map(|(v, p)| t.at(p, k).map(|e| (*v, e.lo, e.hi))).collect(),
            stroke: super::Stroke::Solid,
        })
        .collect();
    let baselines: Vec<crate::spec::Predictor> =
        eval.baselines.iter().map(|b| crate::spec::Predictor::Baseline(*b)).collect();
    for t in &tasks {
        for b in &baselines {
            if let Some(e) = t.at(b, k) {
                series.push(Series {
                    label: format!("{} on {}", b.name(), t.task),
                    points: vec![(lo, e.mean), (hi, e.mean)],
                    band: vec![],
                    stroke: super::Stroke::Dashed,
                });
            }
        }
    }
    let mut header = vec![var.to_string()];
    header.extend(tasks.iter().map(|t| format!("on {}", t.task)));
    let mut rows: Vec<Vec<String>> = runs
        .iter()
        .map(|(v, p)| {
            std::iter::once(fmt_num(*v))
                .chain(tasks.iter().map(|t| t.at(p, k).map_or_else(|| "–".into(), fmt_estimate)))
                .collect()
        })
        .collect();
    rows.extend(baselines.iter().map(|b| {
        std::iter::once(b.name())
            .chain(tasks.iter().map(|t| t.at(b, k).map_or_else(|| "–".into(), fmt_estimate)))
            .collect()
    }));
    Some(super::named(
        name,
        format!("Error at k = {k} against the training's `{var}` — `{}`", eval.name),
        format!(
            "{} after {k} in-context examples of the model trained with each value of `{var}`, on each task's prompts; dashed: baselines on the same prompts; shaded: {confidence_pct}% bootstrap interval.",
            metric.caption()
        ),
        Chart {
            title: format!("{}: error at k = {k} against {var}", eval.name),
            x_label: var.to_string(),
            y_label: metric.axis_label().into(),
            series,
            y_max: None,
        },
        header,
        rows,
    ))
}
