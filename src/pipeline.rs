//! The whole road from a spec file to a report — check, plan, exec, results, report — as a library
//! call, so the CLI only parses arguments and prints, and a local run, a cluster shard and a report
//! rendered from a shared store all take the same road.
use crate::diag::Diagnostic;
use crate::exec::{ExecError, ExecOutput, NotDone, Observer};
use crate::plan::{Plan, Shard};
use crate::report::{ReportContext, Repro};
use crate::source::Source;
use crate::spec::CheckedSpec;
use crate::spec::Compute;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How to run a prepared spec.
#[derive(Debug, Clone)]
pub struct Options {
    /// The out folder: the store (`cache/`) and the report.
    pub out_dir: PathBuf,
    /// Recompute every job instead of reusing the store.
    pub fresh: bool,
    /// Jobs side by side.
    pub jobs: usize,
    /// Threads per job (already set for candle by the caller; recorded in the report).
    pub threads: usize,
    /// After a job fails, finish what does not need it and report the failure.
    pub keep_going: bool,
    /// Run one shard's share of the jobs and write no report.
    pub shard: Option<Shard>,
}

/// A spec read, checked and planned: nothing has run yet.
pub struct Prepared {
    /// Where the spec was read from.
    pub spec_path: PathBuf,
    /// Its text.
    pub source: Source,
    /// Warnings the checker gave (errors stop at [`prepare`]).
    pub warnings: Vec<Diagnostic>,
    /// The checked spec.
    pub spec: CheckedSpec,
    /// Its jobs.
    pub plan: Plan,
    /// The backend and device its jobs were planned for.
    pub compute: Compute,
    started: Instant,
    check_s: f64,
    plan_s: f64,
}

/// Why the road stopped.
#[derive(Debug)]
pub enum PipelineError {
    /// The spec has errors, to be shown in its source.
    Spec {
        /// The spec's text.
        source: Source,
        /// Its diagnostics (warnings too).
        diagnostics: Vec<Diagnostic>,
    },
    /// A job could not be done: the executor's error as it is, and the spec it ran.
    Exec {
        /// What went wrong, and where (boxed: it is large beside the other variants).
        error: Box<ExecError>,
        /// The spec.
        spec: PathBuf,
    },
    /// Anything else, in one line that says what and where.
    Failed(String),
}

impl std::fmt::Display for PipelineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PipelineError::Spec { source, diagnostics } => {
                write!(f, "{}: {} diagnostic(s)", source.name, diagnostics.len())
            }
            PipelineError::Exec { error, spec } => {
                let job_failed = matches!(
                    **error,
                    ExecError::Train { .. } | ExecError::Checkpoint { .. } | ExecError::Tensor { .. }
                );
                let hint = if job_failed {
                    "; --keep-going finishes the jobs that do not need it and writes the report"
                } else {
                    ""
                };
                write!(f, "{error} (spec {}){hint}", spec.display())
            }
            PipelineError::Failed(message) => f.write_str(message),
        }
    }
}

/// What a run produced.
pub enum Outcome {
    /// The report was written.
    Report(Box<Written>),
    /// A shard ran its share; the report is rendered once every shard is done (`iclc report`).
    Shard {
        /// Jobs it computed or found done.
        done: usize,
        /// Jobs answered from the store.
        cached: usize,
        /// Evaluations another shard was computing.
        elsewhere: usize,
        /// Jobs it could not do (failed, or waiting on a shard that is not running).
        not_done: Vec<NotDone>,
    },
}

/// A written report.
pub struct Written {
    /// What it shows: claims and their verdicts.
    pub context: ReportContext,
    /// Jobs without a result (failed or missing), listed in the report too.
    pub not_done: Vec<NotDone>,
    /// `report.html`.
    pub html: PathBuf,
    /// `report.md`.
    pub markdown: PathBuf,
}

impl Written {
    /// Whether some job failed (not just missing).
    pub fn has_failures(&self) -> bool {
        self.not_done.iter().any(|n| n.failed)
    }
}

