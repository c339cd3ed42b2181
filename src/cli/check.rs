//! `iclc check`: diagnostics only.
use super::diagnostics;
use iclc::source::Source;
use std::path::PathBuf;
use std::process::ExitCode;

/// Checks each file; exit 1 when any has an error.
pub fn check(files: &[PathBuf]) -> ExitCode {
    let mut failed = false;
    for path in files {
        failed |= load_and_check(path).is_none();
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// Reads and checks a spec, printing diagnostics; `None` when it has errors.
pub fn load_and_check(path: &std::path::Path) -> Option<(Source, iclc::check::CheckedSpec)> {
    let source = match Source::read(path) {
        Ok(s) => s,
        Err(d) => {
            eprintln!("error[{}]: {}", d.code.as_str(), d.message);
            return None;
        }
    };
    let checked = match iclc::check::check_source(&source) {
        Ok(c) => c,
        Err(diags) => {
            diagnostics::print(&source, &diags);
            return None;
        }
    };
    if diagnostics::print(&source, &checked.diagnostics) {
        return None;
    }
    checked.spec.map(|s| (source, s))
}
