//! In-context regression: the transformer of Garg et al. trained on prompts of a function class
//! and scored by squared error / d at every prompt and position, beside the classical baselines.
mod evaluate;
mod record;
mod train;

pub use record::{FunctionPlot, RegressionRecord};
pub(super) use train::{Prompts, model_config, train_with};

use super::{Evaluating, Kind};
use crate::exec::cache::Cache;
use crate::exec::train_job::{Jobs, Outcome};
use crate::exec::{EvalOutput, ExecError, Observer};
use crate::spec::Compute;

/// The regression kind.
pub(super) struct Regression;

impl Kind for Regression {
    fn train(&self, jobs: &Jobs, cache: &Cache, compute: &Compute, observer: &dyn Observer) -> Vec<Outcome> {
        train::train(jobs, cache, compute, observer)
    }

    fn evaluate(&self, job: &Evaluating) -> Result<EvalOutput, ExecError> {
        evaluate::record(job)
    }
}
