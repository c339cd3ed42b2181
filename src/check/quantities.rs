//! The quantities a claim reads: `error`, `first_step`, `time_to` and `between`, each resolved
//! against the evaluation that produces it.
use super::{Checker, Env, Params};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::source::Span;
use crate::spec::{BetweenRef, ErrorRef, EvalSpec, InputSpec, Predictor, Quantity, StepQuery, TaskKind};
use crate::syntax::ast::{Arg, Expr, ExprKind, Ident};

/// The functions that read a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reading {
    /// `error(…)`: a predictor's mean error at k.
    Error,
    /// `first_step(…)`: the first training step whose error is below a bound.
    FirstStep,
    /// `time_to(…)`: the seconds of training to that step.
    TimeTo,
    /// `between(…)`: where a model's predictions lie between two others'.
    Between,
    /// `rate(…)`: the share of a language's completions that keep a metric.
    Rate,
    /// `test_loss(…)`: a language model's loss on the language's words.
    TestLoss,
    /// `attention(…)`: a classifier's attention on same-pattern examples.
    Attention,
    /// `hinge(…)`: a classifier's mean hinge loss.
    Hinge,
}

impl Reading {
    /// Each with its name in a spec.
    const ALL: [(&'static str, Reading); 8] = [
        ("error", Reading::Error),
        ("first_step", Reading::FirstStep),
        ("time_to", Reading::TimeTo),
        ("between", Reading::Between),
        ("rate", Reading::Rate),
        ("test_loss", Reading::TestLoss),
        ("attention", Reading::Attention),
        ("hinge", Reading::Hinge),
    ];

    /// The function a call names, if it reads a quantity.
    pub(super) fn named(name: &str) -> Option<Reading> {
        Reading::ALL.iter().find(|(n, _)| *n == name).map(|(_, r)| *r)
    }

    /// Its name in a spec.
    fn name(self) -> &'static str {
        Reading::ALL.iter().find(|(_, r)| *r == self).map_or("", |(n, _)| n)
    }

    /// The kinds of evaluation whose records hold it: the quantities each kind offers.
    fn kinds(self) -> &'static [TaskKind] {
        match self {
            Reading::Error | Reading::FirstStep | Reading::TimeTo | Reading::Between => {
                &[TaskKind::Regression, TaskKind::Classification]
            }
            Reading::Rate | Reading::TestLoss => &[TaskKind::Tokens],
            Reading::Attention | Reading::Hinge => &[TaskKind::Classification],
        }
    }
}

const ERROR_ARGS: &[&str] = &["eval", "model", "task", "k", "inputs", "at"];
const STEP_ARGS: &[&str] = &["eval", "model", "task", "k", "below", "inputs"];
const BETWEEN_ARGS: &[&str] = &["eval", "model", "from", "to", "task", "k", "inputs"];

