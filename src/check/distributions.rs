//! Class parameters fixed (`freq = 2`) or drawn afresh for every function
//! (`freq ~ uniform(0.5, 2)`): the distributions and their checks.
use super::classes::unknown_callee;
use super::{Checker, Env, Params};
use crate::diag::{Code, Diagnostic};
use crate::spec::Param;
use crate::syntax::ast::{Arg, ExprKind};

/// Distributions a class parameter can be drawn from with `~`.
const DISTRIBUTIONS: &[(&str, &[&str])] = &[
    ("uniform", &["lo", "hi"]),
    ("normal", &["mean", "std"]),
    ("log_uniform", &["lo", "hi"]),
    ("choice", &["values"]),
];

impl Checker<'_> {
    /// A parameter that is fixed (`freq = 2`) or drawn (`freq ~ uniform(0.5, 2)`), within `bounds`.
    pub(super) fn param(
        &mut self,
        p: &Params,
        args: &[Arg],
        key: &'static str,
        default: f64,
        bounds: (f64, f64),
        env: &Env,
    ) -> Option<Param> {
        let Some(e) = p.get(key) else { return Some(Param::fixed(default)) };
        let drawn = args.iter().any(|a| a.drawn && a.name.as_ref().is_some_and(|n| n.name == key));
        let (lo, hi) = bounds;
        let check = |cx: &mut Self, v: f64, span| {
            if (lo..=hi).contains(&v) {
                Some(v)
            } else {
                cx.diags.push(super::out_of_range(
                    span,
                    key,
                    &crate::spec::fmt_num(v),
                    &crate::spec::fmt_num(lo),
                    &crate::spec::fmt_num(hi),
                ));
                None
            }
        };
        if !drawn {
            if let ExprKind::Call { callee, .. } = &e.kind
                && DISTRIBUTIONS.iter().any(|(n, _)| *n == callee.name)
            {
                self.diags.push(
                    Diagnostic::at(Code::WrongType, e.span, format!("`{key}` is set to a distribution with `=`"))
                        .label("a distribution")
                        .help(format!("draw it per function with `{key} ~ {}(…)`", callee.name)),
                );
                return None;
            }
            let r = self.num(e, env);
            let v = self.report(r)?.value;
            return check(self, v, e.span).map(Param::fixed);
        }
        let ExprKind::Call { callee, args } = &e.kind else {
            self.diags.push(
                Diagnostic::at(Code::WrongType, e.span, format!("`{key} ~` needs a distribution"))
                    .label("not a distribution")
                    .help("distributions: uniform(lo, hi), normal(mean, std), log_uniform(lo, hi), choice([v, …])"),
            );
            return None;
        };
        let Some((_, keys)) = DISTRIBUTIONS.iter().find(|(n, _)| *n == callee.name) else {
            self.diags.push(unknown_callee(
                callee,
                "distribution",
                &DISTRIBUTIONS.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            ));
            return None;
        };
        let dp = Params::call(callee, args, keys, e.span, &mut self.diags);
        let f = |cx: &mut Self, k: &'static str| cx.float_param(&dp, k, f64::MIN, f64::MAX, None, env);
        let param = match callee.name.as_str() {
            "uniform" | "log_uniform" => {
                let (a, b) = (f(self, "lo"), f(self, "hi"));
                let (a, b) = (a?, b?);
                if a > b || (callee.name == "log_uniform" && a <= 0.0) {
                    self.diags.push(
                        Diagnostic::at(
                            Code::OutOfRange,
                            e.span,
                            format!("`{}({a}, {b})` is empty or invalid", callee.name),
                        )
                        .label("bad bounds")
                        .help("lo must not exceed hi (and be positive for log_uniform)"),
                    );
                    return None;
                }
                check(self, a, e.span)?;
                check(self, b, e.span)?;
                if callee.name == "uniform" {
                    Param::Uniform { lo: a, hi: b }
                } else {
                    Param::LogUniform { lo: a, hi: b }
                }
            }
            "normal" => {
                let (m, s) = (f(self, "mean"), f(self, "std"));
                let (m, s) = (m?, s?);
                if s < 0.0 {
                    self.diags.push(
                        Diagnostic::at(Code::OutOfRange, e.span, "a standard deviation cannot be negative")
                            .label("negative"),
                    );
                    return None;
                }
                if bounds != (f64::MIN, f64::MAX) && s > 0.0 {
                    self.diags.push(
                        Diagnostic::at(
                            Code::OutOfRange,
                            e.span,
                            format!("a normal distribution leaves the range of `{key}`"),
                        )
                        .label("unbounded")
                        .help("use uniform(lo, hi) within the range"),
                    );
                    return None;
                }
                Param::Normal { mean: m, std: s }
            }
            _ => {
                let values_e = dp.require("values", &mut self.diags)?;
                let ExprKind::List(items) = &values_e.kind else {
                    self.diags.push(self.expected(values_e, "a list of numbers"));
                    return None;
                };
                let mut values = Vec::new();
                for item in items {
                    let r = self.num(item, env);
                    let v = self.report(r)?.value;
                    values.push(check(self, v, item.span)?);
                }
                if values.is_empty() {
                    self.diags.push(
                        Diagnostic::at(Code::OutOfRange, values_e.span, "`choice` needs at least one value")
                            .label("empty"),
                    );
                    return None;
                }
                Param::Choice { values }
            }
        };
        Some(param)
    }
}
