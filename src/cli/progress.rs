//! Progress of a run: on a terminal one bar per running job under an overall bar; elsewhere (a log
//! file, CI, a cluster job) a plain line per job event and about every 10 seconds per training.
use iclc::exec::Observer;
use iclc::plan::{Job, JobId, JobKind};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often a plain progress line is written for a running training.
const PLAIN_EVERY: Duration = Duration::from_secs(10);

/// Reports the jobs of one run.
pub struct Bars {
    total: usize,
    terminal: bool,
    multi: MultiProgress,
    overall: ProgressBar,
    state: Mutex<State>,
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
    bar: ProgressBar,
    started: Instant,
    last_line: Instant,
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
        Bars { total, terminal, multi, overall, state: Mutex::new(State::default()) }
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
        let template = match &job.kind {
            JobKind::Train(_) => "{prefix:>18} [{bar:30}] {pos}/{len} steps  loss {msg}  {elapsed_precise} eta {eta}",
            JobKind::Eval(_) => "{prefix:>18} [{bar:30}] {pos}/{len} predictors  {elapsed_precise}",
        };
        let bar = self.multi.add(ProgressBar::new(work).with_prefix(label.clone()));
        bar.set_style(ProgressStyle::with_template(template).expect("valid template").progress_chars("=> "));
        let now = Instant::now();
        self.state().running.insert(job.id.clone(), Running { label, work, bar, started: now, last_line: now });
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
