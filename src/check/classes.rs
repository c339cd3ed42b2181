//! Function classes, their parameters (fixed or drawn), mixtures, convex combinations, noise,
//! tasks, and input distributions.
use super::scope::Kind;
use super::{Checker, Env, Params};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::spec::{ArgValue, ClassSpec, Component, FamilyCall, InputSpec, TaskSpec};
use crate::syntax::ast::{Arg, BinaryOp, Expr, ExprKind, Ident, ItemKind};
use crate::tasks::{self, Family, ParamKind};
use std::collections::BTreeMap;

/// The classes built from classes, and their parameters; every other class is a family of the
/// task registry (`tasks/families/`).
const COMBINATORS: &[(&str, &[&str])] = &[("noisy", &["class", "std"]), ("convex", &["first", "second", "lambda"])];

/// Every class a call may name: the registry's families, then the combinators.
fn class_names() -> Vec<&'static str> {
    tasks::families().iter().map(|f| f.name()).chain(COMBINATORS.iter().map(|(n, _)| *n)).collect()
}

/// The input distributions and their parameters.
pub const INPUTS: &[(&str, &[&str])] = &[
    ("normal", &[]),
    ("scaled", &["factor"]),
    ("skewed", &[]),
    ("orthants", &[]),
    ("half_subspace", &[]),
    ("orthogonal_query", &[]),
    ("repeated_query", &[]),
];

pub(super) fn unknown_callee(callee: &Ident, what: &str, names: &[&str]) -> Diagnostic {
    let d = Diagnostic::at(Code::UnknownName, callee.span, format!("unknown {what} `{}`", callee.name))
        .label(format!("not a {what}"));
    match did_you_mean(&callee.name, names.iter().copied()) {
        Some(s) => d.help(format!("did you mean {s}? Known: {}", names.join(", "))),
        None => d.help(format!("known: {}", names.join(", "))),
    }
}

