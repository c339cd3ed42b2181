//! Printing diagnostics with miette: file, line, column, the span underlined, help.
use iclc::diag::{Diagnostic, SourceDiagnostic};
use iclc::source::Source;
use std::io::IsTerminal;

/// Prints each diagnostic to stderr; returns true when any is an error.
pub fn print(source: &Source, diags: &[Diagnostic]) -> bool {
    let theme = if std::io::stderr().is_terminal() {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme);
    for d in diags {
        let sd: SourceDiagnostic = d.clone().with_source(source);
        let mut out = String::new();
        if handler.render_report(&mut out, &sd).is_err() {
            out = format!("{}: {}", sd.location(), d.message);
        }
        // The location first, on its own line, so tools and people find it without parsing art.
        eprintln!("{}: {}[{}]: {}", sd.location(), severity(d), d.code.as_str(), d.message);
        eprintln!("{out}");
    }
    diags.iter().any(Diagnostic::is_error)
}

fn severity(d: &Diagnostic) -> &'static str {
    if d.is_error() { "error" } else { "warning" }
}

/// Prints an error that has no place in a spec.
pub fn print_plain(message: &str) {
    eprintln!("error: {message}");
}
