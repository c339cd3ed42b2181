//! The one typed context both templates render.
use super::figures::{self, fmt, fmt_estimate};
use crate::results::{ClaimResult, Results, TaskCurves, Term, Verdict};
use crate::spec::{CheckedSpec, ClaimSpec, FigureRef, FigureSpec, InputSpec, Predictor, Quantity, SweepOver};
use serde::Serialize;

/// Everything a report shows.
#[derive(Debug, Clone, Serialize)]
pub struct ReportContext {
    /// The experiment's name.
    pub experiment: String,
    /// Claims that hold across their interval.
    pub claims_passed: usize,
    /// Claims whose negation holds across their interval.
    pub claims_failed: usize,
    /// Claims the intervals cannot decide.
    pub claims_inconclusive: usize,
    /// Claims whose evaluation was not done.
    pub claims_missing: usize,
    /// Claims in all.
    pub claims_total: usize,
    /// Jobs the run did not finish, and why.
    pub not_done: Vec<NotDoneView>,
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
    /// `(name as written, class written out)` for each task whose name is not its class.
    pub names: Vec<(String, String)>,
    /// What the report's intervals and errors are, by the metrics it measures: one paragraph.
    pub intervals_are: String,
}

/// A job the run did not finish.
#[derive(Debug, Clone, Serialize)]
pub struct NotDoneView {
    /// `train` or `eval`.
    pub kind: String,
    /// As a person names it.
    pub name: String,
    /// Its job id.
    pub id: String,
    /// `failed` or `not run`.
    pub status: &'static str,
    /// The error, or what it waited for.
    pub why: String,
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
    /// What the table's terms mean, (term, meaning), shown above it; empty for most figures.
    pub legend: Vec<(String, String)>,
}

impl Figure {
    /// The figure `shown`, empty: its anchor and file named by the one id schema
    /// ([`FigureRef::id`]); the builders fill the rest.
    pub fn of(shown: &FigureRef) -> Figure {
        let id = shown.id();
        Figure {
            file: format!("{id}.svg"),
            id,
            title: String::new(),
            caption: String::new(),
            svg: String::new(),
            header: vec![],
            rows: vec![],
            legend: vec![],
        }
    }
}

/// A claim as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimView {
    /// The claim's text.
    pub name: String,
    /// Its expression.
    pub source: String,
    /// `PASS`, `FAIL` or `INCONCLUSIVE`.
    pub verdict: &'static str,
    /// Anchor of the figure that shows it.
    pub figure: String,
    /// Each number it read, formatted `name = mean [lo, hi]`.
    pub terms: Vec<String>,
    /// The margin by which it holds (negative: fails), `mean [lo, hi]`.
    pub margin: String,
    /// The share of bootstrap draws on which it holds, in percent.
    pub holds_pct: String,
    /// `name = class` for each name as written it reads that stands for a longer class (shown on
    /// hover).
    pub expansions: String,
}

/// A training run as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TrainingView {
    /// The training's name.
    pub name: String,
    /// Its data, the class written out.
    pub data: String,
    /// Steps run, and the step kept when a selection chose an earlier one (`2000 (kept 1750)`).
    pub steps: String,
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
    /// The backend and device (`fused on cpu`), with the precision when not f32.
    pub compute: String,
    /// The matrix products' arithmetic (`f32`, `tf32`).
    pub precision: String,
    /// Whether trainings were stacked, and how (`on: 1 stack of 17 trainings`, `off`).
    pub stacking: String,
    /// Where the trainings ran, as their records say it (each distinct place once).
    pub trained_on: Vec<String>,
    /// The machine that rendered the report: CPU, cores, memory, and the run's GPU and driver.
    pub hardware: String,
    /// The compiler and candle versions iclc was built with.
    pub toolchain: String,
    /// `(phase, seconds)`, in pipeline order.
    pub phases: Vec<(String, String)>,
    /// Jobs answered from the cache.
    pub cached_jobs: usize,
    /// The command that reproduces this report.
    pub command: String,
}

