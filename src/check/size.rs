//! The size of the plan a spec makes, counted from the checked lists before anything is expanded:
//! the cap of 10 000 values holds per sweep, and sweeps multiply — 1 000 tasks × 1 000 input
//! distributions are a million evaluation jobs. A spec past a bound is refused here, naming the
//! lists that multiply, instead of exhausting memory in the planner.
use super::Checker;
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::spec::{AtSteps, EvalSpec, TrainSpec};
use crate::syntax::ast::{Block, Ident, ItemKind, Sweep};

/// The most jobs (trainings and evaluations) a plan may hold: each is a folder of the store and a
/// few kilobytes of the plan.
pub const MAX_JOBS: f64 = 20_000.0;
/// The most numbers the evaluations may produce (prompts × predictors × positions k ×
/// snapshots, over every job): 8 GB of f32 that the results keep for their intervals.
pub const MAX_PREDICTIONS: f64 = 2e9;

/// One item's share of the plan: its count and the lists that multiply into it.
struct Share {
    count: f64,
    item: String,
    factors: Vec<(f64, String, Span)>,
}

impl Share {
    /// `item: 1000 tasks × 1000 input distributions`.
    fn describe(&self) -> String {
        let factors: Vec<String> = self.factors.iter().map(|(n, what, _)| format!("{} {what}", count(*n))).collect();
        if factors.is_empty() { self.item.clone() } else { format!("{} ({})", self.item, factors.join(" × ")) }
    }

    /// The span of its largest list, where the diagnostic points.
    fn span(&self, fallback: Span) -> Span {
        self.factors.iter().max_by(|a, b| a.0.total_cmp(&b.0)).map_or(fallback, |f| f.2)
    }
}

