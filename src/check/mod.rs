//! AST → [`CheckedSpec`]: names resolved, types and ranges checked, sweeps expanded, every problem
//! a diagnostic — all of a file's problems in one run.
mod claims;
mod classes;
mod consts;
mod default_figures;
mod distributions;
mod eval_kind;
mod evals;
mod experiment;
mod figures;
mod language_evals;
mod language_quantities;
mod language_training;
mod models;
mod params;
mod pattern_evals;
mod quantities;
mod recipes;
mod scope;
mod size;
mod training;
mod written;

use crate::spec::*;

use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Ast, Expr, ExprKind, ItemKind};
use consts::Num;
use experiment::Header;
use params::Params;
use scope::Scope;
use std::collections::{BTreeMap, BTreeSet};

/// The outcome of checking: a spec when there are no errors, and every diagnostic found.
#[derive(Debug)]
pub struct Checked {
    /// The spec, present only when no diagnostic is an error.
    pub spec: Option<CheckedSpec>,
    /// Errors and warnings, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks a parsed spec; `text` is the source the AST came from.
pub fn check(ast: &Ast, text: &str) -> Checked {
    let mut diags = Vec::new();
    let scope = Scope::collect(ast, &mut diags);
    let mut cx = Checker {
        ast,
        text,
        scope,
        diags,
        header: None,
        consts: BTreeMap::new(),
        consts_pending: BTreeSet::new(),
        classes: BTreeMap::new(),
        classes_pending: BTreeSet::new(),
        trainings: Vec::new(),
        shape_reported: false,
    };
    let spec = cx.run();
    let mut diagnostics = cx.diags;
    // As rustc's lints: "never used" waits until the spec is otherwise sound, since a use that had
    // an error is no use, and the warning would point away from the error.
    if !diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.extend(cx.scope.unused(ast));
    }
    diagnostics.sort_by_key(|d| d.span.map(|s| (s.start, s.end)));
    // A sweep checks its body once per value: one mistake there is one diagnostic, not one a value.
    let mut seen = BTreeSet::new();
    diagnostics.retain(|d| seen.insert((d.code.as_str(), d.span.map(|s| (s.start, s.end)), d.label.clone())));
    let spec = if diagnostics.iter().any(Diagnostic::is_error) { None } else { spec };
    Checked { spec, diagnostics }
}

/// Parses and checks a source in one call.
pub fn check_source(source: &crate::source::Source) -> Result<Checked, Vec<Diagnostic>> {
    let ast = crate::syntax::parse(source)?;
    Ok(check(&ast, &source.text))
}

/// Sweep variables in scope and their current values.
type Env = Vec<(String, f64)>;

struct Checker<'a> {
    ast: &'a Ast,
    text: &'a str,
    scope: Scope,
    diags: Vec<Diagnostic>,
    header: Option<Header>,
    /// `let` values computed so far (None: the definition had an error).
    consts: BTreeMap<String, Option<Num>>,
    consts_pending: BTreeSet<String>,
    /// `class` values computed so far.
    classes: BTreeMap<String, Option<ClassSpec>>,
    classes_pending: BTreeSet<String>,
    /// The checked trainings, once every `train` block is checked.
    trainings: Vec<TrainSpec>,
    /// A read of an unset `dim` or `points` was reported: the block's own error would repeat it.
    shape_reported: bool,
}

