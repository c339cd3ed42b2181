//! Constant arithmetic: `let` values, `dim`, `points`, `pi`, and `+ - * /` over them.
use super::scope::{Kind, Scope};
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, UnaryOp};
use std::collections::BTreeMap;

/// A number that remembers whether it is an integer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num {
    /// The value.
    pub value: f64,
    /// True when every operand was an integer and no division happened.
    pub is_int: bool,
}

impl Num {
    /// An integer.
    pub fn int(v: i64) -> Num {
        Num {
            value: v as f64,
            is_int: true,
        }
    }

    /// The integer value, or a diagnostic saying a whole number is needed.
    pub fn as_int(self, span: Span, what: &str) -> Result<i64, Diagnostic> {
        if self.is_int || (self.value.fract() == 0.0 && self.value.abs() < 9.0e15) {
            Ok(self.value as i64)
        } else {
            Err(Diagnostic::at(
                Code::WrongType,
                span,
                format!("`{what}` must be a whole number, not {}", self.value),
            )
            .label("not an integer"))
        }
    }
}

/// Values of the constants defined so far.
#[derive(Debug, Default)]
pub struct Consts {
    values: BTreeMap<String, Num>,
}

impl Consts {
    /// Defines (or redefines) a constant.
    pub fn define(&mut self, name: &str, v: Num) {
        self.values.insert(name.to_string(), v);
    }

    /// Evaluates a constant numeric expression.
    pub fn eval(&self, e: &Expr, scope: &Scope) -> Result<Num, Diagnostic> {
        let v = match &e.kind {
            ExprKind::Int(v) => Num::int(*v),
            ExprKind::Float(v) => Num {
                value: *v,
                is_int: false,
            },
            ExprKind::Name(id) => match self.values.get(&id.name) {
                Some(v) => {
                    // Marks a `let` as used.
                    let _ = scope.resolve(id, Kind::Const);
                    *v
                }
                None if id.name == "pi" => Num {
                    value: std::f64::consts::PI,
                    is_int: false,
                },
                None => {
                    return Err(match scope.kind_of(&id.name) {
                        Some(Kind::Const) => Diagnostic::at(
                            Code::UnknownName,
                            id.span,
                            format!("`{}` is used before its value is known", id.name),
                        )
                        .label("defined later or invalid")
                        .help("define constants before the items that use them"),
                        Some(_) => scope.resolve(id, Kind::Const).expect_err("a non-constant"),
                        None => scope.unknown(id, Kind::Const, &["dim", "points", "pi"]),
                    });
                }
            },
            ExprKind::Unary {
                op: UnaryOp::Neg,
                operand,
            } => {
                let v = self.eval(operand, scope)?;
                Num {
                    value: -v.value,
                    ..v
                }
            }
            ExprKind::Binary { op, lhs, rhs }
                if matches!(
                    op,
                    BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div
                ) =>
            {
                let (a, b) = (self.eval(lhs, scope)?, self.eval(rhs, scope)?);
                let value = match op {
                    BinaryOp::Add => a.value + b.value,
                    BinaryOp::Sub => a.value - b.value,
                    BinaryOp::Mul => a.value * b.value,
                    _ => {
                        if b.value == 0.0 {
                            return Err(Diagnostic::at(
                                Code::OutOfRange,
                                rhs.span,
                                "division by zero",
                            )
                            .label("is zero"));
                        }
                        a.value / b.value
                    }
                };
                let is_int = a.is_int && b.is_int && *op != BinaryOp::Div;
                Num { value, is_int }
            }
            _ => {
                return Err(Diagnostic::at(Code::WrongType, e.span, "expected a number")
                    .label("not a number"));
            }
        };
        if !v.value.is_finite() || (v.is_int && v.value.abs() > 9.0e18) {
            return Err(
                Diagnostic::at(Code::NumberOverflow, e.span, "the value overflows")
                    .label("too large"),
            );
        }
        Ok(v)
    }
}
