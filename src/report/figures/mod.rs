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
pub use patterns::{attention_figure, attention_figure_id, pruning_figure_id, pruning_figures};
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

/// A name as an HTML anchor and a part of a file name, unique by construction: a lower-case
/// identifier as it is (`_` written `-`, which no identifier holds); any other name (an expression
/// such as `linear(scale = -1)`, upper case) readable but lossy, so followed by a hash of the whole
/// name — `linear(scale = 1)` and `linear(scale = -1)` never share a figure file.
pub fn slug(s: &str) -> String {
    let raw: String = s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let readable = raw.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    let identifier = !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if identifier && !s.starts_with('_') && !s.ends_with('_') && !s.contains("__") {
        readable
    } else {
        let hash = crate::files::sha256_hex(s.as_bytes());
        if readable.is_empty() { hash[..8].to_string() } else { format!("{readable}-{}", &hash[..8]) }
    }
}

/// The anchor of the error-vs-k figure of one (evaluation, task, inputs).
pub fn figure_id(eval: &str, task: &str, inputs: &crate::spec::InputSpec) -> String {
    match inputs {
        crate::spec::InputSpec::Normal => format!("fig-{}-{}", slug(eval), slug(task)),
        other => format!("fig-{}-{}-{}", slug(eval), slug(task), slug(&other.describe())),
    }
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
    let id = format!("fig-{}", slug(name));
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
