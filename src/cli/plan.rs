//! `iclc plan`: the jobs as JSON.
use std::path::Path;
use std::process::ExitCode;

/// Prints the plan of a spec.
pub fn plan(path: &Path) -> ExitCode {
    let Some((source, spec)) = super::check::load_and_check(path) else {
        return ExitCode::FAILURE;
    };
    match iclc::plan::plan(&spec, super::spec_dir(path)) {
        Ok(plan) => {
            super::say(&serde_json::to_string_pretty(&plan).expect("plans serialise"));
            ExitCode::SUCCESS
        }
        Err(diags) => {
            super::diagnostics::print(&source, &diags);
            ExitCode::FAILURE
        }
    }
}
