//! Figure builders: each turns results into a chart and the table of its numbers.
mod between;
mod error;
mod function;
mod language;
mod patterns;
mod steps;
mod sweep;
mod training;

pub use between::between_figure;
pub use error::error_figure;
pub use function::function_figure;
pub use language::{language_figure, rate_loss_figure};
pub use patterns::{attention_figure, pruning_figure};
pub use steps::step_figure;
pub use sweep::{sweep_figure, training_sweep_figure};
pub use training::training_figure;

use super::svg::Stroke;
use crate::results::Estimate;
use crate::spec::Predictor;

/// The zero predictor is the "knows nothing" reference line: dashed.
pub fn reference_stroke(p: &Predictor) -> Stroke {
    if matches!(p, Predictor::Baseline(crate::spec::Baseline::Zero)) { Stroke::Dashed } else { Stroke::Solid }
}

/// A number as the tables show it.
pub fn fmt(v: f64) -> String {
    crate::report::format_number(v)
}

/// `mean [lo, hi]`.
pub fn fmt_estimate(e: &Estimate) -> String {
    format!("{} [{}, {}]", fmt(e.mean), fmt(e.lo), fmt(e.hi))
}

/// Says which models are means over several training seeds, and what their intervals resample.
pub fn replicates_note(curves: &[crate::results::Curve]) -> String {
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

/// A figure of a spec's `figure NAME = …` item, anchored (`fig-NAME`) and filed by its name.
pub fn named(
    name: &str,
    title: String,
    caption: String,
    chart: super::svg::Chart,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
) -> super::Figure {
    let shown = crate::spec::FigureRef::Named { name: name.to_string() };
    super::Figure { title, caption, svg: chart.render(), header, rows, ..super::Figure::of(&shown) }
}
