//! A language evaluation summarised: each model's rate of every metric on the in-distribution and
//! out-of-distribution prompts and its test loss, with intervals from the same joint bootstrap as
//! the claims (the training seeds resampled, each rate's counts drawn from their posterior; the
//! prompts are the whole population and stay as they are), each seed's own numbers, and the
//! same at every training step the evaluation reads; and the claims' `rate` and `test_loss`.
use super::read::{Draw, Reader};
use super::{BOOTSTRAP_RESAMPLES, Estimate, percentile_interval};
use crate::exec::LanguageOutput;
use crate::plan::EvalJob;
use crate::spec::{LanguageMetric, LanguageRead, LanguageRef, PromptSet};
use serde::Serialize;

/// One language of one evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageSummary {
    /// The evaluation.
    pub eval: String,
    /// The language (task).
    pub task: String,
    /// Which prompts (`of length 8`).
    pub prompts: String,
    /// In-distribution prompts.
    pub id_prompts: usize,
    /// Out-of-distribution prompts.
    pub ood_prompts: usize,
    /// The metrics, in order.
    pub metrics: Vec<LanguageMetric>,
    /// What each metric counts, in the order of `metrics`.
    pub meanings: Vec<String>,
    /// Words of the language, on which the test loss is taken.
    pub words: usize,
    /// The lowest test loss a model can reach on them ([`crate::tasks::languages::minimum_loss`]).
    pub minimum_loss: f64,
    /// One per model, at its final weights.
    pub models: Vec<ModelRates>,
    /// Each model at the steps the evaluation reads (final weights last), means only.
    pub by_step: Vec<StepRates>,
}

impl LanguageSummary {
    /// The figure of its rates.
    pub fn figure(&self) -> crate::spec::FigureRef {
        let (eval, task) = (self.eval.clone(), self.task.clone());
        crate::spec::FigureRef::Curves { eval, task, inputs: crate::spec::InputSpec::Normal }
    }

    /// The figure of its first rule's rate against its test loss over the steps read.
    pub fn over_training(&self) -> crate::spec::FigureRef {
        crate::spec::FigureRef::RatesOverTraining { eval: self.eval.clone(), task: self.task.clone() }
    }
}

/// A model's rates and test loss.
#[derive(Debug, Clone, Serialize)]
pub struct ModelRates {
    /// The training's name.
    pub model: String,
    /// Training seeds.
    pub seeds: Vec<u64>,
    /// Each metric on the in-distribution prompts.
    pub id: Vec<Estimate>,
    /// Each metric on the out-of-distribution prompts.
    pub ood: Vec<Estimate>,
    /// Each seed's rates on the OOD prompts, in the order of `seeds`.
    pub ood_per_seed: Vec<Vec<f64>>,
    /// The test loss.
    pub test_loss: Estimate,
    /// Each seed's test loss.
    pub loss_per_seed: Vec<f64>,
}

/// A model's OOD rates and test loss after one training step (replicates pooled).
#[derive(Debug, Clone, Serialize)]
pub struct StepRates {
    /// The training's name.
    pub model: String,
    /// The step.
    pub step: u64,
    /// Each metric on the OOD prompts.
    pub ood: Vec<f64>,
    /// The test loss.
    pub test_loss: f64,
}

/// The summary of a language evaluation's table.
pub fn language_summary(
    job: &EvalJob,
    lang: &LanguageOutput,
    reader: &Reader,
    finals: &super::Finals,
) -> LanguageSummary {
    let mut names: Vec<&str> = Vec::new();
    for r in &lang.replicates {
        if !names.contains(&r.model.as_str()) {
            names.push(&r.model);
        }
    }
    let quantity = |model: &str, read: LanguageRead, step: Option<u64>| LanguageRef {
        eval: job.eval.clone(),
        model: model.to_string(),
        task: job.task.name.clone(),
        read,
        step,
    };
    let rate = |metric: &LanguageMetric, prompts| LanguageRead::Rate { metric: *metric, prompts, among: None };
    let estimate = |q: &LanguageRef| {
        let draws = (0..BOOTSTRAP_RESAMPLES).map(|r| reader.language(q, &Draw::resample(r))).collect();
        percentile_interval(reader.language(q, &Draw::all()), draws)
    };
    let models = names
        .iter()
        .map(|&model| {
            let finals: Vec<&crate::exec::Completions> =
                lang.replicates.iter().filter(|r| r.model == model && r.step.is_none()).collect();
            let per_metric = |set: PromptSet| -> Vec<Estimate> {
                lang.metrics.iter().map(|m| estimate(&quantity(model, rate(m, set), None))).collect()
            };
            let ood_rows: Vec<usize> = (0..lang.ood.len()).filter(|&i| lang.ood[i]).collect();
            let m = lang.metrics.len();
            ModelRates {
                model: model.to_string(),
                seeds: finals.iter().map(|r| r.seed).collect(),
                id: per_metric(PromptSet::Id),
                ood: per_metric(PromptSet::Ood),
                ood_per_seed: finals
                    .iter()
                    .map(|r| {
                        (0..m)
                            .map(|k| {
                                let kept: usize = ood_rows.iter().map(|&i| usize::from(r.scores[i * m + k])).sum();
                                kept as f64 / ood_rows.len().max(1) as f64
                            })
                            .collect()
                    })
                    .collect(),
                test_loss: estimate(&quantity(model, LanguageRead::TestLoss, None)),
                loss_per_seed: finals.iter().map(|r| mean_loss(&r.losses)).collect(),
            }
        })
        .collect();
    let mut by_step = Vec::new();
    for &model in &names {
        let mut steps: Vec<u64> = lang.replicates.iter().filter(|r| r.model == model).filter_map(|r| r.step).collect();
        if steps.is_empty() {
            continue;
        }
        steps.sort_unstable();
        steps.dedup();
        let last = finals.get(model).map(|f| f.0);
        for step in steps.into_iter().map(Some).chain([last]) {
            let all = Draw::all();
            by_step.push(StepRates {
                model: model.to_string(),
                step: step.unwrap_or_default(),
                ood: lang
                    .metrics
                    .iter()
                    .map(|m| reader.language(&quantity(model, rate(m, PromptSet::Ood), step), &all))
                    .collect(),
                test_loss: reader.language(&quantity(model, LanguageRead::TestLoss, step), &all),
            });
        }
    }
    LanguageSummary {
        eval: job.eval.clone(),
        task: job.task.name.clone(),
        prompts: job.completing.as_ref().map_or_else(String::new, |c| c.prompts.describe()),
        id_prompts: lang.ood.iter().filter(|o| !**o).count(),
        ood_prompts: lang.ood.iter().filter(|o| **o).count(),
        metrics: lang.metrics.clone(),
        meanings: lang.meanings.clone(),
        words: lang.words.len(),
        minimum_loss: lang.minimum_loss.unwrap_or(f64::NAN),
        models,
        by_step,
    }
}

