//! `figure` items: error against k, error against a swept parameter at one k, and one-dimensional
//! function plots.
use super::{Checker, Env, Params};
use crate::diag::{Code, Diagnostic};
use crate::spec::{EvalSpec, FigureSpec, SweepOver};
use crate::syntax::ast::{Expr, ExprKind, Ident};

const FIGURES: &[(&str, &[&str])] = &[
    ("error_vs_k", &["eval"]),
    ("error_vs", &["eval", "sweep", "k"]),
    ("error_vs_step", &["eval", "task", "k"]),
    ("error_vs_time", &["eval", "task", "k"]),
    ("between_vs", &["eval", "sweep", "model", "from", "to", "k"]),
    ("function_plot", &["eval", "task", "k"]),
];

impl Checker<'_> {
    pub(super) fn figure(&mut self, name: &Ident, value: &Expr, evals: &[EvalSpec]) -> Option<FigureSpec> {
        let env: Env = vec![];
        let ExprKind::Call { callee, args } = &value.kind else {
            self.diags.push(self.expected(
                value,
                "a figure: error_vs_k(eval), error_vs(eval, n, k = ..) or function_plot(eval, task, k = ..)",
            ));
            return None;
        };
        let Some((_, keys)) = FIGURES.iter().find(|(n, _)| *n == callee.name) else {
            let names: Vec<&str> = FIGURES.iter().map(|(n, _)| *n).collect();
            self.diags.push(
                Diagnostic::at(Code::UnknownName, callee.span, format!("unknown figure kind `{}`", callee.name))
                    .label("not a figure kind")
                    .help(format!("figures: {}", names.join(", "))),
            );
            return None;
        };
        let p = Params::call(callee, args, keys, value.span, &mut self.diags);
        let eval_e = p.require("eval", &mut self.diags)?;
        let eval = self.eval_ref(eval_e, evals)?;
        // A figure spec draws errors (a language evaluation draws its own figures).
        self.reads_kind(super::quantities::Reading::Error, eval, eval_e.span)?;
        let points = self.header.and_then(|h| h.points).unwrap_or(usize::MAX) as i64;
        let name = name.name.clone();
        match callee.name.as_str() {
            "error_vs_k" => Some(FigureSpec::ErrorVsK { name, eval: eval.name.clone() }),
            "error_vs" => {
                let k = self.int_param(&p, "k", 0, points - 1, None, &env);
                let var_e = p.require("sweep", &mut self.diags)?;
                let ExprKind::Name(var) = &var_e.kind else {
                    self.diags.push(self.expected(var_e, "the name of the evaluation's sweep variable"));
                    return None;
                };
                // The tasks' sweep variables, then the evaluated trainings'.
                let task_vars = eval.tasks.iter().filter_map(|t| t.binding.as_ref().map(|b| b.0.clone()));
                let model_vars = self
                    .trainings
                    .iter()
                    .filter(|t| eval.models.contains(&t.name))
                    .filter_map(|t| t.binding.as_ref().map(|b| b.0.clone()));
                let over_models = !task_vars.clone().any(|v| v == var.name);
                let vars: Vec<String> = task_vars.chain(model_vars).collect();
                let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
                if !vars.contains(&var.name.as_str()) {
                    let mut d = Diagnostic::at(
                        Code::BadClaimReference,
                        var.span,
                        format!("`{}` does not sweep `{}`", eval.name, var.name),
                    )
                    .label("not a sweep variable of this evaluation");
                    d = match vars.first() {
                        Some(v) => d.help(format!("its tasks sweep `{v}`")),
                        None => {
                            d.help("give the evaluation a sweep: `tasks = [sparse_linear(nnz = n) for n in 1..=8]`")
                        }
                    };
                    self.diags.push(d);
                    return None;
                }
                let over = if over_models { SweepOver::Trainings } else { SweepOver::Tasks };
                Some(FigureSpec::ErrorVsSweep {
                    name,
                    eval: eval.name.clone(),
                    var: var.name.clone(),
                    k: k? as usize,
                    over,
                })
            }
            "between_vs" => {
                let k = self.int_param(&p, "k", 0, points - 1, None, &env);
                let (model, from, to) = (
                    p.require("model", &mut self.diags).and_then(|e| self.predictor(e, eval, &env)),
                    p.require("from", &mut self.diags).and_then(|e| self.predictor(e, eval, &env)),
                    p.require("to", &mut self.diags).and_then(|e| self.predictor(e, eval, &env)),
                );
                let var = self.task_sweep_var(&p, eval)?;
                Some(FigureSpec::BetweenVs {
                    name,
                    eval: eval.name.clone(),
                    var,
                    model: model?,
                    from: from?,
                    to: to?,
                    k: k? as usize,
                })
            }
            "error_vs_step" | "error_vs_time" => {
                let k = self.int_param(&p, "k", 0, points - 1, None, &env);
                let task_e = p.require("task", &mut self.diags)?;
                let task = self.eval_task(task_e, eval, &env)?;
                if eval.at.is_none() {
                    self.diags.push(
                        Diagnostic::at(
                            Code::BadClaimReference,
                            value.span,
                            format!("`{}` reads its models only at their last step", eval.name),
                        )
                        .label("no steps to draw")
                        .help(format!("give `{}` an `at = every(…)` setting", eval.name)),
                    );
                    return None;
                }
                let time = callee.name == "error_vs_time";
                Some(FigureSpec::ErrorVsStep { name, eval: eval.name.clone(), task, k: k? as usize, time })
            }
            _ => {
                let k = self.int_param(&p, "k", 0, points - 1, None, &env);
                let task_e = p.require("task", &mut self.diags)?;
                let task = self.eval_task(task_e, eval, &env)?;
                if let Some(d) = self.header.and_then(|h| h.dim).filter(|&d| d != 1) {
                    self.diags.push(
                        Diagnostic::at(
                            Code::OutOfRange,
                            value.span,
                            format!("a function plot needs dim = 1, the experiment has dim = {d}"),
                        )
                        .label("not one-dimensional")
                        .help("plot functions in a spec with `dim = 1`"),
                    );
                    return None;
                }
                Some(FigureSpec::FunctionPlot { name, eval: eval.name.clone(), task, k: k? as usize })
            }
        }
    }

    /// An evaluation by name; `None` (reported) when unknown or when it had errors.
    pub(super) fn eval_ref<'e>(&mut self, e: &Expr, evals: &'e [EvalSpec]) -> Option<&'e EvalSpec> {
        let ExprKind::Name(id) = &e.kind else {
            self.diags.push(self.expected(e, "the name of an evaluation"));
            return None;
        };
        let r = self.scope.resolve(id, super::scope::Kind::Eval).map(|_| ());
        self.report(r)?;
        evals.iter().find(|ev| ev.name == id.name)
    }

    /// The name of the task of `eval` that `e` denotes: by name, or by the class it evaluates to.
    pub(super) fn eval_task(&mut self, e: &Expr, eval: &EvalSpec, env: &Env) -> Option<String> {
        if let ExprKind::Name(id) = &e.kind
            && let Some(t) = eval.tasks.iter().find(|t| t.name == id.name)
        {
            self.scope.mark_used(&id.name);
            return Some(t.name.clone());
        }
        let class = self.class_value(e, env)?;
        match eval.tasks.iter().find(|t| t.class == class) {
            Some(t) => Some(t.name.clone()),
            None => {
                let known: Vec<&str> = eval.tasks.iter().map(|t| t.name.as_str()).collect();
                self.diags.push(
                    Diagnostic::at(
                        Code::BadClaimReference,
                        e.span,
                        format!("`{}` is not a task of `{}`", crate::tasks::describe(&class), eval.name),
                    )
                    .label("not in this evaluation")
                    .help(format!("`{}` runs: {}", eval.name, known.join(", "))),
                );
                None
            }
        }
    }

    /// `sweep = VAR`: a sweep variable of the evaluation's tasks.
    fn task_sweep_var(&mut self, p: &Params, eval: &EvalSpec) -> Option<String> {
        let var_e = p.require("sweep", &mut self.diags)?;
        let ExprKind::Name(var) = &var_e.kind else {
            self.diags.push(self.expected(var_e, "the name of the evaluation's sweep variable"));
            return None;
        };
        if eval.tasks.iter().any(|t| t.binding.as_ref().is_some_and(|b| b.0 == var.name)) {
            return Some(var.name.clone());
        }
        self.diags.push(
            Diagnostic::at(
                Code::BadClaimReference,
                var.span,
                format!("`{}`'s tasks do not sweep `{}`", eval.name, var.name),
            )
            .label("not a sweep variable of its tasks")
            .help("give the evaluation a sweep: `tasks = [sparse_linear(nnz = n) for n in 1..=8]`"),
        );
        None
    }
}
