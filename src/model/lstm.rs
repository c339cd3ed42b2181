//! The LSTM language model, the follow-up paper's recurrent baseline: a token table, `layers`
//! stacked LSTMs (PyTorch's gate order i, f, g, o and parameter names), a linear logits head.
//! It shares the transformer's loss, generation and training backend through [`TokenModel`]; its
//! cell is candle-nn's `LSTM::step`, written over a leading model axis so that a stack of K runs as
//! one batched product per gate.
use super::flat::Weights;
use super::layers::ParamVb;
use super::lm::TokenModel;
use candle_core::{DType, Device, IndexOp, Result, Tensor, Var};
use candle_nn::{VarBuilder, VarMap};
use serde::{Deserialize, Serialize};

/// The shape of an [`LstmLm`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LstmConfig {
    /// Tokens in the vocabulary.
    pub vocab: usize,
    /// The longest sequence generation runs to.
    pub context: usize,
    /// Hidden (and embedding) width.
    pub hidden: usize,
    /// Stacked LSTM layers.
    pub layers: usize,
}

/// One LSTM layer's weights, PyTorch's names and gate order (i, f, g, o), per model.
struct Cell {
    w_ih: Tensor, // (K, 4H, H)
    w_hh: Tensor, // (K, 4H, H)
    b_ih: Tensor, // (K, 1, 4H)
    b_hh: Tensor, // (K, 1, 4H)
}

impl Cell {
    fn new(vb: &ParamVb, layer: usize, h: usize) -> Result<Self> {
        Ok(Cell {
            w_ih: vb.get(&[4 * h, h], &format!("weight_ih_l{layer}"))?,
            w_hh: vb.get(&[4 * h, h], &format!("weight_hh_l{layer}"))?,
            b_ih: vb.get(&[4 * h], &format!("bias_ih_l{layer}"))?.unsqueeze(1)?,
            b_hh: vb.get(&[4 * h], &format!("bias_hh_l{layer}"))?.unsqueeze(1)?,
        })
    }

    /// One step: input `(K, B, H)` and state `(h, c)` → the next state.
    fn step(&self, x: &Tensor, (h, c): &(Tensor, Tensor)) -> Result<(Tensor, Tensor)> {
        let gi = x.matmul(&self.w_ih.transpose(1, 2)?)?.broadcast_add(&self.b_ih)?; // (K, B, 4H)
        let gh = h.matmul(&self.w_hh.transpose(1, 2)?)?.broadcast_add(&self.b_hh)?;
        let chunks = (&gi + &gh)?.chunk(4, 2)?;
        let in_gate = candle_nn::ops::sigmoid(&chunks[0])?;
        let forget_gate = candle_nn::ops::sigmoid(&chunks[1])?;
        let cell_gate = chunks[2].tanh()?;
        let out_gate = candle_nn::ops::sigmoid(&chunks[3])?;
        let next_c = ((forget_gate * c)? + (in_gate * cell_gate)?)?;
        let next_h = (out_gate * next_c.tanh()?)?;
        Ok((next_h, next_c))
    }

    /// A sequence `(K, B, T, H)` → the hidden state at every step, `(K, B, T, H)`, from zeros.
    fn seq(&self, x: &Tensor) -> Result<Tensor> {
        let (k, b, t, h) = x.dims4()?;
        let zeros = Tensor::zeros((k, b, h), DType::F32, x.device())?;
        let mut state = (zeros.clone(), zeros);
        let mut hs = Vec::with_capacity(t);
        for i in 0..t {
            state = self.step(&x.i((.., .., i, ..))?.contiguous()?, &state)?;
            hs.push(state.0.clone());
        }
        Tensor::stack(&hs, 2)
    }
}

/// The network (or a stack of K of them) and its variables.
pub struct LstmLm {
    varmap: VarMap,
    embedding: Tensor,
    cells: Vec<Cell>,
    head_w: Tensor,
    head_b: Tensor,
    cfg: LstmConfig,
}

impl LstmLm {
    /// The network with zero weights.
    pub fn zeros(cfg: &LstmConfig, device: &Device) -> Result<Self> {
        let varmap = VarMap::new();
        let vb = ParamVb::single(VarBuilder::from_varmap(&varmap, DType::F32, device));
        LstmLm::build(varmap, vb, cfg)
    }

    /// The network on the variables of `vb`, which live in `varmap` (one model's, or a stack's).
    pub(super) fn build(varmap: VarMap, vb: ParamVb, cfg: &LstmConfig) -> Result<Self> {
        let h = cfg.hidden;
        let lstm = vb.pp("lstm");
        Ok(LstmLm {
            embedding: vb.pp("embedding").get(&[cfg.vocab, h], "weight")?, // (K, V, H)
            cells: (0..cfg.layers).map(|layer| Cell::new(&lstm, layer, h)).collect::<Result<_>>()?,
            head_w: vb.pp("head").get(&[cfg.vocab, h], "weight")?, // (K, V, H)
            head_b: vb.pp("head").get(&[cfg.vocab], "bias")?.unsqueeze(1)?, // (K, 1, V)
            varmap,
            cfg: *cfg,
        })
    }

    /// Fresh weights as PyTorch draws them: the embedding N(0, 1), every LSTM and head parameter
    /// U(−1/√h, 1/√h), from a seeded stream.
    pub fn init(cfg: &LstmConfig, seed: u64, device: &Device) -> Result<Self> {
        use rand::Rng as _;
        use rand_distr::{Distribution, StandardNormal};
        let lm = LstmLm::zeros(cfg, device)?;
        let mut rng = crate::rng::stream(seed, "init-lstm");
        let bound = 1.0 / (cfg.hidden as f32).sqrt();
        for (name, var) in lm.named() {
            let dims = var.dims().to_vec();
            let n: usize = dims.iter().product();
            let values: Vec<f32> = if name.starts_with("embedding") {
                (0..n).map(|_| StandardNormal.sample(&mut rng)).collect()
            } else {
                (0..n).map(|_| rng.random_range(-bound..bound)).collect()
            };
            var.set(&Tensor::from_vec(values, dims, device)?)?;
        }
        Ok(lm)
    }
}

impl Weights for LstmLm {
    fn named(&self) -> Vec<(String, Var)> {
        super::params::sorted_vars(&self.varmap)
    }
}

impl TokenModel for LstmLm {
    fn logits_stacked(&self, tokens: &Tensor) -> Result<Tensor> {
        let (k, b, t) = tokens.dims3()?;
        let (h, vocab) = (self.cfg.hidden, self.cfg.vocab);
        let mut x = super::layers::lookup(&self.embedding, tokens)?; // (K, B, T, H)
        for cell in &self.cells {
            x = cell.seq(&x)?; // (K, B, T, H)
        }
        x.reshape((k, b * t, h))?
            .matmul(&self.head_w.transpose(1, 2)?)?
            .broadcast_add(&self.head_b)?
            .reshape((k, b, t, vocab)) // (K, B, T, V)
    }
    fn vocab(&self) -> usize {
        self.cfg.vocab
    }
    fn context(&self) -> usize {
        self.cfg.context
    }
}
