//! The one typed context both templates render.
use super::svg::{Chart, Series, Stroke};
use crate::check::{CheckedSpec, EvalSpec, FigureSpec, Predictor};
use crate::results::{Estimate, PlottedFunction, Results, Stage, TaskCurves, TrainingSummary};
use serde::Serialize;

/// Everything a report shows.
#[derive(Debug, Clone, Serialize)]
pub struct ReportContext {
    /// The experiment's name.
    pub experiment: String,
    /// Claims that hold, and claims in all.
    pub claims_passed: usize,
    /// Claims in all.
    pub claims_total: usize,
    /// Figures, in order.
    pub figures: Vec<Figure>,
    /// Claims with their verdicts.
    pub claims: Vec<ClaimView>,
    /// Training runs.
    pub trainings: Vec<TrainingView>,
    /// How to reproduce the report.
    pub repro: Repro,
    /// The interval's coverage in percent.
    pub confidence_pct: u32,
}

/// A figure with the table of its numbers.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// Anchor id in the HTML.
    pub id: String,
    /// File name of the SVG next to the Markdown report.
    pub file: String,
    /// Heading.
    pub title: String,
    /// What it shows.
    pub caption: String,
    /// The SVG.
    pub svg: String,
    /// Column headers of the numbers table.
    pub header: Vec<String>,
    /// Rows of the numbers table, already formatted.
    pub rows: Vec<Vec<String>>,
}

/// A claim as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimView {
    /// The claim's text.
    pub name: String,
    /// Its expression.
    pub source: String,
    /// `PASS` or `FAIL`.
    pub verdict: &'static str,
    /// Anchor of the figure that shows it.
    pub figure: String,
    /// Each number it read, formatted `name = mean [lo, hi]`.
    pub terms: Vec<String>,
}

/// A training run as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TrainingView {
    /// The training's name.
    pub name: String,
    /// Steps run.
    pub steps: u64,
    /// Scalar parameters.
    pub parameters: usize,
    /// Mean loss over the last 5% of steps, formatted ("—" without training).
    pub final_loss: String,
    /// How its weights started: "init policy" or the file loaded.
    pub start: String,
    /// Seconds, formatted.
    pub wall: String,
}

/// The reproducibility block.
#[derive(Debug, Clone, Serialize)]
pub struct Repro {
    /// SHA-256 of the spec text.
    pub spec_hash: String,
    /// The spec's path as given.
    pub spec_file: String,
    /// iclc's version.
    pub version: String,
    /// The git commit iclc was built from.
    pub commit: String,
    /// The experiment's master seed.
    pub seed: u64,
    /// Threads per job.
    pub threads: usize,
    /// `(phase, seconds)`, in pipeline order.
    pub phases: Vec<(String, String)>,
    /// Jobs answered from the cache.
    pub cached_jobs: usize,
    /// The command that reproduces this report.
    pub command: String,
}

/// The zero predictor is the "knows nothing" reference line: dashed.
fn reference_stroke(p: &Predictor) -> Stroke {
    if matches!(p, Predictor::Baseline(crate::check::Baseline::Zero)) { Stroke::Dashed } else { Stroke::Solid }
}

fn fmt(v: f64) -> String {
    super::format_number(v)
}

fn fmt_estimate(e: &Estimate) -> String {
    format!("{} [{}, {}]", fmt(e.mean), fmt(e.lo), fmt(e.hi))
}

fn slug(s: &str) -> String {
    let raw: String = s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    raw.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-")
}

/// The anchor of the error-vs-k figure of one (evaluation, task, inputs).
fn figure_id(eval: &str, task: &str, inputs: &crate::check::InputSpec) -> String {
    match inputs {
        crate::check::InputSpec::Normal => format!("fig-{}-{}", slug(eval), slug(task)),
        other => format!("fig-{}-{}-{}", slug(eval), slug(task), slug(&other.describe())),
    }
}

