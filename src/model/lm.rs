//! The causal language model of the rule-extrapolation experiments: GPT-2 (the same blocks as the
//! regression model) over a token table, learned or sinusoidal positions, and an untied logits
//! head; next-token cross-entropy with padding ignored. Names follow Hugging Face's
//! `GPT2LMHeadModel` (`transformer.wte.weight`, `transformer.h.0.attn.c_attn.weight`,
//! `lm_head.weight`), so its checkpoints load there.
use super::config::{Config, LAYER_NORM_EPS};
use super::flat::Weights;
use super::gpt2::{Block, causal_mask};
use super::layers::{LayerNorm, param};
use super::names::*;
pub use crate::spec::Positions;
use crate::tasks::languages::TokenBatch;
use candle_core::{D, DType, Device, IndexOp, Result, Tensor, Var};
use candle_nn::{VarBuilder, VarMap};
use serde::{Deserialize, Serialize};

/// The shape of a [`CausalLm`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LmConfig {
    /// Tokens in the vocabulary (symbols, SOS, EOS, PAD).
    pub vocab: usize,
    /// The longest sequence the model reads.
    pub context: usize,
    /// Embedding width.
    pub n_embd: usize,
    /// Transformer blocks.
    pub n_layer: usize,
    /// Attention heads.
    pub n_head: usize,
    /// Learned or sinusoidal positions.
    pub positions: Positions,
}

impl LmConfig {
    /// The shape the init policy reads (layers for the residual scaling; no read-in here).
    fn init_shape(&self) -> Config {
        Config::new(self.vocab, self.context, self.n_embd, self.n_layer, self.n_head)
    }
}

/// A next-token model over token ids: the transformer [`CausalLm`] and the [`super::LstmLm`]
/// baseline share its loss, its generation and the training backend.
pub trait TokenModel: Weights {
    /// Token ids `(B, T)` → logits of the next token at every position, `(B, T, V)`.
    fn logits(&self, tokens: &Tensor) -> Result<Tensor>;
    /// Tokens in the vocabulary.
    fn vocab(&self) -> usize;
    /// The longest sequence the model reads (generation stops there).
    fn context(&self) -> usize;
}

/// Mean next-token cross-entropy over the target positions (not padding, not a given prompt).
pub fn token_loss(model: &dyn TokenModel, batch: &TokenBatch, device: &Device) -> Result<Tensor> {
    let (logp, keep) = target_log_probs(model, batch, device)?;
    let kept = keep.iter().sum::<f32>().max(1.0);
    logp.sum_all()?.neg()? / f64::from(kept)
}

/// Each sequence's summed next-token cross-entropy over its targets, and how many targets it has.
pub fn sequence_losses(model: &dyn TokenModel, batch: &TokenBatch, device: &Device) -> Result<Vec<(f32, u32)>> {
    let (logp, keep) = target_log_probs(model, batch, device)?;
    let sums = logp.reshape((batch.batch, batch.len - 1))?.sum(1)?.neg()?.to_vec1::<f32>()?; // (B)
    let counts = keep.chunks(batch.len - 1).map(|row| row.iter().sum::<f32>() as u32);
    Ok(sums.into_iter().zip(counts).collect())
}

/// The log-probability of every target token, 0 where no target is (padding, a given prompt),
/// `(B·(T−1))`, and the 0/1 mask of targets.
fn target_log_probs(model: &dyn TokenModel, batch: &TokenBatch, device: &Device) -> Result<(Tensor, Vec<f32>)> {
    let vocab = model.vocab();
    let tokens = Tensor::from_slice(&batch.tokens, (batch.batch, batch.len), device)?;
    let inputs = tokens.narrow(1, 0, batch.len - 1)?; // (B, T-1)
    let targets = tokens.narrow(1, 1, batch.len - 1)?.flatten_all()?; // (B·(T-1))
    let logits = model.logits(&inputs)?; // (B, T-1, V)
    let logp = candle_nn::ops::log_softmax(&logits.reshape(((), vocab))?, D::Minus1)?; // (N, V)
    let picked = logp.gather(&targets.unsqueeze(1)?, 1)?.squeeze(1)?; // (N)
    // Targets are positions 1 … len−1; those before `target_from` (a given prompt) and padding are not.
    let keep: Vec<f32> = batch
        .tokens
        .chunks(batch.len)
        .flat_map(|row| {
            row.iter().enumerate().skip(1).map(|(i, &t)| f32::from(t != batch.pad && i >= batch.target_from))
        })
        .collect();
    let mask = Tensor::from_slice(&keep, picked.shape(), device)?;
    Ok(((picked * mask)?, keep))
}

