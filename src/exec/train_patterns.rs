//! A pattern-classifier training job: prompts of the class's training tasks through the shared
//! training loop (checkpoints, resume, snapshots as every other job), its record and weights.
use super::cache::Cache;
use super::training::settings;
use super::{ExecError, Observer, TrainOutput};
use crate::model::{PatternBatch, PatternModel};
use crate::plan::{JobId, TrainJob};
use crate::rng;
use crate::spec::Compute;
use crate::tasks::patterns::Part;
use std::ops::ControlFlow;

/// Trains the classifier of `t` (an unsealed job folder) and seals its record.
pub fn train(
    id: &JobId,
    t: &TrainJob,
    cache: &Cache,
    compute: &Compute,
    observer: &dyn Observer,
) -> Result<TrainOutput, ExecError> {
    let unsupported = |why: String| ExecError::Unsupported(format!("training `{}`: {why}", t.name));
    let data = crate::tasks::patterns_of(&t.data.class, t.dim).map_err(unsupported)?;
    if t.init.is_some() {
        return Err(unsupported("a pattern classifier starts from its init policy (no `init` file yet)".into()));
    }
    let model = PatternModel::init(&t.setup.model, t.dim, t.seed).map_err(unsupported)?;
    let objective = t.setup.objective(crate::spec::TaskKind::CLASSIFICATION);
    let policy = super::training::checkpoints(id, t, cache, observer)?;
    let q = [data.settings.label as f32];
    let mut data_rng = rng::stream(t.seed, "train-data");
    let outcome = model
        .train(
            &settings(t, compute),
            objective,
            &mut data_rng,
            |r, _| PatternBatch::of(&data.prompts(Part::Train, t.setup.batch, t.points, r), t.dim, &q),
            |step, loss| {
                observer.train_step(id, step, loss);
                ControlFlow::Continue(())
            },
            Some(&policy),
        )
        .map_err(|source| ExecError::Train { name: t.name.clone(), source })?;
    let steps = t.setup.steps;
    super::training::finish(
        id,
        t,
        cache,
        &policy,
        outcome,
        model.parameters(),
        |path, wall_s| model.save(path, steps, wall_s),
        None,
    )
}
