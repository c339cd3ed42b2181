//! Wrapping a formatted line that passes [`WIDTH`] columns, as rustfmt and Black do: break the
//! outermost structure first and recurse into what is still too long. In order: before each
//! `and`/`or` of the line's own boolean chain (the rest indented two more), before a comparison
//! operator, before the `+` and `-` of a sum, then the first bracketed list, one item a line
//! between its brackets. A trailing
//! comment stays at the end of the last line and does not count towards the width.

/// What a token is, as far as layout cares.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    Word,
    Number,
    Str,
    Punct,
    LineComment,
    BlockComment,
}

/// The column a line of code may reach.
pub const WIDTH: usize = 100;

/// A token of a line as the formatter placed it.
#[derive(Debug, Clone)]
pub(super) struct Piece {
    pub kind: Kind,
    pub text: String,
    /// Whether a space separates it from the piece before.
    pub space: bool,
    /// Brackets open around it, counted from the line's start (a bracket stands at its outer depth).
    pub depth: usize,
}

const COMPARISONS: [&str; 6] = ["<", "<=", ">", ">=", "==", "!="];

/// The lines `pieces` take at `indent`.
pub(super) fn layout(pieces: &[Piece], indent: usize) -> Vec<String> {
    let (code, comment) = match pieces.split_last() {
        Some((last, code)) if last.kind == Kind::LineComment && !code.is_empty() => (code, Some(last)),
        _ => (pieces, None),
    };
    let mut lines = wrap(code, indent);
    if let (Some(c), Some(last)) = (comment, lines.last_mut()) {
        last.push(' ');
        last.push_str(&c.text);
    }
    lines
}

fn wrap(pieces: &[Piece], indent: usize) -> Vec<String> {
    let flat = render(pieces);
    if indent + flat.chars().count() <= WIDTH || pieces.len() < 2 {
        return vec![format!("{}{flat}", " ".repeat(indent))];
    }
    let base = pieces.iter().map(|p| p.depth).min().unwrap_or(0);
    let top = |i: &usize| pieces[*i].depth == base && pieces[*i].kind != Kind::LineComment;
    let at = |words: &[&str]| -> Vec<usize> {
        (1..pieces.len()).filter(top).filter(|&i| words.contains(&pieces[i].text.as_str())).collect()
    };
    // A sum's `+` and `-`, not a sign (a sign has no space after it).
    let sums: Vec<usize> =
        at(&["+", "-"]).into_iter().filter(|&i| pieces.get(i + 1).is_some_and(|p| p.space)).collect();
    for breaks in [at(&["and", "or"]), at(&COMPARISONS), sums] {
        if !breaks.is_empty() {
            return before(pieces, &breaks, indent);
        }
    }
    match first_list(pieces, base) {
        Some((open, close)) => one_item_a_line(pieces, open, close, indent),
        None => vec![format!("{}{flat}", " ".repeat(indent))],
    }
}

/// The line broken before each of `breaks`, the continuations indented two more.
fn before(pieces: &[Piece], breaks: &[usize], indent: usize) -> Vec<String> {
    let starts: Vec<usize> = std::iter::once(0).chain(breaks.iter().copied()).collect();
    let mut lines = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(pieces.len());
        lines.extend(wrap(&unspaced(&pieces[start..end]), if n == 0 { indent } else { indent + 2 }));
    }
    lines
}

/// The first bracket at the line's own depth whose list is not empty, and its closing bracket.
fn first_list(pieces: &[Piece], base: usize) -> Option<(usize, usize)> {
    (0..pieces.len()).filter(|&i| pieces[i].depth == base && matches!(pieces[i].text.as_str(), "(" | "[")).find_map(
        |open| {
            let close = (open + 1..pieces.len()).find(|&j| pieces[j].depth == base)?;
            (matches!(pieces[close].text.as_str(), ")" | "]") && close > open + 1).then_some((open, close))
        },
    )
}

/// What comes before the list and its opening bracket, each item (with its comma) a line
/// indented two more, and the closing bracket with what follows.
fn one_item_a_line(pieces: &[Piece], open: usize, close: usize, indent: usize) -> Vec<String> {
    let mut lines = wrap(&pieces[..=open], indent);
    let inner = pieces[open].depth + 1;
    let mut start = open + 1;
    for i in open + 1..close {
        if pieces[i].text == "," && pieces[i].depth == inner {
            lines.extend(wrap(&unspaced(&pieces[start..=i]), indent + 2));
            start = i + 1;
        }
    }
    lines.extend(wrap(&unspaced(&pieces[start..close]), indent + 2));
    lines.extend(wrap(&unspaced(&pieces[close..]), indent));
    lines
}

/// The pieces as the start of a line: no space before the first.
fn unspaced(pieces: &[Piece]) -> Vec<Piece> {
    let mut v = pieces.to_vec();
    if let Some(first) = v.first_mut() {
        first.space = false;
    }
    v
}

fn render(pieces: &[Piece]) -> String {
    let mut s = String::new();
    for p in pieces {
        if p.space && !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&p.text);
    }
    s
}