/// The network and the variables it is built on.
pub struct CausalLm {
    varmap: VarMap,
    wte: Tensor,
    wpe: Tensor,
    blocks: Vec<Block>,
    ln_f: LayerNorm,
    lm_head: Tensor,
    cfg: LmConfig,
}

impl CausalLm {
    /// Fresh weights by GPT-2's init policy (N(0, 0.02), residual projections scaled by
    /// 1/sqrt(2·layers), LayerNorm 1, biases 0) from a seeded stream.
    pub fn init(cfg: &LmConfig, seed: u64, device: &Device) -> Result<Self> {
        let lm = CausalLm::zeros(cfg, device)?;
        let mut rng = crate::rng::stream(seed, "init-lm");
        for (name, var) in lm.named() {
            var.set(&super::init::draw(&name, var.shape().dims(), &cfg.init_shape(), &mut rng, device)?)?;
        }
        Ok(lm)
    }

    /// The network with zero weights.
    pub fn zeros(cfg: &LmConfig, device: &Device) -> Result<Self> {
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, device);
        let tb = vb.pp(TRANSFORMER);
        let c = cfg.n_embd;
        let wpe = match cfg.positions {
            Positions::Learned => param(&tb.pp(WPE), &[cfg.context, c], WEIGHT)?,
            Positions::Sinusoidal => sinusoidal(cfg.context, c, device)?,
        };
        Ok(CausalLm {
            wte: param(&tb.pp(WTE), &[cfg.vocab, c], WEIGHT)?,
            wpe,
            blocks: (0..cfg.n_layer)
                .map(|i| Block::new(tb.pp(block(i)), c, cfg.n_head, LAYER_NORM_EPS))
                .collect::<Result<_>>()?,
            ln_f: LayerNorm::new(tb.pp(LN_F), c, LAYER_NORM_EPS)?,
            lm_head: param(&vb.pp(LM_HEAD), &[cfg.vocab, c], WEIGHT)?,
            varmap,
            cfg: *cfg,
        })
    }

    /// The model's shape.
    pub fn config(&self) -> &LmConfig {
        &self.cfg
    }

    /// Every variable, sorted by name.
    pub fn named(&self) -> Vec<(String, Var)> {
        super::params::sorted_vars(&self.varmap)
    }

    /// Token ids `(B, T)` → logits of the next token at every position, `(B, T, V)`.
    pub fn forward(&self, tokens: &Tensor) -> Result<Tensor> {
        let (b, t) = tokens.dims2()?;
        if t > self.cfg.context {
            candle_core::bail!("a sequence of {t} tokens is longer than the model's context of {}", self.cfg.context);
        }
        let mask = causal_mask(t, tokens.device())?; // (T, T)
        let emb = self.wte.index_select(&tokens.flatten_all()?, 0)?.reshape((b, t, self.cfg.n_embd))?; // (B, T, C)
        let mut h = emb.broadcast_add(&self.wpe.i(0..t)?)?;
        for block in &self.blocks {
            h = block.forward(&h, &mask)?;
        }
        let h = self.ln_f.forward(&h)?; // (B, T, C)
        h.reshape((b * t, self.cfg.n_embd))?.matmul(&self.lm_head.t()?)?.reshape((b, t, self.cfg.vocab)) // (B, T, V)
    }
}

impl super::flat::Weights for CausalLm {
    fn named(&self) -> Vec<(String, Var)> {
        CausalLm::named(self)
    }
}

/// How the next token is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "decode", rename_all = "snake_case")]
pub enum Decoding {
    /// The most likely token (ties: the lowest id).
    Greedy,
    /// A draw from the softmax of logits / temperature.
    Sample {
        /// Temperature (> 0).
        temperature: f64,
    },
}

