//! What a classification evaluation checks of its own (its kind, one throughout, is
//! `eval_kind`'s): the held-out tasks of each task disjoint from the tasks each model trained on;
//! `prune(model, rate = r, order = o)` as a model of the list; the claims `attention` and `hinge`.
use super::quantities::Reading;
use super::{Checker, Env, Params};
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::spec::{Arch, AttentionRef, EvalSpec, Predictor, PruneOrder, Pruned, TaskSpec, TrainSpec};
use crate::syntax::ast::{Arg, Expr, ExprKind, Ident};

const PRUNE_KEYS: &[&str] = &["model", "rate", "order"];
const ATTENTION_ARGS: &[&str] = &["eval", "model", "task"];
const HINGE_ARGS: &[&str] = &["eval", "model", "task", "k"];

impl Checker<'_> {
    /// What a classification evaluation checks of its own: it prompts each model with tasks it
    /// never trained on; false after reporting what does not fit.
    pub(super) fn pattern_eval_fits(
        &mut self,
        p: &Params,
        tasks: &[TaskSpec],
        models: &[&TrainSpec],
        block: Span,
    ) -> bool {
        let span_of = |key: &'static str| p.get(key).map_or(block, |e| e.span);
        let mut ok = true;
        let dim = self.header.and_then(|h| h.dim).unwrap_or(1);
        for t in tasks {
            let Ok(held) = crate::tasks::patterns_of(&t.class, dim) else { continue };
            for m in models {
                let Ok(trained) = crate::tasks::patterns_of(&m.data.class, dim) else { continue };
                if held.dict != trained.dict {
                    continue; // Other patterns altogether: nothing of them was trained on.
                }
                let seen = held.split.held_out.iter().filter(|x| trained.split.train.contains(x)).count();
                if seen > 0 {
                    ok = false;
                    self.diags.push(
                        Diagnostic::at(
                            Code::OutOfRange,
                            span_of("tasks"),
                            format!(
                                "{seen} held-out tasks of `{}` are tasks `{}` trained on ({} training tasks against {})",
                                t.name,
                                m.name,
                                trained.split.train.len(),
                                held.split.train.len()
                            ),
                        )
                        .label("not held out from this model")
                        .help("evaluate on a split with at least as many training tasks as the model's, from the same `seed`: its held-out tasks are held out of every smaller split"),
                    );
                }
            }
        }
        ok
    }

    /// `prune(model, rate = r, order = o)`; in an evaluation (`trainings` given) the model must be
    /// one of them and a pattern classifier.
    pub(super) fn pruned(&mut self, e: &Expr, env: &Env, trainings: Option<&[TrainSpec]>) -> Option<Pruned> {
        let ExprKind::Call { callee, args } = &e.kind else { return None };
        let p = Params::call(callee, args, PRUNE_KEYS, e.span, &mut self.diags);
        let model = p.require("model", &mut self.diags)?;
        if let ExprKind::Name(id) = &model.kind {
            // Resolving marks the training used (and reports a name that is none).
            self.scope.resolve(id, super::scope::Kind::Train).map_err(|d| self.diags.push(d)).ok()?;
        }
        let Some(name) = self.training_written(model, env) else {
            self.diags.push(self.expected(model, "the name of a pattern classifier's training"));
            return None;
        };
        let rate = self.float_param(&p, "rate", 0.0, 1.0, None, env);
        let order = match p.require("order", &mut self.diags) {
            Some(o) => self.keyword(
                o,
                &PruneOrder::ALL,
                "pruning removes the smallest or largest W_O rows first, or random ones",
            ),
            None => None,
        };
        if let Some(trainings) = trainings {
            let Some(run) = trainings.iter().find(|t| t.name == name) else {
                let known: Vec<&str> = trainings.iter().map(|t| t.name.as_str()).collect();
                self.diags.push(
                    Diagnostic::at(Code::UnknownName, model.span, format!("no training run `{name}`"))
                        .label("not a training")
                        .help(format!("runs: {}", known.join(", "))),
                );
                return None;
            };
            if run.setup.model.arch != Arch::PatternNet {
                let message = format!("`{name}` has no MLP neurons to prune");
                self.refuse(model.span, message, "not a pattern classifier", "prune a `pattern_net` training");
                return None;
            }
        }
        Some(Pruned { model: name, rate: rate?, order: order? })
    }

    /// `attention(eval, model, task)`: a whole classifier of a classification evaluation.
    pub(super) fn attention(
        &mut self,
        callee: &Ident,
        args: &[Arg],
        span: Span,
        evals: &[EvalSpec],
        env: &Env,
    ) -> Option<AttentionRef> {
        let p = Params::call(callee, args, ATTENTION_ARGS, span, &mut self.diags);
        let (eval_e, model_e, task_e) = (
            p.require("eval", &mut self.diags),
            p.require("model", &mut self.diags),
            p.require("task", &mut self.diags),
        );
        let eval = self.eval_ref(eval_e?, evals)?;
        self.reads_kind(Reading::Attention, eval, eval_e?.span)?;
        let nets: Vec<String> =
            self.trainings.iter().filter(|t| t.setup.model.arch == Arch::PatternNet).map(|t| t.name.clone()).collect();
        let is_net = |m: &str| nets.iter().any(|n| n == m);
        let model = match self.predictor(model_e?, eval, env)? {
            Predictor::Model(m) if eval.models.contains(&m) && is_net(&m) => Some(m),
            Predictor::Model(m) if eval.models.contains(&m) => {
                self.diags.push(
                    Diagnostic::at(
                        Code::BadClaimReference,
                        model_e?.span,
                        format!("`{m}` has no single attention head to read"),
                    )
                    .label("not a pattern_net")
                    .help("`attention` reads the one head of a `pattern_net` model"),
                );
                None
            }
            other => {
                self.diags.push(
                    Diagnostic::at(
                        Code::BadClaimReference,
                        model_e?.span,
                        format!("`{}` has no attention of its own here", other.name()),
                    )
                    .label("not a whole model of this evaluation")
                    .help("pruning leaves the attention as it is: read the model it prunes"),
                );
                None
            }
        };
        let task = self.eval_task(task_e?, eval, env);
        Some(AttentionRef { eval: eval.name.clone(), model: model?, task: task? })
    }

    /// `hinge(eval, model, task, k = K)`: a classifier (whole or pruned) of a classification
    /// evaluation.
    pub(super) fn hinge(
        &mut self,
        callee: &Ident,
        args: &[Arg],
        span: Span,
        evals: &[EvalSpec],
        env: &Env,
    ) -> Option<crate::spec::ErrorRef> {
        let p = Params::call(callee, args, HINGE_ARGS, span, &mut self.diags);
        let eval_e = p.require("eval", &mut self.diags)?;
        let eval = self.eval_ref(eval_e, evals)?;
        self.reads_kind(Reading::Hinge, eval, eval_e.span)?;
        self.error_ref(Reading::Hinge, &p, evals, env)
    }
}
