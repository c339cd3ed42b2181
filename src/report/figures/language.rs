//! A language evaluation's figures: each model's rate of every metric on the out-of-distribution
//! prompts as bars with seed intervals (Reizinger et al.'s Table 1 as a chart), and, when the
//! evaluation reads the models during training, the first rule's OOD rate against the test loss.
use super::{fmt, fmt_estimate};
use crate::report::Figure;
use crate::report::bars::{Bar, BarChart, BarSeries};
use crate::report::svg::{Chart, Series, Stroke};
use crate::results::LanguageSummary;
use crate::spec::LanguageMetric;

/// The bar chart of one language evaluation, with every number (ID and OOD) in its table.
pub fn language_figure(l: &LanguageSummary, confidence_pct: u32) -> Figure {
    let shown = l.figure();
    let series = l
        .models
        .iter()
        .map(|m| BarSeries {
            label: m.model.clone(),
            bars: m
                .ood
                .iter()
                .enumerate()
                .map(|(k, e)| Bar {
                    mean: e.mean,
                    lo: e.lo,
                    hi: e.hi,
                    dots: if m.seeds.len() > 1 { m.ood_per_seed.iter().map(|s| s[k]).collect() } else { vec![] },
                })
                .collect(),
        })
        .collect();
    let chart = BarChart {
        title: format!("{}: completions of OOD {} prompts", l.eval, l.task),
        y_label: "share of completions".into(),
        groups: l.metrics.iter().map(LanguageMetric::name).collect(),
        series,
        y_max: 1.0,
    };
    let header = ["model", "metric", "ID prompts", "OOD prompts", "OOD per seed"].map(String::from).to_vec();
    let mut rows = Vec::new();
    for m in &l.models {
        for (k, metric) in l.metrics.iter().enumerate() {
            let seeds: Vec<String> = m.ood_per_seed.iter().map(|s| fmt(s[k])).collect();
            rows.push(vec![
                m.model.clone(),
                metric.name(),
                fmt_estimate(&m.id[k]),
                fmt_estimate(&m.ood[k]),
                seeds.join(", "),
            ]);
        }
        let seeds: Vec<String> = m.loss_per_seed.iter().map(|v| fmt(*v)).collect();
        rows.push(vec![m.model.clone(), "test loss".into(), fmt_estimate(&m.test_loss), "—".into(), seeds.join(", ")]);
    }
    let seeds: Vec<String> = l
        .models
        .iter()
        .map(|m| format!("`{}` {}", m.model, m.seeds.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")))
        .collect();
    let mut legend: Vec<(String, String)> =
        l.metrics.iter().map(LanguageMetric::name).zip(l.meanings.iter().cloned()).collect();
    legend.push((
        "test loss".into(),
        format!(
            "next-token cross-entropy (nats per token) on the language's {} words; the lowest a model can reach is {}, predicting each next token as often as the words continue with it",
            l.words,
            fmt(l.minimum_loss)
        ),
    ));
    Figure {
        legend,
        title: format!("Rules kept out of distribution — `{}` on `{}`", l.eval, l.task),
        caption: format!(
            "Share of the completions of the {ood} out-of-distribution prompts {described} (strings no word of the language starts with; {id_n} in-distribution prompts in the table) that keep each metric (what each counts: the table above the numbers). Bars: mean over the models' training seeds ({seeds}); whiskers: {confidence_pct}% bootstrap interval resampling the seeds, each rate's counts drawn from their posterior (the prompts are the whole population, not a sample); dots: each seed.",
            ood = l.ood_prompts,
            described = l.prompts,
            id_n = l.id_prompts,
            seeds = seeds.join("; ")
        ),
        svg: chart.render(),
        header,
        rows,
        ..Figure::of(&shown)
    }
}

/// The first rule's OOD rate against the test loss, one line per model through the training steps
/// the evaluation reads (none without `at`).
pub fn rate_loss_figure(l: &LanguageSummary) -> Option<Figure> {
    let first = l.metrics.iter().position(|m| *m == LanguageMetric::Rule(1))?;
    let rule = l.metrics[first];
    if l.by_step.is_empty() {
        return None;
    }
    let mut series = Vec::new();
    let mut rows = Vec::new();
    for m in &l.models {
        let steps: Vec<_> = l.by_step.iter().filter(|s| s.model == m.model).collect();
        series.push(Series {
            label: m.model.clone(),
            points: steps.iter().map(|s| (s.test_loss, s.ood[first])).collect(),
            band: vec![],
            stroke: Stroke::Solid,
        });
        rows.extend(
            steps.iter().map(|s| vec![m.model.clone(), s.step.to_string(), fmt(s.test_loss), fmt(s.ood[first])]),
        );
    }
    let shown = l.over_training();
    let chart = Chart {
        title: format!("{}: OOD {rule} against test loss over training", l.eval),
        x_label: "test loss (next-token cross-entropy)".into(),
        y_label: format!("OOD {rule} rate"),
        series,
        y_max: Some(1.0),
    };
    Some(Figure {
        title: format!("`{rule}` out of distribution against test loss over training — `{}` on `{}`", l.eval, l.task),
        caption: format!(
            "Each point: one model (its seeds pooled) at a training step the evaluation reads, its test loss and the share of its OOD completions that keep {rule}; the last point of each line is its final weights. Models at one test loss can be read across: equal loss need not mean equal behaviour out of distribution."
        ),
        svg: chart.render(),
        header: ["model", "step", "test loss", &format!("OOD {rule}")].map(String::from).to_vec(),
        rows,
        ..Figure::of(&shown)
    })
}
