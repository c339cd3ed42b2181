//! `iclc fmt`: rewrite specs in the canonical layout, or with `--check` show what would change.
use super::diagnostics;
use std::path::PathBuf;
use std::process::ExitCode;

/// Formats each file; with `check`, exits 1 and prints a diff when any file would change.
pub fn fmt(files: &[PathBuf], check: bool) -> ExitCode {
    let mut failed = false;
    for path in files {
        let source = match iclc::diag::read_source(path) {
            Ok(s) => s,
            Err(d) => {
                diagnostics::print_plain(&format!("[{}] {}", d.code.as_str(), d.message));
                failed = true;
                continue;
            }
        };
        let formatted = match iclc::syntax::format::format(&source) {
            Ok(f) => f,
            Err(diags) => {
                diagnostics::print(&source, &diags);
                failed = true;
                continue;
            }
        };
        if formatted == *source.text {
            continue;
        }
        if check {
            let diff = similar::TextDiff::from_lines(source.text.as_ref(), &formatted);
            let header = (format!("{} (as is)", path.display()), format!("{} (formatted)", path.display()));
            super::say(&diff.unified_diff().context_radius(2).header(&header.0, &header.1).to_string());
            failed = true;
        } else if let Err(e) = std::fs::write(path, &formatted) {
            diagnostics::print_plain(&format!("[E0001] cannot write `{}`: {e}", path.display()));
            failed = true;
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
