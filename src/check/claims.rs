//! Claims: typed expressions over `error(eval, predictor, task, k = n)` numbers.
use super::consts::Consts;
use super::params::Params;
use super::scope::{Kind, Scope};
use super::spec::{Baseline, ClaimExpr, ErrorRef, EvalSpec, Predictor};
use crate::diag::{Code, Diagnostic};
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, UnaryOp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Num,
    Bool,
}

/// Checks a claim body, which must be a truth value.
pub fn check_claim(
    body: &Expr,
    evals: &[EvalSpec],
    scope: &Scope,
    consts: &Consts,
    points: Option<usize>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ClaimExpr> {
    let cx = Cx {
        evals,
        scope,
        consts,
        points,
    };
    let (expr, ty) = cx.expr(body, diags)?;
    if ty != Ty::Bool {
        diags.push(
            Diagnostic::at(
                Code::WrongType,
                body.span,
                "a claim must be a comparison, not a number",
            )
            .label("this is a number")
            .help("compare it with something, e.g. `error(..) < 0.5 * error(..)`"),
        );
        return None;
    }
    Some(expr)
}

struct Cx<'a> {
    evals: &'a [EvalSpec],
    scope: &'a Scope,
    consts: &'a Consts,
    points: Option<usize>,
}

const ERROR_ARGS: &[&str] = &["eval", "model", "task", "k"];

