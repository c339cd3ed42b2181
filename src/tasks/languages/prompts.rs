//! Evaluation prompts: every string of a length over the language's symbols, split into
//! in-distribution (a prefix of some grammatical word) and out-of-distribution (no grammatical
//! word starts with it: the language gives it probability zero).
use super::{Language, Token, all_words};

/// The prompts of one length, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptSplit {
    /// Prefixes of grammatical words, lexicographic.
    pub id: Vec<Vec<Token>>,
    /// The others, lexicographic.
    pub ood: Vec<Vec<Token>>,
}

/// Every prompt of `len` symbols (the reference's `generate_test_prompts`), split by
/// [`Language::is_prefix`].
pub fn all_prompts(lang: &dyn Language, len: usize) -> PromptSplit {
    let (id, ood) = all_words(lang.symbols().len(), len).into_iter().partition(|w| lang.is_prefix(w));
    PromptSplit { id, ood }
}

/// Listed prompts (text in the language's symbols), split by [`Language::is_prefix`] in their order.
pub fn listed_prompts(lang: &dyn Language, words: &[String]) -> Result<PromptSplit, String> {
    let mut split = PromptSplit { id: vec![], ood: vec![] };
    for w in words {
        let tokens = lang.read(w).ok_or_else(|| format!("`{w}` is not written in the symbols `{}`", symbols(lang)))?;
        if lang.is_prefix(&tokens) { split.id.push(tokens) } else { split.ood.push(tokens) }
    }
    Ok(split)
}

/// The language's symbols as text (`ab`).
pub fn symbols(lang: &dyn Language) -> String {
    lang.symbols().iter().collect()
}

#[cfg(test)]
mod tests {
    use super::super::Anbn;
    use super::*;

    #[test]
    fn anbn_prompts_of_length_8_split_5_to_251() {
        let split = all_prompts(&Anbn { max_n: 16 }, 8);
        assert_eq!((split.id.len(), split.ood.len()), (5, 251));
        let lang = Anbn { max_n: 16 };
        let id: Vec<String> = split.id.iter().map(|w| lang.spell(w)).collect();
        assert_eq!(id, ["aaaaaaaa", "aaaaaaab", "aaaaaabb", "aaaaabbb", "aaaabbbb"]);
        // Of the OOD prompts 247 contain "ba" (already break R2); 4 keep R2 with more b's than a's.
        let r2 = lang.rules()[1].holds;
        assert_eq!(split.ood.iter().filter(|w| r2(w)).count(), 4);
    }

    #[test]
    fn listed_prompts_are_read_in_the_symbols_and_split_alike() {
        let lang = Anbn { max_n: 4 };
        let split = listed_prompts(&lang, &["ba".into(), "aab".into(), "abab".into()]).unwrap();
        let spell = |ws: &[Vec<Token>]| ws.iter().map(|w| lang.spell(w)).collect::<Vec<_>>();
        assert_eq!((spell(&split.id), spell(&split.ood)), (vec!["aab".to_string()], vec!["ba".into(), "abab".into()]));
        assert!(listed_prompts(&lang, &["abc".into()]).unwrap_err().contains("`ab`"));
    }
}
