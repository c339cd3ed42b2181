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
        TokenBatch { tokens, batch: words.len(), len, pad: lang.pad() }
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
}
