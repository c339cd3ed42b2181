//! Language-model training jobs (one, or a stack of them): the words of a token-sequence family
//! through the shared training loop (checkpoints, resume, snapshots as the regression jobs),
//! their records and weights.
use crate::exec::cache::Cache;
use crate::exec::train_job::{Jobs, LossOf, Outcome, Prepared, checkpoints, finish, target, train_prepared};
use crate::exec::{ExecError, Observer};
use crate::model::{CheckpointPolicy, LanguageModel, Target};
use crate::plan::{JobId, TrainJob};
use crate::spec::{Compute, Select};
use crate::tasks::languages::{Language, Token, TokenBatch, draw, ood_completions};

/// A member ready to train: its model, its language's words and completions, its checkpoints.
struct Ready<'a> {
    index: usize,
    job: (&'a JobId, &'a TrainJob),
    model: LanguageModel,
    lang: Box<dyn Language>,
    words: Vec<Vec<Token>>,
    /// Every word, framed: the batch of a step that reads them all, and what selection scores.
    everything: TokenBatch,
    /// The auxiliary completions: every OOD prompt of the length with its completion, drawn from.
    aux: Vec<(Vec<Token>, Vec<Token>)>,
    policy: CheckpointPolicy,
}

/// Trains the language models of `jobs` (unsealed job folders, one shape) as one stack and seals
/// their records; one outcome per job.
pub fn train(jobs: &Jobs, cache: &Cache, compute: &Compute, observer: &dyn Observer) -> Vec<Outcome> {
    let mut out: Vec<Option<Outcome>> = (0..jobs.len()).map(|_| None).collect();
    let mut ready = Vec::new();
    for (index, &(id, t)) in jobs.iter().enumerate() {
        match prepare(index, id, t, cache, observer) {
            Ok(r) => ready.push(r),
            Err(e) => out[index] = Some(Err(e)),
        }
    }
    let engine = target(compute).and_then(|target| {
        let first = ready.first().map(|r| r.model.engine(&target)).transpose();
        first
            .map(|engine| (engine, target))
            .map_err(|source| ExecError::Tensor { context: "building the language models' graph".into(), source })
    });
    match engine {
        Ok((Some(mut engine), target)) => {
            let members = ready.iter().map(|r| member(r, compute)).collect();
            let outcomes = train_prepared(engine.as_mut(), members, observer);
            for (r, outcome) in ready.iter().zip(outcomes) {
                out[r.index] = Some(
                    outcome
                        .map_err(|source| ExecError::Train { name: r.job.1.name.clone(), source })
                        .and_then(|o| seal(r, o, cache, &target)),
                );
            }
        }
        Ok((None, _)) => {}
        Err(e) => {
            let why = e.to_string();
            for r in &ready {
                out[r.index] = Some(Err(ExecError::Unsupported(format!("training `{}`: {why}", r.job.1.name))));
            }
        }
    }
    out.into_iter().map(|o| o.expect("every job has an outcome")).collect()
}

/// A member's model (its init policy), its language and its completions.
fn prepare<'a>(
    index: usize,
    id: &'a JobId,
    t: &'a TrainJob,
    cache: &Cache,
    observer: &dyn Observer,
) -> Result<Ready<'a>, ExecError> {
    let unsupported = |why: String| ExecError::Unsupported(format!("training `{}`: {why}", t.name));
    let lang = crate::tasks::language_of(&t.data.class).map_err(unsupported)?;
    if t.init.is_some() {
        return Err(unsupported("a language model starts from its init policy (no `init` file yet)".into()));
    }
    let model = LanguageModel::init(&t.setup.model, lang.vocab(), t.seed).map_err(unsupported)?;
    let words = lang.words();
    let everything = TokenBatch::framed(lang.as_ref(), &words);
    let aux = match &t.setup.completions {
        None => vec![],
        Some(c) => ood_completions(lang.as_ref(), c.variant, c.length)
            .ok_or_else(|| unsupported("this language has no adversarial or oracle completions".into()))?,
    };
    TokenBatch::completions(lang.as_ref(), &aux).map_err(unsupported)?;
    let policy = checkpoints(id, t, cache, observer)?;
    Ok(Ready { index, job: (id, t), model, lang, words, everything, aux, policy })
}

/// The loop's view of a ready member: a step's words (every word, or a draw of them) and its
/// weighted completions.
fn member<'a>(r: &'a Ready<'a>, compute: &Compute) -> Prepared<'a, crate::model::WeightedBatches> {
    let t = r.job.1;
    let batch = t.setup.batch;
    let (aux_weight, aux_batch) = t.setup.completions.map_or((0.0, 0), |c| (c.weight, c.batch));
    let lang = r.lang.as_ref();
    // The reference trains on every word each step; a smaller batch draws words.
    let next_batch = move |rng: &mut crate::rng::Rng, _| {
        let part = if batch >= r.words.len() {
            r.everything.clone()
        } else {
            TokenBatch::framed(lang, &draw(&r.words, rng, batch))
        };
        let mut parts = vec![(part, 1.0)];
        // The pairs were checked as one batch: any draw of them is one too.
        if let (false, Ok(b)) = (r.aux.is_empty(), TokenBatch::completions(lang, &draw(&r.aux, rng, aux_batch))) {
            parts.push((b, aux_weight));
        }
        parts
    };
    Prepared::of(r.job, r.model.weights(), compute, &r.policy, next_batch)
}

/// Seals a trained member: its weights, the selection among its weights by their loss on every
/// word of the language (`select = lowest_loss`), its record.
fn seal(r: &Ready, outcome: crate::model::TrainOutcome, cache: &Cache, target: &Target) -> Outcome {
    let (id, t) = r.job;
    let loss_of = |path: &std::path::Path| -> Result<f64, String> {
        let kept = LanguageModel::load(&t.setup.model, r.lang.vocab(), path, target)?;
        kept.loss(&r.everything).map(f64::from).map_err(|e| e.to_string())
    };
    let select = (t.setup.select == Select::LowestLoss).then_some(&loss_of as LossOf);
    let steps = t.setup.steps;
    let save = |path: &std::path::Path, wall_s: f64| r.model.save(path, steps, wall_s);
    finish(id, t, cache, &r.policy, outcome, r.model.parameters(), save, select)
}
