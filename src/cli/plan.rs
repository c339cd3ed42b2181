//! `iclc plan`: the jobs, with their estimates and whether an out folder already holds them.
use iclc::plan::{Job, JobEstimate, Plan};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How `iclc plan` prints.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    /// A table with totals.
    Human,
    /// The jobs as JSON (every field of each job, `cached` and `estimate` added).
    Json,
}

/// Prints the plan of a spec.
pub fn plan(
    path: &Path,
    out: Option<PathBuf>,
    format: Format,
    jobs: Option<u64>,
    compute: super::ComputeArgs,
) -> ExitCode {
    let jobs = jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), |j| j as usize);
    // The road `run` takes, to its plan: what this prints is what a run would do.
    let Some(prepared) = super::run::resolve_and_prepare(path, &compute, 1) else { return ExitCode::FAILURE };
    let plan = prepared.plan;
    let cost = iclc::plan::estimate(&plan);
    let cache = out.map(|o| o.join("cache"));
    let rows: Vec<Row> = plan
        .jobs
        .iter()
        .map(|job| Row {
            job,
            estimate: iclc::plan::job_estimate(&plan, job),
            cached: cache.as_ref().is_some_and(|c| iclc::exec::is_complete(c, &job.id)),
        })
        .collect();
    match format {
        Format::Json => {
            let rows_json: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let mut v = serde_json::to_value(r.job).expect("jobs serialise");
                    v["name"] = r.job.name().into();
                    v["cached"] = r.cached.into();
                    v["estimate"] = serde_json::to_value(r.estimate).expect("estimates serialise");
                    v
                })
                .collect();
            let memory = serde_json::json!({ "jobs_side_by_side": jobs, "peak_bytes": iclc::plan::run_memory(&plan, &estimates(&rows), jobs) });
            let schedule = serde_json::json!({ "jobs_side_by_side": jobs, "wall_s": wall(&plan, &rows, jobs) });
            let mut json = serde_json::json!({
                "experiment": plan.experiment, "jobs": rows_json, "cost": cost, "memory": memory, "schedule": schedule
            });
            if !plan.stacks.is_empty() {
                json["stacks"] = serde_json::to_value(&plan.stacks).expect("stacks serialise");
            }
            super::say(&serde_json::to_string_pretty(&json).expect("plans serialise"));
        }
        Format::Human => human(&plan, &rows, jobs),
    }
    eprintln!("{}", super::cost::describe_cost(&cost));
    ExitCode::SUCCESS
}

/// Estimated wall seconds of the jobs left, `jobs` side by side as the run schedules them.
fn wall(plan: &Plan, rows: &[Row], jobs: usize) -> f64 {
    let seconds: Vec<f64> = rows.iter().map(|r| if r.cached { 0.0 } else { r.estimate.seconds }).collect();
    iclc::plan::wall_seconds(plan, &seconds, jobs)
}

/// The rows' estimates, in the plan's order.
fn estimates(rows: &[Row]) -> Vec<JobEstimate> {
    rows.iter().map(|r| r.estimate).collect()
}

/// One job with what is known of it before it runs.
struct Row<'a> {
    job: &'a Job,
    estimate: JobEstimate,
    cached: bool,
}

/// The plan as a table: id, kind, name, dependencies, cached, seconds, memory; then totals.
fn human(plan: &Plan, rows: &[Row], jobs: usize) {
    super::say(&format!(
        "{:<16}  {:<5}  {:>4}  {:>6}  {:>10}  {:>8}  name",
        "id", "kind", "deps", "cached", "estimate", "memory"
    ));
    for r in rows {
        let kind = r.job.kind_label();
        super::say(&format!(
            "{:<16}  {kind:<5}  {:>4}  {:>6}  {:>10}  {:>8}  {}",
            r.job.id.0,
            r.job.deps.len(),
            if r.cached { "yes" } else { "no" },
            super::cost::duration(r.estimate.seconds),
            iclc::files::size(r.estimate.memory_bytes as u64),
            r.job.name()
        ));
    }
    let left: f64 = rows.iter().filter(|r| !r.cached).map(|r| r.estimate.seconds).sum();
    for (i, stack) in plan.stacks.iter().enumerate() {
        super::say(&format!(
            "stack {}: {} trainings of {}, as one model (≈ {} of device memory each)",
            i + 1,
            stack.members.len(),
            stack.shape,
            iclc::files::size(stack.member_bytes as u64)
        ));
    }
    super::say(&format!(
        "{} jobs ({} cached): {} of one core left, ≈ {} of wall time with {jobs} side by side; peak memory of the run {} with {jobs} job{} side by side (the process, every evaluation's record until the report, the largest jobs at once)",
        plan.jobs.len(),
        rows.iter().filter(|r| r.cached).count(),
        super::cost::duration(left),
        super::cost::duration(wall(plan, rows, jobs)),
        iclc::files::size(iclc::plan::run_memory(plan, &estimates(rows), jobs) as u64),
        if jobs == 1 { "" } else { "s" }
    ));
}
