//! The causal language model of the rule-extrapolation experiments: GPT-2 (the same blocks as the
//! regression model) over a token table, learned or sinusoidal positions, and an untied logits
//! head; next-token cross-entropy with padding ignored. Names follow Hugging Face's
//! `GPT2LMHeadModel` (`transformer.wte.weight`, `transformer.h.0.attn.c_attn.weight`,
//! `lm_head.weight`), so its checkpoints load there.
use super::config::LAYER_NORM_EPS;
use super::flat::Weights;
use super::gpt2::{Block, causal_mask};
use super::init::InitShape;
use super::layers::{LayerNorm, ParamVb};
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
    fn init_shape(&self) -> InitShape {
        InitShape { read_in: self.vocab, n_embd: self.n_embd, n_layer: self.n_layer }
    }
}

/// A next-token model over token ids: the transformer [`CausalLm`] and the [`super::LstmLm`]
/// baseline share its loss, its generation and the training backend. A stack of K models reads
/// K batches at once.
pub trait TokenModel: Weights {
    /// Each model's token ids `(K, B, T)` → its logits of the next token at every position,
    /// `(K, B, T, V)`.
    fn logits_stacked(&self, tokens: &Tensor) -> Result<Tensor>;
    /// Tokens in the vocabulary.
    fn vocab(&self) -> usize;
    /// The longest sequence the model reads (generation stops there).
    fn context(&self) -> usize;

    /// One model's token ids `(B, T)` → logits of the next token at every position, `(B, T, V)`.
    fn logits(&self, tokens: &Tensor) -> Result<Tensor> {
        self.logits_stacked(&tokens.unsqueeze(0)?)?.squeeze(0)
    }
}

/// Mean next-token cross-entropy over the target positions (not padding, not a given prompt).
pub fn token_loss(model: &dyn TokenModel, batch: &TokenBatch, device: &Device) -> Result<Tensor> {
    member_token_losses(model, &[batch], device)?.squeeze(0)
}

/// Each stacked model's mean next-token cross-entropy on its own batch, `(K)`: the batches are
/// padded to one shape, the padding no target.
pub fn member_token_losses(model: &dyn TokenModel, batches: &[&TokenBatch], device: &Device) -> Result<Tensor> {
    let stacked = StackedTokens::of(batches)?;
    let logp = stacked.target_log_probs(model, device)?; // (K, B·(T−1))
    let kept: Vec<f32> = stacked.kept.iter().map(|&n| n.max(1.0)).collect();
    let kept = Tensor::from_vec(kept, batches.len(), device)?; // (K)
    logp.sum(1)?.neg()?.div(&kept)
}

/// Each sequence's summed next-token cross-entropy over its targets, and how many targets it has.
pub fn sequence_losses(model: &dyn TokenModel, batch: &TokenBatch, device: &Device) -> Result<Vec<(f32, u32)>> {
    let stacked = StackedTokens::of(&[batch])?;
    let logp = stacked.target_log_probs(model, device)?; // (1, B·(T−1))
    let sums = logp.reshape((batch.batch, batch.len - 1))?.sum(1)?.neg()?.to_vec1::<f32>()?; // (B)
    let counts = stacked.mask.chunks(batch.len - 1).map(|row| row.iter().sum::<f32>() as u32);
    Ok(sums.into_iter().zip(counts).collect())
}

/// K models' token batches in one `(K, B, T)` buffer, each padded with its own padding token to
/// the largest batch and length among them, and the 0/1 mask of their targets.
struct StackedTokens {
    /// `(K, B, T)` row-major.
    tokens: Vec<u32>,
    /// `(K, B, T − 1)`: 1 where position t + 1 is a target.
    mask: Vec<f32>,
    /// Targets per model.
    kept: Vec<f32>,
    batch: usize,
    len: usize,
}

impl StackedTokens {
    fn of(batches: &[&TokenBatch]) -> Result<StackedTokens> {
        let batch = batches.iter().map(|b| b.batch).max().unwrap_or(0);
        let len = batches.iter().map(|b| b.len).max().unwrap_or(0);
        if batch == 0 || len < 2 {
            candle_core::bail!("a token batch needs a sequence of two tokens or more");
        }
        let (mut tokens, mut mask) = (Vec::with_capacity(batches.len() * batch * len), Vec::new());
        let mut kept = Vec::with_capacity(batches.len());
        for b in batches {
            let before = mask.len();
            for row in 0..batch {
                let seq = b.tokens.get(row * b.len..(row + 1) * b.len).unwrap_or(&[]);
                let padded = (0..len).map(|i| seq.get(i).copied().unwrap_or(b.pad));
                tokens.extend(padded.clone());
                // Targets are positions 1 … len−1; those before `target_from` (a given prompt) and padding are not.
                mask.extend(padded.enumerate().skip(1).map(|(i, t)| f32::from(t != b.pad && i >= b.target_from)));
            }
            kept.push(mask[before..].iter().sum());
        }
        Ok(StackedTokens { tokens, mask, kept, batch, len })
    }