/// A count as people write it: `1 000 000`, or `2.1e12` past a trillion.
fn count(n: f64) -> String {
    if n >= 1e12 {
        return format!("{n:.1e}");
    }
    let digits = format!("{}", n as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// The span of a block's setting `key`'s value, if it has one.
fn setting(block: &Block, key: &str) -> Option<Span> {
    block.settings.iter().find(|s| s.key.name == key).map(|s| s.value.span)
}

/// How many snapshots `at` takes of a training of `steps` steps, without listing them.
fn snapshots(at: &AtSteps, steps: u64) -> f64 {
    match at {
        AtSteps::Every { every } => (steps.saturating_sub(1) / (*every).max(1)) as f64,
        AtSteps::List { steps: list } => list.iter().filter(|s| **s < steps).count() as f64,
    }
}

impl Checker<'_> {
    /// Whether a swept training of `values` runs of `seeds` seeds each passes [`MAX_JOBS`] alone
    /// (then refused, so that its runs are never expanded).
    pub(super) fn too_many_runs(
        &mut self,
        name: &Ident,
        sweep: &Sweep,
        block: &Block,
        values: usize,
        seeds: usize,
    ) -> bool {
        let total = values as f64 * seeds as f64;
        if total <= MAX_JOBS {
            return false;
        }
        let mut factors = vec![(values as f64, format!("values of `{}`", sweep.var.name), sweep.span)];
        if let Some(span) = setting(block, "seeds") {
            factors.push((seeds as f64, "seeds".into(), span));
        }
        let share = Share { count: total, item: format!("training `{}`", name.name), factors };
        self.refuse_past(&[(share, sweep.span)], MAX_JOBS, "jobs", "a run holds at most");
        true
    }

    /// Refuses a spec whose plan would pass [`MAX_JOBS`] or [`MAX_PREDICTIONS`].
    pub(super) fn size_bound(&mut self, trainings: &[TrainSpec], evals: &[EvalSpec]) {
        if self.diags.iter().any(|d| d.code == Code::TooLarge) {
            return;
        }
        let points = self.header.and_then(|h| h.points).unwrap_or(1) as f64;
        let (mut jobs, mut predictions) = (Vec::new(), Vec::new());
        let mut anchor = None;
        for item in &self.ast.items {
            match &item.kind {
                ItemKind::Train { name, sweep, block } => {
                    let family: Vec<&TrainSpec> = trainings.iter().filter(|t| t.family == name.name).collect();
                    let runs: f64 = family.iter().map(|t| t.seeds.len() as f64).sum();
                    let mut factors = Vec::new();
                    if let Some(sweep) = sweep {
                        factors.push((family.len() as f64, format!("values of `{}`", sweep.var.name), sweep.span));
                    }
                    if let (Some(span), Some(t)) = (setting(block, "seeds"), family.first()) {
                        factors.push((t.seeds.len() as f64, "seeds".into(), span));
                    }
                    anchor.get_or_insert(item.span);
                    jobs.push((Share { count: runs, item: format!("training `{}`", name.name), factors }, item.span));
                }
                ItemKind::Eval { name, block } => {
                    let Some(e) = evals.iter().find(|e| e.name == name.name) else { continue };
                    let cells = (e.tasks.len() * e.inputs.len().max(1)) as f64;
                    let mut factors = vec![];
                    if let Some(span) = setting(block, "tasks") {
                        factors.push((e.tasks.len() as f64, "tasks".to_string(), span));
                    }
                    if let Some(span) = setting(block, "inputs") {
                        factors.push((e.inputs.len() as f64, "input distributions".to_string(), span));
                    }
                    let item_name = format!("evaluation `{}`", name.name);
                    jobs.push((Share { count: cells, item: item_name.clone(), factors: factors.clone() }, item.span));
                    // Its numbers: every job's prompts × predictors × positions × snapshots.
                    let read: Vec<&TrainSpec> = trainings.iter().filter(|t| e.models.contains(&t.name)).collect();
                    let replicates: f64 = read.iter().map(|t| t.seeds.len() as f64).sum();
                    let predictors = replicates + (e.baselines.len() + e.pruned.len()) as f64;
                    let taken =
                        e.at.as_ref()
                            .map_or(0.0, |at| read.iter().map(|t| snapshots(at, t.setup.steps)).fold(0.0, f64::max));
                    factors.push((e.prompts as f64, "prompts".into(), setting(block, "prompts").unwrap_or(item.span)));
                    factors.push((predictors, "predictors".into(), setting(block, "models").unwrap_or(item.span)));
                    factors.push((points, "positions k".into(), item.span));
                    if taken > 0.0 {
                        factors.push((1.0 + taken, "snapshots".into(), setting(block, "at").unwrap_or(item.span)));
                    }
                    let numbers = cells * e.prompts as f64 * predictors * points * (1.0 + taken);
                    predictions.push((Share { count: numbers, item: item_name, factors }, item.span));
                }
                _ => {}
            }
        }
        self.refuse_past(&jobs, MAX_JOBS, "jobs", "a run holds at most");
        self.refuse_past(&predictions, MAX_PREDICTIONS, "numbers", "the results keep at most");
    }

    /// One error when the shares add up to more than `max`, at the largest share's largest list.
    fn refuse_past(&mut self, shares: &[(Share, Span)], max: f64, what: &str, limit: &str) {
        let total: f64 = shares.iter().map(|(s, _)| s.count).sum();
        if total <= max {
            return;
        }
        let Some((largest, span)) = shares.iter().max_by(|a, b| a.0.count.total_cmp(&b.0.count)) else { return };
        let parts: Vec<String> =
            shares.iter().filter(|(s, _)| s.count >= max / 100.0).map(|(s, _)| s.describe()).collect();
        self.diags.push(
            Diagnostic::at(
                Code::TooLarge,
                largest.span(*span),
                format!("the plan would hold {} {what}; {limit} {}", count(total), count(max)),
            )
            .label(format!("{} {what} from {}", count(largest.count), largest.describe()))
            .help(format!(
                "the lists multiply: {}; sweep fewer values, split the experiment into specs, or evaluate fewer prompts",
                parts.join(", ")
            )),
        );
    }
}