impl TokenModel for CausalLm {
    fn logits(&self, tokens: &Tensor) -> Result<Tensor> {
        self.forward(tokens)
    }
    fn vocab(&self) -> usize {
        self.cfg.vocab
    }
    fn context(&self) -> usize {
        self.cfg.context
    }
}

/// Continues every prompt (each starting with SOS, all of one length) by up to `max_new`
/// tokens; a sequence stops at its first `eos` (kept) and the batch stops when every sequence
/// has, or the context is full. Returns the new tokens of each prompt. Sampling draws each
/// prompt's tokens from its own stream (`rngs`, one per prompt), so a prompt's completion does
/// not depend on the others in its batch.
pub fn generate(
    model: &dyn TokenModel,
    prompts: &[Vec<u32>],
    max_new: usize,
    eos: u32,
    decoding: Decoding,
    rngs: &mut [crate::rng::Rng],
    device: &Device,
) -> Result<Vec<Vec<u32>>> {
    let Some(len) = prompts.first().map(Vec::len) else { return Ok(vec![]) };
    if len == 0 {
        candle_core::bail!("a prompt needs at least its SOS token");
    }
    if prompts.iter().any(|p| p.len() != len) {
        candle_core::bail!("prompts of one batch must have one length");
    }
    if rngs.len() != prompts.len() {
        candle_core::bail!("{} random streams for {} prompts", rngs.len(), prompts.len());
    }
    let b = prompts.len();
    let mut seqs: Vec<Vec<u32>> = prompts.to_vec();
    let mut out: Vec<Vec<u32>> = vec![Vec::new(); b];
    let mut done = vec![false; b];
    let steps = max_new.min(model.context().saturating_sub(len));
    for _ in 0..steps {
        let t = seqs[0].len();
        let flat: Vec<u32> = seqs.iter().flatten().copied().collect();
        let tokens = Tensor::from_vec(flat, (b, t), device)?;
        let last = model.logits(&tokens)?.i((.., t - 1, ..))?; // (B, V)
        let next = pick(&last.to_dtype(DType::F32)?.to_vec2::<f32>()?, decoding, rngs);
        for (i, tok) in next.into_iter().enumerate() {
            // A finished sequence keeps growing in the batch (one shape for all) but its
            // new tokens are not kept.
            seqs[i].push(tok);
            if !done[i] {
                out[i].push(tok);
                done[i] = tok == eos;
            }
        }
        if done.iter().all(|&d| d) {
            break;
        }
    }
    Ok(out)
}

/// The next token of each row of logits, a sampled one from the row's own stream.
fn pick(logits: &[Vec<f32>], decoding: Decoding, rngs: &mut [crate::rng::Rng]) -> Vec<u32> {
    use rand::Rng as _;
    logits
        .iter()
        .zip(rngs.iter_mut())
        .map(|(row, rng)| match decoding {
            Decoding::Greedy => {
                row.iter()
                    .enumerate()
                    .fold((0, f32::NEG_INFINITY), |best, (i, &v)| if v > best.1 { (i, v) } else { best })
                    .0 as u32
            }
            Decoding::Sample { temperature } => {
                let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let w: Vec<f64> = row.iter().map(|&v| ((v - max) as f64 / temperature).exp()).collect();
                let mut u = rng.random::<f64>() * w.iter().sum::<f64>();
                let mut chosen = w.len() - 1;
                for (i, wi) in w.iter().enumerate() {
                    if u < *wi {
                        chosen = i;
                        break;
                    }
                    u -= wi;
                }
                chosen as u32
            }
        })
        .collect()
}

/// The reference code's sinusoidal table: sin at even, cos at odd columns, `(T, C)`.
fn sinusoidal(t: usize, c: usize, device: &Device) -> Result<Tensor> {
    let mut table = vec![0f32; t * c];
    for pos in 0..t {
        for i in (0..c).step_by(2) {
            let angle = pos as f64 / 10_000f64.powf(i as f64 / c as f64);
            table[pos * c + i] = angle.sin() as f32;
            if i + 1 < c {
                table[pos * c + i + 1] = angle.cos() as f32;
            }
        }
    }
    Tensor::from_vec(table, (t, c), device)
}
