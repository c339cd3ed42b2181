//! A classification evaluation's figures: each classifier's attention mass on same-pattern
//! examples as bars (the mechanism), and its 0-1 error and hinge loss against the share of MLP
//! neurons pruned, one line per model and order (Li et al.'s pruning figure).
use super::{fmt, fmt_estimate};
use crate::report::Figure;
use crate::report::bars::{Bar, BarChart, BarSeries};
use crate::report::svg::{Chart, Series, Stroke};
use crate::results::{ClassificationSummary, Estimate, ModelAttention, TaskCurves};
use crate::spec::{Predictor, PruneOrder, Pruned};

/// Bars of each model's attention mass on the examples that share the query's relevant pattern,
/// one group per task of the evaluation.
pub fn attention_figure(a: &ClassificationSummary, confidence_pct: u32) -> Option<Figure> {
    let shown = a.attention_figure();
    let mut names: Vec<&str> = a.attention.iter().flatten().map(|m| m.model.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    if names.is_empty() {
        return None;
    }
    let of = |task: &[ModelAttention], name: &str| task.iter().find(|m| m.model == name).cloned();
    let series = names
        .iter()
        .map(|name| BarSeries {
            label: name.to_string(),
            bars: a
                .attention
                .iter()
                .map(|task| match of(task, name) {
                    Some(m) => Bar {
                        mean: m.mass.mean,
                        lo: m.mass.lo,
                        hi: m.mass.hi,
                        dots: if m.per_seed.len() > 1 { m.per_seed.iter().map(|s| s.1).collect() } else { vec![] },
                    },
                    None => Bar { mean: f64::NAN, lo: f64::NAN, hi: f64::NAN, dots: vec![] },
                })
                .collect(),
        })
        .collect();
    let chart = BarChart {
        title: format!("{}: where the query attends", a.eval),
        y_label: "attention mass on same-pattern examples".into(),
        groups: a.labels.clone(),
        series,
        y_max: 1.0,
    };
    let mut rows = Vec::new();
    for (task, models) in a.tasks.iter().zip(&a.attention) {
        for m in models {
            let seeds: Vec<String> = m.per_seed.iter().map(|(s, v)| format!("{s}: {}", fmt(*v))).collect();
            rows.push(vec![task.clone(), m.model.clone(), fmt_estimate(&m.mass), seeds.join(", ")]);
        }
    }
    Some(Figure {
        title: format!("Attention on same-pattern examples — `{}`", a.eval),
        caption: format!(
            "The share of each query's softmax attention that falls on the context examples sharing its relevant pattern (within a task: those labelled as the query), averaged over {} held-out prompts of each task at full length; whisker: {confidence_pct}% bootstrap interval over prompts and training seeds; dots: each seed. The paper's mechanism: attention concentrates there, and the MLP promotes their label.",
            a.prompts
        ),
        svg: chart.render(),
        header: ["task", "model", "mass", "per seed"].map(String::from).to_vec(),
        rows,
        ..Figure::of(&shown)
    })
}

/// A pruning figure of one task: its 0-1 error or (`hinge`, where the summary has it) its hinge
/// loss after the whole context against the share of neurons pruned. None when nothing is pruned.
pub fn pruning_figure(
    t: &TaskCurves,
    summary: Option<&ClassificationSummary>,
    pruned: &[Pruned],
    hinge: bool,
    confidence_pct: u32,
) -> Option<Figure> {
    let k = t.curves.first().and_then(|c| c.points.len().checked_sub(1))?;
    let what = format!(
        "after {k} examples when the share of MLP neurons on the x axis is removed at evaluation time (no retraining): those with the smallest ‖W_O row‖ first, the largest first, or random ones; 0 is the whole model; over {} held-out prompts; shaded: {confidence_pct}% bootstrap interval over prompts and training seeds.",
        t.prompts
    );
    let error = |who: &Predictor| t.curves.iter().find(|c| c.predictor == *who)?.points.get(k).copied();
    let losses = summary.and_then(|s| s.tasks.iter().position(|x| *x == t.task).map(|i| &s.hinge[i]));
    let hinge_of = |who: &Predictor| losses?.iter().find(|(p, _)| p == who).map(|(_, e)| *e);
    let at: &dyn Fn(&Predictor) -> Option<Estimate> = if hinge { &hinge_of } else { &error };
    let (title, measure, y_label, caption) = if hinge {
        let caption = format!("Mean hinge loss max(0, 1 − y·F) — the margin the 0-1 error hides — {what}");
        ("Hinge loss", "hinge loss", "hinge loss", caption)
    } else {
        ("Error", "error", t.metric.axis_label(), format!("{} {what}", t.metric.caption()))
    };
    pruning_lines(
        pruned,
        at,
        PruningAxis {
            shown: t.pruning_figure(hinge),
            title: format!("{title} against the share of neurons pruned — `{}` on `{}`", t.eval, t.task),
            chart_title: format!("{}: {} {measure} at k = {k} against neurons pruned", t.eval, t.task),
            y_label,
            caption,
        },
    )
}

/// The words around one pruning figure.
struct PruningAxis {
    shown: crate::spec::FigureRef,
    title: String,
    chart_title: String,
    y_label: &'static str,
    caption: String,
}

/// One line per (model, order) of `at(predictor)` against the pruning rate, rate 0 the whole model.
fn pruning_lines(pruned: &[Pruned], at: &dyn Fn(&Predictor) -> Option<Estimate>, axis: PruningAxis) -> Option<Figure> {
    let mut models: Vec<&str> = pruned.iter().map(|p| p.model.as_str()).collect();
    models.dedup();
    let mut lines: Vec<(String, Vec<(f64, Estimate)>)> = Vec::new();
    for model in models {
        for (keyword, order) in PruneOrder::ALL {
            let mut points: Vec<(f64, Estimate)> = pruned
                .iter()
                .filter(|p| p.model == model && p.order == order)
                .filter_map(|p| Some((p.rate, at(&Predictor::Pruned(p.clone()))?)))
                .collect();
            if points.is_empty() {
                continue;
            }
            points.extend(at(&Predictor::Model(model.to_string())).map(|e| (0.0, e)));
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            points.dedup_by(|a, b| a.0 == b.0);
            lines.push((format!("{model}, {keyword} first"), points));
        }
    }
    if lines.is_empty() {
        return None;
    }
    let series = lines
        .iter()
        .map(|(label, points)| Series {
            label: label.clone(),
            points: points.iter().map(|(r, e)| (*r, e.mean)).collect(),
            band: points.iter().map(|(r, e)| (*r, e.lo, e.hi)).collect(),
            stroke: Stroke::Solid,
        })
        .collect();
    let mut rates: Vec<f64> = lines.iter().flat_map(|(_, p)| p.iter().map(|x| x.0)).collect();
    rates.sort_by(f64::total_cmp);
    rates.dedup();
    let mut header = vec!["pruned".to_string()];
    header.extend(lines.iter().map(|(l, _)| l.clone()));
    let rows = rates
        .iter()
        .map(|r| {
            let cell =
                |p: &Vec<(f64, Estimate)>| p.iter().find(|x| x.0 == *r).map_or("–".into(), |x| fmt_estimate(&x.1));
            std::iter::once(fmt(*r)).chain(lines.iter().map(|(_, p)| cell(p))).collect()
        })
        .collect();
    let chart = Chart {
        title: axis.chart_title,
        x_label: "share of MLP neurons pruned".into(),
        y_label: axis.y_label.into(),
        series,
        y_max: None,
    };
    Some(Figure {
        title: axis.title,
        caption: axis.caption,
        svg: chart.render(),
        header,
        rows,
        ..Figure::of(&axis.shown)
    })
}
