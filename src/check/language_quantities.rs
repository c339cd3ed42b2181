//! The quantities of a language evaluation: `rate(eval, model, metric, prompts = ood, among =
//! finished)` — the share of completions that keep a metric — and `test_loss(eval, model)`.
use super::quantities::Reading;
use super::{Checker, Env, Params};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::source::Span;
use crate::spec::{EvalSpec, LanguageMetric, LanguageRead, LanguageRef, PromptSet};
use crate::syntax::ast::{Arg, Expr, ExprKind, Ident};
use crate::tasks::languages::{Language, Rule};

const RATE_ARGS: &[&str] = &["eval", "model", "metric", "prompts", "among", "task", "at"];
const LOSS_ARGS: &[&str] = &["eval", "model", "task", "at"];

impl Checker<'_> {
    /// `rate(…)` or `test_loss(…)`.
    pub(super) fn language_quantity(
        &mut self,
        reading: Reading,
        callee: &Ident,
        args: &[Arg],
        span: Span,
        evals: &[EvalSpec],
        env: &Env,
    ) -> Option<LanguageRef> {
        let rate = reading == Reading::Rate;
        let p = Params::call(callee, args, if rate { RATE_ARGS } else { LOSS_ARGS }, span, &mut self.diags);
        let eval_e = p.require("eval", &mut self.diags);
        let model_e = p.require("model", &mut self.diags);
        let metric_e = if rate { p.require("metric", &mut self.diags) } else { None };
        let eval = self.eval_ref(eval_e?, evals)?;
        self.reads_kind(reading, eval, eval_e?.span)?;
        let model = self.language_model(model_e?, eval, env);
        let task = match p.get("task") {
            Some(t) => self.eval_task(t, eval, env),
            None => self.only_task(eval, span),
        };
        let step = match p.get("at") {
            Some(e) => self.language_step(e, eval, model.as_deref(), env),
            None => Some(None),
        };
        let read = if rate {
            let lang = task.as_deref().and_then(|t| language_of_task(eval, t));
            let rules = lang.as_ref().map_or(&[][..], |l| l.rules());
            let metrics = lang.as_ref().map_or_else(Vec::new, |l| crate::tasks::languages::metric_names(l.as_ref()));
            let metric = self.metric(metric_e?, &metrics, rules);
            let among = p.get("among").map(|e| self.metric(e, &metrics, rules));
            let prompts = match p.get("prompts") {
                None => Some(PromptSet::All),
                Some(e) => self
                    .keyword(
                        e,
                        &[("id", PromptSet::Id), ("ood", PromptSet::Ood), ("all", PromptSet::All)],
                        "`id`: prefixes of grammatical words; `ood`: strings the language never starts",
                    )
                    .and_then(|set| self.has_prompts(e, eval, task.as_deref(), set)),
            };
            LanguageRead::Rate { metric: metric?, prompts: prompts?, among: among.map_or(Some(None), |a| a.map(Some))? }
        } else {
            LanguageRead::TestLoss
        };
        Some(LanguageRef { eval: eval.name.clone(), model: model?, task: task?, read, step: step? })
    }

    /// A language model the evaluation completes prompts with.
    fn language_model(&mut self, e: &Expr, eval: &EvalSpec, env: &Env) -> Option<String> {
        let name = self.training_written(e, env);
        if let Some(name) = name.filter(|n| eval.models.contains(n)) {
            return Some(name);
        }
        let text = self.text.get(e.span.start..e.span.end).unwrap_or_default().to_string();
        let d =
            Diagnostic::at(Code::BadClaimReference, e.span, format!("`{text}` is not evaluated by `{}`", eval.name))
                .label("not in this evaluation");
        self.diags.push(match did_you_mean(&text, eval.models.iter().map(String::as_str)) {
            Some(s) => d.help(format!("did you mean {s}? `{}` completes with: {}", eval.name, eval.models.join(", "))),
            None => d.help(format!("`{}` completes with: {}", eval.name, eval.models.join(", "))),
        });
        None
    }

    /// The evaluation's language when it has one; otherwise `task = …` is needed.
    fn only_task(&mut self, eval: &EvalSpec, span: Span) -> Option<String> {
        if let [only] = eval.tasks.as_slice() {
            return Some(only.name.clone());
        }
        let known: Vec<&str> = eval.tasks.iter().map(|t| t.name.as_str()).collect();
        self.diags.push(
            Diagnostic::at(
                Code::MissingParameter,
                span,
                format!("`{}` completes prompts of several languages", eval.name),
            )
            .help(format!("name one: `task = {}`", known.join("` or `task = "))),
        );
        None
    }

    /// A metric of the language's completions: a rule it has, `finished` or `grammatical`.
    fn metric(&mut self, e: &Expr, metrics: &[LanguageMetric], rules: &[Rule]) -> Option<LanguageMetric> {
        let ExprKind::Name(id) = &e.kind else {
            self.diags.push(self.expected(e, "a metric such as `r1` or `finished`"));
            return None;
        };
        let metric = LanguageMetric::parse(&id.name);
        // No metrics: the language itself failed, and said so.
        if metrics.is_empty() || metric.is_some_and(|m| metrics.contains(&m)) {
            return metric;
        }
        if let Some(LanguageMetric::RuleOnCompletion(n)) = metric
            && let Some(rule) = rules.get(usize::from(n) - 1)
        {
            self.diags.push(
                Diagnostic::at(Code::NotApplicable, e.span, format!("`{}` does not apply to this language", id.name))
                    .label("no rate of the completion alone")
                    .help(format!(
                        "R{n} ({}) belongs to the whole word: the new tokens alone neither keep nor break it, \
                         whatever the prompt did; read `r{n}` (prompt + completion)",
                        rule.description,
                    )),
            );
            return None;
        }
        let names: Vec<String> = metrics.iter().map(LanguageMetric::name).collect();
        let d = Diagnostic::at(Code::BadClaimReference, e.span, format!("this language has no metric `{}`", id.name))
            .label("not a metric of its completions");
        self.diags.push(match did_you_mean(&id.name, names.iter().map(String::as_str)) {
            Some(s) => d.help(format!("did you mean {s}? Metrics: {}", names.join(", "))),
            None => d.help(format!("metrics: {}", names.join(", "))),
        });
        None
    }

    /// The set when the evaluation has prompts in it (listed prompts may all fall on one side).
    fn has_prompts(&mut self, e: &Expr, eval: &EvalSpec, task: Option<&str>, set: PromptSet) -> Option<PromptSet> {
        let Some(crate::spec::Prompts::Listed { words }) = eval.completing.as_ref().map(|c| &c.prompts) else {
            return Some(set);
        };
        let Some(lang) = task.and_then(|t| language_of_task(eval, t)) else { return Some(set) };
        let Ok(split) = crate::tasks::languages::listed_prompts(lang.as_ref(), words) else { return Some(set) };
        let n = match set {
            PromptSet::Id => split.id.len(),
            PromptSet::Ood => split.ood.len(),
            PromptSet::All => words.len(),
        };
        if n > 0 {
            return Some(set);
        }
        self.diags.push(
            Diagnostic::at(
                Code::BadClaimReference,
                e.span,
                format!("`{}` lists no `{}` prompt", eval.name, set.name()),
            )
            .label("nothing to count")
            .help("`id`: prompts some word of the language starts with; `ood`: the others"),
        );
        None
    }

    /// `at = S`: a step the evaluation reads the model at, or its last.
    fn language_step(&mut self, e: &Expr, eval: &EvalSpec, model: Option<&str>, env: &Env) -> Option<Option<u64>> {
        let step = self.int_in(e, "at", 0, i64::MAX, env)? as u64;
        let training = self.trainings.iter().find(|t| Some(t.name.as_str()) == model);
        if training.is_some_and(|t| t.setup.select == crate::spec::Select::LowestLoss) {
            self.diags.push(
                Diagnostic::at(Code::BadClaimReference, e.span, "this model keeps the weights of its lowest loss")
                    .label("no steps to read")
                    .help("a model trained with `select = lowest_loss` is read at its selected weights only"),
            );
            return None;
        }
        self.step_read(e, eval, model?, step).map(Some)
    }
}

/// The language of one of an evaluation's tasks (none when it is no language).
fn language_of_task(eval: &EvalSpec, task: &str) -> Option<Box<dyn Language>> {
    let class = eval.tasks.iter().find(|t| t.name == task).map(|t| &t.class)?;
    crate::tasks::language_of(class).ok()
}
