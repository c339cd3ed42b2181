//! `eval` blocks: models × tasks × input distributions, baselines with their parameters, and
//! sweeps that expand into one task per value.
use super::{Checker, Env, Params};
use crate::check::spec::{Baseline, EvalSpec, InputSpec, TaskSpec, TrainSpec};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::syntax::ast::{Block, Expr, ExprKind, Ident};

const EVAL_KEYS: &[&str] = &["models", "tasks", "inputs", "baselines", "prompts", "seed"];

impl Checker<'_> {
    pub(super) fn eval(&mut self, name: &Ident, block: &Block, trainings: &[TrainSpec]) -> Option<EvalSpec> {
        let env: Env = vec![];
        let p = Params::block(format!("`eval {}`", name.name), block, EVAL_KEYS, &mut self.diags);
        let mut ok = true;
        let mut models = Vec::new();
        if let Some(e) = p.get("models") {
            for (m, _) in self.elements(e, &env) {
                match &m.kind {
                    ExprKind::Name(id) => match self.scope.resolve(id, super::scope::Kind::Train) {
                        Ok(_) if trainings.iter().any(|t| t.name == id.name) => models.push(id.name.clone()),
                        // The training had errors of its own, already reported.
                        Ok(_) => ok = false,
                        Err(d) => {
                            self.diags.push(d);
                            ok = false;
                        }
                    },
                    _ => {
                        self.diags.push(self.expected(m, "the name of a training run"));
                        ok = false;
                    }
                }
            }
        }
        let mut tasks: Vec<TaskSpec> = Vec::new();
        match p.require("tasks", &mut self.diags) {
            Some(e) => {
                for (t, env) in self.elements(e, &env) {
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
        let mut inputs = Vec::new();
        match p.get("inputs") {
            Some(e) => {
                for (i, env) in self.elements(e, &env) {
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
            for (b, env) in self.elements(e, &env) {
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
                            for t in tasks.iter().filter(|t| !t.class.bayes_tractable()) {
                                self.diags.push(
                                    Diagnostic::at(Code::NotApplicable, b.span, format!("`bayes` is not tractable for task `{}`", t.name))
                                        .label("no exact posterior here")
                                        .help("the exact Bayes predictor exists for linear and sparse_linear classes, their noisy variants, and mixtures of these"),
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
        let prompts = self.int_param(&p, "prompts", 1, 10_000_000, Some(1280), &env);
        let seed = match p.get("seed") {
            Some(e) => self.int_in(e, "seed", 0, i64::MAX, &env).map(|s| s as u64),
            None => self.header.map(|h| h.seed),
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
        })
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
                Some(s) => d.help(format!("did you mean `{s}`? Baselines: {}", names.join(", "))),
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
