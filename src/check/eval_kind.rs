//! An evaluation's kind, decided once from what it names and held to: every task and model of
//! one kind, and no baselines or input distributions where the kind draws no inputs.
//! What each kind checks beyond that is its own (`language_evals`, `pattern_evals`).
use super::{Checker, Params};
use crate::source::Span;
use crate::spec::{Baseline, TaskKind, TaskSpec, TrainSpec};

impl Checker<'_> {
    /// The kind an evaluation's tasks and models name: the first named that is not the default
    /// (regression), in the order written, tasks first; the default when none is.
    pub(super) fn eval_kind(&self, tasks: &[TaskSpec], models: &[&TrainSpec]) -> TaskKind {
        let classes = tasks.iter().map(|t| &t.class).chain(models.iter().map(|m| &m.data.class));
        classes.filter_map(|c| crate::tasks::kind_of(c).ok()).find(|k| *k != TaskKind::default()).unwrap_or_default()
    }

    /// Whether every task and model of an evaluation is of `kind`, and it names no baselines or
    /// inputs where `kind` draws none; false after reporting what does not fit.
    pub(super) fn of_one_kind(
        &mut self,
        kind: TaskKind,
        p: &Params,
        tasks: &[TaskSpec],
        models: &[&TrainSpec],
        baselines: &[Baseline],
        block: Span,
    ) -> bool {
        let span_of = |key: &'static str| p.get(key).map_or(block, |e| e.span);
        let words = kind.words();
        let help = format!("a {} holds {} and {}: {}", words.evaluation, words.data, words.model, words.example);
        let mut ok = true;
        let other = |class| crate::tasks::kind_of(class).is_ok_and(|k| k != kind);
        for t in tasks.iter().filter(|t| other(&t.class)) {
            ok = false;
            let message = format!("`{}` is no {}; this evaluation {}", t.name, bare(words.data), words.does);
            self.refuse(span_of("tasks"), message, &format!("not {}", words.data), &help);
        }
        for m in models.iter().filter(|m| other(&m.data.class)) {
            ok = false;
            let message = format!("`{}` is no {}; this evaluation {}", m.name, bare(words.model), words.does);
            self.refuse(span_of("models"), message, &format!("not {}", words.model), &help);
        }
        if kind.draws_inputs() {
            return ok;
        }
        if !baselines.is_empty() {
            ok = false;
            let message = format!("a {} has no baselines", words.evaluation);
            let compare = format!("compare {}s with each other", bare(words.model));
            self.refuse(span_of("baselines"), message, "baselines fit drawn (x, y) pairs", &compare);
        }
        if p.get("inputs").is_some() {
            ok = false;
            let message = format!("a {} draws no inputs", words.evaluation);
            self.refuse(span_of("inputs"), message, &format!("{} brings its own", words.data), "leave `inputs` out");
        }
        ok
    }
}

/// A noun without its article ("a language" → "language"), after "is no".
fn bare(noun: &str) -> &str {
    noun.strip_prefix("a ").unwrap_or(noun)
}
