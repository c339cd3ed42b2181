//! Formal languages: a causal language model or an LSTM trained on a language's words, evaluated
//! by completing prompts and scoring each completion against the language's rules.
mod evaluate;
mod record;
mod train;

use super::{Evaluating, Kind};
use crate::exec::cache::Cache;
use crate::exec::train_job::{Jobs, Outcome};
use crate::exec::{EvalOutput, ExecError, Observer};
use crate::spec::Compute;
pub use record::{Completions, LanguageOutput};

/// The token-sequence kind.
pub(super) struct Tokens;

impl Kind for Tokens {
    fn train(&self, jobs: &Jobs, cache: &Cache, compute: &Compute, observer: &dyn Observer) -> Vec<Outcome> {
        train::train(jobs, cache, compute, observer)
    }

    fn evaluate(&self, job: &Evaluating) -> Result<EvalOutput, ExecError> {
        evaluate::record(job)
    }
}
