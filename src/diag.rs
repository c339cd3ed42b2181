//! Diagnostics: error data (a code, a span, words) kept apart from how the CLI renders them.
use crate::source::{Source, Span};
use std::fmt;

/// Stable diagnostic codes; `iclc explain CODE` prints the long text ([`crate::explain`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Code {
    /// A file could not be read or written.
    Io,
    /// The text does not follow the grammar.
    Syntax,
    /// A top-level word that is not an item keyword.
    UnknownKeyword,
    /// A number that does not fit.
    NumberOverflow,
    /// Nesting or an expression too deep to process safely.
    TooDeep,
    /// A name that nothing defines.
    UnknownName,
    /// Two definitions of one name.
    Duplicate,
    /// A name of the wrong kind (a model where a class is expected).
    WrongKind,
    /// A setting or argument that the construct does not take.
    UnknownParameter,
    /// A required setting or argument is absent.
    MissingParameter,
    /// A value outside its allowed range.
    OutOfRange,
    /// A value of the wrong type (a string where a number is expected).
    WrongType,
    /// A claim that names something its evaluation does not produce.
    BadClaimReference,
    /// The spec has no `experiment` block or more than one.
    Experiment,
    /// A baseline that cannot apply to a task (bayes on a ReLU network).
    NotApplicable,
    /// A training, model or evaluation named like a baseline, which reports and claims could not tell apart.
    BaselineName,
    /// A spec whose sweeps multiply into more jobs or numbers than a run can hold.
    TooLarge,
    /// A definition nothing uses.
    Unused,
}

impl Code {
    /// Every code, in order.
    pub const ALL: [Code; 18] = [
        Code::Io,
        Code::Syntax,
        Code::UnknownKeyword,
        Code::NumberOverflow,
        Code::TooDeep,
        Code::UnknownName,
        Code::Duplicate,
        Code::WrongKind,
        Code::UnknownParameter,
        Code::MissingParameter,
        Code::OutOfRange,
        Code::WrongType,
        Code::BadClaimReference,
        Code::Experiment,
        Code::NotApplicable,
        Code::BaselineName,
        Code::TooLarge,
        Code::Unused,
    ];

    /// The stable code, e.g. `E0101`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Io => "E0001",
            Code::Syntax => "E0002",
            Code::UnknownKeyword => "E0003",
            Code::NumberOverflow => "E0004",
            Code::TooDeep => "E0005",
            Code::UnknownName => "E0101",
            Code::Duplicate => "E0102",
            Code::WrongKind => "E0103",
            Code::UnknownParameter => "E0104",
            Code::MissingParameter => "E0105",
            Code::OutOfRange => "E0106",
            Code::WrongType => "E0107",
            Code::BadClaimReference => "E0108",
            Code::Experiment => "E0109",
            Code::NotApplicable => "E0110",
            Code::BaselineName => "E0111",
            Code::TooLarge => "E0112",
            Code::Unused => "W0001",
        }
    }

    /// The code with this text, if any.
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str().eq_ignore_ascii_case(s))
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Severity {
    /// Stops the run.
    Error,
    /// Reported, but the run goes on.
    Warning,
}

/// One finding about a spec: what, where, and how to fix it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code.
    pub code: Code,
    /// One line saying what is wrong.
    pub message: String,
    /// Where, when the finding has a place in the spec.
    pub span: Option<Span>,
    /// Words under the underline.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with no place in the text.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, code, message: message.into(), span: None, label: None, help: None }
    }

    /// An error at a span.
    pub fn at(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic { span: Some(span), ..Diagnostic::error(code, message) }
    }

    /// The same diagnostic as a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Adds the words under the underline.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds help text.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Binds the diagnostic to its source so it can be rendered with file, line and column.
    pub fn with_source(self, source: &Source) -> SourceDiagnostic {
        SourceDiagnostic { diag: self, source: source.clone() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// A diagnostic with the source it points into; implements [`miette::Diagnostic`].
#[derive(Debug, Clone)]
pub struct SourceDiagnostic {
    /// The finding.
    pub diag: Diagnostic,
    /// The spec it points into.
    pub source: Source,
}

impl SourceDiagnostic {
    /// `file:line:col` of the finding, or the file alone.
    pub fn location(&self) -> String {
        match self.diag.span {
            Some(span) => {
                let (line, col) = self.source.line_col(span.start);
                format!("{}:{line}:{col}", self.source.name)
            }
            None => self.source.name.clone(),
        }
    }
}

impl fmt::Display for SourceDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.diag.message)
    }
}