/// Next-token cross-entropy over the words, pooled by targets.
fn mean_loss(losses: &[(f32, u32)]) -> f64 {
    let (sum, n) = losses.iter().fold((0f64, 0f64), |(s, n), (l, c)| (s + f64::from(*l), n + f64::from(*c)));
    sum / n
}

/// A language evaluation's claim quantities, read on one draw.
impl Reader<'_> {
    /// `rate(…)` or `test_loss(…)` of a language evaluation, pooled over the drawn replicates. Its
    /// prompts (every word of the language, every string of a length, the spec's list) are the
    /// whole population the claim speaks of, so they are not resampled; only the seeds are, and a
    /// rate's counts are drawn from their posterior ([`Draw::rate`]).
    pub fn language(&self, l: &LanguageRef, draw: &Draw) -> f64 {
        let Some((key, out)) = self.table(&l.eval, &l.task, &crate::spec::InputSpec::Normal) else { return f64::NAN };
        let Some(lang) = out.language() else { return f64::NAN };
        let reps = self.language_replicates(l, lang);
        if reps.is_empty() {
            return f64::NAN;
        }
        let drawn = draw.replicates(self.seed, &l.model, reps.len());
        match &l.read {
            LanguageRead::Rate { metric, prompts, .. } => {
                let Some(counts) = rate_counts(l, lang, &reps) else { return f64::NAN };
                let (mut rate_sum, mut counted_all) = (0f64, 0u64);
                for (nth, &rep) in drawn.iter().enumerate() {
                    let (kept, counted) = counts[rep];
                    if counted > 0 {
                        let which = format!("{key}/{}/{metric}/{nth}", prompts.name());
                        rate_sum += draw.rate(self.seed, &which, kept, counted) * counted as f64;
                        counted_all += counted;
                    }
                }
                if counted_all == 0 { f64::NAN } else { rate_sum / counted_all as f64 }
            }
            LanguageRead::TestLoss => {
                let (mut loss, mut targets) = (0f64, 0f64);
                for &rep in &drawn {
                    for r in 0..lang.words.len() {
                        let (l, n) = reps[rep].losses[r];
                        loss += f64::from(l);
                        targets += f64::from(n);
                    }
                }
                loss / targets
            }
        }
    }

    /// How many completions (prompts × seeds) a rate counts: the size of the sample behind it;
    /// `None` for what is not a rate.
    pub fn rate_counted(&self, l: &LanguageRef) -> Option<u64> {
        let (_, out) = self.table(&l.eval, &l.task, &crate::spec::InputSpec::Normal)?;
        let lang = out.language()?;
        let counts = rate_counts(l, lang, &self.language_replicates(l, lang))?;
        Some(counts.iter().map(|c| c.1).sum())
    }

    /// The replicates of a language reading's model at its step (the final weights are stored
    /// without a step).
    fn language_replicates<'l>(
        &self,
        l: &LanguageRef,
        lang: &'l crate::exec::LanguageOutput,
    ) -> Vec<&'l crate::exec::Completions> {
        let step = l.step.filter(|s| self.finals.get(&l.model).map(|f| f.0) != Some(*s));
        lang.replicates.iter().filter(|r| r.model == l.model && r.step == step).collect()
    }
}

/// Each replicate's `(kept, counted)` of a rate reading; `None` for a test loss or a metric the
/// evaluation does not score.
fn rate_counts(
    l: &LanguageRef,
    lang: &crate::exec::LanguageOutput,
    reps: &[&crate::exec::Completions],
) -> Option<Vec<(u64, u64)>> {
    let LanguageRead::Rate { metric, prompts, among } = &l.read else { return None };
    let m = lang.metrics.len();
    let at = lang.metrics.iter().position(|x| x == metric)?;
    let among = among.as_ref().and_then(|a| lang.metrics.iter().position(|x| x == a));
    let set: Vec<usize> = (0..lang.ood.len()).filter(|&i| prompts.has(lang.ood[i])).collect();
    let count = |scores: &[u8]| {
        let (mut kept, mut counted) = (0u64, 0u64);
        for &i in &set {
            let row = &scores[i * m..(i + 1) * m];
            if among.is_none_or(|a| row[a] == 1) {
                counted += 1;
                kept += u64::from(row[at]);
            }
        }
        (kept, counted)
    };
    Some(reps.iter().map(|r| count(&r.scores)).collect())
}
