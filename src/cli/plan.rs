//! `iclc plan`: the jobs as JSON.
use std::path::Path;
use std::process::ExitCode;

/// Prints the plan of a spec.
pub fn plan(path: &Path) -> ExitCode {
    let Some((_, spec)) = super::check::load_and_check(path) else {
        return ExitCode::FAILURE;
    };
    let plan = iclc::plan::plan(&spec);
    super::say(&serde_json::to_string_pretty(&plan).expect("plans serialise"));
    ExitCode::SUCCESS
}
