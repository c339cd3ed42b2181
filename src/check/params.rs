//! Named parameters of a block (`{ key = value }`) or a call (`f(a, key = value)`), with the
//! unknown / duplicate / missing checks every construct shares.
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::source::Span;
use crate::syntax::ast::{Arg, Block, Expr, Ident};
use std::collections::BTreeMap;

/// The parameters given to one construct, by name.
pub struct Params<'a> {
    what: String,
    allowed: Vec<&'static str>,
    given: BTreeMap<&'static str, (&'a Ident, &'a Expr)>,
    span: Span,
    /// Keys an unknown key was taken for (`setps` for `steps`): their absence is that same mistake.
    misspelled: Vec<&'static str>,
    /// Set when what would supply the missing keys failed (an unknown recipe).
    quiet: std::cell::Cell<bool>,
}

impl<'a> Params<'a> {
    /// The settings of a block; `what` names the construct in messages.
    pub fn block(
        what: impl Into<String>,
        block: &'a Block,
        allowed: &[&'static str],
        diags: &mut Vec<Diagnostic>,
    ) -> Self {
        let mut p = Params::new(what.into(), allowed, block.span);
        for s in &block.settings {
            p.add(&s.key, &s.value, diags);
        }
        p
    }

    /// The arguments of a call; positional ones take `allowed` in order.
    pub fn call(
        callee: &'a Ident,
        args: &'a [Arg],
        allowed: &[&'static str],
        span: Span,
        diags: &mut Vec<Diagnostic>,
    ) -> Self {
        let mut p = Params::new(format!("`{}`", callee.name), allowed, span);
        for (i, a) in args.iter().enumerate() {
            match &a.name {
                Some(name) => p.add(name, &a.value, diags),
                None => match allowed.get(i) {
                    Some(&key) => {
                        if p.given.insert(key, (callee, &a.value)).is_some() {
                            diags.push(Diagnostic::at(
                                Code::Duplicate,
                                a.value.span,
                                format!("`{key}` is given twice"),
                            ));
                        }
                    }
                    None => diags.push(
                        Diagnostic::at(
                            Code::UnknownParameter,
                            a.value.span,
                            format!("{} takes at most {} argument(s)", p.what, allowed.len()),
                        )
                        .label("one too many")
                        .help(p.listing()),
                    ),
                },
            }
        }
        p
    }

    fn new(what: String, allowed: &[&'static str], span: Span) -> Self {
        let (given, misspelled, quiet) = (BTreeMap::new(), Vec::new(), Default::default());
        Params { what, allowed: allowed.to_vec(), given, span, misspelled, quiet }
    }

    /// Missing keys are no longer reported: what would have supplied them failed, and said so.
    pub fn quiet_missing(&self) {
        self.quiet.set(true);
    }

    fn add(&mut self, key: &'a Ident, value: &'a Expr, diags: &mut Vec<Diagnostic>) {
        match self.allowed.iter().find(|a| **a == key.name) {
            Some(&k) => {
                if let Some((first, _)) = self.given.insert(k, (key, value)) {
                    diags.push(
                        Diagnostic::at(Code::Duplicate, key.span, format!("`{k}` is set twice in {}", self.what))
                            .label("second setting")
                            .help(format!("the first is at byte {}; keep one", first.span.start)),
                    );
                }
            }
            None => {
                let mut d = Diagnostic::at(
                    Code::UnknownParameter,
                    key.span,
                    format!("{} has no parameter `{}`", self.what, key.name),
                )
                .label("unknown parameter");
                d = match did_you_mean(&key.name, self.allowed.iter().copied()) {
                    Some(s) => {
                        self.misspelled.extend(s.0.iter().filter_map(|n| self.allowed.iter().find(|a| *a == n)));
                        d.help(format!("did you mean {s}? {}", self.listing()))
                    }
                    None => d.help(self.listing()),
                };
                diags.push(d);
            }
        }
    }

    fn listing(&self) -> String {
        format!("{} takes: {}", self.what, self.allowed.join(", "))
    }

    /// The value of `key`, if given.
    pub fn get(&self, key: &'static str) -> Option<&'a Expr> {
        debug_assert!(self.allowed.contains(&key), "{key} is not an allowed parameter");
        self.given.get(key).map(|(_, e)| *e)
    }

    /// The value of `key`, or a missing-parameter diagnostic.
    pub fn require(&self, key: &'static str, diags: &mut Vec<Diagnostic>) -> Option<&'a Expr> {
        let found = self.get(key);
        if found.is_none() && !self.quiet.get() && !self.misspelled.contains(&key) {
            diags.push(
                Diagnostic::at(Code::MissingParameter, self.span, format!("{} needs `{key}`", self.what))
                    .label(format!("`{key}` missing here"))
                    .help(self.listing()),
            );
        }
        found
    }
}