fn error_figure(t: &TaskCurves, confidence_pct: u32) -> Figure {
    let mut id = figure_id(&t.eval, &t.task, &t.inputs);
    let mut subset = String::new();
    if let Some(c) = &t.component {
        id = format!("{id}-drawn-{}", slug(c));
        subset = format!(" whose function was drawn from `{c}`");
    }
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
            (crate::check::InputSpec::Normal, None) => format!("{}: {} prompts", t.eval, t.task),
            (other, None) => format!("{}: {} prompts, {} inputs", t.eval, t.task, other.describe()),
        },
        x_label: "in-context examples k".into(),
        y_label: "squared error / d".into(),
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
        file: format!("{id}.svg"),
        id,
        title: format!("Error against in-context examples — `{}` on `{}`{subset}", t.eval, t.task),
        caption: format!(
            "Mean squared error / d of the prediction for the query after k examples, over {} fresh prompts{subset}; shaded: {confidence_pct}% bootstrap interval over prompts.{}",
            t.prompts,
            replicates_note(&t.curves)
        ),
        svg: chart.render(),
        header,
        rows,
    }
}

/// Says which models are means over several training seeds, and what their intervals resample.
fn replicates_note(curves: &[crate::results::Curve]) -> String {
    let replicated: Vec<String> = curves
        .iter()
        .filter(|c| c.replicates > 1)
        .map(|c| format!("`{}` ({})", c.predictor.name(), c.replicates))
        .collect();
    if replicated.is_empty() {
        return String::new();
    }
    format!(
        " Mean over training seeds for {}; their intervals resample the seeds as well as the prompts.",
        replicated.join(", ")
    )
}

/// Error at one k against an evaluation's sweep variable.
fn sweep_figure(
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
    let predictors: Vec<(&crate::check::Predictor, bool)> =
        first.curves.iter().map(|c| (&c.predictor, c.is_model)).collect();
    let at = |p: &crate::check::Predictor, t: &TaskCurves| t.at(p, k).copied();
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
        y_label: "squared error / d".into(),
        series,
        y_max: None,
    };
    let mut header = vec![var.to_string()];
    header.extend(predictors.iter().map(|(p, _)| p.name()));
    let rows = tasks
        .iter()
        .map(|(v, t)| {
            std::iter::once(fmt(*v))
                .chain(predictors.iter().map(|(p, _)| at(p, t).map_or_else(|| "–".into(), |e| fmt_estimate(&e))))
                .collect()
        })
        .collect();
    let id = format!("fig-{}", slug(name));
    Some(Figure {
        file: format!("{id}.svg"),
        id,
        title: format!("Error at k = {k} against `{var}` — `{}`", eval.name),
        caption: format!(
            "Mean squared error / d after {k} in-context examples for each value of `{var}`; shaded: {confidence_pct}% bootstrap interval over prompts."
        ),
        svg: chart.render(),
        header,
        rows,
    })
}

/// One function drawn from a task, the k examples shown, and each model's prediction along x.
fn function_figure(name: &str, p: &PlottedFunction) -> Figure {
    let f = &p.plot;
    let along = |ys: &[f32]| f.grid.iter().zip(ys).map(|(&x, &y)| (x as f64, y as f64)).collect();
    let mut series = vec![Series {
        label: format!("f, drawn from {}", p.task),
        points: along(&f.truth),
        band: vec![],
        stroke: Stroke::Dashed,
    }];
    series.extend(f.models.iter().map(|(m, ys)| Series {
        label: m.clone(),
        points: along(ys),
        band: vec![],
        stroke: Stroke::Solid,
    }));
    series.push(Series {
        label: format!("the {} examples", f.k),
        points: f.context.iter().map(|&(x, y)| (x as f64, y as f64)).collect(),
        band: vec![],
        stroke: Stroke::Markers,
    });
    let mut header = vec!["x".to_string(), "f(x)".to_string()];
    header.extend(f.models.iter().map(|(m, _)| m.clone()));
    // Every tenth grid point: the table shows the shape without 121 rows.
    let rows = (0..f.grid.len())
        .step_by(10)
        .map(|i| {
            let mut row = vec![fmt(f.grid[i] as f64), fmt(f.truth[i] as f64)];
            row.extend(f.models.iter().map(|(_, ys)| fmt(ys[i] as f64)));
            row
        })
        .collect();
    let id = format!("fig-{}", slug(name));
    Figure {
        file: format!("{id}.svg"),
        id,
        title: format!("In-context predictions of one function — `{}` on `{}`, k = {}", p.eval, p.task, f.k),
        caption: format!(
            "One function drawn from `{}` (dashed), the {} examples the models saw (dots), and each model's prediction for a query at x after them.",
            p.task, f.k
        ),
        svg: Chart {
            title: format!("{}: {} after {} examples", p.eval, p.task, f.k),
            x_label: "x".into(),
            y_label: "y".into(),
            series,
            y_max: None,
        }
        .render(),
        header,
        rows,
    }
}

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

