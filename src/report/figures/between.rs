//! Where a model's predictions lie between two others', against a task sweep (Yadlowsky et al.'s
//! Figure 3, right: the mixture model between the dense and the sparse specialist).
use super::fmt_estimate;
use crate::report::Figure;
use crate::report::svg::{Chart, Series, Stroke};
use crate::results::PositionCurve;
use crate::spec::Predictor;
use crate::spec::fmt_num;

/// The figure `between_vs(eval, var, model, from, to, k = K)`.
#[allow(clippy::too_many_arguments)]
pub fn between_figure(
    name: &str,
    eval: &str,
    var: &str,
    model: &Predictor,
    from: &Predictor,
    to: &Predictor,
    k: usize,
    curve: &PositionCurve,
    confidence_pct: u32,
) -> Figure {
    let (lo, hi) = (curve.points.first().map_or(0.0, |p| p.0), curve.points.last().map_or(1.0, |p| p.0));
    let flat =
        |label: String, y: f64| Series { label, points: vec![(lo, y), (hi, y)], band: vec![], stroke: Stroke::Dashed };
    let series = vec![
        Series {
            label: model.name(),
            points: curve.points.iter().map(|(x, e)| (*x, e.mean)).collect(),
            band: curve.points.iter().map(|(x, e)| (*x, e.lo, e.hi)).collect(),
            stroke: Stroke::Solid,
        },
        flat(format!("0: like {}", from.name()), 0.0),
        flat(format!("1: like {}", to.name()), 1.0),
    ];
    super::named(
        name,
        format!(
            "Where `{}` predicts between `{}` and `{}`, against `{var}` — `{eval}`",
            model.name(),
            from.name(),
            to.name()
        ),
        format!(
            "The least-squares coefficient t of {m}'s predictions p on the segment from {a}'s to {b}'s, p ≈ p_{a} + t (p_{b} − p_{a}), over the prompts of each task after {k} in-context examples: 0 predicts like {a}, 1 like {b}, between: in between; shaded: {confidence_pct}% bootstrap interval.",
            m = model.name(),
            a = from.name(),
            b = to.name()
        ),
        Chart {
            title: format!("{eval}: {} between {} and {} at k = {k}", model.name(), from.name(), to.name()),
            x_label: var.to_string(),
            y_label: "coefficient t".into(),
            series,
            y_max: None,
        },
        vec![var.to_string(), "t".into()],
        curve.points.iter().map(|(x, e)| vec![fmt_num(*x), fmt_estimate(e)]).collect(),
    )
}
