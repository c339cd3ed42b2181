//! A language-model training job: the words of a token-sequence family through the shared
//! training loop (checkpoints, resume, snapshots as the regression jobs), its record and weights.
use super::cache::Cache;
use super::training::settings;
use super::{ExecError, Observer, TrainOutput};
use crate::model::LanguageModel;
use crate::model::Target;
use crate::plan::{JobId, TrainJob};
use crate::rng;
use crate::spec::{Compute, Select};
use crate::tasks::languages::{TokenBatch, draw, ood_completions};
use std::ops::ControlFlow;

/// Trains the language model of `t` (an unsealed job folder) and seals its record.
pub fn train(
    id: &JobId,
    t: &TrainJob,
    cache: &Cache,
    compute: &Compute,
    observer: &dyn Observer,
) -> Result<TrainOutput, ExecError> {
    let unsupported = |why: String| ExecError::Unsupported(format!("training `{}`: {why}", t.name));
    let lang = crate::tasks::language_of(&t.data.class).map_err(unsupported)?;
    if t.init.is_some() {
        return Err(unsupported("a language model starts from its init policy (no `init` file yet)".into()));
    }
    let model = LanguageModel::init(&t.setup.model, lang.vocab(), t.seed).map_err(unsupported)?;
    let words = lang.words();
    let everything = TokenBatch::framed(lang.as_ref(), &words);
    let policy = super::training::checkpoints(id, t, cache, observer)?;
    let batch = t.setup.batch;
    // The auxiliary completions: every OOD prompt of the length with its completion, drawn from.
    let aux = match &t.setup.completions {
        None => vec![],
        Some(c) => ood_completions(lang.as_ref(), c.variant, c.length)
            .ok_or_else(|| unsupported("this language has no adversarial or oracle completions".into()))?,
    };
    TokenBatch::completions(lang.as_ref(), &aux).map_err(unsupported)?;
    let (aux_weight, aux_batch) = t.setup.completions.map_or((0.0, 0), |c| (c.weight, c.batch));
    let mut data_rng = rng::stream(t.seed, "train-data");
    let outcome = model
        .train(
            &settings(t, compute),
            &mut data_rng,
            // The reference trains on every word each step; a smaller batch draws words.
            |r, _| {
                let part = if batch >= words.len() {
                    everything.clone()
                } else {
                    TokenBatch::framed(lang.as_ref(), &draw(&words, r, batch))
                };
                let mut parts = vec![(part, 1.0)];
                // The pairs were checked as one batch above: any draw of them is one too.
                if let (false, Ok(b)) =
                    (aux.is_empty(), TokenBatch::completions(lang.as_ref(), &draw(&aux, r, aux_batch)))
                {
                    parts.push((b, aux_weight));
                }
                parts
            },
            |step, loss| {
                observer.train_step(id, step, loss);
                ControlFlow::Continue(())
            },
            Some(&policy),
        )
        .map_err(|source| ExecError::Train { name: t.name.clone(), source })?;
    let steps = t.setup.steps;
    // Selection scores weights by their loss on every word of the language.
    let target = Target::open(compute)
        .map_err(|source| ExecError::Tensor { context: format!("opening {}", compute.describe()), source })?;
    let loss_of = |path: &std::path::Path| -> Result<f64, String> {
        let kept = LanguageModel::load(&t.setup.model, lang.vocab(), path, &target)?;
        kept.loss(&everything).map(f64::from).map_err(|e| e.to_string())
    };
    let select = (t.setup.select == Select::LowestLoss).then_some(&loss_of as super::training::LossOf);
    super::training::finish(
        id,
        t,
        cache,
        &policy,
        outcome,
        model.parameters(),
        |path, wall_s| model.save(path, steps, wall_s),
        select,
    )
}
