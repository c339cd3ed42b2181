//! The settings of a language model's or classifier's training: its data must suit its model (and
//! an `init` file both), a language fit its context, the training variants' `completions`,
//! `select = last | lowest_loss`, and a classifier's `loss = hinge | logistic`.
use super::{Checker, Env, Params};
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::spec::{Completions, ModelSpec, Objective, TaskSpec, Variant};
use crate::syntax::ast::{Expr, ExprKind};

/// The most weights `select = lowest_loss` compares.
const MAX_SELECTED: u64 = 1000;

impl Checker<'_> {
    /// A language for a language model, a function class for the regression model, pattern data
    /// for the pattern classifier, and every word within a language model's context.
    pub(super) fn data_suits_model(&mut self, d: &TaskSpec, span: Span, m: &ModelSpec) -> Option<()> {
        let kind = crate::tasks::kind_of(&d.class).ok()?;
        if !m.arch.learns(kind.batch()) {
            let (help, reads) = (kind.words().learn, m.arch.reads().describe());
            self.diags.push(
                Diagnostic::at(
                    Code::NotApplicable,
                    span,
                    format!("`{}` is {} data, and this model reads {reads}", d.name, kind.describe()),
                )
                .label("not this model's data")
                .help(help),
            );
            return None;
        }
        if let (Some(context), Ok(lang)) = (m.arch.context(), crate::tasks::language_of(&d.class)) {
            self.fits_context(span, &d.name, lang.as_ref(), context)?;
        }
        Some(())
    }

    /// An `init` file only for a model and data that can load one (refused here, not after the
    /// trainings before it have run).
    pub(super) fn init_fits(&mut self, span: Span, model: Option<&ModelSpec>, data: Option<&TaskSpec>) -> Option<()> {
        let (Some(m), Some(d)) = (model, data) else { return Some(()) };
        let batch = crate::tasks::kind_of(&d.class).ok()?.batch();
        if m.arch.loads_checkpoint(batch) {
            return Some(());
        }
        self.diags.push(
            Diagnostic::at(
                Code::NotApplicable,
                span,
                "only a transformer learning (x, y) pairs starts from a checkpoint",
            )
            .label("no checkpoint format for this model and data")
            .help("leave `init` out: this training starts from its model's init policy"),
        );
        None
    }

    /// Every word of `lang`, framed, fits a language model's `context` (its loss reads them whole).
    pub(super) fn fits_context(
        &mut self,
        span: Span,
        name: &str,
        lang: &dyn crate::tasks::languages::Language,
        context: usize,
    ) -> Option<()> {
        let need = lang.longest_framed();
        if need <= context {
            return Some(());
        }
        self.diags.push(
            Diagnostic::at(
                Code::OutOfRange,
                span,
                format!("the longest word of `{name}` is {need} tokens with SOS and EOS"),
            )
            .label(format!("beyond a context of {context}"))
            .help(format!("give the model `context = {need}` or more, or bound the language lower")),
        );
        None
    }

    /// `select = last | lowest_loss`: lowest loss for a language model only, at a bounded number of
    /// kept weights.
    pub(super) fn select(
        &mut self,
        e: &Expr,
        model: Option<&crate::spec::ModelSpec>,
        steps: Option<i64>,
        every: Option<i64>,
    ) -> Option<crate::spec::Select> {
        use crate::spec::Select;
        let select = self.keyword(
            e,
            &[("last", Select::Last), ("lowest_loss", Select::LowestLoss)],
            "`select = lowest_loss` keeps the weights with the lowest loss on the language's words",
        )?;
        if select == Select::LowestLoss && model.is_some_and(|m| m.arch.is_regression()) {
            self.diags.push(
                Diagnostic::at(Code::NotApplicable, e.span, "`lowest_loss` selects a language model's weights")
                    .label("a regression model")
                    .help("a regression training keeps its last weights"),
            );
            return None;
        }
        let kept = steps.zip(every).map_or(0, |(s, k)| crate::spec::selection_count(s as u64, k as u64));
        if select == Select::LowestLoss && kept > MAX_SELECTED {
            self.diags.push(
                Diagnostic::at(Code::OutOfRange, e.span, format!("`lowest_loss` would keep the weights of {kept} steps"))
                    .label("too many to compare")
                    .help(format!("it compares the weights of every `checkpoint_every` steps, at most {MAX_SELECTED}: raise `checkpoint_every`")),
            );
            return None;
        }
        Some(select)
    }

    /// `adversarial(weight = 0.1, batch = 32, length = 8)` or `oracle(…)`: defined for aⁿbⁿ, as in
    /// the reference code.
    pub(super) fn completions(
        &mut self,
        e: &Expr,
        data: Option<&crate::spec::TaskSpec>,
        env: &Env,
    ) -> Option<Completions> {
        let ExprKind::Call { callee, args } = &e.kind else {
            self.diags.push(self.expected(e, "`adversarial(weight = .., batch = .., length = ..)` or `oracle(…)`"));
            return None;
        };
        let variant = match callee.name.as_str() {
            "adversarial" => Variant::Adversarial,
            "oracle" => Variant::Oracle,
            _ => {
                self.diags.push(self.expected(e, "`adversarial(…)` or `oracle(…)`"));
                return None;
            }
        };
        let p = Params::call(callee, args, &["weight", "batch", "length"], e.span, &mut self.diags);
        let weight = self.float_param(&p, "weight", 0.0, 1e3, None, env);
        let batch = self.int_param(&p, "batch", 1, 100_000, Some(32), env);
        let length = self.int_param(&p, "length", 1, 16, Some(8), env);
        // The language answers whether it has the variant's completions (an empty prompt asks).
        let defined = data
            .is_some_and(|d| crate::tasks::language_of(&d.class).is_ok_and(|l| l.completion(variant, &[]).is_some()));
        if data.is_some() && !defined {
            self.diags.push(
                Diagnostic::at(
                    Code::NotApplicable,
                    e.span,
                    format!("`{}` completions are not defined for this data", callee.name),
                )
                .label("not this training's data")
                .help("the reference code defines the adversarial and oracle completions for aⁿbⁿ only"),
            );
            return None;
        }
        Some(Completions { variant, weight: weight?, batch: batch? as usize, length: length? as usize })
    }

    /// `loss = hinge | logistic`: a classification training's objective.
    pub(super) fn classification_loss(&mut self, e: &Expr, data: Option<&TaskSpec>) -> Option<Option<Objective>> {
        let loss = self.keyword(
            e,
            &Objective::CLASSIFICATION,
            "a classifier minimises the hinge loss (the paper's) or the logistic loss",
        )?;
        if let Some(d) = data
            && let Ok(kind) = crate::tasks::kind_of(&d.class)
            && !kind.losses().iter().any(|(_, o)| *o == loss)
        {
            self.diags.push(
                Diagnostic::at(Code::NotApplicable, e.span, format!("`{}` is {} data", d.name, kind.describe()))
                    .label("no labels to classify")
                    .help(format!("`loss` chooses a classifier's objective; {} data has its own", kind.describe())),
            );
            return None;
        }
        Some(Some(loss))
    }
}
