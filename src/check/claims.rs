//! Claims: typed expressions over `error(eval, predictor, task, k = n)` numbers, with
//! `all(… for n in …)` and `any(…)` over sweeps.
use super::{Checker, Env, Params};
use crate::check::spec::{ClaimExpr, ErrorRef, EvalSpec, FigureSpec, Predictor};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, UnaryOp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Num,
    Bool,
}

const ERROR_ARGS: &[&str] = &["eval", "model", "task", "k", "inputs"];

impl Checker<'_> {
    /// Checks a claim body, which must be a truth value.
    pub(super) fn claim(&mut self, body: &Expr, evals: &[EvalSpec]) -> Option<ClaimExpr> {
        if let ExprKind::Sweep { .. } = body.kind {
            self.diags.push(
                Diagnostic::at(
                    Code::WrongType,
                    body.span,
                    "a claim over a sweep says whether every value or some value must hold",
                )
                .label("all or any?")
                .help("write `all(… for n in 1..=8)` or `any(… for n in 1..=8)`"),
            );
            return None;
        }
        let (expr, ty) = self.claim_expr(body, evals, &vec![])?;
        if ty != Ty::Bool {
            self.diags.push(
                Diagnostic::at(Code::WrongType, body.span, "a claim must be a comparison, not a number")
                    .label("this is a number")
                    .help("compare it with something, e.g. `error(..) < 0.5 * error(..)`"),
            );
            return None;
        }
        Some(expr)
    }

    /// The figure a claim is shown in: the first figure item of the evaluation it reads, else the
    /// evaluation's own error-vs-k figure.
    pub(super) fn claim_figure(&self, expr: &ClaimExpr, figures: &[FigureSpec]) -> Option<String> {
        let first = expr.errors().first().map(|r| r.eval.clone())?;
        Some(figures.iter().find(|f| f.eval() == first).map_or(first, |f| f.name().to_string()))
    }

    fn claim_expr(&mut self, e: &Expr, evals: &[EvalSpec], env: &Env) -> Option<(ClaimExpr, Ty)> {
        match &e.kind {
            ExprKind::Call { callee, args } if callee.name == "error" => {
                let p = Params::call(callee, args, ERROR_ARGS, e.span, &mut self.diags);
                let r = self.error_ref(&p, evals, env)?;
                Some((ClaimExpr::Error(r), Ty::Num))
            }
            ExprKind::Call { callee, args } if callee.name == "all" || callee.name == "any" => {
                let [arg] = args.as_slice() else {
                    self.diags
                        .push(self.expected(e, &format!("one swept condition: `{}(… for n in 1..=8)`", callee.name)));
                    return None;
                };
                let ExprKind::Sweep { body, var, over } = &arg.value.kind else {
                    self.diags.push(self.expected(&arg.value, "a condition with a sweep: `… for n in 1..=8`"));
                    return None;
                };
                let values = self.sweep_values(over, env)?;
                let mut items = Vec::new();
                for v in values {
                    let mut env = env.clone();
                    env.push((var.name.clone(), v));
                    let (item, ty) = self.claim_expr(body, evals, &env)?;
                    self.want(body, ty, Ty::Bool)?;
                    items.push(item);
                }
                let expr = if callee.name == "all" { ClaimExpr::All(items) } else { ClaimExpr::Any(items) };
                Some((expr, Ty::Bool))
            }
            ExprKind::Unary { op, operand } => {
                let (inner, ty) = self.claim_expr(operand, evals, env)?;
                let want = if *op == UnaryOp::Neg { Ty::Num } else { Ty::Bool };
                self.want(operand, ty, want)?;
                Some(match op {
                    UnaryOp::Neg => (ClaimExpr::Neg(Box::new(inner)), Ty::Num),
                    UnaryOp::Not => (ClaimExpr::Not(Box::new(inner)), Ty::Bool),
                })
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.claim_expr(lhs, evals, env);
                let r = self.claim_expr(rhs, evals, env);
                let ((l, lt), (r, rt)) = (l?, r?);
                let (operand_ty, result_ty) = match op {
                    BinaryOp::And | BinaryOp::Or => (Ty::Bool, Ty::Bool),
                    o if o.is_comparison() => (Ty::Num, Ty::Bool),
                    _ => (Ty::Num, Ty::Num),
                };
                self.want(lhs, lt, operand_ty)?;
                self.want(rhs, rt, operand_ty)?;
                Some((ClaimExpr::Binary { op: *op, lhs: Box::new(l), rhs: Box::new(r) }, result_ty))
            }
            ExprKind::Call { callee, .. } => {
                self.diags.push(
                    Diagnostic::at(Code::UnknownName, callee.span, format!("claims cannot call `{}`", callee.name))
                        .label("unknown function")
                        .help("claims read numbers with `error(eval, model, task, k = n)` and quantify with `all(…)` / `any(…)`"),
                );
                None
            }
            _ => {
                let r = self.num(e, env);
                Some((ClaimExpr::Num(self.report(r)?.value), Ty::Num))
            }
        }
    }

    fn want(&mut self, e: &Expr, got: Ty, want: Ty) -> Option<()> {
        if got == want {
            return Some(());
        }
        let (g, w) = match want {
            Ty::Num => ("a truth value", "a number"),
            Ty::Bool => ("a number", "a truth value (a comparison)"),
        };
        self.diags.push(
            Diagnostic::at(Code::WrongType, e.span, format!("expected {w}, found {g}")).label(format!("this is {g}")),
        );
        None
    }

    fn error_ref(&mut self, p: &Params, evals: &[EvalSpec], env: &Env) -> Option<ErrorRef> {
        let eval_e = p.require("eval", &mut self.diags);
        let model_e = p.require("model", &mut self.diags);
        let task_e = p.require("task", &mut self.diags);
        let k_e = p.require("k", &mut self.diags);
        let eval = self.eval_ref(eval_e?, evals)?;
        let predictor = self.predictor(model_e?, eval, env);
        let task = self.eval_task(task_e?, eval, env);
        let inputs = match p.get("inputs") {
            Some(e) => {
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
                i
            }
            None => eval.inputs[0],
        };
        let k_e = k_e?;
        let r = self.num(k_e, env).and_then(|n| n.as_int(k_e.span, "k"));
        let k = self.report(r)?;
        let points = self.header.map_or(usize::MAX, |h| h.points);
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
        Some(ErrorRef { eval: eval.name.clone(), predictor: predictor?, task: task?, inputs, k: k as usize })
    }

    /// A trained model of the evaluation, or one of its baselines (a bare kind such as `lasso`
    /// names its only baseline of that kind).
    fn predictor(&mut self, e: &Expr, eval: &EvalSpec, env: &Env) -> Option<Predictor> {
        if let ExprKind::Name(id) = &e.kind {
            if eval.models.contains(&id.name) {
                return Some(Predictor::Model(id.name.clone()));
            }
            let same_kind: Vec<_> = eval.baselines.iter().filter(|b| b.kind() == id.name).collect();
            if let [only] = same_kind.as_slice() {
                return Some(Predictor::Baseline(**only));
            }
        }
        let known: Vec<String> = eval.models.iter().cloned().chain(eval.baselines.iter().map(|b| b.name())).collect();
        let is_baseline_call = match &e.kind {
            ExprKind::Call { callee, .. } | ExprKind::Name(callee) => {
                crate::check::spec::Baseline::TABLE.iter().any(|(n, _, _)| *n == callee.name)
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
            Some(s) => d.help(format!("did you mean `{s}`? `{}` evaluates: {}", eval.name, known.join(", "))),
            None => d.help(format!("`{}` evaluates: {}", eval.name, known.join(", "))),
        });
        None
    }
}
