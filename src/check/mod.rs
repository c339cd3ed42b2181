//! AST → [`CheckedSpec`]: names resolved, types and ranges checked, every problem a diagnostic.
mod claims;
mod consts;
mod params;
mod scope;
pub mod spec;

pub use spec::*;

use crate::diag::{Code, Diagnostic};
use crate::syntax::ast::{Ast, Block, Expr, ExprKind, Ident, ItemKind};
use consts::{Consts, Num};
use params::Params;
use scope::{Kind, Scope};
use std::collections::BTreeMap;

/// The outcome of checking: a spec when there are no errors, and every diagnostic found.
#[derive(Debug)]
pub struct Checked {
    /// The spec, present only when no diagnostic is an error.
    pub spec: Option<CheckedSpec>,
    /// Errors and warnings, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks a parsed spec, reporting every problem rather than the first.
pub fn check(ast: &Ast, text: &str) -> Checked {
    let mut diags = Vec::new();
    let scope = Scope::collect(ast, &mut diags);
    let mut cx = Checker {
        ast,
        text,
        scope,
        consts: Consts::default(),
        diags,
        dim: None,
        points: None,
    };
    let spec = cx.run();
    let mut diagnostics = cx.diags;
    diagnostics.extend(cx.scope.unused());
    diagnostics.sort_by_key(|d| d.span.map(|s| s.start));
    let spec = if diagnostics.iter().any(Diagnostic::is_error) {
        None
    } else {
        spec
    };
    Checked { spec, diagnostics }
}

struct Checker<'a> {
    ast: &'a Ast,
    text: &'a str,
    scope: Scope,
    consts: Consts,
    diags: Vec<Diagnostic>,
    dim: Option<usize>,
    points: Option<usize>,
}

/// What `experiment` takes.
const EXPERIMENT_KEYS: &[&str] = &["seed", "dim", "points"];
/// What `train` takes.
const TRAIN_KEYS: &[&str] = &["model", "data", "steps", "batch", "lr", "seed"];
/// What `eval` takes.
const EVAL_KEYS: &[&str] = &["models", "tasks", "baselines", "prompts", "seed"];
/// The function classes and their parameters.
const CLASSES: &[(&str, &[&str])] = &[("linear", &["scale"])];
/// What `transformer` takes.
const TRANSFORMER_KEYS: &[&str] = &["layers", "width", "heads"];

impl<'a> Checker<'a> {
    fn run(&mut self) -> Option<CheckedSpec> {
        let header = self.experiment();
        for item in &self.ast.items {
            if let ItemKind::Let { name, value } = &item.kind
                && let Some(v) = self.or_report(self.consts.eval(value, &self.scope))
            {
                self.consts.define(&name.name, v);
            }
        }
        // Classes and models are checked where they are used, and once here so that unused ones
        // still get their errors.
        let mut classes = BTreeMap::new();
        let mut models = BTreeMap::new();
        for item in &self.ast.items {
            match &item.kind {
                ItemKind::Class { name, value } => {
                    if let Some(c) = self.class_value(value) {
                        classes.insert(name.name.clone(), c);
                    }
                }
                ItemKind::Model { name, value } => {
                    if let Some(m) = self.model_value(value) {
                        models.insert(name.name.clone(), m);
                    }
                }
                _ => {}
            }
        }
        let mut trainings = Vec::new();
        let mut evals = Vec::new();
        let mut claims = Vec::new();
        for item in &self.ast.items {
            match &item.kind {
                ItemKind::Train { name, block } => {
                    trainings.extend(self.train(name, block, &classes, &models, header))
                }
                ItemKind::Eval { name, block } => {
                    evals.extend(self.eval(name, block, &classes, header))
                }
                _ => {}
            }
        }
        for item in &self.ast.items {
            if let ItemKind::Claim { name, body } = &item.kind {
                let source = self.ast_text(body);
                if let Some(expr) = claims::check_claim(
                    body,
                    &evals,
                    &self.scope,
                    &self.consts,
                    self.points,
                    &mut self.diags,
                ) {
                    claims.push(ClaimSpec {
                        name: name.value.clone(),
                        expr,
                        source,
                        span: item.span,
                    });
                }
            }
        }
        let (seed, dim, points) = header?;
        Some(CheckedSpec {
            name: self.experiment_name(),
            seed,
            dim,
            points,
            trainings,
            evals,
            claims,
        })
    }

