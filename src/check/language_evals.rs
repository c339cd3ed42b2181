//! What a language evaluation checks of its own (its kind, one throughout, is `eval_kind`'s):
//! each model trained on the languages' symbols; `prompts = all(length = L)` and
//! `decode = greedy(max_new = N)` or `sample(temperature = T, max_new = N)`, within each model's
//! context.
use super::{Checker, Env, Params};
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::spec::{Completing, Decode, Prompts, TaskSpec, TrainSpec};
use crate::syntax::ast::{Expr, ExprKind};
use crate::tasks::languages::Language;

/// The most prompts one language evaluation completes (|symbols|^L).
const MAX_PROMPTS: usize = 1 << 20;

impl Checker<'_> {
    /// What a language evaluation checks of its own: no selected model read at steps, and each
    /// model trained on the symbols of the languages it is prompted with, within its context;
    /// false after reporting what does not fit.
    pub(super) fn language_eval_fits(
        &mut self,
        p: &Params,
        tasks: &[TaskSpec],
        models: &[&TrainSpec],
        block: Span,
    ) -> bool {
        let span_of = |key: &'static str| p.get(key).map_or(block, |e| e.span);
        let mut ok = true;
        // A selected model's weights are of some step of each replicate's own: reading it at
        // steps as well would mix the two.
        if let Some(t) = models.iter().find(|t| t.setup.select == crate::spec::Select::LowestLoss)
            && p.get("at").is_some()
        {
            ok = false;
            self.refuse(
                span_of("at"),
                format!("`{}` keeps the weights of its lowest loss (`select = lowest_loss`)", t.name),
                "steps and a selection would mix",
                "read a selected model without `at`, or train it with `select = last`",
            );
        }
        // A model reads the symbols it was trained on: the languages must share them.
        for t in tasks {
            let Ok(lang) = crate::tasks::language_of(&t.class) else { continue };
            for m in models {
                if let Some(context) = m.setup.model.arch.context()
                    && self.fits_context(span_of("tasks"), &t.name, lang.as_ref(), context).is_none()
                {
                    ok = false;
                }
                let Ok(trained) = crate::tasks::language_of(&m.data.class) else { continue };
                if trained.symbols() != lang.symbols() {
                    ok = false;
                    let spell = |s: &[char]| s.iter().collect::<String>();
                    self.refuse(
                        span_of("tasks"),
                        format!(
                            "`{}` was trained on the symbols `{}`; `{}` is written in `{}`",
                            m.name,
                            spell(trained.symbols()),
                            t.name,
                            spell(lang.symbols())
                        ),
                        "other symbols",
                        "prompt a language model with the language it learned",
                    );
                }
            }
        }
        ok
    }

    /// An E0110 diagnostic at a setting.
    pub(super) fn refuse(&mut self, span: Span, message: String, label: &str, help: &str) {
        self.diags.push(Diagnostic::at(Code::NotApplicable, span, message).label(label).help(help));
    }

    /// `prompts = all(length = L)` (or a list) and `decode = …`: the prompts' number and how they
    /// are completed.
    pub(super) fn completing(
        &mut self,
        p: &Params,
        block: Span,
        task: Option<&TaskSpec>,
        models: &[&TrainSpec],
    ) -> Option<(usize, Completing)> {
        let env: Env = vec![];
        let help = "a language evaluation completes every string of L symbols, `prompts = all(length = 8)`, or the prompts listed: `prompts = [\"aab\", \"ba\"]`";
        let Some(e) = p.get("prompts") else {
            self.diags.push(
                Diagnostic::at(Code::MissingParameter, block, "which prompts does this evaluation complete?")
                    .help(help),
            );
            return None;
        };
        let lang = task.and_then(|t| crate::tasks::language_of(&t.class).ok());
        let (prompts, count, length) = match &e.kind {
            ExprKind::Call { callee, args } if callee.name == "all" => {
                let a = Params::call(callee, args, &["length"], e.span, &mut self.diags);
                let length = self.int_param(&a, "length", 1, 64, None, &env)? as usize;
                let symbols = lang.as_ref().map_or(2, |l| l.symbols().len());
                let count = symbols.checked_pow(length as u32).filter(|n| *n <= MAX_PROMPTS);
                let Some(count) = count else {
                    self.diags.push(
                        Diagnostic::at(
                            Code::OutOfRange,
                            e.span,
                            format!("{symbols}^{length} prompts of length {length}"),
                        )
                        .label("too many to complete")
                        .help(format!("at most {MAX_PROMPTS} prompts: shorten them")),
                    );
                    return None;
                };
                (Prompts::All { length }, count, length)
            }
            ExprKind::List(items) => {
                let words = self.listed_prompts(e, items, lang.as_deref())?;
                let longest = words.iter().map(|w| w.chars().count()).max().unwrap_or(0);
                (Prompts::Listed { words: words.clone() }, words.len(), longest)
            }
            _ => {
                self.diags.push(self.expected(e, "`all(length = L)` or a list of prompts").help(help));
                return None;
            }
        };
        // By default a completion may fill the shortest context: SOS, the prompt, the new tokens.
        let room = models.iter().filter_map(|t| t.setup.model.arch.context()).min().unwrap_or(64);
        let fill = room.saturating_sub(length + 1).max(1) as i64;
        let decode = match p.get("decode") {
            None => Decode::Greedy { max_new: fill as usize },
            Some(d) => self.decode(d, fill)?,
        };
        for t in models {
            let Some(context) = t.setup.model.arch.context() else { continue };
            let need = 1 + length + decode.max_new();
            if need > context {
                let span = p.get("decode").map_or(e.span, |d| d.span);
                self.diags.push(
                    Diagnostic::at(
                        Code::OutOfRange,
                        span,
                        format!(
                            "SOS, {length} prompt symbols and {} new tokens are {need} positions; `{}` reads {context}",
                            decode.max_new(),
                            t.name
                        ),
                    )
                    .label("beyond the model's context")
                    .help(format!(
                        "at most {} new tokens after prompts of {length}, or a model with a longer `context`",
                        context.saturating_sub(length + 1)
                    )),
                );
                return None;
            }
        }
        Some((count, Completing { prompts, decode }))
    }

    /// `["aab", "ba"]`: distinct, non-empty strings of the language's symbols.
    fn listed_prompts(&mut self, e: &Expr, items: &[Expr], lang: Option<&dyn Language>) -> Option<Vec<String>> {
        let mut words: Vec<String> = Vec::new();
        let mut ok = true;
        for item in items {
            let ExprKind::Str(w) = &item.kind else {
                self.diags.push(self.expected(item, "a prompt written in the language's symbols: `\"aab\"`"));
                ok = false;
                continue;
            };
            let unreadable = lang.is_some_and(|l| l.read(w).is_none());
            if w.is_empty() || unreadable {
                let symbols = lang.map_or_else(String::new, crate::tasks::languages::symbols);
                self.diags.push(
                    Diagnostic::at(Code::OutOfRange, item.span, format!("`{w}` is no prompt of this language"))
                        .label("not its symbols")
                        .help(format!("a prompt is one or more of the symbols `{symbols}`")),
                );
                ok = false;
            } else if words.contains(w) {
                self.diags.push(
                    Diagnostic::at(Code::Duplicate, item.span, format!("prompt `{w}` appears twice")).label("again"),
                );
                ok = false;
            } else {
                words.push(w.clone());
            }
        }
        if words.is_empty() && ok {
            self.diags.push(Diagnostic::at(Code::OutOfRange, e.span, "no prompts to complete").label("empty"));
            return None;
        }
        ok.then_some(words)
    }

    /// `greedy(max_new = N)` or `sample(temperature = T, max_new = N)`.
    fn decode(&mut self, e: &crate::syntax::ast::Expr, fill: i64) -> Option<Decode> {
        let env: Env = vec![];
        let help = "`decode = greedy(max_new = 40)` or `decode = sample(temperature = 1, max_new = 40)`";
        let (callee, args) = match &e.kind {
            ExprKind::Call { callee, args } => (callee, args.as_slice()),
            ExprKind::Name(id) => (id, &[][..]),
            _ => {
                self.diags.push(self.expected(e, "a decoding").help(help));
                return None;
            }
        };
        match callee.name.as_str() {
            "greedy" => {
                let a = Params::call(callee, args, &["max_new"], e.span, &mut self.diags);
                let max_new = self.int_param(&a, "max_new", 1, 1 << 16, Some(fill), &env)? as usize;
                Some(Decode::Greedy { max_new })
            }
            "sample" => {
                let a = Params::call(callee, args, &["temperature", "max_new"], e.span, &mut self.diags);
                let temperature = self.float_param(&a, "temperature", 1e-3, 1e3, Some(1.0), &env);
                let max_new = self.int_param(&a, "max_new", 1, 1 << 16, Some(fill), &env);
                Some(Decode::Sample { temperature: temperature?, max_new: max_new? as usize })
            }
            other => {
                self.diags.push(
                    Diagnostic::at(Code::UnknownName, callee.span, format!("unknown decoding `{other}`"))
                        .label("not a decoding")
                        .help(help),
                );
                None
            }
        }
    }
}
