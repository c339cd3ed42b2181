//! `iclc explain CODE`.
use iclc::diag::Code;
use std::process::ExitCode;

/// Prints the long explanation of a code.
pub fn explain(code: &str) -> ExitCode {
    match Code::parse(code) {
        Some(c) => {
            super::say(&format!("{}: {}", c.as_str(), c.explanation()));
            ExitCode::SUCCESS
        }
        None => {
            let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
            super::diagnostics::print_plain(&format!("unknown code `{code}`; codes are: {}", all.join(", ")));
            ExitCode::FAILURE
        }
    }
}
