//! The lowest test loss a language model can reach on a language: the next-token cross-entropy,
//! averaged over every target token as training and `test_loss` average it, of the predictor that
//! knows the words — after a prefix, each next token in proportion to the words that continue the
//! prefix with it. A model at this loss has learned the language; a test loss above it is what
//! is left to learn.
use super::Token;
use std::collections::HashMap;

/// The minimal mean next-token cross-entropy (nats) on a language's distinct `words`, each once,
/// its symbols and EOS the targets (as [`super::TokenBatch::framed`] makes them).
pub fn minimum_loss(words: &[Vec<Token>]) -> f64 {
    // How many words pass through each prefix: a symbol after a prefix is as likely as the words
    // through the longer prefix, and EOS after a whole word as that one word (they are distinct).
    let mut through: HashMap<&[Token], usize> = HashMap::new();
    for w in words {
        for i in 0..=w.len() {
            *through.entry(&w[..i]).or_default() += 1;
        }
    }
    let (mut nats, mut targets) = (0.0, 0usize);
    for w in words {
        for i in 0..=w.len() {
            let continuing = if i < w.len() { through[&w[..=i]] } else { 1 };
            nats -= (continuing as f64 / through[&w[..i]] as f64).ln();
            targets += 1;
        }
    }
    if targets == 0 { 0.0 } else { nats / targets as f64 }
}

#[cfg(test)]
mod tests {
    use super::super::{Anbn, Dyck, Language};
    use super::*;

    #[test]
    fn the_minimum_is_the_uncertainty_of_where_a_word_turns_and_ends() {
        // aⁿbⁿ, n ≤ N: after aᵏ the word turns to b with probability 1/(N − k + 1); the rest is
        // forced. Targets: Σ (2n + 1) over n.
        for n in [1usize, 4, 16] {
            let x_ln_x = |x: usize| if x == 0 { 0.0 } else { x as f64 * (x as f64).ln() };
            let nats: f64 = (1..=n).map(|k| x_ln_x(n - k + 1) - x_ln_x(n - k)).sum();
            let targets: usize = (1..=n).map(|k| 2 * k + 1).sum();
            let got = minimum_loss(&Anbn { max_n: n }.words());
            assert!((got - nats / targets as f64).abs() < 1e-12, "n ≤ {n}: {got}");
        }
        // One word: nothing to guess.
        assert_eq!(minimum_loss(&Anbn { max_n: 1 }.words()), 0.0);
        // (), ()() and (()): after "(" two words close and one opens, after "()" one ends and one
        // opens; 3 ln 3 nats over 13 targets.
        let d = Dyck { pairs: 2, max_depth: 2, kinds: 1 };
        assert_eq!(d.words().len(), 3);
        assert!((minimum_loss(&d.words()) - 3.0 * 3f64.ln() / 13.0).abs() < 1e-12);
    }

    #[test]
    fn the_docs_give_each_languages_words_and_lowest_loss() {
        use super::super::Anbncn;
        let docs = include_str!("../../../docs/language.md");
        let langs: [(&str, Box<dyn Language>); 9] = [
            ("anbn(max_n = 8)", Box::new(Anbn { max_n: 8 })),
            ("anbn(max_n = 16)", Box::new(Anbn { max_n: 16 })),
            ("anbncn(max_n = 4)", Box::new(Anbncn { max_n: 4 })),
            ("anbncn(max_n = 8)", Box::new(Anbncn { max_n: 8 })),
            ("dyck(pairs = 4, max_depth = 4, kinds = 1)", Box::new(Dyck { pairs: 4, max_depth: 4, kinds: 1 })),
            ("dyck(pairs = 4, max_depth = 2)", Box::new(Dyck { pairs: 4, max_depth: 2, kinds: 2 })),
            ("dyck(pairs = 4, max_depth = 4)", Box::new(Dyck { pairs: 4, max_depth: 4, kinds: 2 })),
            ("dyck(pairs = 6, max_depth = 3)", Box::new(Dyck { pairs: 6, max_depth: 3, kinds: 2 })),
            ("dyck(pairs = 6, max_depth = 6)", Box::new(Dyck { pairs: 6, max_depth: 6, kinds: 2 })),
        ];
        for (name, lang) in &langs {
            let words = lang.words();
            let n = words.len();
            let count = if n >= 1000 { format!("{} {:03}", n / 1000, n % 1000) } else { n.to_string() };
            let row = format!("| `{name}` | {count} | {:.4} |", minimum_loss(&words));
            assert!(docs.contains(&row), "docs/language.md lacks {row}");
        }
        // Deeper than max_depth is no prefix of a word: the depth bound takes part in the split.
        let d = Dyck { pairs: 6, max_depth: 3, kinds: 2 };
        assert!(d.is_prefix(&[0, 0, 0]) && !d.is_prefix(&[0, 0, 0, 0]));
    }
}
