//! `iclc status`: which jobs of a spec an out folder's store holds, which are running, which are
//! missing — while a run or a cluster's shards fill it, or after.
use iclc::exec::JobState;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The exit code when some job is not done yet.
const NOT_ALL_DONE: u8 = 2;

/// How `iclc status` prints.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    /// A line per job and the totals.
    Human,
    /// The jobs as JSON: id, kind, name, state.
    Json,
}

/// Prints the state of every job; exit 0 when all are done, 2 when some are not.
pub fn status(spec_path: &Path, out: Option<PathBuf>, format: Format, compute: super::ComputeArgs) -> ExitCode {
    let Some(prepared) = super::run::resolve_and_prepare(spec_path, &compute, 1) else { return ExitCode::FAILURE };
    let out = out.unwrap_or_else(|| iclc::pipeline::default_out_dir(spec_path));
    let plan = &prepared.plan;
    let states = iclc::exec::states(plan, &out.join("cache"));
    let label = |s: JobState| match s {
        JobState::Done => "done",
        JobState::Running => "running",
        JobState::Missing => "missing",
    };
    match format {
        Format::Human => {
            for (job, state) in plan.jobs.iter().zip(&states) {
                super::say(&format!("{:<8} {:<16}  {:<5}  {}", label(*state), job.id, job.kind_label(), job.name()));
            }
        }
        Format::Json => {
            let jobs: Vec<serde_json::Value> = plan
                .jobs
                .iter()
                .zip(&states)
                .map(|(j, s)| serde_json::json!({ "id": j.id, "kind": j.kind_label(), "name": j.name(), "state": s }))
                .collect();
            super::say(&serde_json::to_string_pretty(&jobs).expect("states serialise"));
        }
    }
    let count = |s: JobState| states.iter().filter(|&&x| x == s).count();
    let (done, running, missing) = (count(JobState::Done), count(JobState::Running), count(JobState::Missing));
    eprintln!(
        "{}: {done} of {} jobs done, {running} running, {missing} missing ({})",
        prepared.spec.name,
        states.len(),
        out.display()
    );
    if done == states.len() { ExitCode::SUCCESS } else { ExitCode::from(NOT_ALL_DONE) }
}
