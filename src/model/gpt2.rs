//! The GPT-2 backbone and the read-in / read-out heads, top-down.
use super::config::IclConfig;
use super::layers::{Conv1D, LayerNorm, Linear, ParamVb};
use super::names::*;
use candle_core::{D, Device, Result, Tensor};

/// Causal self-attention with fused q|k|v projection (`c_attn`) and output projection (`c_proj`).
struct Attention {
    c_attn: Conv1D,
    c_proj: Conv1D,
    n_head: usize,
}

impl Attention {
    fn new(vb: ParamVb, c: usize, n_head: usize) -> Result<Self> {
        Ok(Attention {
            c_attn: Conv1D::new(vb.pp(C_ATTN), c, 3 * c)?,
            c_proj: Conv1D::new(vb.pp(C_PROJ), c, c)?,
            n_head,
        })
    }

    /// `x (K, B, T, C)` → `(K, B, T, C)`; `mask` is `(T, T)`: 0 where attending is allowed, a
    /// large negative number above the diagonal.
    fn forward(&self, x: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let (k, b, t, c) = x.dims4()?;
        let (h, hd) = (self.n_head, c / self.n_head);
        let qkv = self.c_attn.forward(x)?; // (K, B, T, 3C)
        let heads = |i: usize| -> Result<Tensor> {
            qkv.narrow(3, i * c, c)? // (K, B, T, C)
                .reshape((k * b, t, h, hd))?
                .transpose(1, 2)? // (K·B, H, T, hd)
                .contiguous()
        };
        let (q, key, v) = (heads(0)?, heads(1)?, heads(2)?);
        let att = (q.matmul(&key.t()?)? * (1.0 / (hd as f64).sqrt()))?; // (K·B, H, T, T)
        let att = candle_nn::ops::softmax(&att.broadcast_add(mask)?, D::Minus1)?;
        let y = att
            .matmul(&v)? // (K·B, H, T, hd)
            .transpose(1, 2)? // (K·B, T, H, hd)
            .reshape((k, b, t, c))?;
        self.c_proj.forward(&y)
    }
}

/// The feed-forward block: width 4C, `gelu_new` (tanh approximation).
struct Mlp {
    c_fc: Conv1D,
    c_proj: Conv1D,
}

impl Mlp {
    fn new(vb: ParamVb, c: usize) -> Result<Self> {
        Ok(Mlp { c_fc: Conv1D::new(vb.pp(C_FC), c, 4 * c)?, c_proj: Conv1D::new(vb.pp(C_PROJ), 4 * c, c)? })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let h = self.c_fc.forward(x)?; // (K, B, T, 4C)
        // The custom op has a CPU kernel only; candle's own GELU is the same tanh approximation.
        let g = if h.device().is_cpu() { super::gelu::gelu_new(&h)? } else { h.gelu()? };
        self.c_proj.forward(&g) // (K, B, T, C)
    }
}

/// A pre-LayerNorm transformer block (GPT-2's), shared by the regression model and the language model.
pub(super) struct Block {
    ln_1: LayerNorm,
    attn: Attention,
    ln_2: LayerNorm,
    mlp: Mlp,
}

impl Block {
    /// A block of width `c` with `n_head` heads.
    pub(super) fn new(vb: ParamVb, c: usize, n_head: usize, eps: f64) -> Result<Self> {
        Ok(Block {
            ln_1: LayerNorm::new(vb.pp(LN_1), c, eps)?,
            attn: Attention::new(vb.pp(ATTN), c, n_head)?,
            ln_2: LayerNorm::new(vb.pp(LN_2), c, eps)?,
            mlp: Mlp::new(vb.pp(MLP), c)?,
        })
    }

    /// `x (K, B, T, C)` → `(K, B, T, C)`; `mask` from [`causal_mask`].
    pub(super) fn forward(&self, x: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let x = (x + self.attn.forward(&self.ln_1.forward(x)?, mask)?)?;
        &x + self.mlp.forward(&self.ln_2.forward(&x)?)?
    }
}

/// `read_in` → GPT-2 (`inputs_embeds`, learned positions, no token table) → `read_out`.
pub struct IclTransformer {
    read_in: Linear,
    wpe: Tensor,
    blocks: Vec<Block>,
    ln_f: LayerNorm,
    read_out: Linear,
    cfg: IclConfig,
}

impl IclTransformer {
    /// Builds the network (or a stack of them) from parameters named as in the PyTorch reference.
    pub fn new(vb: ParamVb, cfg: &IclConfig) -> Result<Self> {
        let bb = vb.pp(BACKBONE);
        let blocks = (0..cfg.n_layer)
            .map(|i| Block::new(bb.pp(block(i)), cfg.n_embd, cfg.n_head, cfg.layer_norm_eps))
            .collect::<Result<_>>()?;
        Ok(IclTransformer {
            read_in: Linear::new(vb.pp(READ_IN), cfg.n_dims, cfg.n_embd)?,
            wpe: bb.pp(WPE).get(&[cfg.n_positions(), cfg.n_embd], WEIGHT)?, // (K, P, C)
            blocks,
            ln_f: LayerNorm::new(bb.pp(LN_F), cfg.n_embd, cfg.layer_norm_eps)?,
            read_out: Linear::new(vb.pp(READ_OUT), cfg.n_embd, 1)?,
            cfg: *cfg,
        })
    }

    /// The model's shape.
    pub fn config(&self) -> &IclConfig {
        &self.cfg
    }

    /// Interleaved prompts `(B, 2k, d)` → predictions of each y from the x at its position, `(B, k)`.
    pub fn forward(&self, zs: &Tensor) -> Result<Tensor> {
        self.forward_stacked(&zs.unsqueeze(0)?)?.squeeze(0)
    }

    /// Each model's prompts `(K, B, 2k, d)` → its predictions `(K, B, k)`.
    pub fn forward_stacked(&self, zs: &Tensor) -> Result<Tensor> {
        let (k, b, t, _) = zs.dims4()?;
        let mask = causal_mask(t, zs.device())?; // (T, T)
        let positions = self.wpe.narrow(1, 0, t)?.unsqueeze(1)?; // (K, 1, T, C)
        let mut h = self.read_in.forward(zs)?.broadcast_add(&positions)?; // (K, B, T, C)
        for block in &self.blocks {
            h = block.forward(&h, &mask)?;
        }
        let out = self.read_out.forward(&self.ln_f.forward(&h)?)?; // (K, B, T, 1)
        out.reshape((k, b, t / 2, 2))?.narrow(3, 0, 1)?.squeeze(3) // (K, B, k): the x positions
    }
}

/// 0 on and below the diagonal, -1e9 above it; exp underflows to exactly 0 as with HF's finfo.min.
pub(super) fn causal_mask(t: usize, device: &Device) -> Result<Tensor> {
    let data: Vec<f32> = (0..t * t).map(|i| if i % t > i / t { -1e9 } else { 0.0 }).collect();
    Tensor::from_vec(data, (t, t), device)
}
