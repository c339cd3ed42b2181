//! In-context binary classification (Li et al.): Li et al.'s pattern network, or the regression
//! transformer reading the pattern prompts as (x, y) pairs, trained on a class's training tasks
//! and scored by 0-1 error on its held-out tasks, whole and pruned, with the query's attention.
mod evaluate;
mod record;
mod train;

use super::regression::{Prompts, train_with};
use super::{Evaluating, Kind};
use crate::exec::cache::Cache;
use crate::exec::train_job::{Jobs, Outcome};
use crate::exec::{EvalOutput, ExecError, Observer};
use crate::model::StepShape;
use crate::plan::TrainJob;
use crate::spec::{Arch, Compute};
use crate::tasks::patterns::{Part, PatternData};
use crate::tasks::{self, PromptBatch};
pub use record::{AttentionMass, ClassificationRecord};

/// The classification kind.
pub(super) struct Classification;

impl Kind for Classification {
    fn train(&self, jobs: &Jobs, cache: &Cache, compute: &Compute, observer: &dyn Observer) -> Vec<Outcome> {
        match jobs.first().map(|(_, t)| t.setup.model.arch) {
            Some(Arch::PatternNet) => train::train(jobs, cache, compute, observer),
            _ => train_with(jobs, cache, compute, observer, &pattern_pairs),
        }
    }

    fn evaluate(&self, job: &Evaluating) -> Result<EvalOutput, ExecError> {
        evaluate::record(job)
    }
}

/// A transformer's training prompts: the class's training tasks, the labels as ys.
fn pattern_pairs(t: &TrainJob) -> Result<Box<dyn Prompts>, String> {
    Ok(Box::new(tasks::patterns_of(&t.data.class, t.dim)?))
}

impl Prompts for PatternData {
    fn draw(&self, rng: &mut crate::rng::Rng, shape: StepShape, dim: usize) -> PromptBatch {
        // Pattern prompts keep their shape: a curriculum is refused on them.
        PatternData::batch(&self.prompts(Part::Train, shape.batch, shape.points, rng), dim)
    }
}
