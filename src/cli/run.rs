//! `iclc run`: the whole pipeline, spec text to report files.
use super::{diagnostics, progress::Bars};
use iclc::report::Repro;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Runs a spec end to end and writes `report.md`, `report.html` and the figures.
pub fn run(
    spec_path: &Path,
    out: Option<PathBuf>,
    threads: Option<usize>,
    jobs: Option<usize>,
    fresh: bool,
) -> ExitCode {
    let (threads, jobs) = match set_threads(threads).and_then(|t| Ok((t, within_cores("--jobs", jobs)?))) {
        Ok(tj) => tj,
        Err(e) => {
            diagnostics::print_plain(&e);
            return ExitCode::FAILURE;
        }
    };
    let t0 = Instant::now();
    let Some((source, spec)) = super::check::load_and_check(spec_path) else {
        return ExitCode::FAILURE;
    };
    let check_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let plan = match iclc::plan::plan(&spec, super::spec_dir(spec_path)) {
        Ok(p) => p,
        Err(diags) => {
            diagnostics::print(&source, &diags);
            return ExitCode::FAILURE;
        }
    };
    // A job that would exhaust this machine is refused before anything runs, with its estimate.
    let memory = iclc::plan::machine_memory();
    let refusals: Vec<String> =
        plan.jobs.iter().filter_map(|j| iclc::plan::refusal(j, iclc::plan::job_estimate(&plan, j), memory)).collect();
    if !refusals.is_empty() {
        for r in &refusals {
            diagnostics::print_plain(&format!("{r} (spec {})", spec_path.display()));
        }
        return ExitCode::FAILURE;
    }
    let plan_s = t1.elapsed().as_secs_f64();
    let out_dir = out.unwrap_or_else(|| default_out_dir(spec_path));
    eprintln!("{}: {} jobs → {}", spec.name, plan.jobs.len(), out_dir.display());
    eprintln!("{}", super::plan::describe_cost(&iclc::plan::estimate(&plan)));
    // Held until the report is written: a second run on this folder stops here instead of racing.
    let _lock = match iclc::files::FolderLock::take(&out_dir) {
        Ok(l) => l,
        Err(e) => {
            diagnostics::print_plain(&e);
            return ExitCode::FAILURE;
        }
    };
    let opts = iclc::exec::ExecOptions { cache_dir: out_dir.join("cache"), fresh, jobs };
    let executed = match iclc::exec::run(&plan, &opts, &Bars::new(plan.jobs.len())) {
        Ok(e) => e,
        Err(e) => {
            diagnostics::print_plain(&format!("{e} (spec {})", spec_path.display()));
            return ExitCode::FAILURE;
        }
    };
    let t2 = Instant::now();
    let results = iclc::results::summarise(&spec, &executed);
    let results_s = t2.elapsed().as_secs_f64();
    let t3 = Instant::now();
    let secs = |s: f64| format!("{s:.2} s");
    let mut repro = Repro {
        spec_hash: Sha256::digest(source.text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect(),
        spec_file: spec_path.display().to_string(),
        version: iclc::VERSION.to_string(),
        commit: iclc::GIT_COMMIT.to_string(),
        seed: spec.seed,
        threads,
        phases: vec![
            ("parse + check".into(), secs(check_s)),
            ("plan".into(), secs(plan_s)),
            ("train (sum over trainings)".into(), secs(executed.train_s)),
            ("evaluate (sum over evaluations)".into(), secs(executed.eval_s)),
            (format!("train + evaluate ({jobs} side by side)"), secs(executed.wall_s)),
            ("results".into(), secs(results_s)),
        ],
        cached_jobs: executed.cached_jobs,
        command: format!("iclc run {} --threads {threads} --jobs {jobs} --fresh", spec_path.display()),
    };
    // The report's own rendering time is known only after rendering once; it is small and
    // rendering is deterministic, so render, time, then render the final text.
    let cx = iclc::report::build_context(&spec, &results, repro.clone());
    if let Err(e) = iclc::report::render(&cx) {
        diagnostics::print_plain(&format!("cannot render the report: {e}"));
        return ExitCode::FAILURE;
    }
    repro.phases.push(("report".into(), secs(t3.elapsed().as_secs_f64())));
    repro.phases.push(("total".into(), secs(t0.elapsed().as_secs_f64())));
    let cx = iclc::report::build_context(&spec, &results, repro);
    let rendered = match iclc::report::render(&cx) {
        Ok(r) => r,
        Err(e) => {
            diagnostics::print_plain(&format!("cannot render the report: {e}"));
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = write_report(&out_dir, &rendered, &iclc::report::tidy_files(&results)) {
        diagnostics::print_plain(&e);
        return ExitCode::FAILURE;
    }
    for c in &cx.claims {
        super::say(&format!("{}  {}", c.verdict, c.name));
        for t in &c.terms {
            super::say(&format!("      {t}"));
        }
        super::say(&format!("      margin {}; holds on {}% of draws", c.margin, c.holds_pct));
    }
    super::say(&format!(
        "claims: {} of {} hold ({} fail, {} inconclusive)",
        cx.claims_passed, cx.claims_total, cx.claims_failed, cx.claims_inconclusive
    ));
    super::say(&format!("report: {}", out_dir.join("report.html").display()));
    super::say(&format!("        {}", out_dir.join("report.md").display()));
    // A reviewer's CI gates on the claims: only a run whose every claim PASSes exits 0.
    if cx.claims_passed == cx.claims_total { ExitCode::SUCCESS } else { ExitCode::from(CLAIMS_NOT_ALL_PASS) }
}

/// The exit code of a run that wrote its report but has claims that FAIL or are INCONCLUSIVE.
pub const CLAIMS_NOT_ALL_PASS: u8 = 2;

/// `reports/<file stem>`.
fn default_out_dir(spec: &Path) -> PathBuf {
    let stem = spec.file_stem().map_or_else(|| "spec".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("reports").join(stem)
}

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

/// Writes the figures, the tidy files and then the two reports.
fn write_report(dir: &Path, r: &iclc::report::Rendered, tidy: &[(String, String)]) -> Result<(), String> {
    let write = |name: &str, text: &str| -> Result<(), String> {
        let path = dir.join(name);
        iclc::files::write(&path, text.as_bytes()).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    for (name, text) in r.figures.iter().chain(tidy) {
        write(name, text)?;
    }
    write("report.md", &r.markdown)?;
    write("report.html", &r.html)
}
