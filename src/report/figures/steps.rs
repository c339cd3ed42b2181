//! Error at one k against training step (or seconds of training): how the models got there.
use super::{fmt, fmt_estimate};
use crate::report::Figure;
use crate::report::svg::{Chart, Series, Stroke};
use crate::results::TaskCurves;

/// The figure `error_vs_step(eval, task, k = K)` (or `error_vs_time`): one line per model through
/// the steps it was read at, its final weights last; the baselines as flat reference lines.
pub fn step_figure(name: &str, curves: &TaskCurves, k: usize, time: bool, confidence_pct: u32) -> Figure {
    let x_of = |s: &crate::results::StepCurve| if time { s.wall_s } else { s.step as f64 };
    let mut models: Vec<&str> = curves.by_step.iter().map(|s| s.model.as_str()).collect();
    models.dedup();
    let x_max = curves.by_step.iter().map(x_of).fold(0f64, f64::max);
    let mut series: Vec<Series> = models
        .iter()
        .map(|m| {
            let at: Vec<_> = curves.by_step.iter().filter(|s| s.model == *m).collect();
            Series {
                label: m.to_string(),
                points: at.iter().map(|s| (x_of(s), s.points[k].mean)).collect(),
                band: at.iter().map(|s| (x_of(s), s.points[k].lo, s.points[k].hi)).collect(),
                stroke: Stroke::Solid,
            }
        })
        .collect();
    let baselines: Vec<_> = curves.curves.iter().filter(|c| !c.is_model).collect();
    series.extend(baselines.iter().map(|c| Series {
        label: c.predictor.name(),
        points: vec![(0.0, c.points[k].mean), (x_max, c.points[k].mean)],
        band: vec![],
        stroke: Stroke::Dashed,
    }));
    let x_label = if time { "seconds of training" } else { "training step" };
    let mut header = vec!["model".to_string(), "step".to_string(), "seconds".to_string(), format!("error at k = {k}")];
    if curves.by_step.iter().any(|s| s.replicates > 1) {
        header.push("replicates".into());
    }
    let with_reps = header.len() == 5;
    let mut rows: Vec<Vec<String>> = curves
        .by_step
        .iter()
        .map(|s| {
            let mut row =
                vec![s.model.clone(), s.step.to_string(), format!("{:.1}", s.wall_s), fmt_estimate(&s.points[k])];
            if with_reps {
                row.push(s.replicates.to_string());
            }
            row
        })
        .collect();
    rows.extend(baselines.iter().map(|c| {
        let mut row = vec![c.predictor.name(), "—".into(), "—".into(), fmt(c.points[k].mean)];
        if with_reps {
            row.push("—".into());
        }
        row
    }));
    super::named(
        name,
        format!(
            "Error at k = {k} against {} — `{}` on `{}`",
            if time { "seconds of training" } else { "training step" },
            curves.eval,
            curves.task
        ),
        format!(
            "{} after {k} in-context examples of each model's weights at the steps `{}` reads (the last is the trained model), over {} fresh prompts; dashed: baselines on the same prompts; shaded: {confidence_pct}% bootstrap interval.",
            curves.metric.caption(),
            curves.eval,
            curves.prompts
        ),
        Chart {
            title: format!("{}: {} at k = {k}", curves.eval, curves.task),
            x_label: x_label.into(),
            y_label: curves.metric.axis_label().into(),
            series,
            y_max: None,
        },
        header,
        rows,
    )
}
