//! `iclc explain CODE`.
use iclc::diag::Code;
use std::process::ExitCode;

/// Prints the long explanation of a code.
pub fn explain(code: &str) -> ExitCode {
    match Code::parse(code) {
        Some(c) => {
            let e = iclc::explain::explain(c);
            let indent = |t: &str| t.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n");
            super::say(&format!(
                "{}: {}\n\nFor example, this spec:\n\n{}\n\nis fixed as:\n\n{}",
                c.as_str(),
                e.meaning,
                indent(e.wrong),
                indent(e.fixed)
            ));
            ExitCode::SUCCESS
        }
        None => {
            let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
            super::diagnostics::print_plain(&format!("unknown code `{code}`; codes are: {}", all.join(", ")));
            ExitCode::FAILURE
        }
    }
}
