//! A language evaluation job: every prompt of a length completed by every language model
//! replicate (final weights, and the steps `at` reads), each completion scored against the
//! language's rules, and the model's loss on the language's words.
use super::super::Evaluating;
use super::super::KindRecord;
use super::{Completions, LanguageOutput};
use crate::exec::{EvalOutput, ExecError};
use crate::model::{Decoding, LanguageModel};
use crate::spec::{Decode, Prompts};
use crate::tasks::languages::{Language, Token, TokenBatch, all_prompts, listed_prompts, metrics, minimum_loss, score};

/// The record of one language of a language evaluation (`evaluate::run` stores it).
pub fn record(job: &Evaluating) -> Result<EvalOutput, ExecError> {
    let Evaluating { id, job: e, trains, cache, target, observer } = *job;
    let unsupported = |why: String| ExecError::Unsupported(format!("evaluating `{}`: {why}", e.eval));
    let completing = e
        .completing
        .as_ref()
        .ok_or_else(|| unsupported("a language is read by completing prompts (`completing`)".into()))?;
    let lang = crate::tasks::language_of(&e.task.class).map_err(unsupported)?;
    let split = match &completing.prompts {
        Prompts::All { length } => all_prompts(lang.as_ref(), *length),
        Prompts::Listed { words } => listed_prompts(lang.as_ref(), words).map_err(unsupported)?,
    };
    let prompts: Vec<Vec<Token>> = split.id.iter().chain(&split.ood).cloned().collect();
    let words = lang.words();
    let mut replicates = Vec::new();
    for (done, (name, train_id)) in e.models.iter().enumerate() {
        let (t, out) = &trains[train_id];
        // The model's weights: its last step's, or those a selection kept (and their seconds).
        let kept_wall = out.selected.and_then(|(s, _)| out.snapshots.iter().find(|x| x.step == s)).map(|x| x.wall_s);
        let mut weights = vec![(None, kept_wall.unwrap_or(out.wall_s), cache.path(train_id, &out.checkpoint))];
        for step in e.at.as_ref().map_or_else(Vec::new, |at| at.resolve(t.setup.steps)) {
            let snapshot = out.snapshots.iter().find(|s| s.step == step).ok_or_else(|| {
                unsupported(format!("reading `{name}` at step {step}: its training kept no weights of that step"))
            })?;
            weights.push((Some(step), snapshot.wall_s, cache.job_dir(train_id)?.join(&snapshot.file)));
        }
        for (step, wall_s, path) in weights {
            let model = LanguageModel::load(&t.setup.model, lang.vocab(), &path, target).map_err(unsupported)?;
            // One stream per prompt, named by everything that decides its completion.
            let stream = format!("eval-decode/{}/{}/{name}/{}/{step:?}", e.eval, e.task.name, t.seed);
            let tensor_err =
                |source| ExecError::Tensor { context: format!("evaluating `{name}` in `{}`", e.eval), source };
            let (completions, scores) =
                complete(&model, lang.as_ref(), &prompts, completing.decode, e.seed, &stream).map_err(tensor_err)?;
            let losses = word_losses(&model, lang.as_ref(), &words).map_err(tensor_err)?;
            replicates.push(Completions {
                model: name.clone(),
                seed: t.seed,
                step,
                wall_s,
                completions,
                scores,
                losses,
            });
        }
        observer.eval_step(id, done as u64 + 1);
    }
    let named = metrics(lang.as_ref());
    let record = LanguageOutput {
        prompts: prompts.iter().map(|p| lang.spell(p)).collect(),
        ood: (0..prompts.len()).map(|i| i >= split.id.len()).collect(),
        metrics: named.iter().map(|(m, _)| *m).collect(),
        meanings: named.into_iter().map(|(_, meaning)| meaning).collect(),
        minimum_loss: Some(minimum_loss(&words)).filter(|l| l.is_finite()),
        words: words.iter().map(|w| lang.spell(w)).collect(),
        replicates,
    };
    Ok(EvalOutput::of(0, prompts.len(), KindRecord::Tokens(record)))
}

/// Each prompt's completion as text and its metrics, `(prompts, metrics)` row-major.
fn complete(
    model: &LanguageModel,
    lang: &dyn Language,
    prompts: &[Vec<Token>],
    decode: Decode,
    seed: u64,
    stream: &str,
) -> Result<(Vec<String>, Vec<u8>), crate::model::TensorError> {
    let decoding = match decode {
        Decode::Greedy { .. } => Decoding::Greedy,
        Decode::Sample { temperature, .. } => Decoding::Sample { temperature },
    };
    // A batch of generation holds prompts of one length: listed prompts are completed by length.
    let mut lengths: Vec<usize> = prompts.iter().map(Vec::len).collect();
    lengths.sort_unstable();
    lengths.dedup();
    let mut done: Vec<Option<Vec<Token>>> = vec![None; prompts.len()];
    for len in lengths {
        let same: Vec<usize> = (0..prompts.len()).filter(|&i| prompts[i].len() == len).collect();
        for chunk in same.chunks(crate::plan::EVAL_CHUNK) {
            let framed: Vec<Vec<Token>> = chunk
                .iter()
                .map(|&i| std::iter::once(lang.sos()).chain(prompts[i].iter().copied()).collect())
                .collect();
            let mut rngs: Vec<crate::rng::Rng> = chunk
                .iter()
                .map(|&i| crate::rng::stream(seed, &format!("{stream}/{}", lang.spell(&prompts[i]))))
                .collect();
            let generated = model.complete(&framed, decode.max_new(), lang.eos(), decoding, &mut rngs)?;
            for (&i, g) in chunk.iter().zip(generated) {
                done[i] = Some(g);
            }
        }
    }
    let (mut texts, mut scores) = (Vec::with_capacity(prompts.len()), Vec::new());
    for (p, g) in prompts.iter().zip(done.into_iter().flatten()) {
        let end = g.iter().position(|&t| t == lang.eos()).map_or(g.len(), |i| i + 1);
        texts.push(lang.spell(&g[..end]));
        scores.extend(score(lang, p, &g).flags().into_iter().map(u8::from));
    }
    Ok((texts, scores))
}

/// Each word's summed next-token cross-entropy (its symbols and EOS after SOS) and its targets,
/// in one forward pass.
fn word_losses(
    model: &LanguageModel,
    lang: &dyn Language,
    words: &[Vec<Token>],
) -> Result<Vec<(f32, u32)>, crate::model::TensorError> {
    model.sequence_losses(&TokenBatch::framed(lang, words))
}
