//! Formal languages as task families of token sequences (Reizinger et al. 2024; Mészáros et al.
//! 2024): a generator of the grammatical words, a membership test, the rules a word may keep or
//! break, and the prompts that split into in-distribution (a prefix of some grammatical word) and
//! out-of-distribution. Token ids follow the reference code: the language's symbols first
//! (`a` = 0, `b` = 1, …), then SOS, EOS and PAD.
mod anbn;
mod anbncn;
mod batch;
mod completions;
mod dyck;
mod minimum_loss;
mod prompts;
mod score;

pub use anbn::Anbn;
pub use anbncn::Anbncn;
pub use batch::TokenBatch;
pub use completions::{Variant, ood_completions};
pub use dyck::Dyck;
pub use minimum_loss::minimum_loss;
pub use prompts::{PromptSplit, all_prompts, listed_prompts, symbols};
pub use score::{Completion, metric_names, metrics, score};

use crate::rng::Rng;

/// A token id.
pub type Token = u32;

/// A rule a word keeps or breaks (aⁿbⁿ's R1: as many a's as b's); a spec names it by its place
/// among [`Language::rules`] (`r1` the first, [`crate::spec::LanguageMetric::Rule`]).
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// What it says, for documentation and reports.
    pub description: &'static str,
    /// Whether a word (symbols only) keeps it.
    pub holds: fn(&[Token]) -> bool,
    /// Whether the new tokens alone keep or break it, whatever the prompt did: true of an order
    /// (no a after a b), not of a count or a matching, which belong to the whole word (the rule
    /// then has no `_completion` metric).
    pub of_completion: bool,
}

/// A formal language over a few symbols.
pub trait Language: Send + Sync {
    /// The symbols, in token order (`['a', 'b']`).
    fn symbols(&self) -> &'static [char];
    /// Every grammatical word the language's bounds allow, shortest first (symbols only).
    fn words(&self) -> Vec<Vec<Token>>;
    /// Whether a word is grammatical.
    fn is_member(&self, word: &[Token]) -> bool;
    /// Whether some grammatical word starts with `word`, ignoring the language's length bound
    /// (the reference's in-distribution test for prompts).
    fn is_prefix(&self, word: &[Token]) -> bool;
    /// The rules, R1 first.
    fn rules(&self) -> &'static [Rule];

    /// The completion (ending in EOS) a training variant teaches for an OOD prompt; `None` for a
    /// language the variants are not defined on (the reference defines them for aⁿbⁿ only).
    fn completion(&self, _variant: Variant, _prompt: &[Token]) -> Option<Vec<Token>> {
        None
    }

    /// Start of sequence.
    fn sos(&self) -> Token {
        self.symbols().len() as Token
    }
    /// End of sequence.
    fn eos(&self) -> Token {
        self.sos() + 1
    }
    /// Padding, ignored by the loss.
    fn pad(&self) -> Token {
        self.sos() + 2
    }
    /// Symbols and the three special tokens.
    fn vocab(&self) -> usize {
        self.symbols().len() + 3
    }
    /// `SOS word EOS`.
    fn frame(&self, word: &[Token]) -> Vec<Token> {
        let mut out = Vec::with_capacity(word.len() + 2);
        out.push(self.sos());
        out.extend_from_slice(word);
        out.push(self.eos());
        out
    }
    /// A word as text (`aabb`).
    fn spell(&self, word: &[Token]) -> String {
        let symbols = self.symbols();
        word.iter()
            .map(|&t| match t {
                t if (t as usize) < symbols.len() => symbols[t as usize],
                t if t == self.sos() => '^',
                t if t == self.eos() => '$',
                _ => '_',
            })
            .collect()
    }
    /// The longest word framed (`SOS word EOS`): the context a model needs to read every word.
    fn longest_framed(&self) -> usize {
        self.words().iter().map(Vec::len).max().unwrap_or(0) + 2
    }
    /// A word written in the symbols (`aabb`), or `None` if a character is none of them.
    fn read(&self, text: &str) -> Option<Vec<Token>> {
        text.chars().map(|c| self.symbols().iter().position(|s| *s == c).map(|i| i as Token)).collect()
    }
    /// `n` grammatical words drawn uniformly from [`Language::words`] (the reference's sampled
    /// variant); [`draw`] from a list already made.
    fn sample(&self, rng: &mut Rng, n: usize) -> Vec<Vec<Token>> {
        draw(&self.words(), rng, n)
    }
}

/// `n` items drawn uniformly, with replacement (none from an empty list).
pub fn draw<T: Clone>(items: &[T], rng: &mut Rng, n: usize) -> Vec<T> {
    use rand::Rng as _;
    if items.is_empty() {
        return Vec::new();
    }
    (0..n).map(|_| items[rng.random_range(0..items.len())].clone()).collect()
}

/// How many of `word`'s tokens are `t`.
pub(crate) fn count(word: &[Token], t: Token) -> usize {
    word.iter().filter(|&&x| x == t).count()
}

/// Whether every `earlier` token precedes every `later` one (no `earlier` after a `later`).
pub(crate) fn ordered(word: &[Token], earlier: Token, later: Token) -> bool {
    let first_later = word.iter().position(|&t| t == later);
    let last_earlier = word.iter().rposition(|&t| t == earlier);
    match (first_later, last_earlier) {
        (Some(l), Some(e)) => e < l,
        _ => true,
    }
}

/// Every word of length `len` over `k` symbols, in lexicographic order (`len` ≤ 20 or so).
pub(crate) fn all_words(k: usize, len: usize) -> Vec<Vec<Token>> {
    let total = k.pow(len as u32);
    (0..total)
        .map(|mut i| {
            let mut w = vec![0; len];
            for slot in w.iter_mut().rev() {
                *slot = (i % k) as Token;
                i /= k;
            }
            w
        })
        .collect()
}
