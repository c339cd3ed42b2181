//! Names as the spec writes them: a swept task is named by its expression with the sweep's
//! value put in (`convex(dense, wave, lambda = 0.5)`), not by its fully expanded class. The text
//! is printed from the syntax tree in one canonical layout, so `iclc fmt` never renames a task.
use super::{Checker, Env};
use crate::spec::fmt_num;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, UnaryOp};

impl Checker<'_> {
    /// `e` printed canonically, each numeric part that uses a variable of `env` replaced by its
    /// value.
    pub(super) fn written(&mut self, e: &Expr, env: &Env) -> String {
        let mut out = String::new();
        self.write(e, env, &mut out);
        out
    }

    fn write(&mut self, e: &Expr, env: &Env, out: &mut String) {
        if mentions(e, env)
            && let Ok(n) = self.num(e, env)
        {
            out.push_str(&fmt_num(super::consts::round_significant(n.value)));
            return;
        }
        match &e.kind {
            ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) => {
                out.push_str(self.text.get(e.span.start..e.span.end).unwrap_or_default())
            }
            ExprKind::Name(id) => out.push_str(&id.name),
            ExprKind::Call { callee, args } => {
                out.push_str(&callee.name);
                out.push('(');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    if let Some(name) = &a.name {
                        out.push_str(&name.name);
                        out.push_str(if a.drawn { " ~ " } else { " = " });
                    }
                    self.write(&a.value, env, out);
                }
                out.push(')');
            }
            ExprKind::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write(item, env, out);
                }
                out.push(']');
            }
            ExprKind::Unary { op, operand } => {
                out.push_str(if *op == UnaryOp::Neg { "-" } else { "not " });
                self.operand(operand, u8::MAX, env, out);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let p = precedence(*op);
                self.operand(lhs, p, env, out);
                out.push(' ');
                out.push_str(op.symbol());
                out.push(' ');
                // `a - (b - c)`: a right operand of the same precedence keeps its parentheses.
                self.operand(rhs, p + 1, env, out);
            }
            ExprKind::Range { start, end, inclusive, step } => {
                self.operand(start, RANGE + 1, env, out);
                out.push_str(if *inclusive { "..=" } else { ".." });
                self.operand(end, RANGE + 1, env, out);
                if let Some(s) = step {
                    out.push_str(" step ");
                    self.operand(s, RANGE + 1, env, out);
                }
            }
            ExprKind::Sweep { body, var, over } => {
                self.write(body, env, out);
                out.push_str(" for ");
                out.push_str(&var.name);
                out.push_str(" in ");
                self.write(over, env, out);
            }
        }
    }

    /// An operand of an operator binding at `min`: in parentheses when it binds looser.
    fn operand(&mut self, e: &Expr, min: u8, env: &Env, out: &mut String) {
        let binds = match &e.kind {
            ExprKind::Binary { op, .. } if !(mentions(e, env) && self.num(e, env).is_ok()) => precedence(*op),
            ExprKind::Range { .. } => RANGE,
            _ => u8::MAX,
        };
        if binds < min {
            out.push('(');
            self.write(e, env, out);
            out.push(')');
        } else {
            self.write(e, env, out);
        }
    }
}

/// Ranges bind between comparisons and sums.
const RANGE: u8 = 4;

/// How tightly an operator binds (the grammar's Pratt table, loosest first).
fn precedence(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => 1,
        BinaryOp::And => 2,
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Eq | BinaryOp::Ne => 3,
        BinaryOp::Add | BinaryOp::Sub => 5,
        BinaryOp::Mul | BinaryOp::Div => 6,
    }
}

/// Whether `e` uses a variable bound in `env`.
fn mentions(e: &Expr, env: &Env) -> bool {
    match &e.kind {
        ExprKind::Name(id) => env.iter().any(|(n, _)| *n == id.name),
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) => false,
        ExprKind::Call { args, .. } => args.iter().any(|a| mentions(&a.value, env)),
        ExprKind::List(items) => items.iter().any(|c| mentions(c, env)),
        ExprKind::Unary { operand, .. } => mentions(operand, env),
        ExprKind::Binary { lhs, rhs, .. } => mentions(lhs, env) || mentions(rhs, env),
        ExprKind::Range { start, end, step, .. } => {
            mentions(start, env) || mentions(end, env) || step.as_deref().is_some_and(|s| mentions(s, env))
        }
        ExprKind::Sweep { body, over, .. } => mentions(body, env) || mentions(over, env),
    }
}
