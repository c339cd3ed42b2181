//! `iclc check`: diagnostics only, for people or (with `--format json`) for tools.
use super::diagnostics;
use iclc::diag::{Diagnostic, Severity};
use iclc::source::Source;
use std::path::PathBuf;
use std::process::ExitCode;

/// How `check` prints diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Rendered with the source, the span underlined.
    Human,
    /// One JSON array of diagnostics with file, line and column.
    Json,
}

/// Checks each file; exit 1 when any has an error.
pub fn check(files: &[PathBuf], format: Format) -> ExitCode {
    let mut failed = false;
    let mut json = Vec::new();
    for path in files {
        let (source, diags) = match iclc::diag::read_source(path) {
            Ok(source) => {
                let diags = match iclc::check::check_source(&source) {
                    Ok(c) => c.diagnostics,
                    Err(d) => d,
                };
                (source, diags)
            }
            Err(d) => (Source::new(path.display().to_string(), ""), vec![d]),
        };
        failed |= diags.iter().any(Diagnostic::is_error);
        match format {
            Format::Human => {
                diagnostics::print(&source, &diags);
            }
            Format::Json => json.extend(diags.iter().map(|d| to_json(&source, d))),
        }
    }
    if format == Format::Json {
        super::say(&serde_json::to_string_pretty(&json).expect("diagnostics serialise"));
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn to_json(source: &Source, d: &Diagnostic) -> serde_json::Value {
    let place = d.span.map(|s| {
        let (line, column) = source.line_col(s.start);
        let (end_line, end_column) = source.line_col(s.end);
        serde_json::json!({ "line": line, "column": column, "end_line": end_line, "end_column": end_column })
    });
    serde_json::json!({
        "file": source.name,
        "severity": if d.severity == Severity::Error { "error" } else { "warning" },
        "code": d.code.as_str(),
        "message": d.message,
        "span": place,
        "label": d.label,
        "help": d.help,
    })
}
