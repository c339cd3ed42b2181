//! A completion scored against a language's rules: the reference's metrics, computed over the
//! prompt and the completion up to its first EOS.
use super::{Language, Token};

/// What a completion of a prompt does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// An EOS was generated and no symbol after it (`check_sequence_finished`).
    pub finished: bool,
    /// Prompt + completion is a word of the language.
    pub grammatical: bool,
    /// Each rule (in [`Language::rules`] order) on prompt + completion.
    pub rules: Vec<bool>,
    /// Each rule on the completion alone (R2 on the completion: no a after a b among the new
    /// tokens, whatever the prompt did).
    pub rules_on_completion: Vec<bool>,
}

/// Scores `generated`, the tokens a model produced after `SOS prompt`.
pub fn score(lang: &dyn Language, prompt: &[Token], generated: &[Token]) -> Completion {
    let k = lang.symbols().len() as Token;
    let eos = generated.iter().position(|&t| t == lang.eos());
    let finished = eos.is_some_and(|e| generated[e + 1..].iter().all(|&t| t >= k));
    let end = eos.unwrap_or(generated.len());
    // A special token (SOS, PAD) before the EOS is no symbol of any word: the rules read the
    // symbols around it, but the sequence is not grammatical.
    let clean = generated[..end].iter().all(|&t| t < k);
    let completion: Vec<Token> = generated[..end].iter().copied().filter(|&t| t < k).collect();
    let word: Vec<Token> = prompt.iter().copied().chain(completion.iter().copied()).collect();
    Completion {
        finished,
        grammatical: clean && lang.is_member(&word),
        rules: lang.rules().iter().map(|r| (r.holds)(&word)).collect(),
        rules_on_completion: lang.rules().iter().map(|r| (r.holds)(&completion)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Anbn;
    use super::*;

    #[test]
    fn a_completion_is_read_up_to_its_first_eos() {
        let lang = Anbn { max_n: 8 };
        let (a, b, eos, pad) = (0, 1, lang.eos(), lang.pad());
        // aab + b EOS: grammatical and finished.
        let c = score(&lang, &[a, a, b], &[b, eos, pad, pad]);
        assert!(c.finished && c.grammatical && c.rules == [true, true]);
        // ba + ab EOS: R1 holds, R2 breaks (in the prompt), the completion alone keeps R2.
        let c = score(&lang, &[b, a], &[a, b, eos]);
        assert_eq!((c.rules.clone(), c.rules_on_completion.clone()), (vec![true, false], vec![true, true]));
        assert!(c.finished && !c.grammatical);
        // A symbol after EOS: not finished.
        assert!(!score(&lang, &[a], &[b, eos, a]).finished);
        // PAD inside the completion: the symbols keep R1 and R2, the sequence is not grammatical.
        let c = score(&lang, &[a], &[pad, b, eos]);
        assert!(c.finished && !c.grammatical && c.rules == [true, true]);
        // No EOS: not finished, scored on what was generated.
        let c = score(&lang, &[a, a], &[b, b, b]);
        assert!(!c.finished && c.rules == [false, true]);
    }
}
