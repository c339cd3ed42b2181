//! The run's numbers as tidy files beside the report, for re-plotting without parsing Markdown:
//! `results.csv`, `claims.json`, `training.csv` and `rates.csv` (columns in docs/results-files.md).
use crate::results::{Estimate, Results};
use crate::spec::LanguageMetric;
use serde::Serialize;
use std::fmt::Write;

/// `(file name, contents)` of every tidy file.
pub fn tidy_files(results: &Results) -> Vec<(String, String)> {
    vec![
        ("results.csv".into(), results_csv(results)),
        ("claims.json".into(), claims_json(results)),
        ("training.csv".into(), training_csv(results)),
        ("rates.csv".into(), rates_csv(results)),
    ]
}

/// One row per (language evaluation, language, model, seed, prompt set, metric) — `test_loss` with
/// the prompt set `words`; `seed` empty for the mean over a model's replicates, whose interval
/// resamples prompts and seeds; a seed's own rows have no interval.
fn rates_csv(results: &Results) -> String {
    let mut out = String::from("eval,task,model,seed,prompts,metric,mean,lo,hi,step\n");
    for l in &results.languages {
        let mut row = |model: &str, seed: &str, set: &str, metric: &str, e: Estimate, step: &str| {
            let fields = [&l.eval, &l.task, model, seed, set, metric].map(csv_field).join(",");
            let _ = writeln!(out, "{fields},{},{},{},{step}", e.mean, e.lo, e.hi);
        };
        let bare = |v: f64| Estimate { mean: v, lo: f64::NAN, hi: f64::NAN };
        for m in &l.models {
            for (k, metric) in l.metrics.iter().map(LanguageMetric::name).enumerate() {
                row(&m.model, "", "id", &metric, m.id[k], "");
                row(&m.model, "", "ood", &metric, m.ood[k], "");
                for (seed, rates) in m.seeds.iter().zip(&m.ood_per_seed) {
                    row(&m.model, &seed.to_string(), "ood", &metric, bare(rates[k]), "");
                }
            }
            row(&m.model, "", "words", "test_loss", m.test_loss, "");
            for (seed, loss) in m.seeds.iter().zip(&m.loss_per_seed) {
                row(&m.model, &seed.to_string(), "words", "test_loss", bare(*loss), "");
            }
        }
        for s in &l.by_step {
            for (metric, rate) in l.metrics.iter().zip(&s.ood) {
                row(&s.model, "", "ood", &metric.name(), bare(*rate), &s.step.to_string());
            }
            row(&s.model, "", "words", "test_loss", bare(s.test_loss), &s.step.to_string());
        }
    }
    out
}

/// One row per (evaluation, task, inputs, component, predictor, seed, k). `seed` is empty for
/// baselines and for the mean over a model's replicates; each replicate has its own rows too.
fn results_csv(results: &Results) -> String {
    let mut out = String::from("eval,task,inputs,component,predictor,seed,k,mean,lo,hi,prompts,replicates\n");
    for tc in &results.curves {
        let component = tc.component.as_deref().unwrap_or("");
        let inputs = tc.inputs.describe();
        for c in &tc.curves {
            let predictor = c.predictor.name();
            let mut rows = |seed: String, points: &[Estimate], replicates: usize| {
                for (k, e) in points.iter().enumerate() {
                    let fields = [&tc.eval, &tc.task, &inputs, component, &predictor, &seed];
                    let _ = writeln!(
                        out,
                        "{},{k},{},{},{},{},{replicates}",
                        fields.map(csv_field).join(","),
                        e.mean,
                        e.lo,
                        e.hi,
                        tc.prompts
                    );
                }
            };
            rows(String::new(), &c.points, c.replicates);
            for (seed, points) in &c.per_seed {
                rows(seed.to_string(), points, 1);
            }
        }
    }
    out
}

/// One row per (training, seed, window of steps): the window's mean loss and the learning rate at
/// its last step.
fn training_csv(results: &Results) -> String {
    let mut out = String::from("run,seed,step,loss,lr\n");
    for t in &results.trainings {
        for (&(step, loss), &(_, lr)) in t.curve.iter().zip(&t.lr) {
            let _ = writeln!(out, "{},{},{step},{loss},{lr}", csv_field(&t.run), t.seed);
        }
    }
    out
}

/// A claim as `claims.json` keeps it.
#[derive(Serialize)]
struct ClaimRecord<'a> {
    claim: &'a str,
    expression: &'a str,
    verdict: &'static str,
    margin: &'a Estimate,
    holds_share: f64,
    eval: &'a str,
    quantities: Vec<QuantityRecord>,
}

/// A number a claim read.
#[derive(Serialize)]
struct QuantityRecord {
    quantity: String,
    mean: f64,
    lo: f64,
    hi: f64,
    /// A rate's sample: the completions it counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    counted: Option<u64>,
}

fn claims_json(results: &Results) -> String {
    let records: Vec<ClaimRecord> = results
        .claims
        .iter()
        .map(|c| ClaimRecord {
            claim: &c.name,
            expression: &c.source,
            verdict: c.verdict.label(),
            margin: &c.margin,
            holds_share: c.holds_share,
            eval: &c.eval,
            quantities: c
                .terms
                .iter()
                .map(|t| QuantityRecord {
                    quantity: t.quantity.describe(),
                    mean: t.estimate.mean,
                    lo: t.estimate.lo,
                    hi: t.estimate.hi,
                    counted: t.counted,
                })
                .collect(),
        })
        .collect();
    // Infinite values (a step never reached) are written as null, which JSON can hold.
    serde_json::to_string_pretty(&records).expect("claims serialise") + "\n"
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_and_quotes_are_quoted() {
        assert_eq!(csv_field("dense"), "dense");
        assert_eq!(csv_field("convex(dense, wave, lambda = 0.5)"), "\"convex(dense, wave, lambda = 0.5)\"");
        assert_eq!(csv_field("a \"b\""), "\"a \"\"b\"\"\"");
    }
}
