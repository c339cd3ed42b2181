//! Text a POSIX shell reads back as it was written: the commands iclc prints or writes for a
//! person or a cluster to run (a report's rerun command, Slurm scripts).

/// `s` as one shell word: as it is when it holds only characters no shell treats specially,
/// otherwise in single quotes (a `'` inside written `'\''`).
pub fn word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./=:,+@%".contains(c);
    if !s.is_empty() && s.chars().all(plain) { s.to_string() } else { format!("'{}'", s.replace('\'', r"'\''")) }
}

#[cfg(test)]
mod tests {
    use super::word;

    #[test]
    fn words_with_shell_characters_are_quoted_and_plain_ones_left_alone() {
        assert_eq!(word("specs/paper.icl"), "specs/paper.icl");
        assert_eq!(word("/a b/it's"), r"'/a b/it'\''s'");
        assert_eq!(word("a b;echo X.icl"), "'a b;echo X.icl'");
        assert_eq!(word("$(rm -rf ~)"), "'$(rm -rf ~)'");
        assert_eq!(word(""), "''");
        assert_eq!(word("~/x"), "'~/x'", "no tilde expansion");
    }
}
