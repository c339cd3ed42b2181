//! The canonical layout of a spec (`iclc fmt`). It works on tokens, not on the tree, so comments
//! stay where they were: only whitespace (and commas between block settings) changes, which is
//! why formatting can never change what a spec means. Rules: one item per line, a blank line kept
//! where the source had one; block settings one per line, indented two spaces; a claim's body on
//! its own line; single spaces around binary operators, none inside brackets or around `..`.
//! A line of code longer than [`WIDTH`] columns wraps (`wrap.rs`): a boolean chain before each
//! `and`/`or`, then a comparison before its operator, then a list one item a line.
use super::grammar::ITEM_KEYWORDS;
use super::parser::parse;
use super::wrap::{Kind, Piece, layout};
use crate::diag::Diagnostic;
use crate::source::Source;

#[derive(Debug, Clone)]
struct Token<'a> {
    kind: Kind,
    text: &'a str,
    /// Line breaks between the previous token and this one.
    newlines: usize,
}

const PUNCT: [&str; 21] =
    ["..=", "..", "<=", ">=", "==", "!=", "{", "}", "(", ")", "[", "]", ",", "=", "~", "+", "-", "*", "/", "<", ">"];
const WORD_OPERATORS: [&str; 6] = ["and", "or", "not", "for", "in", "step"];

fn lex(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut newlines) = (0, 0);
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let kind = if c == b'\n' {
            newlines += 1;
            i += 1;
            continue;
        } else if c.is_ascii_whitespace() {
            i += 1;
            continue;
        } else if text[i..].starts_with("//") {
            i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            Kind::LineComment
        } else if text[i..].starts_with("/*") {
            i = text[i + 2..].find("*/").map_or(bytes.len(), |n| i + 2 + n + 2);
            Kind::BlockComment
        } else if c == b'"' {
            i += 1 + text[i + 1..].find('"').map_or(bytes.len() - i - 1, |n| n + 1);
            Kind::Str
        } else if c.is_ascii_digit() {
            i += 1;
            while i < bytes.len() {
                let d = bytes[i];
                let exponent_sign = (d == b'+' || d == b'-') && matches!(bytes[i - 1], b'e' | b'E');
                let fraction = d == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
                if d.is_ascii_alphanumeric() || d == b'_' || fraction || exponent_sign {
                    i += 1;
                } else {
                    break;
                }
            }
            Kind::Number
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            Kind::Word
        } else {
            let p = PUNCT.iter().find(|p| text[i..].starts_with(**p));
            i += p.map_or_else(|| text[i..].chars().next().map_or(1, char::len_utf8), |p| p.len());
            Kind::Punct
        };
        let newlines_before = newlines;
        newlines = 0;
        out.push(Token { kind, text: &text[start..i], newlines: newlines_before });
    }
    out
}

/// Formats a spec; a spec that does not parse is refused with its diagnostics.
pub fn format(source: &Source) -> Result<String, Vec<Diagnostic>> {
    parse(source)?;
    Ok(Formatter::default().run(&lex(&source.text)))
}

#[derive(Default)]
struct Formatter {
    out: String,
    /// The current line's tokens, laid out (and wrapped) when it ends.
    line: Vec<Piece>,
    /// Its indentation, and the brackets open when it began.
    line_indent: usize,
    line_base: usize,
    /// Open brackets, innermost last.
    stack: Vec<char>,
    /// The previous token on the current line, if any.
    prev: Option<(Kind, String)>,
    /// Whether the `-` just written was a prefix minus.
    after_unary: bool,
    /// Force a line break before the next token (after a line comment).
    break_next: bool,
}

impl Formatter {
    fn braces(&self) -> usize {
        self.stack.iter().filter(|c| **c == '{').count()
    }

    fn indent(&self) -> usize {
        let inner = usize::from(self.stack.last().is_some_and(|c| *c != '{'));
        2 * (self.braces() + inner)
    }

    fn newline(&mut self, blank: bool) {
        if !self.line.is_empty() {
            for line in layout(&self.line, self.line_indent) {
                self.out.push_str(line.trim_end());
                self.out.push('\n');
            }
        }
        if blank && !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
        self.line.clear();
        self.prev = None;
        self.after_unary = false;
    }

    fn start_line_if_needed(&mut self) {
        if self.line.is_empty() {
            self.line_indent = self.indent();
            self.line_base = self.stack.len();
        }
    }

    /// Adds a token to the line; an opening bracket is pushed on the stack after, a closing one
    /// popped before, so both stand at the depth of the brackets around them.
    fn push(&mut self, kind: Kind, text: &str, space: bool) {
        self.start_line_if_needed();
        let depth = self.stack.len().saturating_sub(self.line_base);
        self.line.push(Piece {
            kind: kind.clone(),
            text: text.to_string(),
            space: space && self.prev.is_some(),
            depth,
        });
        self.prev = Some((kind, text.to_string()));
    }

    fn space_before(&self, t: &Token) -> bool {
        let Some((pk, pt)) = &self.prev else { return false };
        if self.after_unary || matches!(pt.as_str(), "(" | "[" | ".." | "..=") {
            return false;
        }
        match t.text {
            ")" | "]" | "," | ".." | "..=" => false,
            "(" => *pk != Kind::Word || WORD_OPERATORS.contains(&pt.as_str()),
            _ => true,
        }
    }

