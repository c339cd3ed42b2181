//! Claims: typed expressions over the quantities a run produces (`error`, `first_step`,
//! `time_to`, `between`), with `min`/`max`, and `all(… for n in …)` / `any(…)` over sweeps.
use super::{Checker, Env};
use crate::diag::{Code, Diagnostic};
use crate::spec::{ClaimExpr, EvalSpec, FigureRef, FigureSpec, Predictor, Quantity};
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, UnaryOp};

/// The type of a claim expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Num,
    Bool,
}

/// The functions a claim may call, for messages.
const FUNCTIONS: &str = "`error(eval, model, task, k = n)`, `first_step(…, below = x)`, `time_to(…, below = x)`, `between(eval, model, from, to, task, k = n)`, `min(a, b)`, `max(a, b)`, `all(… for n in …)`, `any(…)`";

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
    pub(super) fn claim_figure(&self, expr: &ClaimExpr, figures: &[FigureSpec]) -> Option<FigureRef> {
        let reads = expr.reads();
        let q = reads.first()?;
        // The spec's first figure of the claim's first evaluation, unless it is the error-vs-k
        // figure the evaluation draws anyway.
        match figures.iter().find(|f| f.eval() == q.eval()) {
            Some(FigureSpec::ErrorVsK { .. }) | None => {}
            Some(f) => return Some(FigureRef::Named { name: f.name().to_string() }),
        }
        let pruned = |q: &&Quantity| match q {
            Quantity::Error(r) | Quantity::Hinge(r) => matches!(r.predictor, Predictor::Pruned(_)),
            _ => false,
        };
        let (eval, task) = (q.eval().to_string(), q.task().to_string());
        Some(match (q, reads.iter().copied().find(pruned)) {
            (Quantity::Attention(a), _) => FigureRef::Attention { eval: a.eval.clone() },
            // The figure of the pruned read, which need not be the claim's first.
            (_, Some(p)) => FigureRef::Pruning {
                eval: p.eval().to_string(),
                task: p.task().to_string(),
                hinge: matches!(p, Quantity::Hinge(_)),
            },
            _ => FigureRef::Curves { eval, task, inputs: q.inputs() },
        })
    }

    fn claim_expr(&mut self, e: &Expr, evals: &[EvalSpec], env: &Env) -> Option<(ClaimExpr, Ty)> {
        match &e.kind {
            ExprKind::Call { callee, args } if let Some(reading) = super::quantities::Reading::named(&callee.name) => {
                let q = self.quantity(reading, callee, args, e.span, evals, env)?;
                Some((ClaimExpr::Read(q), Ty::Num))
            }
            ExprKind::Call { callee, args } if callee.name == "min" || callee.name == "max" => {
                if args.len() < 2 || args.iter().any(|a| a.name.is_some()) {
                    self.diags.push(self.expected(e, &format!("two or more numbers: `{}(a, b)`", callee.name)));
                    return None;
                }
                let mut items = Vec::new();
                for a in args {
                    let (item, ty) = self.claim_expr(&a.value, evals, env)?;
                    self.want(&a.value, ty, Ty::Num)?;
                    items.push(item);
                }
                let expr = if callee.name == "min" { ClaimExpr::Min(items) } else { ClaimExpr::Max(items) };
                Some((expr, Ty::Num))
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
                        .help(format!("claims use {FUNCTIONS}")),
                );
                None
            }
            _ => {
                let r = self.num(e, env);
                Some((ClaimExpr::Num(self.report(r)?.value), Ty::Num))
            }
        }
    }

    /// A claim expression that must be a number (a threshold such as `below = …`).
    pub(super) fn claim_number(&mut self, e: &Expr, evals: &[EvalSpec], env: &Env) -> Option<ClaimExpr> {
        let (x, ty) = self.claim_expr(e, evals, env)?;
        self.want(e, ty, Ty::Num).map(|_| x)
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
}
