//! The auxiliary completions of the position paper's training variants: for every OOD prompt, a
//! completion that breaks R1 (`adversarial`) or keeps it (`oracle`), then EOS — the reference's
//! `__setup_adversarial_prompts` and `__setup_oracle_prompts`, defined there for aⁿbⁿ only.
use super::{Anbn, Language, Token, all_prompts, count};
pub use crate::spec::Variant;

/// The completion (ending in EOS) of an aⁿbⁿ prompt for `variant`: with at least as many a's as
/// b's the symbol appended is b, else a.
pub(super) fn anbn_completion(lang: &Anbn, variant: Variant, prompt: &[Token]) -> Vec<Token> {
    let (a, b) = (count(prompt, Anbn::A), count(prompt, Anbn::B));
    let (symbol, gap) = if a >= b { (Anbn::B, a - b) } else { (Anbn::A, b - a) };
    let n = match variant {
        Variant::Adversarial => gap + 1,
        Variant::Oracle => gap,
    };
    let mut out = vec![symbol; n];
    out.push(lang.eos());
    out
}

/// Every OOD prompt of `length` symbols with the completion `variant` teaches for it; `None`
/// when the language has no such completions.
pub fn ood_completions(lang: &dyn Language, variant: Variant, length: usize) -> Option<Vec<(Vec<Token>, Vec<Token>)>> {
    all_prompts(lang, length).ood.into_iter().map(|p| lang.completion(variant, &p).map(|c| (p, c))).collect()
}

#[cfg(test)]
mod tests {
    use super::super::{Anbn, all_prompts, score};
    use super::*;

    #[test]
    fn adversarial_completions_break_r1_and_oracle_ones_keep_it() {
        let lang = Anbn { max_n: 16 };
        for prompt in all_prompts(&lang, 8).ood {
            let bad = score(&lang, &prompt, &lang.completion(Variant::Adversarial, &prompt).unwrap());
            let good = score(&lang, &prompt, &lang.completion(Variant::Oracle, &prompt).unwrap());
            assert!(bad.finished && !bad.rules[0], "{}", lang.spell(&prompt));
            assert!(good.finished && good.rules[0], "{}", lang.spell(&prompt));
        }
        // "bbbaaaaa": five a's, three b's → two (oracle) or three (adversarial) b's, then EOS.
        let p = [1, 1, 1, 0, 0, 0, 0, 0];
        assert_eq!(anbn_completion(&lang, Variant::Oracle, &p), vec![1, 1, lang.eos()]);
        assert_eq!(anbn_completion(&lang, Variant::Adversarial, &p), vec![1, 1, 1, lang.eos()]);
        assert_eq!(ood_completions(&lang, Variant::Oracle, 8).map(|v| v.len()), Some(251));
        let dyck = super::super::Dyck { pairs: 2, max_depth: 2, kinds: 2 };
        assert!(ood_completions(&dyck, Variant::Oracle, 4).is_none(), "no completions beyond aⁿbⁿ");
    }
}