impl Cx<'_> {
    fn expr(&self, e: &Expr, diags: &mut Vec<Diagnostic>) -> Option<(ClaimExpr, Ty)> {
        match &e.kind {
            ExprKind::Call { callee, args } if callee.name == "error" => {
                let p = Params::call(callee, args, ERROR_ARGS, e.span, diags);
                let r = self.error_ref(&p, diags)?;
                Some((ClaimExpr::Error(r), Ty::Num))
            }
            ExprKind::Unary { op, operand } => {
                let (inner, ty) = self.expr(operand, diags)?;
                let want = if *op == UnaryOp::Neg {
                    Ty::Num
                } else {
                    Ty::Bool
                };
                self.want(operand, ty, want, diags)?;
                Some(match op {
                    UnaryOp::Neg => (ClaimExpr::Neg(Box::new(inner)), Ty::Num),
                    UnaryOp::Not => (ClaimExpr::Not(Box::new(inner)), Ty::Bool),
                })
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.expr(lhs, diags);
                let r = self.expr(rhs, diags);
                let ((l, lt), (r, rt)) = (l?, r?);
                let (operand_ty, result_ty) = match op {
                    BinaryOp::And | BinaryOp::Or => (Ty::Bool, Ty::Bool),
                    o if o.is_comparison() => (Ty::Num, Ty::Bool),
                    _ => (Ty::Num, Ty::Num),
                };
                self.want(lhs, lt, operand_ty, diags)?;
                self.want(rhs, rt, operand_ty, diags)?;
                Some((
                    ClaimExpr::Binary {
                        op: *op,
                        lhs: Box::new(l),
                        rhs: Box::new(r),
                    },
                    result_ty,
                ))
            }
            ExprKind::Call { callee, .. } => {
                diags.push(
                    Diagnostic::at(
                        Code::UnknownName,
                        callee.span,
                        format!("claims cannot call `{}`", callee.name),
                    )
                    .label("unknown function")
                    .help("claims read numbers with `error(eval, model, task, k = n)`"),
                );
                None
            }
            _ => match self.consts.eval(e, self.scope) {
                Ok(n) => Some((ClaimExpr::Num(n.value), Ty::Num)),
                Err(d) => {
                    diags.push(d);
                    None
                }
            },
        }
    }

    fn want(&self, e: &Expr, got: Ty, want: Ty, diags: &mut Vec<Diagnostic>) -> Option<()> {
        if got == want {
            return Some(());
        }
        let (g, w) = match want {
            Ty::Num => ("a truth value", "a number"),
            Ty::Bool => ("a number", "a truth value (a comparison)"),
        };
        diags.push(
            Diagnostic::at(Code::WrongType, e.span, format!("expected {w}, found {g}"))
                .label(format!("this is {g}")),
        );
        None
    }

    fn name<'e>(
        &self,
        e: &'e Expr,
        what: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<&'e crate::syntax::ast::Ident> {
        match &e.kind {
            ExprKind::Name(id) => Some(id),
            _ => {
                diags.push(
                    Diagnostic::at(
                        Code::WrongType,
                        e.span,
                        format!("expected the name of {what}"),
                    )
                    .label("not a name"),
                );
                None
            }
        }
    }

    fn error_ref(&self, p: &Params, diags: &mut Vec<Diagnostic>) -> Option<ErrorRef> {
        let eval_e = p.require("eval", diags);
        let model_e = p.require("model", diags);
        let task_e = p.require("task", diags);
        let k_e = p.require("k", diags);
        let eval_id = self.name(eval_e?, "an evaluation", diags)?;
        if let Err(d) = self.scope.resolve(eval_id, Kind::Eval) {
            diags.push(d);
            return None;
        }
        // The evaluation itself had errors (already reported): nothing more to say.
        let eval = self.evals.iter().find(|e| e.name == eval_id.name)?;
        let mut ok = true;
        let model_id = self.name(model_e?, "a model or baseline", diags)?;
        let predictor = if eval.models.contains(&model_id.name) {
            Some(Predictor::Model(model_id.name.clone()))
        } else if let Some(b) =
            Baseline::parse(&model_id.name).filter(|b| eval.baselines.contains(b))
        {
            Some(Predictor::Baseline(b))
        } else {
            let known: Vec<&str> = eval
                .models
                .iter()
                .map(String::as_str)
                .chain(eval.baselines.iter().map(|b| b.name()))
                .collect();
            let d = Diagnostic::at(
                Code::BadClaimReference,
                model_id.span,
                format!("`{}` is not evaluated by `{}`", model_id.name, eval.name),
            )
            .label("not in this evaluation");
            diags.push(
                match crate::diag::did_you_mean(&model_id.name, known.iter().copied()) {
                    Some(s) => d.help(format!(
                        "did you mean `{s}`? `{}` evaluates: {}",
                        eval.name,
                        known.join(", ")
                    )),
                    None => d.help(format!("`{}` evaluates: {}", eval.name, known.join(", "))),
                },
            );
            ok = false;
            None
        };
        let task_id = self.name(task_e?, "a task", diags)?;
        if !eval.tasks.iter().any(|t| t.name == task_id.name) {
            let known: Vec<&str> = eval.tasks.iter().map(|t| t.name.as_str()).collect();
            diags.push(
                Diagnostic::at(
                    Code::BadClaimReference,
                    task_id.span,
                    format!("`{}` is not a task of `{}`", task_id.name, eval.name),
                )
                .label("not in this evaluation")
                .help(format!(
                    "`{}` runs the tasks: {}",
                    eval.name,
                    known.join(", ")
                )),
            );
            ok = false;
        }
        let k_e = k_e?;
        let k = match self
            .consts
            .eval(k_e, self.scope)
            .and_then(|n| n.as_int(k_e.span, "k"))
        {
            Ok(k) => k,
            Err(d) => {
                diags.push(d);
                return None;
            }
        };
        if let Some(points) = self.points
            && (k < 0 || k as usize >= points)
        {
            diags.push(
                    Diagnostic::at(Code::BadClaimReference, k_e.span, format!("k = {k} is outside the prompt"))
                        .label(format!("must be between 0 and {}", points - 1))
                        .help(format!("a prompt has {points} points, so k (examples before the query) runs from 0 to {}", points - 1)),
                );
            ok = false;
        }
        if !ok {
            return None;
        }
        Some(ErrorRef {
            eval: eval.name.clone(),
            predictor: predictor?,
            task: task_id.name.clone(),
            k: k as usize,
        })
    }
}
