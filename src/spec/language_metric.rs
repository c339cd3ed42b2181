//! What a language evaluation scores each completion on: the reference's metrics, typed. A
//! metric is stored and written by its name (`finished`, `r1`, `r2_completion`), the one form a
//! spec, a record and a table share.
use serde::{Deserialize, Serialize};

/// One metric of a language's completions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum LanguageMetric {
    /// An EOS was generated and no symbol after it.
    Finished,
    /// Prompt + completion is a word of the language.
    Grammatical,
    /// Rule n (1-based, `r1` first) on prompt + completion.
    Rule(u8),
    /// Rule n on the new tokens alone (`r2_completion`).
    RuleOnCompletion(u8),
}

impl LanguageMetric {
    /// As a spec writes it.
    pub fn name(&self) -> String {
        match self {
            LanguageMetric::Finished => "finished".into(),
            LanguageMetric::Grammatical => "grammatical".into(),
            LanguageMetric::Rule(n) => format!("r{n}"),
            LanguageMetric::RuleOnCompletion(n) => format!("r{n}_completion"),
        }
    }

    /// The metric a spec's word names, whether or not a given language has it.
    pub fn parse(word: &str) -> Option<LanguageMetric> {
        let rule = |s: &str| s.strip_prefix('r')?.parse::<u8>().ok().filter(|n| *n >= 1);
        match word {
            "finished" => Some(LanguageMetric::Finished),
            "grammatical" => Some(LanguageMetric::Grammatical),
            _ => match word.strip_suffix("_completion") {
                Some(r) => rule(r).map(LanguageMetric::RuleOnCompletion),
                None => rule(word).map(LanguageMetric::Rule),
            },
        }
    }
}

impl From<LanguageMetric> for String {
    fn from(m: LanguageMetric) -> String {
        m.name()
    }
}

impl TryFrom<String> for LanguageMetric {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        LanguageMetric::parse(&s).ok_or_else(|| format!("`{s}` is no metric of a language's completions"))
    }
}

impl std::fmt::Display for LanguageMetric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metric_reads_back_as_written() {
        for m in [
            LanguageMetric::Finished,
            LanguageMetric::Grammatical,
            LanguageMetric::Rule(1),
            LanguageMetric::RuleOnCompletion(2),
        ] {
            assert_eq!(LanguageMetric::parse(&m.name()), Some(m));
            assert_eq!(serde_json::to_string(&m).unwrap(), format!("\"{m}\""), "stored by name");
        }
        for word in ["r0", "r", "rx", "r1_completed", "finish", "r-1"] {
            assert_eq!(LanguageMetric::parse(word), None, "{word}");
        }
    }
}