impl Checker<'_> {
    fn run(&mut self) -> Option<CheckedSpec> {
        self.header = self.experiment();
        // Every definition is checked once, used or not, so unused ones still get their errors.
        let ast = self.ast;
        for item in &ast.items {
            match &item.kind {
                ItemKind::Let { name, .. } => {
                    self.constant(&name.name);
                }
                ItemKind::Class { name, .. } => {
                    self.named_class(&name.name);
                }
                ItemKind::Model { value, .. } => {
                    self.model_value(value, &vec![]);
                }
                _ => {}
            }
        }
        let mut trainings = Vec::new();
        let mut evals = Vec::new();
        for item in &ast.items {
            match &item.kind {
                ItemKind::Train { name, sweep, block } => trainings.extend(self.trains(name, sweep.as_ref(), block)),
                ItemKind::Eval { name, block } => evals.extend(self.eval(name, block, &trainings)),
                _ => {}
            }
        }
        self.shape_needed(&trainings, &evals);
        self.size_bound(&trainings, &evals);
        self.trainings = trainings.clone();
        let mut figures = Vec::new();
        for item in &ast.items {
            if let ItemKind::Figure { name, value } = &item.kind {
                figures.extend(self.figure(name, value, &evals));
            }
        }
        let mut claims = Vec::new();
        for item in &ast.items {
            if let ItemKind::Claim { name, body } = &item.kind
                && let Some(expr) = self.claim(body, &evals)
            {
                let figure = self.claim_figure(&expr, &figures);
                // As written, on one line: a claim the formatter wrapped reads the same in the report.
                let source = one_line(self.text.get(body.span.start..body.span.end).unwrap_or_default());
                claims.push(ClaimSpec { name: name.value.clone(), expr, source, figure, span: item.span });
            }
        }
        let h = self.header?;
        // A spec with an error is never returned: build none (one refused as too large to run,
        // E0112, would list millions of figures first).
        if self.diags.iter().any(Diagnostic::is_error) {
            return None;
        }
        let default_figures = default_figures::default_figures(&evals, !trainings.is_empty());
        Some(CheckedSpec {
            name: self.experiment_name(),
            seed: h.seed,
            dim: h.dim,
            points: h.points,
            trainings,
            evals,
            figures,
            default_figures,
            claims,
        })
    }

    /// Pushes the error of a result, keeping its value.
    fn report<T>(&mut self, r: Result<T, Diagnostic>) -> Option<T> {
        r.map_err(|d| {
            // An empty message marks an error already reported where it arose.
            if !d.message.is_empty() {
                self.diags.push(d)
            }
        })
        .ok()
    }

    /// The expression given for `key`; when absent, `Err` with the default (a missing-parameter
    /// error is reported when there is none).
    fn lookup<'e, T>(&mut self, p: &Params<'e>, key: &'static str, default: Option<T>) -> Result<&'e Expr, Option<T>> {
        match (p.get(key), default) {
            (Some(e), _) => Ok(e),
            (None, Some(d)) => Err(Some(d)),
            (None, None) => {
                p.require(key, &mut self.diags);
                Err(None)
            }
        }
    }

    /// An integer parameter in `[lo, hi]`, `default` when absent (a missing-parameter error when
    /// there is no default).
    fn int_param(
        &mut self,
        p: &Params,
        key: &'static str,
        lo: i64,
        hi: i64,
        default: Option<i64>,
        env: &Env,
    ) -> Option<i64> {
        match self.lookup(p, key, default) {
            Ok(e) => self.int_in(e, key, lo, hi, env),
            Err(d) => d,
        }
    }

    /// A float parameter in `[lo, hi]`, `default` when absent.
    fn float_param(
        &mut self,
        p: &Params,
        key: &'static str,
        lo: f64,
        hi: f64,
        default: Option<f64>,
        env: &Env,
    ) -> Option<f64> {
        match self.lookup(p, key, default) {
            Ok(e) => self.float_in(e, key, lo, hi, env),
            Err(d) => d,
        }
    }

    /// The number a setting `what` is given; a value that is not one is named with its setting
    /// and the fix (a quoted number: the same without quotes).
    fn setting_num(&mut self, e: &Expr, what: &str, env: &Env) -> Result<Num, Diagnostic> {
        self.num(e, env).map_err(|d| {
            if d.code != Code::WrongType || d.message != "expected a number" {
                return d;
            }
            let help = match &e.kind {
                ExprKind::Str(text) if text.trim().parse::<f64>().is_ok() => {
                    format!("write it without quotes: `{what} = {}`", text.trim())
                }
                _ => format!("give a number (`{what} = 8`, `0.5`, `1e-3`) or the name of a numeric `let`"),
            };
            Diagnostic::at(Code::WrongType, e.span, format!("`{what}` takes a number")).label("not a number").help(help)
        })
    }

    fn int_in(&mut self, e: &Expr, what: &str, lo: i64, hi: i64, env: &Env) -> Option<i64> {
        let n = self.setting_num(e, what, env);
        let n = self.report(n)?;
        let v = self.report(n.as_int(e.span, what))?;
        if v < lo || v > hi {
            self.diags.push(out_of_range(e.span, what, &v.to_string(), &format!("{lo}"), &format!("{hi}")));
            return None;
        }
        Some(v)
    }

    fn float_in(&mut self, e: &Expr, what: &str, lo: f64, hi: f64, env: &Env) -> Option<f64> {
        let n = self.setting_num(e, what, env);
        let v = self.report(n)?.value;
        if !(lo..=hi).contains(&v) {
            self.diags.push(out_of_range(e.span, what, &fmt_num(v), &fmt_num(lo), &fmt_num(hi)));
            return None;
        }
        Some(v)
    }

    /// One of a setting's keywords (`decay = matrices`): its value, or a diagnostic listing them.
    fn keyword<T: Copy>(&mut self, e: &Expr, choices: &[(&str, T)], help: &str) -> Option<T> {
        if let ExprKind::Name(id) = &e.kind
            && let Some((_, v)) = choices.iter().find(|(name, _)| *name == id.name)
        {
            return Some(*v);
        }
        let names: Vec<String> = choices.iter().map(|(n, _)| format!("`{n}`")).collect();
        let listed = match names.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        };
        self.diags.push(self.expected(e, &listed).help(help));
        None
    }

    fn expected(&self, e: &Expr, what: &str) -> Diagnostic {
        Diagnostic::at(Code::WrongType, e.span, format!("expected {what}")).label("not this")
    }

    /// The elements of a setting that takes a list: a list's items or a single value, with each
    /// sweep (`x for n in 1..=8`) expanded into one element per value; `None` when a sweep's
    /// values had an error (reported), so that nothing downstream reads a list with holes.
    fn elements<'e>(&mut self, e: &'e Expr, env: &Env) -> Option<Vec<(&'e Expr, Env)>> {
        let items: Vec<&Expr> = match &e.kind {
            ExprKind::List(items) => items.iter().collect(),
            _ => vec![e],
        };
        let mut out = Vec::new();
        let mut whole = true;
        for item in items {
            match &item.kind {
                ExprKind::Sweep { body, var, over } => {
                    let values = self.sweep_values(over, env);
                    whole &= values.is_some();
                    for v in values.unwrap_or_default() {
                        let mut env = env.clone();
                        env.push((var.name.clone(), v));
                        out.push((body.as_ref(), env));
                    }
                }
                _ => out.push((item, env.clone())),
            }
        }
        whole.then_some(out)
    }

    /// [`Checker::elements`], clearing `ok` (and giving none) when a sweep's values failed.
    fn elements_or_fail<'e>(&mut self, e: &'e Expr, env: &Env, ok: &mut bool) -> Vec<(&'e Expr, Env)> {
        let out = self.elements(e, env);
        *ok &= out.is_some();
        out.unwrap_or_default()
    }
}

/// A value-out-of-range diagnostic.
fn out_of_range(span: Span, what: &str, value: &str, lo: &str, hi: &str) -> Diagnostic {
    Diagnostic::at(Code::OutOfRange, span, format!("`{what}` = {value} is out of range"))
        .label(format!("must be between {lo} and {hi}"))
        .help(format!("choose a value from {lo} to {hi}"))
}

/// Text on one line: runs of whitespace as one space, none just inside brackets.
fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    ["( ", "[ "].iter().fold(joined, |t, p| t.replace(p, p.trim_end())).replace(" )", ")").replace(" ]", "]")
}