impl std::error::Error for SourceDiagnostic {}

impl miette::Diagnostic for SourceDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diag.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diag.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.diag.span.map(|_| self as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.diag.span?;
        let len = span.end.saturating_sub(span.start).max(usize::from(span.start < self.source.text.len()));
        Some(Box::new(std::iter::once(miette::LabeledSpan::new(self.diag.label.clone(), span.start, len))))
    }
}

impl miette::SourceCode for SourceDiagnostic {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        // Only the lines shown are handed to miette, which would otherwise count lines from the
        // top of the file for every finding.
        let (from, to, first_line) = self.source.lines_around(
            span.offset(),
            span.offset() + span.len(),
            context_lines_before,
            context_lines_after,
        );
        let local = miette::SourceSpan::new(span.offset().saturating_sub(from).into(), span.len());
        let inner = self.source.text[from..to].read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.source.name.clone(),
            inner.data(),
            miette::SourceSpan::new((inner.span().offset() + from).into(), inner.span().len()),
            inner.line() + first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// Suggests the candidates closest to `word` by edit distance, if any is close enough: every one
/// at the least distance, so that a tie (`anbcn`: `anbn` or `anbncn`) names both.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<Suggestion<'a>> {
    let close: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .collect();
    let best = close.iter().map(|(d, _)| *d).min()?;
    let mut names: Vec<&str> = close.into_iter().filter(|(d, _)| *d == best).map(|(_, c)| c).collect();
    names.dedup();
    Some(Suggestion(names))
}

/// The names [`did_you_mean`] offers, shown quoted: `` `a` ``, `` `a` or `b` ``, `` `a`, `b` or `c` ``.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion<'a>(pub Vec<&'a str>);

impl std::fmt::Display for Suggestion<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let quoted: Vec<String> = self.0.iter().map(|n| format!("`{n}`")).collect();
        match quoted.split_last() {
            Some((last, rest)) if !rest.is_empty() => write!(f, "{} or {last}", rest.join(", ")),
            Some((last, _)) => write!(f, "{last}"),
            None => Ok(()),
        }
    }
}

/// Optimal-string-alignment distance: edits plus adjacent transpositions (`trian` → `train` is 1).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// Reads a spec file; the error says which file and why. (Here, not in `source`, so that a source
/// knows nothing of diagnostics.)
pub fn read_source(path: &std::path::Path) -> Result<Source, Diagnostic> {
    let bytes = crate::files::read_limited(path, crate::files::SPEC_LIMIT)
        .map_err(|e| Diagnostic::error(Code::Io, format!("cannot read spec file `{}`: {e}", path.display())))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(
            Code::Io,
            format!(
                "spec file `{}` is not valid UTF-8 (first bad byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    Ok(Source::new(path.display().to_string(), text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let shown = |w: &str, c: &[&'static str]| did_you_mean(w, c.iter().copied()).map(|s| s.to_string());
        assert_eq!(shown("trian", &["train", "eval", "claim"]).as_deref(), Some("`train`"));
        assert_eq!(shown("zzzzzz", &["train", "eval"]), None);
        // Ties are all named.
        assert_eq!(shown("anbcn", &["anbn", "anbncn", "dyck"]).as_deref(), Some("`anbn` or `anbncn`"));
    }

    #[test]
    fn codes_round_trip() {
        for c in Code::ALL {
            assert_eq!(Code::parse(c.as_str()), Some(c));
        }
    }
}