    fn ast_text(&self, e: &Expr) -> String {
        self.text
            .get(e.span.start..e.span.end)
            .unwrap_or_default()
            .to_string()
    }

    fn experiment_name(&self) -> String {
        self.ast
            .items
            .iter()
            .find_map(|i| match &i.kind {
                ItemKind::Experiment { name, .. } => Some(name.value.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }

    fn or_report<T>(&mut self, r: Result<T, Diagnostic>) -> Option<T> {
        r.map_err(|d| self.diags.push(d)).ok()
    }

    fn experiment(&mut self) -> Option<(u64, usize, usize)> {
        let blocks: Vec<_> = self
            .ast
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Experiment { block, .. } => Some((i.span, block)),
                _ => None,
            })
            .collect();
        let Some(&(_, block)) = blocks.first() else {
            self.diags.push(
                Diagnostic::at(
                    Code::Experiment,
                    crate::source::Span::new(0, 0),
                    "the spec has no `experiment` block",
                )
                .help(
                    "start the spec with `experiment \"name\" { seed = 1  dim = 5  points = 11 }`",
                ),
            );
            return None;
        };
        for (span, _) in &blocks[1..] {
            self.diags.push(
                Diagnostic::at(Code::Experiment, *span, "a spec has one `experiment` block")
                    .label("second experiment block")
                    .help("merge the settings into the first block"),
            );
        }
        let p = Params::block("`experiment`", block, EXPERIMENT_KEYS, &mut self.diags);
        let seed = self.int_param(&p, "seed", 0, i64::MAX, true);
        let dim = self.int_param(&p, "dim", 1, 1024, true);
        let points = self.int_param(&p, "points", 1, 4096, true);
        if let Some(d) = dim {
            self.consts.define("dim", Num::int(d));
            self.dim = Some(d as usize);
        }
        if let Some(n) = points {
            self.consts.define("points", Num::int(n));
            self.points = Some(n as usize);
        }
        Some((seed? as u64, dim? as usize, points? as usize))
    }

    /// An integer parameter in `[lo, hi]`; `required` reports its absence.
    fn int_param(
        &mut self,
        p: &Params,
        key: &'static str,
        lo: i64,
        hi: i64,
        required: bool,
    ) -> Option<i64> {
        let e = if required {
            p.require(key, &mut self.diags)?
        } else {
            p.get(key)?
        };
        self.int_in(e, key, lo, hi)
    }

    fn int_in(&mut self, e: &Expr, what: &str, lo: i64, hi: i64) -> Option<i64> {
        let n = self.or_report(self.consts.eval(e, &self.scope))?;
        let v = self.or_report(n.as_int(e.span, what))?;
        if v < lo || v > hi {
            self.diags.push(
                Diagnostic::at(
                    Code::OutOfRange,
                    e.span,
                    format!("`{what}` = {v} is out of range"),
                )
                .label(format!("must be between {lo} and {hi}"))
                .help(format!("choose a value in {lo}..={hi}")),
            );
            return None;
        }
        Some(v)
    }

    fn positive_float(&mut self, e: &Expr, what: &str) -> Option<f64> {
        let n = self.or_report(self.consts.eval(e, &self.scope))?;
        if n.value.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            self.diags.push(
                Diagnostic::at(
                    Code::OutOfRange,
                    e.span,
                    format!("`{what}` = {} must be positive", n.value),
                )
                .label("not positive"),
            );
            return None;
        }
        Some(n.value)
    }

    fn class_value(&mut self, e: &Expr) -> Option<ClassSpec> {
        match &e.kind {
            ExprKind::Call { callee, args } => {
                let Some((_, keys)) = CLASSES.iter().find(|(n, _)| *n == callee.name) else {
                    let names: Vec<&str> = CLASSES.iter().map(|(n, _)| *n).collect();
                    let d = Diagnostic::at(
                        Code::UnknownName,
                        callee.span,
                        format!("unknown function class `{}`", callee.name),
                    )
                    .label("not a function class");
                    let d = match crate::diag::did_you_mean(&callee.name, names.iter().copied()) {
                        Some(s) => {
                            d.help(format!("did you mean `{s}`? Classes: {}", names.join(", ")))
                        }
                        None => d.help(format!("classes: {}", names.join(", "))),
                    };
                    self.diags.push(d);
                    return None;
                };
                let p = Params::call(callee, args, keys, e.span, &mut self.diags);
                let scale = match p.get("scale") {
                    Some(s) => self.or_report(self.consts.eval(s, &self.scope))?.value,
                    None => 1.0,
                };
                Some(ClassSpec::Linear { scale })
            }
            ExprKind::Name(id) => {
                self.or_report(self.scope.resolve(id, Kind::Class).map(|_| ()))?;
                None
            }
            _ => {
                self.diags
                    .push(self.expected(e, "a function class such as `linear()`"));
                None
            }
        }
    }

