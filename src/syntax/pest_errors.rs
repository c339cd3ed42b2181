//! pest's parse errors translated into diagnostics: what was expected in the spec's words
//! (`a number`, `\`}\``), a keyword misspelled at the start of an item, and where.
use super::parser::{ITEM_KEYWORDS, Rule};
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
            for n in punctuation.iter().cloned().chain(positives.iter().map(rule_name)) {
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
