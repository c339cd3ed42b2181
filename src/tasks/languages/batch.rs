//! Token sequences in one buffer, padded to one length: what a language model trains on.
use super::{Language, Token};

/// A token batch: `(B, T)` row-major token ids, and the id whose targets the loss ignores.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenBatch {
    /// Token ids, `(batch, len)`.
    pub tokens: Vec<Token>,
    /// Sequences.
    pub batch: usize,
    /// Tokens per sequence.
    pub len: usize,
    /// Padding, never a target.
    pub pad: Token,
    /// The first position whose token is a target: 1 for whole sequences; for completions of a
    /// prompt, the first completion token (the prompt is given, not learned).
    pub target_from: usize,
}

impl TokenBatch {
    /// `SOS word EOS` for every word, padded to the longest.
    pub fn framed(lang: &dyn Language, words: &[Vec<Token>]) -> TokenBatch {
        let len = words.iter().map(|w| w.len() + 2).max().unwrap_or(2);
        let mut tokens = Vec::with_capacity(words.len() * len);
        for w in words {
            let framed = lang.frame(w);
            tokens.extend(framed.iter().copied().chain(std::iter::repeat(lang.pad())).take(len));
        }
        TokenBatch { tokens, batch: words.len(), len, pad: lang.pad(), target_from: 1 }
    }

    /// `SOS prompt completion` for every pair, padded to the longest; only the completions are
    /// targets. The prompts must share one length (where the targets start).
    pub fn completions(lang: &dyn Language, pairs: &[(Vec<Token>, Vec<Token>)]) -> Result<TokenBatch, String> {
        let prompt_len = pairs.first().map_or(0, |(p, _)| p.len());
        if pairs.iter().any(|(p, _)| p.len() != prompt_len) {
            return Err("completions need prompts of one length".into());
        }
        let len = pairs.iter().map(|(p, c)| 1 + p.len() + c.len()).max().unwrap_or(1);
        let mut tokens = Vec::with_capacity(pairs.len() * len);
        for (p, c) in pairs {
            let seq = std::iter::once(lang.sos()).chain(p.iter().copied()).chain(c.iter().copied());
            tokens.extend(seq.chain(std::iter::repeat(lang.pad())).take(len));
        }
        Ok(TokenBatch { tokens, batch: pairs.len(), len, pad: lang.pad(), target_from: 1 + prompt_len })
    }
}

#[cfg(test)]
mod tests {
    use super::super::Anbn;
    use super::*;

    #[test]
    fn words_are_framed_and_padded_to_the_longest() {
        let lang = Anbn { max_n: 2 };
        let b = TokenBatch::framed(&lang, &lang.words());
        assert_eq!((b.batch, b.len), (2, 6));
        assert_eq!(b.tokens, [2, 0, 1, 3, 4, 4, 2, 0, 0, 1, 1, 3]);
    }

    #[test]
    fn completions_start_their_targets_after_the_prompt() {
        let lang = Anbn { max_n: 2 };
        let b = TokenBatch::completions(&lang, &[(vec![0, 0], vec![1, 1, 3]), (vec![1, 0], vec![3])]).unwrap();
        assert_eq!((b.batch, b.len, b.target_from), (2, 6, 3));
        assert_eq!(b.tokens, [2, 0, 0, 1, 1, 3, 2, 1, 0, 3, 4, 4]);
        assert!(TokenBatch::completions(&lang, &[(vec![0], vec![3]), (vec![0, 1], vec![3])]).is_err());
    }
}