    /// A class given by name or written inline, with its display name.
    fn task(&mut self, e: &Expr, classes: &BTreeMap<String, ClassSpec>) -> Option<TaskSpec> {
        match &e.kind {
            ExprKind::Name(id) => {
                self.or_report(self.scope.resolve(id, Kind::Class).map(|_| ()))?;
                let class = classes.get(&id.name)?.clone();
                Some(TaskSpec {
                    name: id.name.clone(),
                    class,
                })
            }
            ExprKind::Call { callee, .. } => {
                let class = self.class_value(e)?;
                Some(TaskSpec {
                    name: callee.name.clone(),
                    class,
                })
            }
            _ => {
                self.diags.push(self.expected(e, "a function class"));
                None
            }
        }
    }

    fn model_value(&mut self, e: &Expr) -> Option<ModelSpec> {
        let ExprKind::Call { callee, args } = &e.kind else {
            self.diags.push(self.expected(
                e,
                "a model such as `transformer(layers = 4, width = 64, heads = 4)`",
            ));
            return None;
        };
        if callee.name != "transformer" {
            self.diags.push(
                Diagnostic::at(
                    Code::UnknownName,
                    callee.span,
                    format!("unknown model kind `{}`", callee.name),
                )
                .label("not a model kind")
                .help("models are written `transformer(layers = .., width = .., heads = ..)`"),
            );
            return None;
        }
        let p = Params::call(callee, args, TRANSFORMER_KEYS, e.span, &mut self.diags);
        let layers = self.int_param(&p, "layers", 1, 256, true);
        let width = self.int_param(&p, "width", 1, 65_536, true);
        let heads = self.int_param(&p, "heads", 1, 1024, true);
        let (layers, width, heads) = (layers? as usize, width? as usize, heads? as usize);
        if width % heads != 0 {
            let span = p.get("heads").map_or(e.span, |h| h.span);
            self.diags.push(
                Diagnostic::at(
                    Code::OutOfRange,
                    span,
                    format!("{heads} heads do not divide width {width}"),
                )
                .label("must divide the width")
                .help("each head gets width / heads channels; pick a divisor of the width"),
            );
            return None;
        }
        Some(ModelSpec {
            layers,
            width,
            heads,
        })
    }

    fn expected(&self, e: &Expr, what: &str) -> Diagnostic {
        Diagnostic::at(Code::WrongType, e.span, format!("expected {what}")).label("not this")
    }

    fn train(
        &mut self,
        name: &Ident,
        block: &Block,
        classes: &BTreeMap<String, ClassSpec>,
        models: &BTreeMap<String, ModelSpec>,
        header: Option<(u64, usize, usize)>,
    ) -> Option<TrainSpec> {
        let p = Params::block(
            format!("`train {}`", name.name),
            block,
            TRAIN_KEYS,
            &mut self.diags,
        );
        let model = p
            .require("model", &mut self.diags)
            .and_then(|e| match &e.kind {
                ExprKind::Name(id) => {
                    self.or_report(self.scope.resolve(id, Kind::Model).map(|_| ()))?;
                    Some((id.name.clone(), *models.get(&id.name)?))
                }
                _ => {
                    let m = self.model_value(e)?;
                    Some(("model".to_string(), m))
                }
            });
        let data = p
            .require("data", &mut self.diags)
            .and_then(|e| self.task(e, classes));
        let steps = self.int_param(&p, "steps", 1, 1_000_000_000, true);
        let batch = match p.get("batch") {
            Some(e) => self.int_in(e, "batch", 1, 1_000_000),
            None => Some(64),
        };
        let lr = match p.get("lr") {
            Some(e) => self.positive_float(e, "lr"),
            None => Some(1e-3),
        };
        let seed = match p.get("seed") {
            Some(e) => self.int_in(e, "seed", 0, i64::MAX).map(|s| s as u64),
            None => header.map(|h| h.0),
        };
        let (model_name, model) = model?;
        Some(TrainSpec {
            name: name.name.clone(),
            model_name,
            model,
            data: data?,
            steps: steps? as u64,
            batch: batch? as usize,
            lr: lr?,
            seed: seed?,
        })
    }

