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
pub use patterns::{attention_figure, pruning_figures};
pub use steps::step_figure;
pub use sweep::{sweep_figure, training_sweep_figure};
pub use training::training_figures;

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

pub use crate::spec::slug;

/// The anchor of the error-vs-k figure of one (evaluation, task, inputs).
pub fn figure_id(eval: &str, task: &str, inputs: &crate::spec::InputSpec) -> String {
    crate::spec::FigureRef::Curves { eval: eval.into(), task: task.into(), inputs: *inputs }.id()
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
    let id = crate::spec::FigureRef::Named { name: name.to_string() }.id();
    super::Figure { file: format!("{id}.svg"), id, title, caption, svg: chart.render(), header, rows, legend: vec![] }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn identifiers_keep_their_slug_and_names_a_slug_would_merge_stay_apart() {
        assert_eq!(slug("on_sparse"), "on-sparse");
        assert_eq!(slug("dense"), "dense");
        let apart = [
            "linear(scale = 1)",
            "linear(scale = -1)",
            "linear(scale = 1/2)",
            "linear(scale = 1*2)",
            "linear(scale = 1-2)",
            "Dense",
            "dense_",
            "a__b",
            "a_b",
        ];
        let slugs: std::collections::BTreeSet<String> = apart.iter().map(|s| slug(s)).collect();
        assert_eq!(slugs.len(), apart.len(), "{slugs:?}");
        assert!(slug("linear(scale = -1)").starts_with("linear-scale-1-"), "still readable");
        assert!(slugs.iter().all(|s| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')));
    }
}
