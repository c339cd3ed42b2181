//! The training figures: loss, learning rate and curriculum.
use super::fmt;
use crate::report::Figure;
use crate::report::svg::{Chart, Series, Stroke};
use crate::results::{Stage, TrainingSummary};
use crate::spec::{FigureRef, Objective, TrainingFigure};

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

/// What the loss curves are, by the objectives the runs minimise.
fn loss_caption(trainings: &[TrainingSummary]) -> String {
    let has = |o: &Objective| trainings.iter().any(|t| t.objective == *o);
    let parts: Vec<Objective> = Objective::ALL.into_iter().filter(has).collect();
    let what = match parts.as_slice() {
        [only] => only.curve().to_string(),
        [] => Objective::SquaredError.curve().to_string(),
        many => many.iter().map(|o| format!("for {} {}", o.minimised_by(), o.curve())).collect::<Vec<_>>().join("; "),
    };
    format!("Loss per step (window means), one line per training run: {what}.")
}

/// The loss axis's label.
fn loss_label(trainings: &[TrainingSummary]) -> &'static str {
    let Some(first) = trainings.first().map(|t| t.objective) else { return "loss" };
    if trainings.iter().any(|t| t.objective != first) {
        return "loss";
    }
    first.axis_label()
}

/// A training figure: the loss, the learning rate, or (where any run has one) the curriculum;
/// none without trainings.
pub fn training_figure(which: TrainingFigure, trainings: &[TrainingSummary]) -> Option<Figure> {
    if trainings.is_empty() {
        return None;
    }
    match which {
        TrainingFigure::Loss => Some(loss_figure(trainings)),
        TrainingFigure::LearningRate => Some(lr_figure(trainings)),
        TrainingFigure::Curriculum => curriculum_figure(trainings),
    }
}

/// Every run's loss per step.
fn loss_figure(trainings: &[TrainingSummary]) -> Figure {
    let curve = |t: &TrainingSummary| t.curve.iter().map(|&(s, l)| (s as f64, l)).collect();
    Figure {
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
        ..Figure::of(&FigureRef::Training(TrainingFigure::Loss))
    }
}

/// Every run's learning rate per step.
fn lr_figure(trainings: &[TrainingSummary]) -> Figure {
    let lr = |t: &TrainingSummary| t.lr.iter().map(|&(s, v)| (s as f64, v)).collect();
    Figure {
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
        ..Figure::of(&FigureRef::Training(TrainingFigure::LearningRate))
    }
}

/// The curriculum's stages of the runs that have one; none when no run has.
fn curriculum_figure(trainings: &[TrainingSummary]) -> Option<Figure> {
    let with_stages: Vec<&TrainingSummary> = trainings.iter().filter(|t| !t.stages.is_empty()).collect();
    if with_stages.is_empty() {
        return None;
    }
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
    Some(Figure {
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
                t.stages
                    .iter()
                    .map(|s| vec![t.name.clone(), s.from_step.to_string(), s.dims.to_string(), s.points.to_string()])
            })
            .collect(),
        ..Figure::of(&FigureRef::Training(TrainingFigure::Curriculum))
    })
}