impl Checker<'_> {
    /// The class defined as `name`, computed on first use.
    pub(super) fn named_class(&mut self, name: &str) -> Option<ClassSpec> {
        if let Some(c) = self.classes.get(name) {
            return c.clone();
        }
        let def = self.scope.get(name).filter(|d| d.kind == Kind::Class)?;
        let ItemKind::Class { value, name: ident } = &self.ast.items[def.item].kind else { return None };
        if !self.classes_pending.insert(name.to_string()) {
            self.diags.push(
                Diagnostic::at(Code::UnknownName, ident.span, format!("class `{name}` is defined in terms of itself"))
                    .label("circular definition"),
            );
            return None;
        }
        let c = self.class_value(value, &vec![]);
        self.classes_pending.remove(name);
        self.classes.insert(name.to_string(), c.clone());
        c
    }

    /// A class written as a name, a call, or a weighted sum (a mixture).
    pub(super) fn class_value(&mut self, e: &Expr, env: &Env) -> Option<ClassSpec> {
        match &e.kind {
            ExprKind::Name(id) => {
                let r = self.scope.resolve(id, Kind::Class).map(|_| ());
                self.report(r)?;
                self.named_class(&id.name)
            }
            ExprKind::Call { callee, args } => self.class_call(callee, args, e, env),
            ExprKind::Binary { op: BinaryOp::Add, .. } => self.mixture(e, env),
            ExprKind::Binary { op: BinaryOp::Mul, .. } => {
                self.diags.push(
                    Diagnostic::at(Code::WrongType, e.span, "a weighted class must be part of a mixture")
                        .label("a single weighted class")
                        .help("a mixture's weights sum to 1: `0.5 * dense + 0.5 * sparse`"),
                );
                None
            }
            _ => {
                self.diags.push(self.expected(e, "a function class such as `linear()`"));
                None
            }
        }
    }

    fn class_call(&mut self, callee: &Ident, args: &[Arg], e: &Expr, env: &Env) -> Option<ClassSpec> {
        if let Some(family) = tasks::family(&callee.name) {
            return self.family_call(family, callee, args, e, env);
        }
        let Some((_, keys)) = COMBINATORS.iter().find(|(n, _)| *n == callee.name) else {
            self.diags.push(unknown_callee(callee, "function class", &class_names()));
            return None;
        };
        if !self.no_drawn(args, &["lambda"]).is_empty() {
            return None;
        }
        let p = Params::call(callee, args, keys, e.span, &mut self.diags);
        if callee.name == "noisy" {
            let class = p.require("class", &mut self.diags).and_then(|c| self.class_value(c, env));
            let std = self.float_param(&p, "std", 0.0, 1e12, None, env);
            return Some(ClassSpec::Noisy { class: Box::new(class?), std: std? });
        }
        let first = p.require("first", &mut self.diags).and_then(|c| self.class_value(c, env));
        let second = p.require("second", &mut self.diags).and_then(|c| self.class_value(c, env));
        let lambda = match p.get("lambda") {
            Some(_) => self.param(&p, args, "lambda", 0.5, (0.0, 1.0), env),
            None => {
                p.require("lambda", &mut self.diags);
                None
            }
        };
        Some(ClassSpec::Convex { first: Box::new(first?), second: Box::new(second?), lambda: lambda? })
    }

    /// A call of a registered family: every declared parameter checked against its declaration,
    /// defaults filled in.
    fn family_call(
        &mut self,
        family: &dyn Family,
        callee: &Ident,
        args: &[Arg],
        e: &Expr,
        env: &Env,
    ) -> Option<ClassSpec> {
        let decls = family.params();
        let drawable: Vec<&str> = decls.iter().filter(|d| d.kind == ParamKind::Drawable).map(|d| d.name).collect();
        // A parameter wrongly drawn is reported there once, not again as "takes a number".
        let wrongly_drawn = self.no_drawn(args, &drawable);
        let keys: Vec<&str> = decls.iter().map(|d| d.name).collect();
        let p = Params::call(callee, args, &keys, e.span, &mut self.diags);
        let dim = self.header.and_then(|h| h.dim).unwrap_or(1024);
        let mut values = BTreeMap::new();
        let mut ok = true;
        for d in decls {
            if wrongly_drawn.contains(&d.name) {
                ok = false;
                continue;
            }
            let (lo, hi) = (d.min, d.max_at(dim));
            let value = match d.kind {
                ParamKind::Int => self
                    .int_param(&p, d.name, lo as i64, hi as i64, d.default.map(|v| v as i64), env)
                    .map(|v| ArgValue::Int(v as u64)),
                ParamKind::Float => self.float_param(&p, d.name, lo, hi, d.default, env).map(ArgValue::Float),
                ParamKind::Drawable => {
                    self.param(&p, args, d.name, d.default.unwrap_or(0.0), (lo, hi), env).map(ArgValue::Param)
                }
            };
            match value {
                Some(v) => {
                    values.insert(d.name.to_string(), v);
                }
                None => ok = false,
            }
        }
        let call = ok.then(|| FamilyCall { family: family.name().to_string(), args: values })?;
        if let Err((param, why)) = family.validate(&call, dim) {
            let span = p.get(param).map_or(e.span, |a| a.span);
            self.diags.push(
                Diagnostic::at(Code::OutOfRange, span, why).label("these settings do not go together").help(format!(
                    "`{}`: {}",
                    family.name(),
                    family.definition()
                )),
            );
            return None;
        }
        Some(ClassSpec::Family(call))
    }

    /// Reports `name ~ …` on parameters that cannot be drawn, and returns their names.
    fn no_drawn<'a>(&mut self, args: &'a [Arg], drawable: &[&str]) -> Vec<&'a str> {
        let mut reported = Vec::new();
        for a in args {
            if let (true, Some(name)) = (a.drawn, &a.name)
                && !drawable.contains(&name.name.as_str())
            {
                self.diags.push(
                    Diagnostic::at(
                        Code::WrongType,
                        name.span,
                        format!("`{}` cannot be drawn from a distribution", name.name),
                    )
                    .label("use `=` here")
                    .help(format!(
                        "only {} can be drawn per function with `~`",
                        if drawable.is_empty() { "no parameter here".to_string() } else { drawable.join(", ") }
                    )),
                );
                reported.push(name.name.as_str());
            }
        }
        reported
    }

    /// `w₁ * c₁ + w₂ * c₂ + …`: weights non-negative and summing to 1.
    fn mixture(&mut self, e: &Expr, env: &Env) -> Option<ClassSpec> {
        let mut terms = Vec::new();
        flatten_sum(e, &mut terms);
        let mut components = Vec::new();
        let mut ok = true;
        for term in &terms {
            let (w, c) = match &term.kind {
                ExprKind::Binary { op: BinaryOp::Mul, lhs, rhs } => match (&lhs.kind, &rhs.kind) {
                    (ExprKind::Name(_) | ExprKind::Call { .. }, _) if self.looks_like_class(lhs) => {
                        (rhs.as_ref(), lhs.as_ref())
                    }
                    _ => (lhs.as_ref(), rhs.as_ref()),
                },
                _ => {
                    self.diags.push(
                        Diagnostic::at(Code::WrongType, term.span, "each mixture component needs a weight")
                            .label("no weight")
                            .help("write it as `0.5 * dense`; the weights sum to 1"),
                    );
                    ok = false;
                    continue;
                }
            };
            let weight = self.num(w, env);
            let weight = self.report(weight);
            let class = self.class_value(c, env);
            if let Some(weight) = weight
                && weight.value < 0.0
            {
                self.diags.push(
                    Diagnostic::at(Code::OutOfRange, w.span, "a mixture weight cannot be negative").label("negative"),
                );
                ok = false;
            }
            match (weight, class) {
                (Some(w), Some(class)) => {
                    let name = match &c.kind {
                        ExprKind::Name(id) => id.name.clone(),
                        _ => tasks::describe(&class),
                    };
                    components.push(Component { weight: w.value, name, class });
                }
                _ => ok = false,
            }
        }
        if !ok {
            return None;
        }
        let total: f64 = components.iter().map(|c| c.weight).sum();
        if (total - 1.0).abs() > 1e-6 {
            self.diags.push(
                Diagnostic::at(Code::OutOfRange, e.span, format!("mixture weights sum to {total}, not 1"))
                    .label("weights must sum to 1")
                    .help("a mixture draws each prompt's class with probability equal to its weight"),
            );
            return None;
        }
        // A component of weight 0 is never drawn: `0 * dense + 1 * sparse` is `sparse`, the same
        // prior, so a swept mixture's end points are the pure classes (and their jobs).
        components.retain(|c| c.weight > 0.0);
        if let [only] = components.as_slice() {
            return Some(only.class.clone());
        }
        Some(ClassSpec::Mixture { components })
    }

    fn looks_like_class(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Name(id) => self.scope.get(&id.name).is_some_and(|d| d.kind == Kind::Class),
            ExprKind::Call { callee, .. } => class_names().contains(&callee.name.as_str()),
            _ => false,
        }
    }

    /// A class given by name or written inline, with the name figures and claims use: the
    /// class's name, or the expression as written with sweep variables put in.
    pub(super) fn task(&mut self, e: &Expr, env: &Env, binding: Option<(String, f64)>) -> Option<TaskSpec> {
        let class = self.class_value(e, env)?;
        if let Err(why) = tasks::kind_of(&class) {
            self.diags.push(
                Diagnostic::at(Code::WrongType, e.span, format!("this class has no single objective: {why}"))
                    .label("mixed task kinds")
                    .help("mix or combine classes of one kind (regression with regression)"),
            );
            return None;
        }
        let name = match &e.kind {
            ExprKind::Name(id) => id.name.clone(),
            _ => self.written(e, env),
        };
        Some(TaskSpec { name, class, binding })
    }

    /// An input distribution such as `normal()` or `scaled(factor = 2)`.
    pub(super) fn input_value(&mut self, e: &Expr, env: &Env) -> Option<InputSpec> {
        let (callee, args) = match &e.kind {
            ExprKind::Call { callee, args } => (callee, args.as_slice()),
            ExprKind::Name(id) => (id, &[][..]),
            _ => {
                self.diags.push(self.expected(e, "an input distribution such as `normal()`"));
                return None;
            }
        };
        let Some((_, keys)) = INPUTS.iter().find(|(n, _)| *n == callee.name) else {
            self.diags.push(unknown_callee(
                callee,
                "input distribution",
                &INPUTS.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            ));
            return None;
        };
        self.no_drawn(args, &[]);
        let p = Params::call(callee, args, keys, e.span, &mut self.diags);
        Some(match callee.name.as_str() {
            "normal" => InputSpec::Normal,
            "scaled" => InputSpec::Scaled { factor: self.float_param(&p, "factor", 1e-6, 1e6, None, env)? },
            "skewed" => InputSpec::Skewed,
            "orthants" => InputSpec::Orthants,
            "half_subspace" => InputSpec::HalfSubspace,
            "orthogonal_query" => InputSpec::OrthogonalQuery,
            _ => InputSpec::RepeatedQuery,
        })
    }
}

/// The terms of `a + b + c`.
fn flatten_sum<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary { op: BinaryOp::Add, lhs, rhs } => {
            flatten_sum(lhs, out);
            flatten_sum(rhs, out);
        }
        _ => out.push(e),
    }
}
