//! Claim verdicts: the expression evaluated on the mean errors, with each number it read.
use super::{Estimate, TaskCurves};
use crate::check::{ClaimExpr, ClaimSpec, ErrorRef};
use crate::syntax::ast::BinaryOp;
use serde::Serialize;

/// One number a claim read.
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    /// What was read.
    pub reference: ErrorRef,
    /// Its value and interval.
    pub estimate: Estimate,
}

/// A claim and its verdict.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimResult {
    /// The claim's text.
    pub name: String,
    /// The expression as written.
    pub source: String,
    /// Whether it holds on the means.
    pub holds: bool,
    /// The evaluation whose figure shows it.
    pub eval: String,
    /// The numbers it read.
    pub terms: Vec<Term>,
}

/// Evaluates every claim against the curves.
pub fn evaluate_claims(claims: &[ClaimSpec], curves: &[TaskCurves]) -> Vec<ClaimResult> {
    claims
        .iter()
        .map(|c| {
            let lookup = |r: &ErrorRef| -> Estimate {
                curves
                    .iter()
                    .find(|t| t.eval == r.eval && t.task == r.task && t.inputs == r.inputs && t.component.is_none())
                    .and_then(|t| t.at(&r.predictor, r.k))
                    .copied()
                    .expect("the checker guarantees every claim reference is evaluated")
            };
            let terms = c
                .expr
                .errors()
                .into_iter()
                .map(|r| Term { reference: r.clone(), estimate: lookup(r) })
                .collect::<Vec<_>>();
            let holds = value(&c.expr, &|r| lookup(r).mean) != 0.0;
            let eval = terms.first().map(|t| t.reference.eval.clone()).unwrap_or_default();
            ClaimResult { name: c.name.clone(), source: c.source.clone(), holds, eval, terms }
        })
        .collect()
}

/// Numbers as f64, truth values as 1.0 / 0.0.
fn value(e: &ClaimExpr, read: &dyn Fn(&ErrorRef) -> f64) -> f64 {
    let truth = |b: bool| if b { 1.0 } else { 0.0 };
    match e {
        ClaimExpr::Num(v) => *v,
        ClaimExpr::Error(r) => read(r),
        ClaimExpr::Neg(x) => -value(x, read),
        ClaimExpr::Not(x) => truth(value(x, read) == 0.0),
        ClaimExpr::All(items) => truth(items.iter().all(|e| value(e, read) != 0.0)),
        ClaimExpr::Any(items) => truth(items.iter().any(|e| value(e, read) != 0.0)),
        ClaimExpr::Binary { op, lhs, rhs } => {
            let (a, b) = (value(lhs, read), value(rhs, read));
            match op {
                BinaryOp::Or => truth(a != 0.0 || b != 0.0),
                BinaryOp::And => truth(a != 0.0 && b != 0.0),
                BinaryOp::Lt => truth(a < b),
                BinaryOp::Le => truth(a <= b),
                BinaryOp::Gt => truth(a > b),
                BinaryOp::Ge => truth(a >= b),
                BinaryOp::Eq => truth(a == b),
                BinaryOp::Ne => truth(a != b),
                BinaryOp::Add => a + b,
                BinaryOp::Sub => a - b,
                BinaryOp::Mul => a * b,
                BinaryOp::Div => a / b,
            }
        }
    }
}
