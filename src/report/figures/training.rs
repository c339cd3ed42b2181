//! The training figures: loss, learning rate and curriculum.
use super::fmt;
use crate::report::Figure;
use crate::report::svg::{Chart, Series, Stroke};
use crate::results::{Stage, TrainingSummary};
use crate::spec::Objective;

/// One line per training run, drawn from `points` of each.
fn training_chart(
    trainings: &[TrainingSummary],
    title: &str,
    y_label: &str,
    points: impl Fn(&TrainingSummary) -> Vec<(f64, f64)>,
) -> String {
    Chart {
        title: title.into(),
        x_label: "step".into(),
        y_label: y_label.into(),
        series: trainings
            .iter()
            .map(|t| Series { label: t.name.clone(), points: points(t), band: vec![], stroke: Stroke::Solid })
            .collect(),
        y_max: None,
    }
    .render()
}

const SQUARED: &str = "the mean squared error over every position of the prompt, at the curriculum's dimension — not divided by d like the error curves, so it starts near the variance of y (about d for a linear class), not near 1";
const CROSS_ENTROPY: &str = "the mean next-token cross-entropy in nats over the target tokens (padding excluded)";
const HINGE: &str =
    "the mean hinge loss max(0, 1 − y·F) of the queries (0 once every query is classified with margin 1)";
const LOGISTIC: &str = "the mean logistic loss log(1 + e^(−y·F)) of the queries, in nats";

/// What the loss curves are, by the objectives the runs minimise.
fn loss_caption(trainings: &[TrainingSummary]) -> String {
    let has = |o: Objective| trainings.iter().any(|t| t.objective == o);
    let parts: Vec<(&str, &str)> = [
        (Objective::SquaredError, "the regression models", SQUARED),
        (Objective::CrossEntropy, "the language models", CROSS_ENTROPY),
        (Objective::Hinge, "the classifiers trained on the hinge loss", HINGE),
        (Objective::Logistic, "the classifiers trained on the logistic loss", LOGISTIC),
    ]
    .into_iter()
    .filter(|(o, _, _)| has(*o))
    .map(|(_, who, what)| (who, what))
    .collect();
    let what = match parts.as_slice() {
        [(_, only)] => only.to_string(),
        [] => SQUARED.to_string(),
        many => many.iter().map(|(who, what)| format!("for {who} {what}")).collect::<Vec<_>>().join("; "),
    };
    format!("Loss per step (window means), one line per training run: {what}.")
}

/// The loss axis's label.
fn loss_label(trainings: &[TrainingSummary]) -> &'static str {
    let Some(first) = trainings.first().map(|t| t.objective) else { return "loss" };
    if trainings.iter().any(|t| t.objective != first) {
        return "loss";
    }
    match first {
        Objective::SquaredError => "mean squared error (not / d)",
        Objective::CrossEntropy => "cross-entropy (nats per token)",
        Objective::Hinge => "hinge loss",
        Objective::Logistic => "logistic loss (nats)",
    }
}

/// The training figures: loss, learning rate and, where any run has one, the curriculum.
pub fn training_figures(trainings: &[TrainingSummary]) -> Vec<Figure> {
    let curve = |t: &TrainingSummary| t.curve.iter().map(|&(s, l)| (s as f64, l)).collect();
    let mut figures = vec![Figure {
        legend: vec![],
        id: "fig-training".into(),
        file: "fig-training.svg".into(),
        title: "Training loss".into(),
        caption: loss_caption(trainings),
        svg: training_chart(trainings, "Training loss", loss_label(trainings), curve),
        header: vec!["run".into(), "steps".into(), "final loss".into(), "peak lr".into()],
        rows: trainings
            .iter()
            .map(|t| {
                let peak = t.lr.iter().map(|&(_, v)| v).fold(0f64, f64::max);
                vec![t.name.clone(), t.steps.to_string(), t.final_loss.map_or_else(|| "—".into(), fmt), fmt(peak)]
            })
            .collect(),
    }];
    let lr = |t: &TrainingSummary| t.lr.iter().map(|&(s, v)| (s as f64, v)).collect();
    figures.push(Figure {
        legend: vec![],
        id: "fig-training-lr".into(),
        file: "fig-training-lr.svg".into(),
        title: "Learning rate".into(),
        caption: "The learning rate the schedule gave at each step of the loss curve.".into(),
        svg: training_chart(trainings, "Learning rate", "learning rate", lr),
        header: vec!["run".into(), "step".into(), "learning rate".into()],
        rows: trainings
            .iter()
            .flat_map(|t| {
                let n = t.lr.len();
                // First, middle and last points: the shape of the schedule in three rows.
                [0, n / 2, n.saturating_sub(1)]
                    .into_iter()
                    .filter(move |_| n > 0)
                    .map(move |i| vec![t.name.clone(), t.lr[i].0.to_string(), fmt(t.lr[i].1)])
            })
            .collect(),
    });
    let with_stages: Vec<&TrainingSummary> = trainings.iter().filter(|t| !t.stages.is_empty()).collect();
    if !with_stages.is_empty() {
        let steps = |t: &TrainingSummary, pick: fn(&Stage) -> usize| -> Vec<(f64, f64)> {
            // A staircase: each stage holds until the next begins.
            let mut pts = Vec::new();
            for (i, st) in t.stages.iter().enumerate() {
                let end = t.stages.get(i + 1).map_or(t.steps as f64, |n| n.from_step as f64 - 1.0);
                pts.push((st.from_step as f64, pick(st) as f64));
                pts.push((end, pick(st) as f64));
            }
            pts
        };
        let series = with_stages
            .iter()
            .flat_map(|t| {
                let line = |what: &str, pick: fn(&Stage) -> usize| Series {
                    label: format!("{} {what}", t.name),
                    points: steps(t, pick),
                    band: vec![],
                    stroke: if what == "points" { Stroke::Dashed } else { Stroke::Solid },
                };
                [line("active dims", |s| s.dims), line("points", |s| s.points)]
            })
            .collect();
        figures.push(Figure {
            legend: vec![],
            id: "fig-training-curriculum".into(),
            file: "fig-training-curriculum.svg".into(),
            title: "Curriculum".into(),
            caption: "Active input dimensions and points per prompt at each step (Garg et al.'s curriculum).".into(),
            svg: Chart {
                title: "Curriculum".into(),
                x_label: "step".into(),
                y_label: "dims, points".into(),
                series,
                y_max: None,
            }
            .render(),
            header: vec!["run".into(), "from step".into(), "active dims".into(), "points".into()],
            rows: with_stages
                .iter()
                .flat_map(|t| {
                    t.stages.iter().map(|s| {
                        vec![t.name.clone(), s.from_step.to_string(), s.dims.to_string(), s.points.to_string()]
                    })
                })
                .collect(),
        });
    }
    figures
}
