//! Dyck languages: well-nested brackets of one kind, `()`, or two, `()[]` (the follow-up's
//! `parentheses_and_brackets`), with 1 … `pairs` pairs nested at most `max_depth` deep. Its rules,
//! for two kinds: R1 the square brackets matched on their own (`check_matched_brackets`), R2 the
//! parentheses matched on their own (`check_matched_parentheses`); a word is grammatical when both
//! kinds are matched with one stack (no crossing `([)]`). One kind has R1 only (the parentheses
//! matched).
use super::{Language, Rule, Token};

const OPEN_P: Token = 0;
const CLOSE_P: Token = 1;
const OPEN_B: Token = 2;
const CLOSE_B: Token = 3;

/// Dyck words of `kinds` bracket kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dyck {
    /// The most bracket pairs in a word.
    pub pairs: usize,
    /// The deepest nesting.
    pub max_depth: usize,
    /// 1 (`()`) or 2 (`()[]`).
    pub kinds: usize,
}

/// Whether the brackets `open`/`close` are matched on their own, ignoring every other token.
fn matched(w: &[Token], open: Token, close: Token) -> bool {
    let mut depth = 0usize;
    for &t in w {
        if t == open {
            depth += 1;
        } else if t == close {
            if depth == 0 {
                return false;
            }
            depth -= 1;
        }
    }
    depth == 0
}

fn brackets_matched(w: &[Token]) -> bool {
    matched(w, OPEN_B, CLOSE_B)
}

fn parentheses_matched(w: &[Token]) -> bool {
    matched(w, OPEN_P, CLOSE_P)
}

const RULES_TWO: &[Rule] = &[
    Rule { description: "the square brackets are matched", holds: brackets_matched, of_completion: false },
    Rule { description: "the parentheses are matched", holds: parentheses_matched, of_completion: false },
];

const RULES_ONE: &[Rule] =
    &[Rule { description: "the parentheses are matched", holds: parentheses_matched, of_completion: false }];

impl Dyck {
    /// Walks `w` with one stack: `None` at a closer that does not match the innermost opener or
    /// beyond `max_depth`; else the depth at the end.
    fn walk(&self, w: &[Token]) -> Option<usize> {
        let mut stack = Vec::new();
        for &t in w {
            match t {
                OPEN_P | OPEN_B if (t as usize) < 2 * self.kinds => {
                    stack.push(t);
                    if stack.len() > self.max_depth {
                        return None;
                    }
                }
                CLOSE_P | CLOSE_B if (t as usize) < 2 * self.kinds => {
                    if stack.pop() != Some(t - 1) {
                        return None;
                    }
                }
                _ => return None,
            }
        }
        Some(stack.len())
    }

    /// Every word of exactly `2 * pairs` tokens, lexicographic.
    fn words_of(&self, pairs: usize) -> Vec<Vec<Token>> {
        let mut out = Vec::new();
        let mut word = Vec::with_capacity(2 * pairs);
        let mut stack = Vec::new();
        self.extend(pairs, &mut word, &mut stack, &mut out);
        out
    }

    fn extend(&self, pairs: usize, word: &mut Vec<Token>, stack: &mut Vec<Token>, out: &mut Vec<Vec<Token>>) {
        if word.len() == 2 * pairs {
            out.push(word.clone());
            return;
        }
        for t in 0..2 * self.kinds as Token {
            let open = t % 2 == 0;
            if open {
                // Room to open: within the depth limit and the word's pair count.
                if stack.len() >= self.max_depth || opened_pairs(word) >= pairs {
                    continue;
                }
                stack.push(t);
                word.push(t);
                self.extend(pairs, word, stack, out);
                word.pop();
                stack.pop();
            } else if stack.last() == Some(&(t - 1)) {
                stack.pop();
                word.push(t);
                self.extend(pairs, word, stack, out);
                word.pop();
                stack.push(t - 1);
            }
        }
    }
}

/// Openers in `w`.
fn opened_pairs(w: &[Token]) -> usize {
    w.iter().filter(|&&t| t % 2 == 0).count()
}

impl Language for Dyck {
    fn symbols(&self) -> &'static [char] {
        if self.kinds == 1 { &['(', ')'] } else { &['(', ')', '[', ']'] }
    }

    fn words(&self) -> Vec<Vec<Token>> {
        (1..=self.pairs).flat_map(|p| self.words_of(p)).collect()
    }

    fn is_member(&self, w: &[Token]) -> bool {
        !w.is_empty() && w.len() <= 2 * self.pairs && self.walk(w) == Some(0)
    }

    fn is_prefix(&self, w: &[Token]) -> bool {
        self.walk(w).is_some()
    }

    fn rules(&self) -> &'static [Rule] {
        if self.kinds == 1 { RULES_ONE } else { RULES_TWO }
    }
}

#[cfg(test)]
mod tests {
    use super::super::all_words;
    use super::*;

    #[test]
    fn the_words_are_exactly_the_grammatical_strings() {
        for (kinds, depth) in [(1, 3), (2, 2), (2, 4)] {
            let lang = Dyck { pairs: 4, max_depth: depth, kinds };
            let mut brute = Vec::new();
            for len in 0..=8 {
                brute.extend(all_words(2 * kinds, len).into_iter().filter(|w| lang.is_member(w)));
            }
            assert_eq!(lang.words(), brute, "kinds {kinds}, depth {depth}");
        }
        // Catalan numbers times kinds^pairs: 1·2 + 2·4 + 5·8 + 14·16 words of 1 … 4 pairs.
        assert_eq!(Dyck { pairs: 4, max_depth: 4, kinds: 2 }.words().len(), 2 + 8 + 40 + 224);
    }

    #[test]
    fn the_rules_on_hand_picked_words() {
        let w = |s: &str| {
            s.chars().map(|c| ['(', ')', '[', ']'].iter().position(|&x| x == c).unwrap() as Token).collect::<Vec<_>>()
        };
        let lang = Dyck { pairs: 8, max_depth: 8, kinds: 2 };
        // Crossing brackets keep both rules but are not grammatical.
        assert!(brackets_matched(&w("([)]")) && parentheses_matched(&w("([)]")) && !lang.is_member(&w("([)]")));
        assert!(!brackets_matched(&w("(])")) && parentheses_matched(&w("(])")));
        assert!(!parentheses_matched(&w(")(")) && brackets_matched(&w(")(")));
        assert!(lang.is_member(&w("([])[]")) && lang.is_prefix(&w("([")) && !lang.is_prefix(&w("(]")));
        assert!(!Dyck { max_depth: 1, ..lang }.is_prefix(&w("((")));
    }
}
