//! A training's summary for the report: its loss and learning-rate curves and curriculum stages.
use serde::Serialize;

/// A training run's loss curve, thinned for plotting.
#[derive(Debug, Clone, Serialize)]
pub struct TrainingSummary {
    /// The training's names (one model may serve several) and, when replicated, its seed.
    pub name: String,
    /// The training's names alone: `mix(w = 0.5) = mixture`.
    pub run: String,
    /// The seed it trained with.
    pub seed: u64,
    /// Its data, the class written out.
    pub data: String,
    /// Steps run.
    pub steps: u64,
    /// The step whose weights became the model when a selection chose them, with their loss.
    pub selected: Option<(u64, f64)>,
    /// Scalar parameters.
    pub parameters: usize,
    /// Mean loss over the last 5% of steps; `None` for a loaded model evaluated without training.
    pub final_loss: Option<f64>,
    /// The weights file it started from, with the first 12 hex digits of its SHA-256.
    pub init: Option<String>,
    /// How its weights are drawn when no file is given.
    pub init_policy: &'static str,
    /// Seconds of training.
    pub wall_s: f64,
    /// `(step, loss)` pairs, at most a few hundred, each a window mean.
    pub curve: Vec<(u64, f64)>,
    /// `(step, learning rate)` at the same steps as `curve`.
    pub lr: Vec<(u64, f64)>,
    /// The curriculum's stages; empty without a curriculum.
    pub stages: Vec<Stage>,
    /// What its loss is: squared error (regression) or next-token cross-entropy (a language).
    pub objective: crate::spec::Objective,
}

/// One shape of a curriculum and the step it starts at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// Its first step (1-based).
    pub from_step: u64,
    /// Active input dimensions.
    pub dims: usize,
    /// Points per prompt.
    pub points: usize,
}

/// Where the curriculum's shape changes within `steps` steps: `(first step, dims, points)`, steps 1-based.
pub(super) fn curriculum_stages(c: &crate::spec::Curriculum, steps: u64) -> Vec<Stage> {
    let mut stages: Vec<Stage> = Vec::new();
    let mut step = 0;
    while step < steps {
        let (dims, points) = c.at(step);
        if stages.last().is_none_or(|s| (s.dims, s.points) != (dims, points)) {
            stages.push(Stage { from_step: step + 1, dims, points });
        }
        if (dims, points) == (c.dims.end, c.points.end) {
            break;
        }
        step += c.every;
    }
    stages
}

pub(super) fn training_summary(job: &crate::plan::TrainJob, t: &crate::exec::TrainOutput) -> TrainingSummary {
    let n = t.losses.len();
    let window = n.div_ceil(200).max(1);
    let curve: Vec<(u64, f64)> = t
        .losses
        .chunks(window)
        .enumerate()
        .map(|(i, c)| (((i * window) + c.len()) as u64, c.iter().map(|&v| v as f64).sum::<f64>() / c.len() as f64))
        .collect();
    let tail = &t.losses[n - (n / 20).max(1).min(n)..];
    let final_loss = (!tail.is_empty()).then(|| tail.iter().map(|&v| v as f64).sum::<f64>() / tail.len() as f64);
    let lr = curve
        .iter()
        .map(|&(step, _)| (step, job.setup.schedule.learning_rate(job.setup.lr, step, job.setup.steps)))
        .collect();
    let objective =
        crate::tasks::kind_of(&job.data.class).map_or(crate::spec::Objective::SquaredError, |k| job.setup.objective(k));
    TrainingSummary {
        objective,
        name: job.name.clone(),
        run: job.name.clone(),
        seed: job.seed,
        data: crate::tasks::describe(&job.data.class),
        steps: n as u64,
        selected: t.selected,
        init_policy: job.setup.model.arch.init_policy(),
        parameters: t.parameters,
        final_loss,
        wall_s: t.wall_s,
        curve,
        lr,
        stages: job.setup.curriculum.map_or_else(Vec::new, |c| curriculum_stages(&c, job.setup.steps)),
        init: job.init.as_ref().map(|f| format!("{} (sha256 {})", f.path.display(), &f.sha256[..12])),
    }
}