    /// One element or a list of them.
    fn list_of(e: &Expr) -> Vec<&Expr> {
        match &e.kind {
            ExprKind::List(items) => items.iter().collect(),
            _ => vec![e],
        }
    }

    fn eval(
        &mut self,
        name: &Ident,
        block: &Block,
        classes: &BTreeMap<String, ClassSpec>,
        header: Option<(u64, usize, usize)>,
    ) -> Option<EvalSpec> {
        let p = Params::block(
            format!("`eval {}`", name.name),
            block,
            EVAL_KEYS,
            &mut self.diags,
        );
        let mut ok = true;
        let mut models = Vec::new();
        if let Some(e) = p.get("models") {
            for m in Self::list_of(e) {
                match &m.kind {
                    ExprKind::Name(id) => match self.scope.resolve(id, Kind::Train) {
                        Ok(_) => models.push(id.name.clone()),
                        Err(d) => {
                            self.diags.push(d);
                            ok = false;
                        }
                    },
                    _ => {
                        self.diags
                            .push(self.expected(m, "the name of a training run"));
                        ok = false;
                    }
                }
            }
        }
        let mut tasks = Vec::new();
        if let Some(e) = p.require("tasks", &mut self.diags) {
            for t in Self::list_of(e) {
                match self.task(t, classes) {
                    Some(task) => tasks.push(task),
                    None => ok = false,
                }
            }
        } else {
            ok = false;
        }
        let mut baselines = Vec::new();
        if let Some(e) = p.get("baselines") {
            for b in Self::list_of(e) {
                let id = match &b.kind {
                    ExprKind::Name(id) => id,
                    ExprKind::Call { callee, args } if args.is_empty() => callee,
                    _ => {
                        self.diags
                            .push(self.expected(b, "a baseline such as `least_squares`"));
                        ok = false;
                        continue;
                    }
                };
                match Baseline::parse(&id.name) {
                    Some(bl) => baselines.push(bl),
                    None => {
                        let names: Vec<&str> = Baseline::ALL.iter().map(|b| b.name()).collect();
                        let d = Diagnostic::at(
                            Code::UnknownName,
                            id.span,
                            format!("unknown baseline `{}`", id.name),
                        )
                        .label("not a baseline");
                        let d = match crate::diag::did_you_mean(&id.name, names.iter().copied()) {
                            Some(s) => d.help(format!(
                                "did you mean `{s}`? Baselines: {}",
                                names.join(", ")
                            )),
                            None => d.help(format!("baselines: {}", names.join(", "))),
                        };
                        self.diags.push(d);
                        ok = false;
                    }
                }
            }
        }
        if models.is_empty() && baselines.is_empty() && ok {
            self.diags.push(
                Diagnostic::at(
                    Code::MissingParameter,
                    block.span,
                    format!("`eval {}` evaluates nothing", name.name),
                )
                .help("give `models = [..]`, `baselines = [..]` or both"),
            );
            ok = false;
        }
        let prompts = match p.get("prompts") {
            Some(e) => self.int_in(e, "prompts", 1, 10_000_000),
            None => Some(1280),
        };
        let seed = match p.get("seed") {
            Some(e) => self.int_in(e, "seed", 0, i64::MAX).map(|s| s as u64),
            None => header.map(|h| h.0),
        };
        if !ok {
            return None;
        }
        Some(EvalSpec {
            name: name.name.clone(),
            models,
            tasks,
            baselines,
            prompts: prompts? as usize,
            seed: seed?,
        })
    }
}

/// Parses and checks a source in one call.
pub fn check_source(source: &crate::source::Source) -> Result<Checked, Vec<Diagnostic>> {
    let ast = crate::syntax::parse(source)?;
    Ok(check(&ast, &source.text))
}
