//! Numbers: literals, `let` constants (in any order, cycles reported), `dim`, `points`, `pi`,
//! sweep variables, `+ - * /`, and the values a sweep runs over.
use super::scope::Kind;
use super::{Checker, Env};
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, ItemKind, UnaryOp};

/// A number that remembers whether it is an integer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num {
    /// The value.
    pub value: f64,
    /// True when every operand was an integer and no division happened.
    pub is_int: bool,
}

/// The most values one sweep may expand to.
const MAX_SWEEP: usize = 10_000;

impl Num {
    /// An integer.
    pub fn int(v: i64) -> Num {
        Num { value: v as f64, is_int: true }
    }

    /// A float.
    pub fn float(v: f64) -> Num {
        Num { value: v, is_int: false }
    }

    /// The integer value, or a diagnostic saying a whole number is needed.
    pub fn as_int(self, span: Span, what: &str) -> Result<i64, Diagnostic> {
        if self.value.fract() == 0.0 && self.value.abs() < 9.0e15 {
            Ok(self.value as i64)
        } else {
            Err(Diagnostic::at(Code::WrongType, span, format!("`{what}` must be a whole number, not {}", self.value))
                .label("not an integer"))
        }
    }
}

impl Checker<'_> {
    /// The value of constant `name`, computing it on first use.
    pub(super) fn constant(&mut self, name: &str) -> Option<Num> {
        if let Some(v) = self.consts.get(name) {
            return *v;
        }
        let def = self.scope.get(name).filter(|d| d.kind == Kind::Const)?;
        let ItemKind::Let { value, name: ident } = &self.ast.items[def.item].kind else { return None };
        if !self.consts_pending.insert(name.to_string()) {
            self.diags.push(
                Diagnostic::at(Code::UnknownName, ident.span, format!("`{name}` is defined in terms of itself"))
                    .label("circular definition")
                    .help("give one of the constants in the cycle a plain value"),
            );
            return None;
        }
        let r = self.num(value, &vec![]);
        let v = self.report(r);
        self.consts_pending.remove(name);
        self.consts.insert(name.to_string(), v);
        v
    }

    /// Evaluates a numeric expression.
    pub(super) fn num(&mut self, e: &Expr, env: &Env) -> Result<Num, Diagnostic> {
        let v = match &e.kind {
            ExprKind::Int(v) => Num::int(*v),
            ExprKind::Float(v) => Num::float(*v),
            ExprKind::Name(id) => self.name_value(id, env)?,
            ExprKind::Unary { op: UnaryOp::Neg, operand } => {
                let v = self.num(operand, env)?;
                Num { value: -v.value, ..v }
            }
            ExprKind::Binary { op, lhs, rhs }
                if matches!(op, BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div) =>
            {
                let (a, b) = (self.num(lhs, env)?, self.num(rhs, env)?);
                let value = match op {
                    BinaryOp::Add => a.value + b.value,
                    BinaryOp::Sub => a.value - b.value,
                    BinaryOp::Mul => a.value * b.value,
                    _ => {
                        if b.value == 0.0 {
                            return Err(Diagnostic::at(Code::OutOfRange, rhs.span, "division by zero").label("is zero"));
                        }
                        a.value / b.value
                    }
                };
                Num { value, is_int: a.is_int && b.is_int && *op != BinaryOp::Div }
            }
            _ => return Err(Diagnostic::at(Code::WrongType, e.span, "expected a number").label("not a number")),
        };
        if !v.value.is_finite() || (v.is_int && v.value.abs() > 9.0e18) {
            return Err(Diagnostic::at(Code::NumberOverflow, e.span, "the value overflows").label("too large"));
        }
        Ok(v)
    }

    fn name_value(&mut self, id: &crate::syntax::ast::Ident, env: &Env) -> Result<Num, Diagnostic> {
        if let Some((_, v)) = env.iter().rev().find(|(n, _)| *n == id.name) {
            return Ok(Num { value: *v, is_int: v.fract() == 0.0 });
        }
        match self.scope.get(&id.name).map(|d| d.kind) {
            Some(Kind::Const) => {
                self.scope.mark_used(&id.name);
                // An error inside the definition was reported there; this use stays quiet.
                return self.constant(&id.name).ok_or_else(|| quiet(id.span));
            }
            Some(kind) => {
                return Err(Diagnostic::at(
                    Code::WrongKind,
                    id.span,
                    format!("`{}` is {}, but a number is expected here", id.name, kind.describe()),
                )
                .label("expected a number"));
            }
            None => {}
        }
        let h = self.header;
        match id.name.as_str() {
            "pi" => Ok(Num::float(std::f64::consts::PI)),
            "dim" | "points" => {
                let h = h.ok_or_else(|| quiet(id.span))?;
                let value = if id.name == "dim" { h.dim } else { h.points };
                value.map(|v| Num::int(v as i64)).ok_or_else(|| {
                    self.shape_reported = true;
                    Diagnostic::at(
                        Code::MissingParameter,
                        id.span,
                        format!("`{}` is read here, but the `experiment` block sets none", id.name),
                    )
                    .label("not set")
                    .help(format!("add `{} = …` to the `experiment` block", id.name))
                })
            }
            _ => {
                let vars: Vec<&str> = env.iter().map(|(n, _)| n.as_str()).collect();
                let mut extra = vec!["dim", "points", "pi"];
                extra.extend(vars);
                Err(self.scope.unknown(id, Kind::Const, &extra))
            }
        }
    }

    /// The values a sweep runs over: `a..b`, `a..=b`, `… step s`, `[v, …]`, `linspace(lo, hi, n)`,
    /// `logspace(lo, hi, n)`.
    pub(super) fn sweep_values(&mut self, over: &Expr, env: &Env) -> Option<Vec<f64>> {
        let values = match &over.kind {
            ExprKind::Range { start, end, inclusive, step } => {
                let a = self.num(start, env);
                let b = self.num(end, env);
                let s = step.as_ref().map(|s| self.num(s, env)).unwrap_or(Ok(Num::int(1)));
                let (a, b, s) = (self.report(a)?.value, self.report(b)?.value, self.report(s)?.value);
                if s <= 0.0 {
                    let span = step.as_ref().map_or(over.span, |s| s.span);
                    self.diags.push(
                        Diagnostic::at(Code::OutOfRange, span, "a sweep's step must be positive").label("not positive"),
                    );
                    return None;
                }
                let n = ((b - a) / s + 1e-9).floor();
                if n > MAX_SWEEP as f64 {
                    self.diags.push(too_many(over.span));
                    return None;
                }
                let count = if n < 0.0 { 0 } else { n as usize + 1 };
                (0..count)
                    .map(|i| a + i as f64 * s)
                    .map(|v| if (v - v.round()).abs() < 1e-9 { v.round() } else { v })
                    .filter(|v| *inclusive || *v < b - 1e-9 * s)
                    .collect::<Vec<f64>>()
            }
            ExprKind::List(items) => {
                let mut out = Vec::new();
                for item in items {
                    let r = self.num(item, env);
                    out.push(self.report(r)?.value);
                }
                out
            }
            ExprKind::Call { callee, args } if callee.name == "linspace" || callee.name == "logspace" => {
                let p = super::Params::call(callee, args, &["lo", "hi", "n"], over.span, &mut self.diags);
                let lo = self.float_param(&p, "lo", f64::MIN, f64::MAX, None, env);
                let hi = self.float_param(&p, "hi", f64::MIN, f64::MAX, None, env);
                let n = self.int_param(&p, "n", 1, MAX_SWEEP as i64, None, env);
                let (lo, hi, n) = (lo?, hi?, n? as usize);
                let log = callee.name == "logspace";
                if log && (lo <= 0.0 || hi <= 0.0) {
                    self.diags.push(
                        Diagnostic::at(Code::OutOfRange, over.span, "`logspace` needs positive ends")
                            .label("not positive"),
                    );
                    return None;
                }
                let (a, b) = if log { (lo.ln(), hi.ln()) } else { (lo, hi) };
                (0..n)
                    .map(|i| if n == 1 { a } else { a + (b - a) * i as f64 / (n - 1) as f64 })
                    .map(|v| if log { v.exp() } else { v })
                    .collect()
            }
            _ => {
                self.diags.push(
                    Diagnostic::at(Code::WrongType, over.span, "a sweep runs over a range or a list")
                        .label("not a range or list")
                        .help("write `for n in 1..=8`, `for x in 0..=1 step 0.1`, `for a in [0.1, 1]` or `for a in logspace(1e-3, 1, 4)`"),
                );
                return None;
            }
        };
        // `0.1 * 3` and `exp(ln(1e-3))` carry float noise; 12 significant digits make the values
        // the numbers a reader wrote and compares with.
        let values: Vec<f64> = values.into_iter().map(round_significant).collect();
        if values.is_empty() {
            self.diags.push(
                Diagnostic::at(Code::OutOfRange, over.span, "the sweep is empty")
                    .label("no values")
                    .help("check the range's ends"),
            );
            return None;
        }
        Some(values)
    }
}

/// `v` rounded to 12 significant digits.
pub(super) fn round_significant(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let scale = 10f64.powi(11 - v.abs().log10().floor() as i32);
    (v * scale).round() / scale
}

fn too_many(span: Span) -> Diagnostic {
    Diagnostic::at(Code::OutOfRange, span, format!("the sweep has more than {MAX_SWEEP} values"))
        .label("too many values")
}

/// A diagnostic for an error already reported elsewhere; dropped before output.
pub(super) fn quiet(span: Span) -> Diagnostic {
    Diagnostic::at(Code::Syntax, span, String::new())
}
