//! A completion scored against a language's rules: the reference's metrics, computed over the
//! prompt and the completion up to its first EOS.
use super::{Language, Token};
use crate::spec::LanguageMetric;

/// What a completion of a prompt does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// An EOS was generated and no symbol after it (`check_sequence_finished`).
    pub finished: bool,
    /// Prompt + completion is a word of the language.
    pub grammatical: bool,
    /// Each rule (in [`Language::rules`] order) on prompt + completion.
    pub rules: Vec<bool>,
    /// Each rule that is one of the completion alone ([`super::Rule::of_completion`]; R2 of aⁿbⁿ:
    /// no a after a b among the new tokens, whatever the prompt did).
    pub rules_on_completion: Vec<bool>,
}

/// Where the rules start among [`metric_names`]: after `finished` and `grammatical`.
const FIRST_RULE: usize = 2;

/// The metrics of a language's completions, in the order of [`Completion::flags`]: `finished`,
/// `grammatical`, each rule on prompt + completion (`r1`, …), each rule that the completion alone
/// keeps or breaks (`r2_completion`, …).
pub fn metric_names(lang: &dyn Language) -> Vec<LanguageMetric> {
    metrics(lang).into_iter().map(|(metric, _)| metric).collect()
}

/// Each metric of [`metric_names`] with what it counts, for reports.
pub fn metrics(lang: &dyn Language) -> Vec<(LanguageMetric, String)> {
    let rules = || lang.rules().iter().enumerate().map(|(i, r)| (i as u8 + 1, r));
    // The array's type keeps FIRST_RULE true.
    let leading: [(LanguageMetric, String); FIRST_RULE] = [
        (LanguageMetric::Finished, "an EOS came within the new tokens, and nothing but padding after it".to_string()),
        (
            LanguageMetric::Grammatical,
            "prompt + completion is a word of the language: 0 on out-of-distribution prompts by definition, since no word starts with them".to_string(),
        ),
    ];
    leading
        .into_iter()
        .chain(rules().map(|(n, r)| (LanguageMetric::Rule(n), format!("{} in prompt + completion", r.description))))
        .chain(rules().filter(|(_, r)| r.of_completion).map(|(n, r)| {
            (LanguageMetric::RuleOnCompletion(n), format!("{} among the new tokens alone", r.description))
        }))
        .collect()
}

impl Completion {
    /// Each metric of [`metric_names`], in its order.
    pub fn flags(&self) -> Vec<bool> {
        [self.finished, self.grammatical]
            .into_iter()
            .chain(self.rules.iter().copied())
            .chain(self.rules_on_completion.iter().copied())
            .collect()
    }
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
        rules_on_completion: lang.rules().iter().filter(|r| r.of_completion).map(|r| (r.holds)(&completion)).collect(),
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
        assert_eq!((c.rules.clone(), c.rules_on_completion.clone()), (vec![true, false], vec![true]));
        assert!(c.finished && !c.grammatical);
        // A symbol after EOS: not finished.
        assert!(!score(&lang, &[a], &[b, eos, a]).finished);
        // PAD inside the completion: the symbols keep R1 and R2, the sequence is not grammatical.
        let c = score(&lang, &[a], &[pad, b, eos]);
        assert!(c.finished && !c.grammatical && c.rules == [true, true]);
        // No EOS: not finished, scored on what was generated.
        let c = score(&lang, &[a, a], &[b, b, b]);
        assert!(!c.finished && c.rules == [false, true]);
        // The flags line up with the metrics' names.
        let names = metric_names(&lang);
        let names: Vec<String> = names.iter().map(LanguageMetric::name).collect();
        assert_eq!(names, ["finished", "grammatical", "r1", "r2", "r2_completion"], "a count has no completion rate");
        let c = score(&lang, &[b, a], &[a, b, eos]);
        assert_eq!(c.flags(), [true, false, true, false, true]);
        assert_eq!(c.flags().len(), names.len());
    }
}