/// A claim with its verdict, margin and the numbers it read.
fn claim_view(c: &ClaimResult, claim_spec: &ClaimSpec, names: &[(String, String)]) -> ClaimView {
    let figure = claim_spec.figure.as_ref().map(FigureRef::id).unwrap_or_default();
    let term = |t: &Term| match (&t.quantity, t.estimate.mean.is_infinite()) {
        (Quantity::FirstStep(_), true) => format!("{} = not reached", t.quantity.describe()),
        _ => {
            let small = t.counted.filter(|&n| n < crate::results::SMALL_SAMPLE).map_or_else(String::new, |n| {
                format!(" (a small sample: {n} completion{} counted)", if n == 1 { "" } else { "s" })
            });
            format!("{} = {}{small}", t.quantity.describe(), fmt_estimate(&t.estimate))
        }
    };
    ClaimView {
        name: c.name.clone(),
        source: c.source.clone(),
        verdict: c.verdict.label(),
        figure,
        terms: c.terms.iter().map(term).collect(),
        margin: fmt_estimate(&c.margin),
        holds_pct: format!("{:.1}", 100.0 * c.holds_share),
        expansions: names
            .iter()
            .filter(|(n, _)| c.terms.iter().any(|t| t.quantity.task() == n))
            .map(|(n, full)| format!("{n} = {full}"))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// One of the figures `check` gave every evaluation of its kind and the trainings, drawn from
/// the results it reads; `None` where they hold nothing for it (an evaluation not done, a
/// mixture component no prompt drew, a language not read at steps).
fn default_figure(shown: &FigureRef, spec: &CheckedSpec, results: &Results, pct: u32) -> Option<Figure> {
    let curves = |eval: &str, task: &str, inputs: &InputSpec, component: Option<&str>| {
        results
            .curves
            .iter()
            .find(|c| c.eval == eval && c.task == task && c.inputs == *inputs && c.component.as_deref() == component)
    };
    let language = |eval: &str, task: &str| results.languages.iter().find(|l| l.eval == eval && l.task == task);
    let classification = |eval: &str| results.classification.iter().find(|c| c.eval == eval);
    // Pruned models have their own figure; the error-vs-k figure keeps the whole ones.
    let whole = |t: &TaskCurves| {
        let mut whole = t.clone();
        whole.curves.retain(|c| !matches!(c.predictor, Predictor::Pruned(_)));
        figures::error_figure(&whole, pct)
    };
    match shown {
        FigureRef::Named { .. } => None,
        FigureRef::Curves { eval, task, inputs } => match language(eval, task) {
            Some(l) => Some(figures::language_figure(l, pct)),
            None => curves(eval, task, inputs, None).map(whole),
        },
        FigureRef::Component { eval, task, inputs, component } => {
            curves(eval, task, inputs, Some(component)).map(whole)
        }
        FigureRef::RatesOverTraining { eval, task } => language(eval, task).and_then(figures::rate_loss_figure),
        FigureRef::Attention { eval } => classification(eval).and_then(|c| figures::attention_figure(c, pct)),
        FigureRef::Pruning { eval, task, hinge } => {
            let t = curves(eval, task, &InputSpec::Normal, None)?;
            let pruned = spec.evals.iter().find(|e| &e.name == eval).map_or(&[][..], |e| &e.pruned[..]);
            figures::pruning_figure(t, classification(eval), pruned, *hinge, pct)
        }
        FigureRef::Training(which) => figures::training_figure(*which, &results.trainings),
    }
}

/// Builds the context of a report.
pub fn build_context(spec: &CheckedSpec, results: &Results, repro: Repro) -> ReportContext {
    let confidence_pct = (crate::results::CONFIDENCE * 100.0).round() as u32;
    let mut figures: Vec<Figure> = Vec::new();
    for f in &spec.figures {
        match f {
            FigureSpec::ErrorVsSweep { name, eval, var, k, over } => {
                let eval = spec.evals.iter().find(|e| &e.name == eval);
                figures.extend(eval.and_then(|e| match over {
                    SweepOver::Tasks => figures::sweep_figure(name, e, var, *k, results, confidence_pct),
                    SweepOver::Trainings => {
                        figures::training_sweep_figure(name, e, var, *k, results, &spec.trainings, confidence_pct)
                    }
                }));
            }
            FigureSpec::FunctionPlot { name, eval, task, k } => {
                let plotted =
                    results.function_plots.iter().find(|p| &p.eval == eval && &p.task == task && p.plot.k == *k);
                figures.extend(plotted.map(|p| figures::function_figure(name, p)));
            }
            FigureSpec::ErrorVsStep { name, eval, task, k, time } => {
                let curves = results
                    .curves
                    .iter()
                    .find(|c| &c.eval == eval && &c.task == task && c.component.is_none() && !c.by_step.is_empty());
                figures.extend(curves.map(|c| figures::step_figure(name, c, *k, *time, confidence_pct)));
            }
            FigureSpec::BetweenVs { name, eval, var, model, from, to, k } => {
                let curve = results.positions.iter().find(|p| &p.figure == name);
                figures.extend(
                    curve.map(|c| figures::between_figure(name, eval, var, model, from, to, *k, c, confidence_pct)),
                );
            }
            FigureSpec::ErrorVsK { .. } => {}
        }
    }
    figures
        .extend(spec.default_figures.iter().filter_map(|shown| default_figure(shown, spec, results, confidence_pct)));
    let names = expansions(spec);
    let claims: Vec<ClaimView> =
        results.claims.iter().zip(&spec.claims).map(|(c, claim_spec)| claim_view(c, claim_spec, &names)).collect();
    let count = |v: Verdict| results.claims.iter().filter(|c| c.verdict == v).count();
    ReportContext {
        experiment: spec.name.clone(),
        claims_passed: count(Verdict::Pass),
        claims_failed: count(Verdict::Fail),
        claims_inconclusive: count(Verdict::Inconclusive),
        claims_missing: count(Verdict::Missing),
        claims_total: results.claims.len(),
        not_done: results
            .not_done
            .iter()
            .map(|n| NotDoneView {
                kind: n.kind.clone(),
                name: n.name.clone(),
                id: n.id.to_string(),
                status: if n.failed { "failed" } else { "not run" },
                why: n.why.clone(),
            })
            .collect(),
        figures,
        claims,
        trainings: results
            .trainings
            .iter()
            .map(|t| TrainingView {
                name: t.name.clone(),
                data: t.data.clone(),
                steps: match t.selected {
                    Some((step, loss)) => format!("{} (kept {step}: lowest loss {})", t.steps, fmt(loss)),
                    None => t.steps.to_string(),
                },
                parameters: t.parameters,
                final_loss: t.final_loss.map_or_else(|| "—".into(), fmt),
                start: t.init.clone().unwrap_or_else(|| t.init_policy.into()),
                wall: format!("{:.1} s", t.wall_s),
            })
            .collect(),
        repro,
        confidence_pct,
        names,
        intervals_are: intervals_are(results, confidence_pct),
    }
}

/// What the report's intervals are and what its errors measure: squared errors / d, 0-1 errors,
/// language rates, or several of them.
fn intervals_are(results: &Results, pct: u32) -> String {
    use crate::spec::Metric;
    let mut metrics: Vec<Metric> =
        Metric::ALL.into_iter().filter(|m| results.curves.iter().any(|c| c.metric == *m)).collect();
    let curves = !results.curves.is_empty() || results.languages.is_empty();
    if metrics.is_empty() && results.languages.is_empty() {
        metrics.push(Metric::default());
    }
    let mut parts = Vec::new();
    if curves {
        parts.push(format!("Intervals are {pct}% percentile-bootstrap intervals over prompts"));
    }
    parts.extend(metrics.iter().filter_map(|m| m.errors_are()).map(String::from));
    if !results.languages.is_empty() {
        parts.push(format!(
            "{} language evaluation's intervals are {pct}% percentile-bootstrap intervals{}, but its prompts are the whole population its numbers speak of (every word, every string of a length, the spec's list), so they resample the training seeds alone, and each rate's counts are drawn from their Jeffreys posterior, Beta(kept + ½, missed + ½): a rate over few prompts has a wide interval (0 of 12 is not a certain 0)",
            if curves { "a" } else { "A" },
            if curves { " too" } else { "" }
        ));
    }
    parts.join("; ") + "."
}

/// What each task name that is not a plain class name stands for: the footnote to names as written.
fn expansions(spec: &CheckedSpec) -> Vec<(String, String)> {
    let mut names: Vec<(String, String)> = Vec::new();
    for t in spec.evals.iter().flat_map(|e| &e.tasks) {
        let full = crate::tasks::describe(&t.class);
        if t.name != full && !names.iter().any(|(n, _)| *n == t.name) {
            names.push((t.name.clone(), full));
        }
    }
    names
}
