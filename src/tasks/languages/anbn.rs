//! aⁿbⁿ (the position paper's language): n a's then n b's, n = 1 … max_n. R1: as many a's as
//! b's; R2: no a after a b (the reference's `check_same_number_as_bs`, `check_as_before_bs`).
use super::{Language, Rule, Token, Variant, count, ordered};

/// aⁿbⁿ for n = 1 … `max_n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anbn {
    /// The largest n.
    pub max_n: usize,
}

impl Anbn {
    /// The token of a.
    pub const A: Token = 0;
    /// The token of b.
    pub const B: Token = 1;
}

const A: Token = Anbn::A;
const B: Token = Anbn::B;

fn r1(w: &[Token]) -> bool {
    count(w, A) == count(w, B)
}

fn r2(w: &[Token]) -> bool {
    ordered(w, A, B)
}

const RULES: &[Rule] = &[
    Rule { description: "as many a's as b's", holds: r1, of_completion: false },
    Rule { description: "no a after a b", holds: r2, of_completion: true },
];

impl Language for Anbn {
    fn symbols(&self) -> &'static [char] {
        &['a', 'b']
    }

    fn words(&self) -> Vec<Vec<Token>> {
        (1..=self.max_n).map(|n| [vec![A; n], vec![B; n]].concat()).collect()
    }

    fn is_member(&self, w: &[Token]) -> bool {
        !w.is_empty() && w.len() <= 2 * self.max_n && w.iter().all(|&t| t <= B) && r1(w) && r2(w)
    }

    fn is_prefix(&self, w: &[Token]) -> bool {
        // The reference's `prompt_grammar_rules("aNbN")`: a's before b's and no more b's than a's.
        w.iter().all(|&t| t <= B) && r2(w) && count(w, A) >= count(w, B)
    }

    fn rules(&self) -> &'static [Rule] {
        RULES
    }

    fn completion(&self, variant: Variant, prompt: &[Token]) -> Option<Vec<Token>> {
        Some(super::completions::anbn_completion(self, variant, prompt))
    }
}

#[cfg(test)]
mod tests {
    use super::super::all_words;
    use super::*;

    #[test]
    fn the_words_are_exactly_the_grammatical_strings() {
        let lang = Anbn { max_n: 4 };
        let words = lang.words();
        let mut brute = Vec::new();
        for len in 0..=10 {
            brute.extend(all_words(2, len).into_iter().filter(|w| lang.is_member(w)));
        }
        assert_eq!(words, brute);
        assert_eq!(lang.spell(&words[1]), "aabb");
        assert_eq!(lang.frame(&words[0]), vec![2, 0, 1, 3], "SOS a b EOS as the reference's ids");
    }

    #[test]
    fn the_rules_on_hand_picked_words() {
        let w = |s: &str| s.chars().map(|c| if c == 'a' { A } else { B }).collect::<Vec<_>>();
        assert!(r1(&w("abab")) && !r2(&w("abab")));
        assert!(!r1(&w("aab")) && r2(&w("aab")));
        assert!(r1(&w("")) && r2(&w("")));
        assert!(r1(&w("aaabbb")) && r2(&w("aaabbb")));
        assert!(r1(&w("ba")) && !r2(&w("ba")));
        assert!(!r1(&w("a")) && r2(&w("a")));
        assert!(!r2(&w("bba")) && r2(&w("bbb")));
    }
}
