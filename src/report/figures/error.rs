//! Error against in-context examples k, one figure per (evaluation, task, inputs[, component]).
use super::{fmt_estimate, reference_stroke, replicates_note};
use crate::report::Figure;
use crate::report::svg::{Chart, Series};
use crate::results::TaskCurves;

/// The figure of one evaluation's curves on one task.
pub fn error_figure(t: &TaskCurves, confidence_pct: u32) -> Figure {
    let subset = t.component.as_ref().map_or_else(String::new, |c| format!(" whose function was drawn from `{c}`"));
    let series = t
        .curves
        .iter()
        .map(|c| Series {
            label: c.predictor.name().to_string(),
            points: c.points.iter().enumerate().map(|(k, e)| (k as f64, e.mean)).collect(),
            band: if c.is_model {
                c.points.iter().enumerate().map(|(k, e)| (k as f64, e.lo, e.hi)).collect()
            } else {
                vec![]
            },
            stroke: reference_stroke(&c.predictor),
        })
        .collect();
    // Zero's error sets the scale: nothing useful happens above the "know nothing" line.
    let y_max = t.curves.iter().flat_map(|c| c.points.iter().map(|e| e.mean)).fold(0f64, f64::max) * 1.1;
    let chart = Chart {
        title: match (t.inputs, &t.component) {
            (_, Some(c)) => format!("{}: {} prompts drawn from {c}", t.eval, t.task),
            (crate::spec::InputSpec::Normal, None) => format!("{}: {} prompts", t.eval, t.task),
            (other, None) => format!("{}: {} prompts, {} inputs", t.eval, t.task, other.describe()),
        },
        x_label: "in-context examples k".into(),
        y_label: t.metric.axis_label().into(),
        series,
        y_max: Some(y_max),
    };
    let mut header = vec!["k".to_string()];
    header.extend(t.curves.iter().map(|c| c.predictor.name().to_string()));
    let points = t.curves.first().map_or(0, |c| c.points.len());
    let rows = (0..points)
        .map(|k| std::iter::once(k.to_string()).chain(t.curves.iter().map(|c| fmt_estimate(&c.points[k]))).collect())
        .collect();
    Figure {
        title: format!("Error against in-context examples — `{}` on `{}`{subset}", t.eval, t.task),
        caption: format!(
            "{} of the prediction for the query after k examples, over {} fresh prompts{subset}; shaded: the trained models' {confidence_pct}% bootstrap interval over prompts (the baselines' are in the table).{}",
            t.metric.caption(),
            t.prompts,
            replicates_note(&t.curves)
        ),
        svg: chart.render(),
        header,
        rows,
        ..Figure::of(&t.figure())
    }
}