/// Reads, checks and plans a spec for `compute`'s backend and device.
pub fn prepare(spec_path: &Path, compute: Compute) -> Result<Prepared, PipelineError> {
    let started = Instant::now();
    let source = crate::diag::read_source(spec_path)
        .map_err(|d| PipelineError::Failed(format!("[{}] {}", d.code.as_str(), d.message)))?;
    let checked = crate::check::check_source(&source)
        .map_err(|diagnostics| PipelineError::Spec { source: source.clone(), diagnostics })?;
    let Some(spec) = checked.spec.filter(|_| !checked.diagnostics.iter().any(Diagnostic::is_error)) else {
        return Err(PipelineError::Spec { source, diagnostics: checked.diagnostics });
    };
    let check_s = started.elapsed().as_secs_f64();
    let t = Instant::now();
    let plan = crate::plan::plan(&spec, spec_dir(spec_path), &compute)
        .map_err(|diagnostics| PipelineError::Spec { source: source.clone(), diagnostics })?;
    let plan_s = t.elapsed().as_secs_f64();
    let warnings = checked.diagnostics;
    Ok(Prepared { spec_path: spec_path.to_path_buf(), source, warnings, spec, plan, compute, started, check_s, plan_s })
}

/// The folder files named in a spec are relative to: the spec's own.
pub fn spec_dir(spec: &Path) -> &Path {
    spec.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// `reports/<spec file stem>`: where a run writes when no out folder is given.
pub fn default_out_dir(spec: &Path) -> PathBuf {
    let stem = spec.file_stem().map_or_else(|| "spec".into(), |s| s.to_string_lossy().into_owned());
    // A stem of dots alone (`...icl` has the stem `..`) would name `reports` itself or a folder above it.
    let stem = if stem.chars().all(|c| c == '.') { "spec".to_string() } else { stem };
    PathBuf::from("reports").join(stem)
}

/// Runs the jobs of a prepared spec (or a shard's share) and writes the report.
pub fn execute(p: &Prepared, opts: &Options, observer: &dyn Observer) -> Result<Outcome, PipelineError> {
    let exec_opts = crate::exec::ExecOptions {
        cache_dir: opts.out_dir.join("cache"),
        fresh: opts.fresh,
        jobs: opts.jobs,
        keep_going: opts.keep_going,
        shard: opts.shard,
        compute: p.compute,
    };
    refuse_what_exhausts_this_machine(p, opts.jobs)?;
    let failed = |error: ExecError| PipelineError::Exec { error: Box::new(error), spec: p.spec_path.clone() };
    if opts.shard.is_some() {
        // Shards share the folder with each other, never with a whole run or a report.
        let _lock = crate::files::FolderLock::share(&opts.out_dir).map_err(PipelineError::Failed)?;
        let out = crate::exec::run(&p.plan, &exec_opts, observer).map_err(failed)?;
        return Ok(Outcome::Shard {
            done: out.trains.len() + out.evals.len(),
            cached: out.cached_jobs,
            elsewhere: out.elsewhere,
            not_done: out.not_done,
        });
    }
    // Held until the report is written: a second run on this folder stops here instead of racing.
    let _lock = crate::files::FolderLock::take(&opts.out_dir).map_err(PipelineError::Failed)?;
    let out = crate::exec::run(&p.plan, &exec_opts, observer).map_err(failed)?;
    let phases = vec![
        ("train (sum over trainings)".into(), out.train_s),
        ("evaluate (sum over evaluations)".into(), out.eval_s),
        (format!("train + evaluate ({} side by side)", opts.jobs), out.wall_s),
    ];
    write_report(p, opts, &out, phases).map(|w| Outcome::Report(Box::new(w)))
}

/// An error listing every job that would exhaust the machine that runs it (memory beyond its own,
/// an evaluation beyond a day), each with its estimate and what to change: checked where the jobs
/// run, so a cluster's login node does not judge its compute nodes.
fn refuse_what_exhausts_this_machine(p: &Prepared, jobs: usize) -> Result<(), PipelineError> {
    let memory = crate::plan::machine_memory();
    let estimates: Vec<_> = p.plan.jobs.iter().map(|j| crate::plan::job_estimate(&p.plan, j)).collect();
    let mut refusals: Vec<String> =
        p.plan.jobs.iter().zip(&estimates).filter_map(|(j, e)| crate::plan::refusal(j, *e, memory)).collect();
    if refusals.is_empty() {
        refusals.extend(crate::plan::run_refusal(&p.plan, &estimates, jobs, memory));
    }
    let refusals: Vec<String> = refusals.into_iter().map(|r| format!("{r} (spec {})", p.spec_path.display())).collect();
    if refusals.is_empty() { Ok(()) } else { Err(PipelineError::Failed(refusals.join("\nerror: "))) }
}

/// Renders the report from the store alone, computing nothing; jobs not in the store are listed
/// and the claims that read them are MISSING.
pub fn report(p: &Prepared, opts: &Options, observer: &dyn Observer) -> Result<Written, PipelineError> {
    let _lock = crate::files::FolderLock::take(&opts.out_dir).map_err(PipelineError::Failed)?;
    let t = Instant::now();
    let out = crate::exec::collect(&p.plan, &opts.out_dir.join("cache"), observer);
    let phases = vec![
        ("train (sum over trainings, as stored)".into(), out.train_s),
        ("read the store".into(), t.elapsed().as_secs_f64()),
    ];
    write_report(p, opts, &out, phases)
}

/// Prepares and executes: the whole road.
pub fn run(
    spec_path: &Path,
    compute: Compute,
    opts: &Options,
    observer: &dyn Observer,
) -> Result<Outcome, PipelineError> {
    execute(&prepare(spec_path, compute)?, opts, observer)
}

/// Results and the two reports of `out`, with the figures and the tidy files.
fn write_report(
    p: &Prepared,
    opts: &Options,
    out: &ExecOutput,
    phases: Vec<(String, f64)>,
) -> Result<Written, PipelineError> {
    let t = Instant::now();
    let results = crate::results::summarise(&p.spec, out);
    let secs = |s: f64| format!("{s:.2} s");
    let mut all = vec![("parse + check".to_string(), p.check_s), ("plan".into(), p.plan_s)];
    all.extend(phases);
    all.push(("results".into(), t.elapsed().as_secs_f64()));
    let t = Instant::now();
    let mut repro = Repro {
        spec_hash: crate::files::sha256_hex(p.source.text.as_bytes()),
        spec_file: p.spec_path.display().to_string(),
        version: crate::VERSION.to_string(),
        commit: crate::GIT_COMMIT.to_string(),
        seed: p.spec.seed,
        threads: opts.threads,
        compute: p.compute.describe(),
        precision: format!("{:?}", p.compute.precision).to_lowercase(),
        stacking: stacking(p),
        trained_on: trained_on(out),
        hardware: crate::machine::Hardware::of(crate::model::Target::open(&p.compute).ok().as_ref()).describe(),
        toolchain: format!("{}, candle {}", crate::RUSTC_VERSION, crate::CANDLE_VERSION),
        phases: all.into_iter().map(|(name, s)| (name, secs(s))).collect(),
        cached_jobs: out.cached_jobs,
        command: format!(
            "iclc run {} --out {} --threads {} --jobs {}{} --fresh",
            crate::shell::word(&p.spec_path.display().to_string()),
            crate::shell::word(&opts.out_dir.display().to_string()),
            opts.threads,
            opts.jobs,
            if p.compute.is_default() { String::new() } else { p.compute.flags() }
        ),
    };
    let render_failed = |e: minijinja::Error| PipelineError::Failed(format!("cannot render the report: {e}"));
    // The report's own rendering time is known only after rendering once; rendering is
    // deterministic, so render, time, then render the final text.
    crate::report::render(&crate::report::build_context(&p.spec, &results, repro.clone())).map_err(render_failed)?;
    repro.phases.push(("report".into(), secs(t.elapsed().as_secs_f64())));
    repro.phases.push(("total".into(), secs(p.started.elapsed().as_secs_f64())));
    let context = crate::report::build_context(&p.spec, &results, repro);
    let rendered = crate::report::render(&context).map_err(render_failed)?;
    write_files(&opts.out_dir, &rendered, &crate::report::tidy_files(&results)).map_err(PipelineError::Failed)?;
    Ok(Written {
        context,
        not_done: out.not_done.clone(),
        html: opts.out_dir.join("report.html"),
        markdown: opts.out_dir.join("report.md"),
    })
}

/// Whether the plan stacked its trainings, in words.
fn stacking(p: &Prepared) -> String {
    if !p.compute.stack {
        return "off".into();
    }
    let trainings: usize = p.plan.stacks.iter().map(|s| s.members.len()).sum();
    let stacks = p.plan.stacks.len();
    format!("on: {stacks} stack{} of {trainings} trainings in all", if stacks == 1 { "" } else { "s" })
}

/// Each place the trainings' records say they ran, once, in the order first met.
fn trained_on(out: &ExecOutput) -> Vec<String> {
    let mut places: Vec<String> = Vec::new();
    for place in out.trains.values().filter_map(|(_, r)| r.ran_on.clone()) {
        if !places.contains(&place) {
            places.push(place);
        }
    }
    places
}

/// Writes the figures, the tidy files and the two reports as one set: every file is written whole
/// under a temporary name first, then each is renamed into place, `claims.json` last of all — a
/// `claims.json` beside the reports says the set it belongs to is complete.
fn write_files(dir: &Path, r: &crate::report::Rendered, tidy: &[(String, String)]) -> Result<(), String> {
    const LAST: &str = "claims.json";
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    let reports = [("report.md".to_string(), r.markdown.clone()), ("report.html".to_string(), r.html.clone())];
    let (last, rest): (Vec<_>, Vec<_>) =
        r.figures.iter().chain(tidy).chain(&reports).partition(|(name, _)| name == LAST);
    let mut staged = Vec::new();
    for (name, text) in rest.into_iter().chain(last) {
        let path = dir.join(name);
        let file = crate::files::stage(&path, text.as_bytes())
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        staged.push((path, file));
    }
    for (path, file) in staged {
        file.commit().map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    }
    remove_stale_figures(dir, r)
}

/// Removes the figure files an earlier report of this folder wrote and this one does not (a
/// renamed task, a figure renamed), so that the folder holds this report's figures alone.
fn remove_stale_figures(dir: &Path, r: &crate::report::Rendered) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let figure = name.starts_with("fig-") && name.ends_with(".svg");
        if figure && !r.figures.iter().any(|(f, _)| *f == name) {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(|e| format!("cannot remove `{}`: {e}", path.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::write_files;

    #[test]
    fn the_default_out_folder_is_always_a_folder_of_its_own_under_reports() {
        use std::path::{Path, PathBuf};
        assert_eq!(super::default_out_dir(Path::new("specs/paper.icl")), PathBuf::from("reports/paper"));
        for odd in ["...icl", "..icl", "a/....icl"] {
            assert_eq!(super::default_out_dir(Path::new(odd)), PathBuf::from("reports/spec"), "{odd}");
        }
    }
    use crate::report::Rendered;

    #[test]
    fn a_report_set_that_cannot_be_written_whole_leaves_the_old_one_and_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let set = |tag: &str, figure: &str| Rendered {
            html: format!("html {tag}"),
            markdown: format!("md {tag}"),
            figures: vec![(figure.to_string(), format!("svg {tag}"))],
        };
        let tidy = |tag: &str| vec![("claims.json".to_string(), format!("claims {tag}"))];
        write_files(dir.path(), &set("old", "fig.svg"), &tidy("old")).unwrap();
        // The new set's figure cannot be written (its folder does not exist): nothing of it lands.
        let failed = write_files(dir.path(), &set("new", "missing/fig.svg"), &tidy("new"));
        assert!(failed.is_err());
        for (file, want) in [("report.html", "html old"), ("report.md", "md old"), ("claims.json", "claims old")] {
            assert_eq!(std::fs::read_to_string(dir.path().join(file)).unwrap(), want, "{file}");
        }
        let names: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
        // claims.json is renamed into place after every other file of the set.
        write_files(dir.path(), &set("new", "fig-a.svg"), &tidy("new")).unwrap();
        let modified = |f: &str| std::fs::metadata(dir.path().join(f)).unwrap().modified().unwrap();
        assert!(["report.html", "report.md", "fig-a.svg"].iter().all(|f| modified(f) <= modified("claims.json")));
        // A figure the next report does not draw goes; files not named like figures stay.
        std::fs::write(dir.path().join("notes.svg"), "mine").unwrap();
        write_files(dir.path(), &set("newer", "fig-b.svg"), &tidy("newer")).unwrap();
        assert!(!dir.path().join("fig-a.svg").exists() && dir.path().join("fig-b.svg").exists());
        assert!(dir.path().join("notes.svg").exists() && dir.path().join("fig.svg").exists());
    }
}
