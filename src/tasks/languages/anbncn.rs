//! aⁿbⁿcⁿ (the follow-up's context-sensitive language): n a's, n b's, n c's, n = 1 … max_n.
//! R1: as many a's as b's as c's (`check_same_number_as_bs_cs`); R2: a's before b's before c's
//! (`check_as_before_bs_before_cs`, each pair of the symbols present in order).
use super::{Language, Rule, Token, count, ordered};

const A: Token = 0;
const B: Token = 1;
const C: Token = 2;

/// aⁿbⁿcⁿ for n = 1 … `max_n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anbncn {
    /// The largest n.
    pub max_n: usize,
}

fn r1(w: &[Token]) -> bool {
    count(w, A) == count(w, B) && count(w, B) == count(w, C)
}

fn r2(w: &[Token]) -> bool {
    ordered(w, A, B) && ordered(w, B, C) && ordered(w, A, C)
}

const RULES: &[Rule] = &[
    Rule { description: "as many a's as b's as c's", holds: r1, of_completion: false },
    Rule { description: "a's before b's before c's", holds: r2, of_completion: true },
];

impl Language for Anbncn {
    fn symbols(&self) -> &'static [char] {
        &['a', 'b', 'c']
    }

    fn words(&self) -> Vec<Vec<Token>> {
        (1..=self.max_n).map(|n| [vec![A; n], vec![B; n], vec![C; n]].concat()).collect()
    }

    fn is_member(&self, w: &[Token]) -> bool {
        !w.is_empty() && w.len() <= 3 * self.max_n && w.iter().all(|&t| t <= C) && r1(w) && r2(w)
    }

    fn is_prefix(&self, w: &[Token]) -> bool {
        // aⁱbʲcᵏ that some aⁿbⁿcⁿ starts with: no more b's than a's, and once a c is there the
        // b's are complete (j = i) and the c's no more than them.
        let (i, j, k) = (count(w, A), count(w, B), count(w, C));
        w.iter().all(|&t| t <= C) && r2(w) && j <= i && (k == 0 || (j == i && k <= j))
    }

    fn rules(&self) -> &'static [Rule] {
        RULES
    }
}

#[cfg(test)]
mod tests {
    use super::super::{all_prompts, all_words};
    use super::*;

    #[test]
    fn the_words_are_exactly_the_grammatical_strings() {
        let lang = Anbncn { max_n: 3 };
        let mut brute = Vec::new();
        for len in 0..=9 {
            brute.extend(all_words(3, len).into_iter().filter(|w| lang.is_member(w)));
        }
        assert_eq!(lang.words(), brute);
        // Every prefix of a word is in distribution, and a prompt is in distribution only if
        // some longer word starts with it.
        let long = Anbncn { max_n: 12 };
        for len in 0..=6 {
            for w in all_words(3, len) {
                let extends = long.words().iter().any(|g| g.starts_with(&w));
                assert_eq!(long.is_prefix(&w), extends, "{}", long.spell(&w));
            }
        }
        let split = all_prompts(&long, 5);
        assert_eq!((split.id.len(), split.ood.len()), (4, 239), "the follow-up's 4 of 243 at length 5");
    }

    #[test]
    fn the_rules_on_hand_picked_words() {
        let w = |s: &str| s.bytes().map(|c| (c - b'a') as Token).collect::<Vec<_>>();
        assert!(r1(&w("abc")) && r2(&w("abc")));
        assert!(r1(&w("cba")) && !r2(&w("cba")));
        assert!(!r1(&w("aabbc")) && r2(&w("aabbc")));
        assert!(r2(&w("ac")) && !r2(&w("ca")) && r2(&w("bc")));
    }
}