    fn is_unary_minus(&self) -> bool {
        match &self.prev {
            None => true,
            Some((Kind::Punct, p)) => !matches!(p.as_str(), ")" | "]"),
            Some((Kind::Word, w)) => WORD_OPERATORS.contains(&w.as_str()),
            _ => false,
        }
    }

    fn run(mut self, tokens: &[Token]) -> String {
        for (i, t) in tokens.iter().enumerate() {
            let next = tokens.get(i + 1);
            let top = self.stack.is_empty();
            let in_block = self.stack.last() == Some(&'{');
            if self.break_next {
                self.break_next = false;
                self.newline(t.newlines >= 2);
            }
            match t.kind {
                Kind::LineComment | Kind::BlockComment => {
                    if t.newlines > 0 || self.prev.is_none() {
                        self.newline(t.newlines >= 2);
                        self.push(t.kind.clone(), t.text, false);
                    } else {
                        self.push(t.kind.clone(), t.text, true);
                    }
                    if t.kind == Kind::LineComment || t.newlines > 0 {
                        self.break_next = true;
                    }
                    continue;
                }
                Kind::Word if top && ITEM_KEYWORDS.contains(&t.text) => self.newline(t.newlines >= 2),
                Kind::Word if in_block && next.is_some_and(|n| n.text == "=") && self.prev.is_some() => {
                    self.newline(t.newlines >= 2)
                }
                _ => {}
            }
            match t.text {
                "{" => {
                    self.push(Kind::Punct, "{", true);
                    self.stack.push('{');
                    if next.is_some_and(|n| n.text == "}") {
                        continue;
                    }
                    self.newline(false);
                }
                "}" => {
                    let empty = self.prev.as_ref().is_some_and(|(_, p)| p == "{");
                    if !empty {
                        self.newline(false);
                    }
                    self.stack.pop();
                    self.push(Kind::Punct, "}", empty);
                }
                "(" | "[" => {
                    let space = self.space_before(t);
                    self.push(Kind::Punct, t.text, space);
                    self.stack.push(if t.text == "(" { '(' } else { '[' });
                }
                ")" | "]" => {
                    self.stack.pop();
                    self.push(Kind::Punct, t.text, false);
                }
                "," if in_block => {}
                "-" if self.is_unary_minus() => {
                    let space = self.space_before(t);
                    self.push(Kind::Punct, "-", space);
                    self.after_unary = true;
                    continue;
                }
                _ => {
                    let space = self.space_before(t);
                    self.push(t.kind.clone(), t.text, space);
                }
            }
            self.after_unary = false;
        }
        self.newline(false);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        format(&Source::new("t.icl", text)).unwrap()
    }

    #[test]
    fn lays_out_blocks_and_keeps_comments() {
        let got = fmt(
            "// head\nexperiment \"x\" { seed = 1, dim = 2  points=4 } // tail\nclass c=linear( scale=-1 )\n\n\n\nlet n = 2*dim",
        );
        let want = "// head\nexperiment \"x\" {\n  seed = 1\n  dim = 2\n  points = 4\n} // tail\nclass c = linear(scale = -1)\n\nlet n = 2 * dim\n";
        assert_eq!(got, want);
    }

    #[test]
    fn sweeps_ranges_and_claims() {
        let got = fmt(
            "claim \"c\" { all(error(e, m, sparse_linear(nnz=n), k=3) < 1 for n in 1 ..= 8) }\neval e { tasks = [a for x in 0..=1 step 0.25] }",
        );
        let want = "claim \"c\" {\n  all(error(e, m, sparse_linear(nnz = n), k = 3) < 1 for n in 1..=8)\n}\neval e {\n  tasks = [a for x in 0..=1 step 0.25]\n}\n";
        assert_eq!(got, want);
    }

    #[test]
    fn long_lines_wrap_lists_one_item_a_line_and_chains_before_and() {
        let items: Vec<String> = (0..12).map(|i| format!("model_number_{i}")).collect();
        let got = fmt(&format!("eval e {{ models = [{}] }} // why", items.join(", ")));
        let want = format!(
            "eval e {{\n  models = [\n{}\n  ]\n}} // why\n",
            items.iter().map(|i| format!("    {i}")).collect::<Vec<_>>().join(",\n")
        );
        assert_eq!(got, want);
        let term = "error(held_out, prune(icl, rate = 0.3, order = smallest), pat, k = 20)";
        let got = fmt(&format!("claim \"c\" {{ {term} <= 0.5 and {term} <= 0.25 // note\n}}"));
        let want = format!("claim \"c\" {{\n  {term} <= 0.5\n    and {term} <= 0.25 // note\n}}\n");
        assert_eq!(got, want);
        let got = fmt(&format!("claim \"c\" {{ {term} <= {term} }}"));
        assert_eq!(got, format!("claim \"c\" {{\n  {term}\n    <= {term}\n}}\n"));
        for text in [got, want] {
            assert_eq!(fmt(&text), text, "idempotent");
            assert!(text.lines().all(|l| l.split(" //").next().unwrap().chars().count() <= super::super::wrap::WIDTH));
        }
    }

    #[test]
    fn is_idempotent() {
        let once =
            fmt("experiment \"x\" { seed = 1 dim = 2 points = 4 }\nlet a = -(1 + 2) * 3 // c\n/* b */ let b = a");
        assert_eq!(fmt(&once), once);
    }
}