/// The training figures: loss, learning rate and, where any run has one, the curriculum.
fn training_figures(trainings: &[TrainingSummary]) -> Vec<Figure> {
    let curve = |t: &TrainingSummary| t.curve.iter().map(|&(s, l)| (s as f64, l)).collect();
    let mut figures = vec![Figure {
        id: "fig-training".into(),
        file: "fig-training.svg".into(),
        title: "Training loss".into(),
        caption: "Loss per step (window means), one line per training run.".into(),
        svg: training_chart(trainings, "Training loss", "mean squared error", curve),
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

/// Builds the context of a report.
pub fn build_context(spec: &CheckedSpec, results: &Results, repro: Repro) -> ReportContext {
    let confidence_pct = (crate::results::CONFIDENCE * 100.0).round() as u32;
    let mut figures: Vec<Figure> = Vec::new();
    for f in &spec.figures {
        match f {
            FigureSpec::ErrorVsSweep { name, eval, var, k } => {
                let eval = spec.evals.iter().find(|e| &e.name == eval);
                figures.extend(eval.and_then(|e| sweep_figure(name, e, var, *k, results, confidence_pct)));
            }
            FigureSpec::FunctionPlot { name, eval, task, k } => {
                let plotted =
                    results.function_plots.iter().find(|p| &p.eval == eval && &p.task == task && p.plot.k == *k);
                figures.extend(plotted.map(|p| function_figure(name, p)));
            }
            FigureSpec::ErrorVsK { .. } => {}
        }
    }
    figures.extend(results.curves.iter().map(|t| error_figure(t, confidence_pct)));
    if !results.trainings.is_empty() {
        figures.extend(training_figures(&results.trainings));
    }
    let claims: Vec<ClaimView> = results
        .claims
        .iter()
        .zip(&spec.claims)
        .map(|(c, claim_spec)| ClaimView {
            name: c.name.clone(),
            source: c.source.clone(),
            verdict: if c.holds { "PASS" } else { "FAIL" },
            figure: match claim_spec.figure.as_deref().and_then(|f| spec.figures.iter().find(|x| x.name() == f)) {
                Some(FigureSpec::ErrorVsSweep { name, .. } | FigureSpec::FunctionPlot { name, .. }) => {
                    format!("fig-{}", slug(name))
                }
                _ => c
                    .terms
                    .first()
                    .map_or_else(String::new, |t| figure_id(&t.reference.eval, &t.reference.task, &t.reference.inputs)),
            },
            terms: c
                .terms
                .iter()
                .map(|t| {
                    let r = &t.reference;
                    format!(
                        "error({}, {}, {}, k = {}) = {}",
                        r.eval,
                        r.predictor.name(),
                        r.task,
                        r.k,
                        fmt_estimate(&t.estimate)
                    )
                })
                .collect(),
        })
        .collect();
    ReportContext {
        experiment: spec.name.clone(),
        claims_passed: results.claims.iter().filter(|c| c.holds).count(),
        claims_total: results.claims.len(),
        figures,
        claims,
        trainings: results
            .trainings
            .iter()
            .map(|t| TrainingView {
                name: t.name.clone(),
                steps: t.steps,
                parameters: t.parameters,
                final_loss: t.final_loss.map_or_else(|| "—".into(), fmt),
                start: t.init.clone().unwrap_or_else(|| "GPT-2 init policy".into()),
                wall: format!("{:.1} s", t.wall_s),
            })
            .collect(),
        repro,
        confidence_pct,
    }
}
