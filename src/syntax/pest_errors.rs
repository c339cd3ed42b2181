//! pest's parse errors translated into diagnostics: what was expected in the spec's words
//! (`a number`, `\`}\``), a keyword misspelled at the start of an item, and where.
use super::grammar::{EXPR_KEYWORDS, ITEM_KEYWORDS, Rule};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::source::{Source, Span};

fn rule_name(rule: &Rule) -> String {
    match rule {
        Rule::EOI => "end of file",
        Rule::file => "a spec",
        Rule::experiment | Rule::kw_experiment => "`experiment`",
        Rule::let_def | Rule::kw_let => "`let`",
        Rule::class_def | Rule::kw_class => "`class`",
        Rule::model_def | Rule::kw_model => "`model`",
        Rule::train_def | Rule::kw_train => "`train`",
        Rule::eval_def | Rule::kw_eval => "`eval`",
        Rule::claim_def | Rule::kw_claim => "`claim`",
        Rule::figure_def | Rule::kw_figure => "`figure`",
        Rule::kw_for | Rule::sweep => "`for`",
        Rule::kw_in => "`in`",
        Rule::step => "`step`",
        Rule::range => "`..`",
        Rule::range_incl => "`..=`",
        Rule::value => "a value",
        Rule::arg_op => "`=` or `~`",
        Rule::block => "`{`",
        Rule::setting => "a setting `name = value`",
        Rule::expr | Rule::operand => "a value",
        Rule::call => "a call",
        Rule::arg | Rule::arg_name => "an argument",
        Rule::list => "a list",
        Rule::number => "a number",
        Rule::string => "a string in double quotes",
        Rule::ident => "a name",
        Rule::neg | Rule::sub => "`-`",
        Rule::not => "`not`",
        Rule::or => "`or`",
        Rule::and => "`and`",
        Rule::le => "`<=`",
        Rule::ge => "`>=`",
        Rule::eq => "`==`",
        Rule::ne => "`!=`",
        Rule::lt => "`<`",
        Rule::gt => "`>`",
        Rule::add => "`+`",
        Rule::mul => "`*`",
        Rule::div => "`/`",
        other => return format!("{other:?}"),
    }
    .to_string()
}

pub(super) fn syntax_error(source: &Source, err: pest::error::Error<Rule>) -> Diagnostic {
    let pos = match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let text = &source.text;
    let word_len = text[pos..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(text.len() - pos);
    let word = &text[pos..pos + word_len];
    let expects_item = matches!(&err.variant, pest::error::ErrorVariant::ParsingError { positives, .. }
        if positives.iter().any(|r| matches!(r, Rule::file | Rule::EOI | Rule::experiment | Rule::class_def | Rule::kw_experiment | Rule::kw_class)));
    if expects_item && !word.is_empty() {
        let mut d =
            Diagnostic::at(Code::UnknownKeyword, Span::new(pos, pos + word_len), format!("unknown keyword `{word}`"))
                .label("not an item keyword");
        d = match did_you_mean(word, ITEM_KEYWORDS) {
            Some(s) => d.help(format!("did you mean {s}? Items start with one of: {}", ITEM_KEYWORDS.join(", "))),
            None => d.help(format!("items start with one of: {}", ITEM_KEYWORDS.join(", "))),
        };
        return d;
    }
    if let Some(d) = keyword_as_name(text, pos, word) {
        return d;
    }
    // Separators and closers (`,`, `)`, `}`) are not rules, so pest lists them only in its parse attempts.
    let punctuation: Vec<String> = err
        .parse_attempts()
        .map(|a| a.expected_tokens())
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.to_string())
        .filter(|t| is_punctuation(t))
        .map(|t| format!("`{t}`"))
        .collect();
    let message = match &err.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. }
            if !positives.is_empty() || !punctuation.is_empty() =>
        {
            let mut names: Vec<String> = Vec::new();
            for n in punctuation.iter().cloned().chain(trimmed(positives)) {
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            let found = if pos >= text.len() {
                "end of file".to_string()
            } else {
                let c = text[pos..].chars().next().unwrap_or(' ');
                if word.is_empty() { format!("`{c}`") } else { format!("`{word}`") }
            };
            format!("expected {}, found {found}", join_or(&names))
        }
        other => other.message().to_string(),
    };
    let help = if punctuation.iter().any(|p| p == "`)`" || p == "`]`" || p == "`}`") {
        "is a bracket opened earlier left unclosed? See docs/language.md for the syntax of each item"
    } else {
        "see docs/language.md for the syntax of each item"
    };
    let end = (pos + word_len.max(1)).min(text.len()).max(pos);
    Diagnostic::at(Code::Syntax, Span::new(pos, end), message).label("here").help(help)
}

/// The expected rules in the spec's words, with the long alternatives folded: every operator
/// that could continue an expression is "an operator", every way to start one is "a value".
fn trimmed(positives: &[Rule]) -> Vec<String> {
    let infix = |r: &Rule| {
        use Rule::*;
        matches!(r, step | or | and | le | ge | eq | ne | lt | gt | range_incl | range | add | sub | mul | div)
    };
    let starts = |r: &Rule| matches!(r, Rule::list | Rule::neg | Rule::not | Rule::number | Rule::string | Rule::ident);
    let fold_infix = positives.iter().filter(|r| infix(r)).count() >= 3;
    let fold_starts = [Rule::number, Rule::string, Rule::ident].iter().all(|r| positives.contains(r));
    let mut out = Vec::new();
    for r in positives {
        let name = match r {
            r if fold_infix && infix(r) => "an operator".to_string(),
            r if fold_starts && starts(r) => "a value".to_string(),
            r => rule_name(r),
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// A reserved word where a name was meant: `step = 10` (read as a range's `step`, then a stray
/// `=`) or `let in = 3`. Names the keyword, not the sixteen things that could follow it.
fn keyword_as_name(text: &str, pos: usize, word: &str) -> Option<Diagnostic> {
    let is_keyword = |w: &str| EXPR_KEYWORDS.iter().find(|(k, _)| *k == w);
    let before = text[..pos].trim_end();
    let word_before = before.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
    let (start, found) = match is_keyword(word) {
        Some(k) => (pos, k),
        None => (word_before, is_keyword(&before[word_before..])?),
    };
    // Only where the keyword is followed by `=`, as a name being defined or set is.
    let after = text[start + found.0.len()..].trim_start();
    if !after.starts_with('=') || after.starts_with("==") {
        return None;
    }
    let (keyword, use_) = found;
    let help = if *keyword == "step" {
        format!("`{keyword}` {use_}; a training's length is `steps`")
    } else {
        format!("`{keyword}` {use_}; choose another name")
    };
    Some(
        Diagnostic::at(
            Code::Syntax,
            Span::new(start, start + keyword.len()),
            format!("`{keyword}` is a keyword and cannot name a setting or a definition"),
        )
        .label("keyword")
        .help(help),
    )
}

/// Separators and closers: the tokens whose absence the rule names do not already say.
fn is_punctuation(token: &str) -> bool {
    matches!(token, "," | ")" | "]" | "}" | "=")
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