impl Checker<'_> {
    /// A call of `reading` (`callee`) with `args`.
    pub(super) fn quantity(
        &mut self,
        reading: Reading,
        callee: &Ident,
        args: &[Arg],
        span: Span,
        evals: &[EvalSpec],
        env: &Env,
    ) -> Option<Quantity> {
        match reading {
            Reading::Rate | Reading::TestLoss => {
                self.language_quantity(reading, callee, args, span, evals, env).map(Quantity::Language)
            }
            Reading::Attention => self.attention(callee, args, span, evals, env).map(Quantity::Attention),
            Reading::Hinge => self.hinge(callee, args, span, evals, env).map(Quantity::Hinge),
            Reading::Error => {
                let p = Params::call(callee, args, ERROR_ARGS, span, &mut self.diags);
                let mut r = self.error_ref(reading, &p, evals, env)?;
                if let Some(e) = p.get("at") {
                    r.step = Some(self.read_step(e, &r, evals, env)?);
                }
                Some(Quantity::Error(r))
            }
            Reading::FirstStep | Reading::TimeTo => {
                let p = Params::call(callee, args, STEP_ARGS, span, &mut self.diags);
                let error = self.error_ref(reading, &p, evals, env);
                let below = p.require("below", &mut self.diags).and_then(|b| self.claim_number(b, evals, env));
                let error = error?;
                self.has_steps(&error, evals, span)?;
                Some(Quantity::FirstStep(StepQuery {
                    error,
                    below: Box::new(below?),
                    time: reading == Reading::TimeTo,
                }))
            }
            Reading::Between => {
                let p = Params::call(callee, args, BETWEEN_ARGS, span, &mut self.diags);
                let eval = p.require("eval", &mut self.diags).and_then(|e| self.eval_ref(e, evals));
                let (model_e, from_e, to_e) = (
                    p.require("model", &mut self.diags),
                    p.require("from", &mut self.diags),
                    p.require("to", &mut self.diags),
                );
                let task_e = p.require("task", &mut self.diags);
                let eval = eval?;
                self.reads_kind(reading, eval, p.get("eval").map_or(span, |e| e.span))?;
                let model = self.predictor(model_e?, eval, env);
                let from = self.predictor(from_e?, eval, env);
                let to = self.predictor(to_e?, eval, env);
                let task = self.eval_task(task_e?, eval, env);
                let inputs = self.claim_inputs(&p, eval, env);
                let k = self.claim_k(&p, env);
                Some(Quantity::Between(BetweenRef {
                    eval: eval.name.clone(),
                    model: model?,
                    from: from?,
                    to: to?,
                    task: task?,
                    inputs: inputs?,
                    k: k?,
                }))
            }
        }
    }

    /// The predictor, task, inputs and k of a `reading` of errors.
    pub(super) fn error_ref(
        &mut self,
        reading: Reading,
        p: &Params,
        evals: &[EvalSpec],
        env: &Env,
    ) -> Option<ErrorRef> {
        let eval_e = p.require("eval", &mut self.diags);
        let model_e = p.require("model", &mut self.diags);
        let task_e = p.require("task", &mut self.diags);
        let eval = self.eval_ref(eval_e?, evals)?;
        self.reads_kind(reading, eval, eval_e?.span)?;
        let predictor = self.predictor(model_e?, eval, env);
        let task = self.eval_task(task_e?, eval, env);
        let inputs = self.claim_inputs(p, eval, env);
        let k = self.claim_k(p, env);
        Some(ErrorRef {
            eval: eval.name.clone(),
            predictor: predictor?,
            task: task?,
            inputs: inputs?,
            k: k?,
            step: None,
        })
    }

    /// Whether `eval` is of a kind `reading` reads, after reporting what reads it instead.
    pub(super) fn reads_kind(&mut self, reading: Reading, eval: &EvalSpec, span: Span) -> Option<()> {
        if reading.kinds().contains(&eval.kind) {
            return Some(());
        }
        let wanted: Vec<&str> = reading.kinds().iter().map(|k| k.words().evaluation).collect();
        let offered: Vec<String> = Reading::ALL
            .iter()
            .filter(|(_, r)| r.kinds().contains(&eval.kind))
            .map(|(n, _)| format!("`{n}`"))
            .collect();
        let words = eval.kind.words();
        self.diags.push(
            Diagnostic::at(Code::BadClaimReference, span, format!("`{}` {}", eval.name, words.does))
                .label(format!("not a {}", wanted.join(" or a ")))
                .help(format!(
                    "`{}` reads a {}; read a {} with {}",
                    reading.name(),
                    wanted.join(" or a "),
                    words.evaluation,
                    offered.join(", ")
                )),
        );
        None
    }

    /// `inputs = …`, one of the evaluation's; its first when absent.
    fn claim_inputs(&mut self, p: &Params, eval: &EvalSpec, env: &Env) -> Option<InputSpec> {
        let Some(e) = p.get("inputs") else { return Some(eval.inputs[0]) };
        let i = self.input_value(e, env)?;
        if !eval.inputs.contains(&i) {
            let known: Vec<String> = eval.inputs.iter().map(|i| i.describe()).collect();
            self.diags.push(
                Diagnostic::at(
                    Code::BadClaimReference,
                    e.span,
                    format!("`{}` does not use inputs `{}`", eval.name, i.describe()),
                )
                .label("not in this evaluation")
                .help(format!("its inputs: {}", known.join(", "))),
            );
            return None;
        }
        Some(i)
    }

    /// `k = …`, a position inside the prompt.
    fn claim_k(&mut self, p: &Params, env: &Env) -> Option<usize> {
        let k_e = p.require("k", &mut self.diags)?;
        let r = self.num(k_e, env).and_then(|n| n.as_int(k_e.span, "k"));
        let k = self.report(r)?;
        let points = self.header.and_then(|h| h.points).unwrap_or(usize::MAX);
        if k < 0 || k as usize >= points {
            self.diags.push(
                Diagnostic::at(Code::BadClaimReference, k_e.span, format!("k = {k} is outside the prompt"))
                    .label(format!("must be between 0 and {}", points.saturating_sub(1)))
                    .help(format!(
                        "a prompt has {points} points, so k (examples before the query) runs from 0 to {}",
                        points.saturating_sub(1)
                    )),
            );
            return None;
        }
        Some(k as usize)
    }

    /// The evaluation of `r` reads its model at steps (`at`).
    fn has_steps(&mut self, r: &ErrorRef, evals: &[EvalSpec], span: Span) -> Option<()> {
        let eval = evals.iter().find(|e| e.name == r.eval)?;
        let why = match (&r.predictor, &eval.at) {
            (Predictor::Baseline(b), _) => format!("`{}` is a baseline; it has no training steps", b.name()),
            (Predictor::Pruned(p), _) => {
                format!("`{}` is pruned from its final weights; it has no training steps", p.name())
            }
            (Predictor::Model(_), None) => format!("`{}` reads its models only at their last step", eval.name),
            (Predictor::Model(_), Some(_)) => return Some(()),
        };
        self.diags.push(
            Diagnostic::at(Code::BadClaimReference, span, why)
                .label("no steps to search")
                .help(format!("name a model of an evaluation with `at = every(…)`; `{}` has none", eval.name)),
        );
        None
    }

    /// `at = S` of `error(…)`: a step the evaluation reads the model at, or its last.
    fn read_step(&mut self, e: &Expr, r: &ErrorRef, evals: &[EvalSpec], env: &Env) -> Option<u64> {
        let step = self.int_in(e, "at", 0, i64::MAX, env)? as u64;
        let eval = evals.iter().find(|x| x.name == r.eval)?;
        let model = match &r.predictor {
            Predictor::Model(model) => model,
            other => {
                let (what, label) = match other {
                    Predictor::Pruned(_) => ("a pruned model", "pruned from the final weights"),
                    _ => ("a baseline", "not a model"),
                };
                self.diags.push(
                    Diagnostic::at(Code::BadClaimReference, e.span, format!("{what} has no training steps"))
                        .label(label),
                );
                return None;
            }
        };
        self.step_read(e, eval, model, step)
    }

    /// `step` when `eval` reads `model` at it (a step of its `at`, or the model's last).
    pub(super) fn step_read(&mut self, e: &Expr, eval: &EvalSpec, model: &str, step: u64) -> Option<u64> {
        let total = self.trainings.iter().find(|t| t.name == model).map_or(0, |t| t.setup.steps);
        let steps = eval.at.as_ref().map_or_else(Vec::new, |at| at.resolve(total));
        if step != total && !steps.contains(&step) {
            let listed: Vec<String> = steps.iter().chain([&total]).map(|s| s.to_string()).collect();
            self.diags.push(
                Diagnostic::at(
                    Code::BadClaimReference,
                    e.span,
                    format!("`{}` does not read `{model}` at step {step}", eval.name),
                )
                .label("not a step it reads")
                .help(format!("it reads steps {}", listed.join(", "))),
            );
            return None;
        }
        Some(step)
    }

    /// A trained model of the evaluation, or one of its baselines (a bare kind such as `lasso`
    /// names its only baseline of that kind).
    pub(super) fn predictor(&mut self, e: &Expr, eval: &EvalSpec, env: &Env) -> Option<Predictor> {
        if let ExprKind::Call { callee, .. } = &e.kind
            && callee.name == "prune"
        {
            let x = self.pruned(e, env, None)?;
            if eval.pruned.contains(&x) {
                return Some(Predictor::Pruned(x));
            }
        }
        if let Some(name) = self.training_written(e, env)
            && eval.models.contains(&name)
        {
            return Some(Predictor::Model(name));
        }
        if let ExprKind::Name(id) = &e.kind {
            let same_kind: Vec<_> = eval.baselines.iter().filter(|b| b.kind() == id.name).collect();
            if let [only] = same_kind.as_slice() {
                return Some(Predictor::Baseline(**only));
            }
        }
        let known: Vec<String> = eval
            .models
            .iter()
            .cloned()
            .chain(eval.pruned.iter().map(|p| p.name()))
            .chain(eval.baselines.iter().map(|b| b.name()))
            .collect();
        let is_baseline_call = match &e.kind {
            ExprKind::Call { callee, .. } | ExprKind::Name(callee) => {
                crate::spec::Baseline::TABLE.iter().any(|(n, _, _)| *n == callee.name)
            }
            _ => false,
        };
        if is_baseline_call {
            let b = self.baseline(e, env)?;
            if eval.baselines.contains(&b) {
                return Some(Predictor::Baseline(b));
            }
        }
        let text = match &e.kind {
            ExprKind::Name(id) => id.name.clone(),
            _ => self.text.get(e.span.start..e.span.end).unwrap_or_default().to_string(),
        };
        let d =
            Diagnostic::at(Code::BadClaimReference, e.span, format!("`{text}` is not evaluated by `{}`", eval.name))
                .label("not in this evaluation");
        self.diags.push(match did_you_mean(&text, known.iter().map(String::as_str)) {
            Some(s) => d.help(format!("did you mean {s}? `{}` evaluates: {}", eval.name, known.join(", "))),
            None => d.help(format!("`{}` evaluates: {}", eval.name, known.join(", "))),
        });
        None
    }
}
