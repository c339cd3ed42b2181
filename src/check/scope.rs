//! The spec's names: what each one defines and whether anything uses it.
use super::Baseline;
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::source::Span;
use crate::syntax::ast::{Ast, Ident, ItemKind};
use std::cell::Cell;
use std::collections::BTreeMap;

/// What a name defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `let`
    Const,
    /// `class`
    Class,
    /// `model`
    Model,
    /// `train`
    Train,
    /// `eval`
    Eval,
    /// `figure`
    Figure,
}

impl Kind {
    /// The kind in words, with an article.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Const => "a constant",
            Kind::Class => "a function class",
            Kind::Model => "a model",
            Kind::Train => "a training run",
            Kind::Eval => "an evaluation",
            Kind::Figure => "a figure",
        }
    }
}

/// One definition.
#[derive(Debug)]
pub struct Def {
    /// Its kind.
    pub kind: Kind,
    /// Where the name is written.
    pub span: Span,
    /// Index of the defining item.
    pub item: usize,
    used: Cell<bool>,
}

/// Every top-level name of a spec.
#[derive(Debug, Default)]
pub struct Scope {
    defs: BTreeMap<String, Def>,
}

impl Scope {
    /// Collects the definitions, reporting duplicates.
    pub fn collect(ast: &Ast, diags: &mut Vec<Diagnostic>) -> Scope {
        let mut scope = Scope::default();
        for (i, item) in ast.items.iter().enumerate() {
            let (name, kind) = match &item.kind {
                ItemKind::Let { name, .. } => (name, Kind::Const),
                ItemKind::Class { name, .. } => (name, Kind::Class),
                ItemKind::Model { name, .. } => (name, Kind::Model),
                ItemKind::Train { name, .. } => (name, Kind::Train),
                ItemKind::Eval { name, .. } => (name, Kind::Eval),
                ItemKind::Figure { name, .. } => (name, Kind::Figure),
                ItemKind::Experiment { .. } | ItemKind::Claim { .. } => continue,
            };
            // Trainings stand where baselines do (an evaluation's predictors, a claim's second
            // argument), and so do the names of evaluations and models in a reader's eye. A class
            // only ever names a task (`class tree = decision_tree(...)` is Garg et al.'s name).
            let predictor_like = matches!(kind, Kind::Train | Kind::Eval | Kind::Model);
            if predictor_like && Baseline::TABLE.iter().any(|(b, _, _)| *b == name.name) {
                diags.push(
                    Diagnostic::at(Code::BaselineName, name.span, format!("`{}` is the name of a baseline", name.name))
                        .label("named like a baseline")
                        .help(format!(
                            "evaluations and claims name models and baselines alike; rename it (e.g. `{}_model`)",
                            name.name
                        )),
                );
            }
            if let Some(first) = scope.defs.get(&name.name) {
                diags.push(
                    Diagnostic::at(Code::Duplicate, name.span, format!("`{}` is defined twice", name.name))
                        .label("second definition")
                        .help(format!(
                            "it is already {} (byte {}); rename one",
                            first.kind.describe(),
                            first.span.start
                        )),
                );
                continue;
            }
            scope.defs.insert(name.name.clone(), Def { kind, span: name.span, item: i, used: Cell::new(false) });
        }
        scope
    }

    /// Resolves a name that must be of kind `want`, marking it used.
    pub fn resolve(&self, ident: &Ident, want: Kind) -> Result<&Def, Diagnostic> {
        match self.defs.get(&ident.name) {
            Some(def) if def.kind == want => {
                def.used.set(true);
                Ok(def)
            }
            Some(def) => Err(Diagnostic::at(
                Code::WrongKind,
                ident.span,
                format!("`{}` is {}, but {} is expected here", ident.name, def.kind.describe(), want.describe()),
            )
            .label(format!("expected {}", want.describe()))),
            None => Err(self.unknown(ident, want, &[])),
        }
    }

    /// An unknown-name diagnostic suggesting names of kind `want` and the `extra` words.
    pub fn unknown(&self, ident: &Ident, want: Kind, extra: &[&str]) -> Diagnostic {
        let names: Vec<&str> = self
            .defs
            .iter()
            .filter(|(_, d)| d.kind == want)
            .map(|(n, _)| n.as_str())
            .chain(extra.iter().copied())
            .collect();
        let d = Diagnostic::at(Code::UnknownName, ident.span, format!("unknown name `{}`", ident.name))
            .label(format!("not {}", want.describe()));
        match did_you_mean(&ident.name, names.iter().copied()) {
            Some(s) => d.help(format!("did you mean {s}?")),
            None if names.is_empty() => d.help(format!("define {} with this name", want.describe())),
            None => d.help(format!("known: {}", names.join(", "))),
        }
    }

    /// The definition of a name, if any (does not mark it used).
    pub fn get(&self, name: &str) -> Option<&Def> {
        self.defs.get(name)
    }

    /// Marks a name used.
    pub fn mark_used(&self, name: &str) {
        if let Some(d) = self.defs.get(name) {
            d.used.set(true);
        }
    }

    /// Warnings for classes, models and trainings that nothing uses. A name written anywhere else
    /// counts as used even where that use had an error: the error says what is wrong there, and
    /// "never used" would send the reader after the wrong line.
    pub fn unused(&self, ast: &Ast) -> Vec<Diagnostic> {
        let mut written = std::collections::BTreeSet::new();
        for item in &ast.items {
            item.for_each_name(&mut |id| {
                written.insert(id.name.clone());
            });
        }
        self.defs
            .iter()
            .filter(|(n, d)| !d.used.get() && !written.contains(*n))
            .filter(|(_, d)| matches!(d.kind, Kind::Class | Kind::Model | Kind::Train | Kind::Const))
            .map(|(n, d)| {
                Diagnostic::at(Code::Unused, d.span, format!("{} `{n}` is never used", d.kind.describe()))
                    .label("unused")
                    .help("remove it, or refer to it where it was meant to be used")
                    .warning()
            })
            .collect()
    }
}
