//! Progress of a run: on a terminal one bar per running job under an overall bar; elsewhere (a log
//! file, CI, a cluster job) a plain line per job event, about every 10 seconds per training, and
//! for any job that said nothing for 30 seconds (a long evaluation) a line saying where it stands.
//! An interrupted run (SIGINT, SIGTERM) says what was running and how to resume.
use iclc::exec::Observer;
use iclc::plan::{Job, JobId, JobKind};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often a plain progress line is written for a running training.
const PLAIN_EVERY: Duration = Duration::from_secs(10);
/// How long a job may run without a plain line before one says where it stands (the
/// environment's `ICLC_HEARTBEAT_S` when set).
const HEARTBEAT: Duration = Duration::from_secs(30);

/// [`HEARTBEAT`], or `ICLC_HEARTBEAT_S` seconds.
fn heartbeat_every() -> Duration {
    std::env::var("ICLC_HEARTBEAT_S")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map_or(HEARTBEAT, Duration::from_secs_f64)
}

/// Reports the jobs of one run.
pub struct Bars {
    total: usize,
    terminal: bool,
    multi: MultiProgress,
    overall: ProgressBar,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    done: usize,
    running: HashMap<JobId, Running>,
    /// When a wait for other shards was last reported.
    last_wait: Option<Instant>,
}

/// A running job.
struct Running {
    label: String,
    work: u64,
    /// What `work` counts: steps or predictors.
    unit: &'static str,
    bar: ProgressBar,
    started: Instant,
    last_line: Instant,
}

impl Running {
    /// `step 500/1400, 2m10s so far`.
    fn standing(&self) -> String {
        let at = self.bar.position();
        let secs = self.started.elapsed().as_secs();
        let so_far = if secs >= 60 { format!("{}m{:02}s", secs / 60, secs % 60) } else { format!("{secs}s") };
        format!("{at}/{} {}, {so_far} so far", self.work, self.unit)
    }
}

impl Bars {
    /// For a run of `total` jobs.
    pub fn new(total: usize) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let multi = MultiProgress::with_draw_target(if terminal {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        let overall = multi.add(ProgressBar::new(total as u64));
        overall.set_style(
            ProgressStyle::with_template("{prefix:>18} [{bar:30}] {pos}/{len} jobs  {elapsed_precise}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        overall.set_prefix("all");
        let bars = Bars { total, terminal, multi, overall, state: Arc::default() };
        if !terminal {
            bars.heartbeat();
        }
        bars
    }

    /// Off a terminal, a thread that writes a line for every job silent for [`heartbeat_every`];
    /// it ends with the run.
    fn heartbeat(&self) {
        let state = Arc::downgrade(&self.state);
        let total = self.total;
        let every = heartbeat_every();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(every.min(PLAIN_EVERY));
                let Some(state) = state.upgrade() else { return };
                let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
                let done = s.done;
                let mut lines = Vec::new();
                for r in s.running.values_mut().filter(|r| r.last_line.elapsed() >= every) {
                    r.last_line = Instant::now();
                    lines.push(format!("[{done}/{total}] {}: {}", r.label, r.standing()));
                }
                drop(s);
                lines.sort();
                for l in lines {
                    eprintln!("{l}");
                }
            }
        });
    }

    /// What is running now, a job a line: the words of an interrupted run.
    pub fn running(&self) -> Vec<String> {
        let state = self.state();
        let mut lines: Vec<String> = state.running.values().map(|r| format!("{}: {}", r.label, r.standing())).collect();
        lines.sort();
        lines
    }

