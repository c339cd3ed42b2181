//! `train` blocks: model, data, and the recipe (schedule, clipping, weight decay, curriculum,
//! seeds as replicates).
use super::recipes::{RECIPES, Recipe};
use super::scope::Kind;
use super::{Checker, Env, Params};
use crate::diag::{Code, Diagnostic};
use crate::spec::{Curriculum, DecayOn, Schedule, Stage, TrainSetup, TrainSpec};
use crate::syntax::ast::{Arg, Block, Expr, ExprKind, Ident, Sweep};

const TRAIN_KEYS: &[&str] = &[
    "recipe",
    "model",
    "data",
    "steps",
    "batch",
    "lr",
    "schedule",
    "clip",
    "weight_decay",
    "decay",
    "curriculum",
    "checkpoint_every",
    "init",
    "seed",
    "seeds",
    "completions",
    "select",
    "optimizer",
    "loss",
];

impl Checker<'_> {
    /// The runs of a `train` block: one, or one per value of its sweep (`train mix for w in …`),
    /// each named as written, `mix(w = 0.25)`.
    pub(super) fn trains(&mut self, name: &Ident, sweep: Option<&Sweep>, block: &Block) -> Vec<TrainSpec> {
        let Some(sweep) = sweep else {
            return self.train(name, name.name.clone(), block, &vec![], None).into_iter().collect();
        };
        let values = self.sweep_values(&sweep.over, &vec![]).unwrap_or_default();
        let n = values.len();
        let mut runs = Vec::new();
        for v in values {
            let var = sweep.var.name.clone();
            let run = swept_name(&name.name, &var, v);
            let Some(t) = self.train(name, run, block, &vec![(var.clone(), v)], Some((var, v))) else { continue };
            // Values × seeds, known from the first run: refused before the rest is expanded.
            if runs.is_empty() && self.too_many_runs(name, sweep, block, n, t.seeds.len()) {
                return vec![t];
            }
            runs.push(t);
        }
        runs
    }

    /// The training run a name denotes as written: `mix`, or `mix(w = 0.25)` for one run of a
    /// swept training (the argument may use sweep variables); `None` when `e` is neither form.
    pub(super) fn training_written(&mut self, e: &Expr, env: &Env) -> Option<String> {
        match &e.kind {
            ExprKind::Name(id) => Some(id.name.clone()),
            ExprKind::Call { callee, args } if self.scope.get(&callee.name).is_some_and(|d| d.kind == Kind::Train) => {
                let [Arg { name: Some(var), drawn: false, value }] = args.as_slice() else { return None };
                let r = self.num(value, env);
                let v = self.report(r)?;
                self.scope.mark_used(&callee.name);
                Some(swept_name(&callee.name, &var.name, v.value))
            }
            _ => None,
        }
    }

    /// One run of a `train` block: `run_name` is the block's name, or `name(var = v)` for one
    /// value of a swept training, with `env` binding the variable.
    pub(super) fn train(
        &mut self,
        name: &Ident,
        run_name: String,
        block: &Block,
        env: &Env,
        binding: Option<(String, f64)>,
    ) -> Option<TrainSpec> {
        let p = Params::block(format!("`train {}`", name.name), block, TRAIN_KEYS, &mut self.diags);
        let recipe = p.get("recipe").and_then(|e| self.recipe(e));
        if p.get("recipe").is_some() && recipe.is_none() {
            p.quiet_missing();
        }
        let (model, model_name) = match (p.get("model"), recipe) {
            (None, Some(r)) => (Some(r.model), format!("{} model", r.name)),
            (e, _) => {
                let model_e = e.or_else(|| p.require("model", &mut self.diags));
                let name = match model_e.map(|e| &e.kind) {
                    Some(ExprKind::Name(id)) => id.name.clone(),
                    _ => "model".to_string(),
                };
                (model_e.and_then(|e| self.model_ref(e, env)), name)
            }
        };
        let data = p.require("data", &mut self.diags).and_then(|e| self.task(e, env, None));
        if let (Some(d), Some(e), Some(m)) = (&data, p.get("data"), &model) {
            self.data_suits_model(d, e.span, m)?;
        }
        let init = match p.get("init") {
            Some(e) => {
                self.init(e).and_then(|f| self.init_fits(e.span, model.as_ref(), data.as_ref()).map(|_| Some(f)))
            }
            None => Some(None),
        };
        // A loaded model may be evaluated as it is: zero steps.
        let min_steps = if matches!(init, Some(Some(_))) { 0 } else { 1 };
        let steps = self.int_param(&p, "steps", min_steps, 1_000_000_000, recipe.map(|r| r.steps), env);
        let batch = self.int_param(&p, "batch", 1, 1_000_000, Some(recipe.map_or(64, |r| r.batch)), env);
        let lr = self.float_param(&p, "lr", 1e-12, 1e12, Some(recipe.map_or(1e-3, |r| r.lr)), env);
        let schedule = match p.get("schedule") {
            Some(e) => self.schedule(e, steps, env),
            None => Some(recipe.map_or(Schedule::Constant, |r| r.schedule)),
        };
        let clip = match p.get("clip") {
            Some(e) => self.float_in(e, "clip", 1e-12, 1e12, env).map(Some),
            None => Some(recipe.and_then(|r| r.clip)),
        };
        let weight_decay =
            self.float_param(&p, "weight_decay", 0.0, 1e3, Some(recipe.map_or(0.01, |r| r.weight_decay)), env);
        let decay_on = match p.get("decay") {
            Some(e) => self.keyword(
                e,
                &[("all", DecayOn::All), ("matrices", DecayOn::Matrices)],
                "`decay = matrices` skips biases, LayerNorm and positions, as nanoGPT does",
            ),
            None => Some(DecayOn::All),
        };
        let curriculum = match (p.get("curriculum"), recipe, self.header) {
            (Some(e), _, _) => self.curriculum(e, env).map(Some),
            (None, Some(r), Some(super::Header { dim: Some(d), points: Some(p), .. })) => Some(r.curriculum(d, p)),
            (None, _, _) => Some(None),
        };
        let fixed_shape = data
            .as_ref()
            .and_then(|d| crate::tasks::kind_of(&d.class).ok().filter(|k| !k.grows_by_curriculum()).map(|k| (d, k)));
        let curriculum = match (curriculum, fixed_shape) {
            (Some(Some(_)), Some((d, kind))) => {
                let span = p.get("curriculum").or(p.get("recipe")).map_or(block.span, |e| e.span);
                self.diags.push(
                    Diagnostic::at(
                        Code::NotApplicable,
                        span,
                        format!("a curriculum grows regression prompts; {} prompts keep their shape", kind.describe()),
                    )
                    .label(format!("not for {} data", kind.describe()))
                    .help(format!("leave `curriculum` (and recipes that bring one) out of a training on `{}`", d.name)),
                );
                None
            }
            (c, _) => c,
        };
        let checkpoint_every = self.int_param(&p, "checkpoint_every", 1, i64::MAX, Some(1000), env);
        let seeds = self.seeds(&p, env);
        let completions = match p.get("completions") {
            Some(e) => self.completions(e, data.as_ref(), env).map(Some),
            None => Some(None),
        };
        let select = match p.get("select") {
            Some(e) => self.select(e, model.as_ref(), steps, checkpoint_every),
            None => Some(crate::spec::Select::Last),
        };
        let optimizer = match p.get("optimizer") {
            Some(e) => self.keyword(
                e,
                &[("adamw", crate::spec::Optimizer::AdamW), ("sgd", crate::spec::Optimizer::Sgd)],
                "`optimizer = sgd` trains by plain gradient descent",
            ),
            None => Some(crate::spec::Optimizer::AdamW),
        };
        let loss = match p.get("loss") {
            Some(e) => self.classification_loss(e, data.as_ref()),
            None => Some(None),
        };
        let setup = TrainSetup {
            model: model?,
            steps: steps? as u64,
            batch: batch? as usize,
            lr: lr?,
            schedule: schedule?,
            clip: clip?,
            weight_decay: weight_decay?,
            decay_on: decay_on?,
            curriculum: curriculum?,
            checkpoint_every: checkpoint_every? as u64,
            completions: completions?,
            select: select?,
            optimizer: optimizer?,
            loss: loss?,
        };
        Some(TrainSpec {
            name: run_name,
            family: name.name.clone(),
            model_name,
            data: data?,
            setup,
            init: init?,
            seeds: seeds?,
            binding,
        })
    }

    /// A recipe by name.
    fn recipe(&mut self, e: &Expr) -> Option<Recipe> {
        let names: Vec<&str> = RECIPES.iter().map(|r| r.name).collect();
        let found = match &e.kind {
            ExprKind::Name(id) => RECIPES.iter().find(|r| r.name == id.name).copied(),
            _ => None,
        };
        if found.is_none() {
            let list = format!("recipes: {}", names.join(", "));
            let d = match &e.kind {
                ExprKind::Name(id) => {
                    let guess = crate::diag::did_you_mean(&id.name, names.iter().copied());
                    Diagnostic::at(Code::UnknownName, id.span, format!("unknown recipe `{}`", id.name))
                        .label("not a recipe")
                        .help(guess.map_or(list.clone(), |g| format!("did you mean {g}? {list}")))
                }
                _ => self.expected(e, "a recipe name").help(list),
            };
            self.diags.push(d);
        }
        found
    }

    /// `checkpoint("path.safetensors")`: initial weights from a file, path relative to the spec.
    fn init(&mut self, e: &Expr) -> Option<String> {
        let help = "`init = checkpoint(\"model.safetensors\")` loads weights named as in the PyTorch reference";
        let ExprKind::Call { callee, args } = &e.kind else {
            self.diags.push(self.expected(e, "`checkpoint(\"file.safetensors\")`").help(help));
            return None;
        };
        if callee.name != "checkpoint" {
            self.diags.push(self.expected(e, "`checkpoint(\"file.safetensors\")`").help(help));
            return None;
        }
        let p = Params::call(callee, args, &["file"], e.span, &mut self.diags);
        let file = p.require("file", &mut self.diags)?;
        match &file.kind {
            ExprKind::Str(path) if !path.is_empty() => Some(path.clone()),
            _ => {
                self.diags.push(self.expected(file, "a file name in quotes").help(help));
                None
            }
        }
    }

    fn seeds(&mut self, p: &Params, env: &Env) -> Option<Vec<u64>> {
        match (p.get("seed"), p.get("seeds")) {
            (Some(_), Some(e)) => {
                self.diags.push(
                    Diagnostic::at(Code::Duplicate, e.span, "give `seed` or `seeds`, not both")
                        .label("second seed setting")
                        .help("`seeds = [1, 2, 3]` trains one replicate per seed"),
                );
                None
            }
            (Some(e), None) => self.int_in(e, "seed", 0, i64::MAX, env).map(|s| vec![s as u64]),
            (None, Some(e)) if !matches!(e.kind, ExprKind::List(_) | ExprKind::Range { .. }) => {
                // `seeds = 3` reads as "three seeds" as easily as "seed 3": say which is meant.
                self.diags.push(
                    Diagnostic::at(Code::WrongType, e.span, "`seeds` takes a list or a range of seeds")
                        .label("a single value")
                        .help("three replicates: `seeds = 1..=3` or `seeds = [1, 2, 3]`; one seed: `seed = 3`"),
                );
                None
            }
            (None, Some(e)) => {
                let mut seeds = Vec::new();
                for (item, env) in self.elements(e, env)? {
                    let seed = match &item.kind {
                        ExprKind::Range { .. } => {
                            let values = self.sweep_values(item, &env)?;
                            seeds.extend(values.into_iter().map(|v| v as u64));
                            continue;
                        }
                        _ => self.int_in(item, "seeds", 0, i64::MAX, &env)?,
                    };
                    seeds.push(seed as u64);
                }
                let mut sorted = seeds.clone();
                sorted.sort_unstable();
                sorted.dedup();
                if sorted.len() != seeds.len() {
                    self.diags.push(
                        Diagnostic::at(Code::Duplicate, e.span, "a seed is repeated")
                            .label("replicates need distinct seeds"),
                    );
                    return None;
                }
                Some(seeds)
            }
            (None, None) => self.header.map(|h| vec![h.seed]),
        }
    }

    fn schedule(&mut self, e: &Expr, steps: Option<i64>, env: &Env) -> Option<Schedule> {
        let (callee, args) = match &e.kind {
            ExprKind::Call { callee, args } => (callee, args.as_slice()),
            ExprKind::Name(id) => (id, &[][..]),
            _ => {
                self.diags.push(
                    self.expected(e, "a schedule: constant(), warmup(steps = ..) or cosine(warmup = .., final = ..)"),
                );
                return None;
            }
        };
        let max = steps.unwrap_or(i64::MAX);
        let s = match callee.name.as_str() {
            "constant" => {
                Params::call(callee, args, &[], e.span, &mut self.diags);
                Schedule::Constant
            }
            "warmup" => {
                let p = Params::call(callee, args, &["steps"], e.span, &mut self.diags);
                Schedule::Warmup { steps: self.int_param(&p, "steps", 0, max, None, env)? as u64 }
            }
            "cosine" => {
                let p = Params::call(callee, args, &["warmup", "final"], e.span, &mut self.diags);
                let warmup = self.int_param(&p, "warmup", 0, max, Some(0), env);
                let fin = self.float_param(&p, "final", 0.0, 1.0, Some(0.0), env);
                Schedule::Cosine { warmup: warmup? as u64, final_fraction: fin? }
            }
            _ => {
                self.diags.push(
                    Diagnostic::at(Code::UnknownName, callee.span, format!("unknown schedule `{}`", callee.name))
                        .label("not a schedule")
                        .help("schedules: constant(), warmup(steps = 500), cosine(warmup = 500, final = 0.1)"),
                );
                return None;
            }
        };
        Some(s)
    }

    /// `curriculum(dims = 2..=8 step 1, points = 5..=16 step 2, every = 400)`.
    fn curriculum(&mut self, e: &Expr, env: &Env) -> Option<Curriculum> {
        let ExprKind::Call { callee, args } = &e.kind else {
            self.diags.push(self.expected(e, "`curriculum(dims = .., points = .., every = ..)`"));
            return None;
        };
        if callee.name != "curriculum" {
            self.diags.push(self.expected(e, "`curriculum(dims = .., points = .., every = ..)`"));
            return None;
        }
        let p = Params::call(callee, args, &["dims", "points", "every"], e.span, &mut self.diags);
        let h = self.header;
        let dims = p.require("dims", &mut self.diags).and_then(|d| self.stage(d, "dims", h.and_then(|h| h.dim), env));
        let points =
            p.require("points", &mut self.diags).and_then(|d| self.stage(d, "points", h.and_then(|h| h.points), env));
        let every = self.int_param(&p, "every", 1, i64::MAX, None, env);
        Some(Curriculum { dims: dims?, points: points?, every: every? as u64 })
    }

    /// `start..=end step inc` or a single value (no change).
    fn stage(&mut self, e: &Expr, what: &str, max: Option<usize>, env: &Env) -> Option<Stage> {
        let hi = max.unwrap_or(usize::MAX) as i64;
        let stage = match &e.kind {
            ExprKind::Range { start, end, inclusive: true, step } => {
                let a = self.int_in(start, what, 1, hi, env);
                let b = self.int_in(end, what, 1, hi, env);
                let inc = match step {
                    Some(s) => self.int_in(s, "step", 1, hi, env),
                    None => Some(1),
                };
                let (a, b, inc) = (a?, b?, inc?);
                if a > b {
                    self.diags.push(
                        Diagnostic::at(
                            Code::OutOfRange,
                            e.span,
                            format!("the curriculum's `{what}` shrinks from {a} to {b}"),
                        )
                        .label("start exceeds end"),
                    );
                    return None;
                }
                Stage { start: a as usize, end: b as usize, inc: inc as usize }
            }
            ExprKind::Range { inclusive: false, .. } => {
                self.diags.push(
                    self.expected(e, "an inclusive range `start..=end`")
                        .help("a curriculum reaches its end value: `2..=8`"),
                );
                return None;
            }
            _ => {
                let v = self.int_in(e, what, 1, hi, env)? as usize;
                Stage { start: v, end: v, inc: 1 }
            }
        };
        Some(stage)
    }
}

/// The name of one run of a swept training: `mix(w = 0.25)`.
pub fn swept_name(family: &str, var: &str, value: f64) -> String {
    format!("{family}({var} = {})", crate::spec::fmt_num(value))
}