    /// The log-probability of every target token, 0 where no target is, `(K, B·(T−1))`.
    fn target_log_probs(&self, model: &dyn TokenModel, device: &Device) -> Result<Tensor> {
        let k = self.kept.len();
        let (b, t, vocab) = (self.batch, self.len, model.vocab());
        let tokens = Tensor::from_slice(&self.tokens, (k, b, t), device)?;
        let inputs = tokens.narrow(2, 0, t - 1)?; // (K, B, T-1)
        let targets = tokens.narrow(2, 1, t - 1)?.flatten_all()?; // (K·B·(T-1))
        let logits = model.logits_stacked(&inputs)?; // (K, B, T-1, V)
        let logp = candle_nn::ops::log_softmax(&logits.reshape(((), vocab))?, D::Minus1)?; // (N, V)
        let picked = logp.gather(&targets.unsqueeze(1)?, 1)?.squeeze(1)?; // (N)
        let mask = Tensor::from_slice(&self.mask, picked.shape(), device)?;
        (picked * mask)?.reshape((k, ()))
    }
}

/// The network (or a stack of K of them) and the variables it is built on.
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
        let vb = ParamVb::single(VarBuilder::from_varmap(&varmap, DType::F32, device));
        CausalLm::build(varmap, vb, cfg)
    }

    /// The network on the variables of `vb`, which live in `varmap` (one model's, or a stack's).
    pub(super) fn build(varmap: VarMap, vb: ParamVb, cfg: &LmConfig) -> Result<Self> {
        let tb = vb.pp(TRANSFORMER);
        let c = cfg.n_embd;
        let wpe = match cfg.positions {
            Positions::Learned => tb.pp(WPE).get(&[cfg.context, c], WEIGHT)?, // (K, ctx, C)
            Positions::Sinusoidal => sinusoidal(cfg.context, c, vb.device())?.unsqueeze(0)?, // (1, ctx, C)
        };
        Ok(CausalLm {
            wte: tb.pp(WTE).get(&[cfg.vocab, c], WEIGHT)?, // (K, V, C)
            wpe,
            blocks: (0..cfg.n_layer)
                .map(|i| Block::new(tb.pp(block(i)), c, cfg.n_head, LAYER_NORM_EPS))
                .collect::<Result<_>>()?,
            ln_f: LayerNorm::new(tb.pp(LN_F), c, LAYER_NORM_EPS)?,
            lm_head: vb.pp(LM_HEAD).get(&[cfg.vocab, c], WEIGHT)?, // (K, V, C)
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
        self.logits(tokens)
    }

    /// Each model's token ids `(K, B, T)` → its logits `(K, B, T, V)`.
    fn forward_stacked(&self, tokens: &Tensor) -> Result<Tensor> {
        let (k, b, t) = tokens.dims3()?;
        let (c, vocab) = (self.cfg.n_embd, self.cfg.vocab);
        if t > self.cfg.context {
            candle_core::bail!("a sequence of {t} tokens is longer than the model's context of {}", self.cfg.context);
        }
        let mask = causal_mask(t, tokens.device())?; // (T, T)
        let emb = super::layers::lookup(&self.wte, tokens)?; // (K, B, T, C)
        let mut h = emb.broadcast_add(&self.wpe.narrow(1, 0, t)?.unsqueeze(1)?)?; // + (K, 1, T, C)
        for block in &self.blocks {
            h = block.forward(&h, &mask)?;
        }
        let h = self.ln_f.forward(&h)?; // (K, B, T, C)
        h.reshape((k, b * t, c))?.matmul(&self.lm_head.transpose(1, 2)?)?.reshape((k, b, t, vocab)) // (K, B, T, V)
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
    fn logits_stacked(&self, tokens: &Tensor) -> Result<Tensor> {
        self.forward_stacked(tokens)
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