    /// Clears the bars (before last words on a terminal).
    pub fn clear(&self) {
        let _ = self.multi.clear();
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A line above the bars (or on its own when there are none).
    fn line(&self, text: &str) {
        if self.terminal {
            let _ = self.multi.println(text);
        } else {
            eprintln!("{text}");
        }
    }
}

impl Observer for Bars {
    fn job_started(&self, job: &Job, work: u64) {
        let label = format!("{} {}", job.kind_label(), job.name());
        let (template, unit) = match &job.kind {
            JobKind::Train(_) => {
                ("{prefix:>18} [{bar:30}] {pos}/{len} steps  loss {msg}  {elapsed_precise} eta {eta}", "steps")
            }
            JobKind::Eval(_) => ("{prefix:>18} [{bar:30}] {pos}/{len} predictors  {elapsed_precise}", "predictors"),
        };
        let bar = self.multi.add(ProgressBar::new(work).with_prefix(label.clone()));
        bar.set_style(ProgressStyle::with_template(template).expect("valid template").progress_chars("=> "));
        let now = Instant::now();
        self.state().running.insert(job.id.clone(), Running { label, work, unit, bar, started: now, last_line: now });
    }

    fn train_step(&self, job: &JobId, step: u64, loss: f32) {
        let mut state = self.state();
        let done = state.done;
        let Some(r) = state.running.get_mut(job) else { return };
        r.bar.set_position(step);
        if step.is_multiple_of(10) || step == 1 {
            r.bar.set_message(format!("{loss:.4}"));
        }
        if !self.terminal && r.last_line.elapsed() >= PLAIN_EVERY {
            r.last_line = Instant::now();
            let eta = eta(r.started.elapsed(), step, r.work);
            let text = format!("[{done}/{}] {}: step {step}/{} loss {loss:.4} ETA {eta}", self.total, r.label, r.work);
            drop(state);
            self.line(&text);
        }
    }

    fn resumed(&self, job: &JobId, step: u64, seconds: f64) {
        let state = self.state();
        let Some(r) = state.running.get(job) else { return };
        let text =
            format!("  {}: resuming from the checkpoint of step {step} ({seconds:.0} s trained before)", r.label);
        drop(state);
        self.line(&text);
    }

    fn eval_step(&self, job: &JobId, done: u64) {
        let mut state = self.state();
        let jobs_done = state.done;
        let Some(r) = state.running.get_mut(job) else { return };
        r.bar.set_position(done);
        if !self.terminal && r.last_line.elapsed() >= PLAIN_EVERY {
            r.last_line = Instant::now();
            let text = format!("[{jobs_done}/{}] {}: {done}/{} predictors", self.total, r.label, r.work);
            drop(state);
            self.line(&text);
        }
    }

    fn waiting(&self, text: &str) {
        let mut state = self.state();
        if state.last_wait.is_some_and(|t| t.elapsed() < PLAIN_EVERY) {
            return;
        }
        state.last_wait = Some(Instant::now());
        drop(state);
        self.line(&format!("  {text}"));
    }

    fn warning(&self, text: &str) {
        self.line(&format!("warning: {text}"));
    }

    fn job_finished(&self, job: &Job, cached: bool) {
        let mut state = self.state();
        state.done += 1;
        let done = state.done;
        if let Some(r) = state.running.remove(&job.id) {
            r.bar.finish_and_clear();
            self.multi.remove(&r.bar);
        }
        drop(state);
        self.overall.set_position(done as u64);
        let verb = match &job.kind {
            JobKind::Train(_) => "trained",
            JobKind::Eval(_) => "evaluated",
        };
        let name = job.name();
        self.line(&format!("  [{done}/{}] {verb} {name}{}", self.total, if cached { " (cached)" } else { "" }));
        if done == self.total {
            self.overall.finish_and_clear();
        }
    }
}

/// The remaining time at the rate so far, as `3m10s`.
fn eta(elapsed: Duration, step: u64, work: u64) -> String {
    if step == 0 {
        return "?".into();
    }
    let left = elapsed.as_secs_f64() / step as f64 * work.saturating_sub(step) as f64;
    let s = left.round() as u64;
    if s >= 60 { format!("{}m{:02}s", s / 60, s % 60) } else { format!("{s}s") }
}
