//! `eval` blocks: models × tasks × input distributions, baselines with their parameters, and
//! sweeps that expand into one task per value.
use super::{Checker, Env, Params};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::spec::{AtSteps, Baseline, EvalSpec, InputSpec, MAX_BAYES_SUPPORTS, TaskKind, TaskSpec, TrainSpec};
use crate::syntax::ast::{Block, Expr, ExprKind, Ident};
use crate::tasks::Prior;

const EVAL_KEYS: &[&str] = &["models", "tasks", "inputs", "baselines", "prompts", "seed", "at", "decode"];

/// The most snapshots one evaluation may read of one model.
const MAX_AT_STEPS: usize = 1000;

impl Checker<'_> {
    pub(super) fn eval(&mut self, name: &Ident, block: &Block, trainings: &[TrainSpec]) -> Option<EvalSpec> {
        let env: Env = vec![];
        let p = Params::block(format!("`eval {}`", name.name), block, EVAL_KEYS, &mut self.diags);
        let mut ok = true;
        let (mut models, mut pruned) = (Vec::new(), Vec::new());
        if let Some(e) = p.get("models") {
            for (m, env) in self.elements_or_fail(e, &env, &mut ok) {
                if matches!(&m.kind, ExprKind::Call { callee, .. } if callee.name == "prune") {
                    match self.pruned(m, &env, Some(trainings)) {
                        Some(x) if pruned.contains(&x) => {
                            let d = Diagnostic::at(Code::Duplicate, m.span, format!("`{}` appears twice", x.name()));
                            self.diags.push(d.label("again"));
                            ok = false;
                        }
                        Some(x) => {
                            // The whole model is evaluated beside its pruned versions.
                            if !models.contains(&x.model) {
                                models.push(x.model.clone());
                            }
                            pruned.push(x);
                        }
                        None => ok = false,
                    }
                    continue;
                }
                let resolved = match &m.kind {
                    ExprKind::Name(id) => self.scope.resolve(id, super::scope::Kind::Train).map(|_| ()),
                    ExprKind::Call { callee, .. } => self.scope.resolve(callee, super::scope::Kind::Train).map(|_| ()),
                    _ => {
                        Err(self
                            .expected(m, "the name of a training run, or one run of a swept training: `mix(w = 0.5)`"))
                    }
                };
                if let Err(d) = resolved {
                    self.diags.push(d);
                    ok = false;
                    continue;
                }
                // A swept training's name means all its runs; `mix(w = 0.5)` one of them.
                let runs: Vec<String> = match (&m.kind, self.training_written(m, &env)) {
                    (ExprKind::Name(id), _) => {
                        trainings.iter().filter(|t| t.family == id.name).map(|t| t.name.clone()).collect()
                    }
                    (_, Some(run)) if trainings.iter().any(|t| t.name == run) => vec![run],
                    (_, Some(run)) => {
                        let known: Vec<&str> = trainings.iter().map(|t| t.name.as_str()).collect();
                        self.diags.push(
                            Diagnostic::at(Code::UnknownName, m.span, format!("no training run `{run}`"))
                                .label("not a run of this training")
                                .help(format!("runs: {}", known.join(", "))),
                        );
                        vec![]
                    }
                    (_, None) => vec![],
                };
                if runs.is_empty() {
                    // The training had errors of its own, already reported.
                    ok = false;
                }
                for run in runs {
                    if !models.contains(&run) {
                        models.push(run);
                    }
                }
            }
        }
        let mut tasks: Vec<TaskSpec> = Vec::new();
        match p.require("tasks", &mut self.diags) {
            Some(e) => {
                for (t, env) in self.elements_or_fail(e, &env, &mut ok) {
                    let binding = env.last().cloned();
                    match self.task(t, &env, binding) {
                        Some(task) if tasks.iter().any(|x| x.name == task.name) => {
                            self.diags.push(
                                Diagnostic::at(
                                    Code::Duplicate,
                                    t.span,
                                    format!("task `{}` appears twice in `{}`", task.name, name.name),
                                )
                                .label("again"),
                            );
                            ok = false;
                        }
                        Some(task) => tasks.push(task),
                        None => ok = false,
                    }
                }
            }
            None => ok = false,
        }
        // A model or task that failed leaves the evaluation's kind unknown: the checks that depend
        // on it (prompts, decode, snapshots) would only repeat that error in other words.
        let known = ok;
        let mut inputs = Vec::new();
        match p.get("inputs") {
            Some(e) => {
                for (i, env) in self.elements_or_fail(e, &env, &mut ok) {
                    match self.input_value(i, &env) {
                        Some(x) if inputs.contains(&x) => {
                            self.diags.push(
                                Diagnostic::at(Code::Duplicate, i.span, "these inputs appear twice").label("again"),
                            );
                            ok = false;
                        }
                        Some(x) => inputs.push(x),
                        None => ok = false,
                    }
                }
            }
            None => inputs.push(InputSpec::Normal),
        }
        let mut baselines = Vec::new();
        if let Some(e) = p.get("baselines") {
            for (b, env) in self.elements_or_fail(e, &env, &mut ok) {
                match self.baseline(b, &env) {
                    Some(bl) if baselines.contains(&bl) => {
                        self.diags.push(
                            Diagnostic::at(Code::Duplicate, b.span, format!("baseline `{}` appears twice", bl.name()))
                                .label("again"),
                        );
                        ok = false;
                    }
                    Some(bl) => {
                        if bl == Baseline::Bayes {
                            for t in tasks.iter().filter(|t| Prior::of(&t.class).is_none()) {
                                self.diags.push(
                                    Diagnostic::at(Code::NotApplicable, b.span, format!("`bayes` is not tractable for task `{}`", t.name))
                                        .label("no exact posterior here")
                                        .help(if tasks.len() > 1 {
                                            "the exact Bayes predictor exists for linear and sparse_linear classes, their noisy variants, and mixtures of these: evaluate this task in an `eval` of its own without `bayes`, and keep `bayes` where it applies"
                                        } else {
                                            "the exact Bayes predictor exists for linear and sparse_linear classes, their noisy variants, and mixtures of these: leave `bayes` out of this evaluation"
                                        }),
                                );
                                ok = false;
                            }
                            let d = self.header.and_then(|h| h.dim).unwrap_or(1);
                            for t in tasks.iter().filter(|t| supports(&t.class, d) > MAX_BAYES_SUPPORTS) {
                                self.diags.push(
                                    Diagnostic::at(
                                        Code::OutOfRange,
                                        b.span,
                                        format!(
                                            "`bayes` on task `{}` enumerates {:.3e} supports per prediction at d = {d}",
                                            t.name,
                                            supports(&t.class, d)
                                        ),
                                    )
                                    .label("beyond reach")
                                    .help(format!(
                                        "at most {MAX_BAYES_SUPPORTS:.0e} supports (C(d, nnz) per sparse class) are in reach; lower nnz or d, or leave `bayes` out of this evaluation"
                                    )),
                                );
                                ok = false;
                            }
                        }
                        baselines.push(bl);
                    }
                    None => ok = false,
                }
            }
        }
        if models.is_empty() && baselines.is_empty() && ok {
            self.diags.push(
                Diagnostic::at(Code::MissingParameter, block.span, format!("`eval {}` evaluates nothing", name.name))
                    .help("give `models = [..]`, `baselines = [..]` or both"),
            );
            ok = false;
        }
        if !known {
            return None;
        }
        let evaluated: Vec<&TrainSpec> = trainings.iter().filter(|t| models.contains(&t.name)).collect();
        let kind = self.eval_kind(&tasks, &evaluated);
        ok &= self.of_one_kind(kind, &p, &tasks, &evaluated, &baselines, block.span);
        if let (false, Some(e)) = (kind == TaskKind::Tokens, p.get("decode")) {
            self.diags.push(
                Diagnostic::at(Code::NotApplicable, e.span, "`decode` completes prompts of language models")
                    .label("nothing to decode")
                    .help("this evaluation's models predict labels, not tokens"),
            );
            ok = false;
        }
        ok &= match kind {
            TaskKind::Tokens => self.language_eval_fits(&p, &tasks, &evaluated, block.span),
            TaskKind::Classification => self.pattern_eval_fits(&p, &tasks, &evaluated, block.span),
            TaskKind::Regression => true,
        };
        // A language evaluation completes prompts of its words; the others draw a number of them.
        let (prompts, completing) = match kind {
            TaskKind::Tokens => match self.completing(&p, block.span, tasks.first(), &evaluated) {
                Some((n, c)) => (Some(n as i64), Some(c)),
                None => (None, None),
            },
            TaskKind::Regression | TaskKind::Classification => {
                (self.int_param(&p, "prompts", 1, 10_000_000, Some(1280), &env), None)
            }
        };
        let seed = match p.get("seed") {
            Some(e) => self.int_in(e, "seed", 0, i64::MAX, &env).map(|s| s as u64),
            None => self.header.map(|h| h.seed),
        };
        let at = match p.get("at") {
            Some(e) => self.at_steps(e, &evaluated).map(Some),
            None => Some(None),
        };
        if !ok {
            return None;
        }
        Some(EvalSpec {
            name: name.name.clone(),
            models,
            tasks,
            inputs,
            baselines,
            prompts: prompts? as usize,
            seed: seed?,
            at: at?,
            completing,
            pruned,
            kind,
        })
    }

    /// `at = every(500)` or `at = [0, 100, 1000]`: the training steps whose weights are evaluated
    /// besides the final ones.
    fn at_steps(&mut self, e: &Expr, models: &[&TrainSpec]) -> Option<AtSteps> {
        let env: Env = vec![];
        let help =
            "`at = every(500)` evaluates the weights of every 500th step; `at = [0, 1000]` those of steps 0 and 1000";
        let at = match &e.kind {
            ExprKind::Call { callee, args } if callee.name == "every" => {
                let p = Params::call(callee, args, &["steps"], e.span, &mut self.diags);
                AtSteps::Every { every: self.int_param(&p, "steps", 1, i64::MAX, None, &env)? as u64 }
            }
            ExprKind::List(_) | ExprKind::Int(_) | ExprKind::Name(_) | ExprKind::Binary { .. } => {
                let mut steps = Vec::new();
                for (item, env) in self.elements(e, &env)? {
                    steps.push(self.int_in(item, "at", 0, i64::MAX, &env)? as u64);
                }
                steps.sort_unstable();
                steps.dedup();
                AtSteps::List { steps }
            }
            _ => {
                self.diags.push(self.expected(e, "`every(n)` or a list of steps").help(help));
                return None;
            }
        };
        if models.is_empty() {
            self.diags.push(
                Diagnostic::at(Code::OutOfRange, e.span, "`at` reads trained models, and this evaluation has none")
                    .label("no model to read")
                    .help(help),
            );
            return None;
        }
        for t in models {
            let n = at.resolve(t.setup.steps).len();
            if n > MAX_AT_STEPS {
                self.diags.push(
                    Diagnostic::at(
                        Code::OutOfRange,
                        e.span,
                        format!("`at` reads `{}` at {n} steps; at most {MAX_AT_STEPS}", t.name),
                    )
                    .label("too many snapshots")
                    .help("evaluate less often: each step read keeps a copy of the weights"),
                );
                return None;
            }
        }
        Some(at)
    }

    /// A baseline such as `least_squares` or `lasso(alpha = 0.01)`.
    pub(super) fn baseline(&mut self, e: &Expr, env: &Env) -> Option<Baseline> {
        let (callee, args) = match &e.kind {
            ExprKind::Name(id) => (id, &[][..]),
            ExprKind::Call { callee, args } => (callee, args.as_slice()),
            _ => {
                self.diags.push(self.expected(e, "a baseline such as `least_squares` or `lasso(alpha = 0.01)`"));
                return None;
            }
        };
        let Some(&(_, keys, defaults)) = Baseline::TABLE.iter().find(|(n, _, _)| *n == callee.name) else {
            let names: Vec<&str> = Baseline::TABLE.iter().map(|(n, _, _)| *n).collect();
            let d = Diagnostic::at(Code::UnknownName, callee.span, format!("unknown baseline `{}`", callee.name))
                .label("not a baseline");
            self.diags.push(match did_you_mean(&callee.name, names.iter().copied()) {
                Some(s) => d.help(format!("did you mean {s}? Baselines: {}", names.join(", "))),
                None => d.help(format!("baselines: {}", names.join(", "))),
            });
            return None;
        };
        let p = Params::call(callee, args, keys, e.span, &mut self.diags);
        let default = |k: &str| keys.iter().position(|n| *n == k).map(|i| defaults[i]).filter(|d| !d.is_nan());
        let int = |cx: &mut Self, k: &'static str| {
            cx.int_param(&p, k, 1, 1_000_000, default(k).map(|d| d as i64), env).map(|v| v as usize)
        };
        let b = match callee.name.as_str() {
            "least_squares" => Baseline::LeastSquares,
            "ridge" => Baseline::Ridge { alpha: self.float_param(&p, "alpha", 0.0, 1e12, None, env)? },
            "lasso" => Baseline::Lasso { alpha: self.float_param(&p, "alpha", 1e-12, 1e12, None, env)? },
            "knn" => Baseline::Knn { k: int(self, "k")? },
            "averaging" => Baseline::Averaging,
            "zero" => Baseline::Zero,
            "bayes" => Baseline::Bayes,
            "relu_gd" => {
                let hidden = int(self, "hidden");
                let steps = int(self, "steps");
                let lr = self.float_param(&p, "lr", 1e-12, 1e3, default("lr"), env);
                Baseline::ReluGd { hidden: hidden?, steps: steps?, lr: lr? }
            }
            _ => Baseline::Tree { depth: int(self, "depth")? },
        };
        Some(b)
    }
}

/// Supports the exact Bayes predictor enumerates per prediction on a class (0 when intractable).
fn supports(class: &crate::spec::ClassSpec, d: usize) -> f64 {
    Prior::of(class).map_or(0.0, |p| p.supports(d))
}
