//! A progress bar per job, with loss and ETA for training.
use iclc::exec::Observer;
use iclc::plan::{Job, JobKind};
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Mutex;

/// Draws indicatif bars on stderr (hidden when stderr is not a terminal).
pub struct Bars {
    bar: Mutex<Option<ProgressBar>>,
}

impl Bars {
    /// No bar yet.
    pub fn new() -> Self {
        Bars { bar: Mutex::new(None) }
    }
}

impl Observer for Bars {
    fn job_started(&self, job: &Job, work: u64) {
        let (label, template) = match &job.kind {
            JobKind::Train(t) => (
                format!("train {}", names(t)),
                "{prefix:>18} [{bar:30}] {pos}/{len} steps  loss {msg}  {elapsed_precise} eta {eta}",
            ),
            JobKind::Eval(e) => {
                (format!("eval {}/{}", e.eval, e.task.name), "{prefix:>18} {spinner} {len} prompts {elapsed_precise}")
            }
        };
        let bar = ProgressBar::new(work).with_prefix(label);
        bar.set_style(ProgressStyle::with_template(template).expect("valid template").progress_chars("=> "));
        *self.bar.lock().expect("bar lock") = Some(bar);
    }

    fn train_step(&self, step: u64, loss: f32) {
        if let Some(bar) = self.bar.lock().expect("bar lock").as_ref() {
            bar.set_position(step);
            if step.is_multiple_of(10) || step == 1 {
                bar.set_message(format!("{loss:.4}"));
            }
        }
    }

    fn job_finished(&self, job: &Job, cached: bool) {
        if let Some(bar) = self.bar.lock().expect("bar lock").take() {
            bar.finish_and_clear();
        }
        let what = match &job.kind {
            JobKind::Train(t) => format!("trained {} (seed {})", names(t), t.seed),
            JobKind::Eval(e) => format!("evaluated {}/{}", e.eval, e.task.name),
        };
        eprintln!("  {what}{}", if cached { " (cached)" } else { "" });
    }
}

/// A training's names: one job may train the model of several trainings of a spec.
fn names(t: &iclc::plan::TrainJob) -> String {
    std::iter::once(&t.name).chain(&t.aliases).cloned().collect::<Vec<_>>().join(" = ")
}
