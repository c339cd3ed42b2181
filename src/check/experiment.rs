//! The `experiment` block: the master seed, and the shape of real-valued prompts (`dim`, `points`),
//! which a spec of formal languages alone does without.
use super::{Checker, EvalSpec, TrainSpec};
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::ItemKind;

/// The experiment block's values.
#[derive(Debug, Clone, Copy)]
pub(super) struct Header {
    pub seed: u64,
    /// Input dimension d; `None` when the block sets none.
    pub dim: Option<usize>,
    /// Points per prompt; `None` when the block sets none.
    pub points: Option<usize>,
    /// The block's braces, where a missing `dim` or `points` is reported.
    pub span: Span,
}

/// What `experiment` takes.
const EXPERIMENT_KEYS: &[&str] = &["seed", "dim", "points"];

impl Checker<'_> {
    /// The header, or `None` when the block is absent or one of its values has an error.
    pub(super) fn experiment(&mut self) -> Option<Header> {
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
                Diagnostic::at(Code::Experiment, Span::new(0, 0), "the spec has no `experiment` block")
                    .help("start the spec with `experiment \"name\" { seed = 1  dim = 5  points = 11 }`"),
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
        let p = super::Params::block("`experiment`", block, EXPERIMENT_KEYS, &mut self.diags);
        let seed = self.int_param(&p, "seed", 0, i64::MAX, None, &vec![]);
        // Absent is fine here; whether a task needs them is known once the tasks are checked.
        let mut shape = |key, hi| match p.get(key) {
            None => Some(None),
            Some(e) => self.int_in(e, key, 1, hi, &vec![]).map(|v| Some(v as usize)),
        };
        let (dim, points) = (shape("dim", 1024), shape("points", 4096));
        Some(Header { seed: seed? as u64, dim: dim?, points: points?, span: block.span })
    }

    /// The experiment's name, as written.
    pub(super) fn experiment_name(&self) -> String {
        self.ast
            .items
            .iter()
            .find_map(|i| match &i.kind {
                ItemKind::Experiment { name, .. } => Some(name.value.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// Reports a `dim` or `points` the block lacks when a training or an evaluation draws
    /// real-valued prompts (regression or classification): one error, naming the first that does.
    pub(super) fn shape_needed(&mut self, trainings: &[TrainSpec], evals: &[EvalSpec]) {
        let Some(h) = self.header else { return };
        let missing: Vec<&str> =
            [("dim", h.dim.is_none()), ("points", h.points.is_none())].iter().filter(|m| m.1).map(|m| m.0).collect();
        if missing.is_empty() || self.shape_reported {
            return;
        }
        let reads_vectors = |class| crate::tasks::kind_of(class).is_ok_and(|k| k.reads_vectors());
        let trained = trainings
            .iter()
            .find(|t| reads_vectors(&t.data.class))
            .map(|t| format!("training `{}` draws its prompts from `{}`", t.family, t.data.name));
        let evaluated = || {
            evals.iter().find_map(|e| {
                let t = e.tasks.iter().find(|t| reads_vectors(&t.class))?;
                Some(format!("evaluation `{}` prompts with `{}`", e.name, t.name))
            })
        };
        let Some(reader) = trained.or_else(evaluated) else { return };
        let keys = missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" and ");
        self.diags.push(
            Diagnostic::at(Code::MissingParameter, h.span, format!("the `experiment` block needs {keys}: {reader}"))
                .label(format!("{keys} missing here"))
                .help(
                    "regression and classification prompts hold `points` inputs of `dim` numbers: set both \
                     (`dim = 5  points = 11`); a spec of formal languages alone needs neither",
                ),
        );
    }
}
