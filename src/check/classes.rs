//! Function classes, their parameters (fixed or drawn), mixtures, convex combinations, noise,
//! tasks, and input distributions.
use super::scope::Kind;
use super::{Checker, Env, Params};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::spec::{ClassSpec, Component, InputSpec, Param, TaskSpec};
use crate::syntax::ast::{Arg, BinaryOp, Expr, ExprKind, Ident, ItemKind};

/// The function classes and their parameters.
pub const CLASSES: &[(&str, &[&str])] = &[
    ("linear", &["scale"]),
    ("sparse_linear", &["nnz", "scale"]),
    ("relu_net", &["hidden"]),
    ("sine", &["amp", "freq", "phase"]),
    ("decision_tree", &["depth"]),
    ("quadratic", &[]),
    ("noisy", &["class", "std"]),
    ("convex", &["first", "second", "lambda"]),
];

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

/// Distributions a class parameter can be drawn from with `~`.
const DISTRIBUTIONS: &[(&str, &[&str])] = &[
    ("uniform", &["lo", "hi"]),
    ("normal", &["mean", "std"]),
    ("log_uniform", &["lo", "hi"]),
    ("choice", &["values"]),
];

/// Parameters that may be drawn per function.
const DRAWABLE: &[&str] = &["amp", "freq", "phase", "lambda"];

fn unknown_callee(callee: &Ident, what: &str, table: &[(&str, &[&str])]) -> Diagnostic {
    let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
    let d = Diagnostic::at(Code::UnknownName, callee.span, format!("unknown {what} `{}`", callee.name))
        .label(format!("not a {what}"));
    match did_you_mean(&callee.name, names.iter().copied()) {
        Some(s) => d.help(format!("did you mean `{s}`? Known: {}", names.join(", "))),
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
        let Some((_, keys)) = CLASSES.iter().find(|(n, _)| *n == callee.name) else {
            self.diags.push(unknown_callee(callee, "function class", CLASSES));
            return None;
        };
        self.no_drawn(args, DRAWABLE);
        let p = Params::call(callee, args, keys, e.span, &mut self.diags);
        let dim = self.header.map_or(1024, |h| h.dim) as i64;
        match callee.name.as_str() {
            "linear" => Some(ClassSpec::Linear { scale: self.float_param(&p, "scale", -1e12, 1e12, Some(1.0), env)? }),
            "sparse_linear" => {
                let nnz = self.int_param(&p, "nnz", 1, dim, None, env);
                let scale = self.float_param(&p, "scale", -1e12, 1e12, Some(1.0), env);
                Some(ClassSpec::SparseLinear { nnz: nnz? as usize, scale: scale? })
            }
            "relu_net" => {
                Some(ClassSpec::ReluNet { hidden: self.int_param(&p, "hidden", 1, 65_536, Some(100), env)? as usize })
            }
            "sine" => {
                let amp = self.param(&p, args, "amp", 1.0, (f64::MIN, f64::MAX), env);
                let freq = self.param(&p, args, "freq", 1.0, (f64::MIN, f64::MAX), env);
                let phase = self.param(&p, args, "phase", 0.0, (f64::MIN, f64::MAX), env);
                Some(ClassSpec::Sine { amp: amp?, freq: freq?, phase: phase? })
            }
            "decision_tree" => {
                Some(ClassSpec::DecisionTree { depth: self.int_param(&p, "depth", 1, 16, Some(4), env)? as usize })
            }
            "quadratic" => Some(ClassSpec::Quadratic),
            "noisy" => {
                let class = p.require("class", &mut self.diags).and_then(|c| self.class_value(c, env));
                let std = self.float_param(&p, "std", 0.0, 1e12, None, env);
                Some(ClassSpec::Noisy { class: Box::new(class?), std: std? })
            }
            _ => {
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
        }
    }

    /// Reports `name ~ …` on parameters that cannot be drawn.
    fn no_drawn(&mut self, args: &[Arg], drawable: &[&str]) {
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
                    .help(format!("only {} can be drawn per function with `~`", drawable.join(", "))),
                );
            }
        }
    }

    /// A parameter that is fixed (`freq = 2`) or drawn (`freq ~ uniform(0.5, 2)`), within `bounds`.
    fn param(
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
            self.diags.push(unknown_callee(callee, "distribution", DISTRIBUTIONS));
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
                        _ => class.describe(),
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
            ExprKind::Call { callee, .. } => CLASSES.iter().any(|(n, _)| *n == callee.name),
            _ => false,
        }
    }

    /// A class given by name or written inline, with the name figures and claims use: the
    /// class's name, or the expression as written with sweep variables put in.
    pub(super) fn task(&mut self, e: &Expr, env: &Env, binding: Option<(String, f64)>) -> Option<TaskSpec> {
        let class = self.class_value(e, env)?;
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
            self.diags.push(unknown_callee(callee, "input distribution", INPUTS));
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
