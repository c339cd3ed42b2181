//! `iclc run` and `iclc report`: the pipeline, spec text to report files, and the printing of
//! what it did.
use super::{diagnostics, progress::Bars};
use iclc::pipeline::{Options, Outcome, PipelineError, Prepared, Written};
use iclc::plan::Shard;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The flags of `iclc run`.
pub struct RunFlags {
    /// `--out`.
    pub out: Option<PathBuf>,
    /// `--threads`.
    pub threads: Option<usize>,
    /// `--jobs`.
    pub jobs: Option<usize>,
    /// `--fresh`.
    pub fresh: bool,
    /// `--keep-going`.
    pub keep_going: bool,
    /// `--shard`.
    pub shard: Option<Shard>,
    /// `--backend`, `--device`.
    pub compute: super::ComputeArgs,
}

/// Runs a spec end to end and writes `report.md`, `report.html`, the figures and the tidy files
/// (a shard runs its share and writes no report).
pub fn run(spec_path: &Path, flags: RunFlags) -> ExitCode {
    let settings = set_threads(flags.threads)
        .and_then(|t| Ok((t, within_cores("--jobs", flags.jobs)?, flags.compute.resolve(t)?)));
    let (threads, jobs, compute) = match settings {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let Some(prepared) = prepare(spec_path, compute) else { return ExitCode::FAILURE };
    let out_dir = flags.out.unwrap_or_else(|| iclc::pipeline::default_out_dir(spec_path));
    let share = flags.shard.map_or_else(String::new, |s| format!(" (shard {s})"));
    eprintln!("{}: {} jobs{share} → {}", prepared.spec.name, prepared.plan.jobs.len(), out_dir.display());
    eprintln!("{}", super::cost::describe_cost(&iclc::plan::estimate(&prepared.plan)));
    let opts = Options { out_dir, fresh: flags.fresh, jobs, threads, keep_going: flags.keep_going, shard: flags.shard };
    let bars = std::sync::Arc::new(Bars::new(prepared.plan.jobs.len()));
    super::interrupt::watch(bars.clone(), opts.out_dir.clone());
    match iclc::pipeline::execute(&prepared, &opts, bars.as_ref()) {
        Ok(Outcome::Report(written)) => print_written(&written),
        Ok(Outcome::Shard { done, cached, elsewhere, not_done }) => {
            super::say(&format!(
                "shard {}: {done} jobs done ({cached} from the store), {elsewhere} evaluations taken by other shards",
                opts.shard.map_or_else(String::new, |s| s.to_string())
            ));
            print_not_done(&not_done, "left to other shards");
            let failed = not_done.iter().any(|n| n.failed);
            if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
        Err(e) => print_error(&e),
    }
}

/// [`prepare`] with the compute flags resolved first; `None` after printing why not.
pub fn resolve_and_prepare(spec_path: &Path, compute: &super::ComputeArgs, threads: usize) -> Option<Prepared> {
    match compute.resolve(threads) {
        Ok(c) => prepare(spec_path, c),
        Err(e) => {
            fail(&e);
            None
        }
    }
}

/// Renders the report from the out folder's store alone (after a cluster run's shards).
pub fn report(spec_path: &Path, out: Option<PathBuf>, compute: super::ComputeArgs) -> ExitCode {
    let threads = set_threads(None).unwrap_or(1);
    let Some(prepared) = resolve_and_prepare(spec_path, &compute, threads) else { return ExitCode::FAILURE };
    let out_dir = out.unwrap_or_else(|| iclc::pipeline::default_out_dir(spec_path));
    let opts = Options { out_dir, fresh: false, jobs: 1, threads, keep_going: false, shard: None };
    match iclc::pipeline::report(&prepared, &opts, &Bars::new(0)) {
        Ok(written) => print_written(&written),
        Err(e) => print_error(&e),
    }
}

/// Reads, checks and plans a spec, printing its diagnostics; `None` when it cannot run.
pub fn prepare(spec_path: &Path, compute: iclc::spec::Compute) -> Option<Prepared> {
    match iclc::pipeline::prepare(spec_path, compute) {
        Ok(p) => {
            diagnostics::print(&p.source, &p.warnings);
            Some(p)
        }
        Err(e) => {
            print_error(&e);
            None
        }
    }
}

/// Prints a pipeline error; the exit code of an error.
fn print_error(e: &PipelineError) -> ExitCode {
    match e {
        PipelineError::Spec { source, diagnostics } => {
            diagnostics::print(source, diagnostics);
        }
        other => diagnostics::print_plain(&other.to_string()),
    }
    ExitCode::FAILURE
}

pub fn fail(message: &str) -> ExitCode {
    diagnostics::print_plain(message);
    ExitCode::FAILURE
}

/// Prints the claims and where the report is; exit 0 when every claim PASSes, 2 when some does
/// not, 1 when a job failed.
fn print_written(w: &Written) -> ExitCode {
    let cx = &w.context;
    for c in &cx.claims {
        super::say(&format!("{}  {}", c.verdict, c.name));
        for t in &c.terms {
            super::say(&format!("      {t}"));
        }
        if c.verdict == iclc::results::Verdict::Missing.label() {
            super::say("      not evaluated: a job it reads was not done");
        } else {
            super::say(&format!("      margin {}; holds on {}% of draws", c.margin, c.holds_pct));
        }
    }
    super::say(&format!(
        "claims: {} of {} hold ({} fail, {} inconclusive{})",
        cx.claims_passed,
        cx.claims_total,
        cx.claims_failed,
        cx.claims_inconclusive,
        if cx.claims_missing > 0 { format!(", {} missing", cx.claims_missing) } else { String::new() }
    ));
    print_not_done(&w.not_done, "not done");
    super::say(&format!("report: {}", w.html.display()));
    super::say(&format!("        {}", w.markdown.display()));
    // A reviewer's CI gates on the claims: only a run whose every claim PASSes exits 0.
    if w.has_failures() {
        ExitCode::FAILURE
    } else if cx.claims_passed == cx.claims_total && w.not_done.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(CLAIMS_NOT_ALL_PASS)
    }
}

/// Lists the jobs a run did not finish.
fn print_not_done(not_done: &[iclc::exec::NotDone], heading: &str) {
    if !not_done.is_empty() {
        super::say(&format!("{} jobs {heading}:", not_done.len()));
    }
    for n in not_done {
        let status = if n.failed { "failed" } else { "not run" };
        super::say(&format!("  {} {} ({}) {status}: {}", n.kind, n.name, n.id, n.why));
    }
}

/// The exit code of a run that wrote its report but has claims that FAIL or are INCONCLUSIVE.
pub const CLAIMS_NOT_ALL_PASS: u8 = 2;

/// The thread count for candle's CPU kernels: the flag, else `$RAYON_NUM_THREADS`, else 1; at most
/// the core count.
pub fn set_threads(flag: Option<usize>) -> Result<usize, String> {
    let from_env = std::env::var("RAYON_NUM_THREADS").ok().and_then(|v| v.parse::<usize>().ok()).filter(|n| *n > 0);
    let n = match flag {
        Some(n) => within_cores("--threads", Some(n))?,
        None => from_env.unwrap_or(1),
    };
    // SAFETY: called before any other thread exists (clap has parsed, nothing has spawned), and
    // candle reads this variable when it sizes its thread pools.
    unsafe { std::env::set_var("RAYON_NUM_THREADS", n.to_string()) };
    Ok(n)
}

/// A count of threads or jobs: 1 to this machine's core count (the default).
fn within_cores(flag: &str, n: Option<usize>) -> Result<usize, String> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match n {
        None => Ok(cores),
        Some(n) if (1..=cores).contains(&n) => Ok(n),
        Some(n) => Err(format!("{flag} {n}: this machine has {cores} cores; give 1 to {cores}")),
    }
}
