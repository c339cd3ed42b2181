//! A spec's text together with the name it is reported under.
use std::sync::{Arc, OnceLock};

/// Byte range into a [`Source`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A named spec text; cheap to clone.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name diagnostics show (usually the path as given).
    pub name: String,
    /// The full text.
    pub text: Arc<str>,
    /// Where each line starts, found once: a diagnostic's place is a binary search, not a scan
    /// from the top (a spec with 40 000 findings would take minutes).
    lines: Arc<OnceLock<Vec<usize>>>,
}

impl Source {
    /// A source from a name and text held in memory.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Source { name: name.into(), text: text.into(), lines: Arc::default() }
    }

    /// The byte offset where each line starts.
    fn line_starts(&self) -> &[usize] {
        self.lines.get_or_init(|| std::iter::once(0).chain(self.text.match_indices('\n').map(|(i, _)| i + 1)).collect())
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset);
        let col = self.text[starts[line - 1]..offset].chars().count() + 1;
        (line, col)
    }

    /// The lines from `before` lines above `offset` to `after` lines below `end`: their first and
    /// one-past-last byte and the 0-based number of the first.
    pub fn lines_around(&self, offset: usize, end: usize, before: usize, after: usize) -> (usize, usize, usize) {
        let starts = self.line_starts();
        let line_of = |o: usize| starts.partition_point(|&s| s <= o.min(self.text.len())) - 1;
        let first = line_of(offset).saturating_sub(before);
        let last = (line_of(end) + after).min(starts.len() - 1);
        let stop = starts.get(last + 1).copied().unwrap_or(self.text.len());
        (starts[first], stop, first)
    }
}

#[cfg(test)]
mod tests {
    use super::Source;

    #[test]
    fn lines_and_columns_count_from_one_in_characters() {
        let s = Source::new("t", "ab\nçd\n\nx");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(2), (1, 3));
        assert_eq!(s.line_col(3), (2, 1));
        assert_eq!(s.line_col(5), (2, 2), "ç is one character of two bytes");
        assert_eq!(s.line_col(7), (3, 1));
        assert_eq!(s.line_col(8), (4, 1));
        assert_eq!(s.line_col(99), (4, 2));
    }
}
