//! The LSTM language model, the follow-up paper's recurrent baseline: a token table, `layers`
//! stacked LSTMs (PyTorch's gate order i, f, g, o and parameter names), a linear logits head.
//! It shares the transformer's loss, generation and training backend through [`TokenModel`].
use super::flat::Weights;
use super::lm::TokenModel;
use candle_core::{DType, Device, Result, Tensor, Var};
use candle_nn::rnn::{LSTM, LSTMConfig, RNN};
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

/// The network and its variables.
pub struct LstmLm {
    varmap: VarMap,
    embedding: Tensor,
    lstms: Vec<LSTM>,
    head_w: Tensor,
    head_b: Tensor,
    cfg: LstmConfig,
}

impl LstmLm {
    /// The network with zero weights.
    pub fn zeros(cfg: &LstmConfig, device: &Device) -> Result<Self> {
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, device);
        let h = cfg.hidden;
        let zero = candle_nn::Init::Const(0.);
        let lstms = (0..cfg.layers)
            .map(|layer| {
                let config = LSTMConfig {
                    w_ih_init: zero,
                    w_hh_init: zero,
                    b_ih_init: Some(zero),
                    b_hh_init: Some(zero),
                    layer_idx: layer,
                    ..LSTMConfig::default()
                };
                candle_nn::rnn::lstm(h, h, config, vb.pp("lstm"))
            })
            .collect::<Result<_>>()?;
        Ok(LstmLm {
            embedding: vb.pp("embedding").get_with_hints((cfg.vocab, h), "weight", zero)?,
            lstms,
            head_w: vb.pp("head").get_with_hints((cfg.vocab, h), "weight", zero)?,
            head_b: vb.pp("head").get_with_hints(cfg.vocab, "bias", zero)?,
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
    fn logits(&self, tokens: &Tensor) -> Result<Tensor> {
        let (b, t) = tokens.dims2()?;
        let h = self.cfg.hidden;
        let mut x = self.embedding.index_select(&tokens.flatten_all()?, 0)?.reshape((b, t, h))?; // (B, T, H)
        for lstm in &self.lstms {
            let states = lstm.seq(&x)?;
            x = lstm.states_to_tensor(&states)?; // (B, T, H)
        }
        x.reshape((b * t, h))?.matmul(&self.head_w.t()?)?.broadcast_add(&self.head_b)?.reshape((b, t, self.cfg.vocab))
    }
    fn vocab(&self) -> usize {
        self.cfg.vocab
    }
    fn context(&self) -> usize {
        self.cfg.context
    }
}
