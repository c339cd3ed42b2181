//! The one-layer transformer of Li, Wang, Lu, Cui & Chen (ICML 2024): one softmax attention head
//! from the query to the context, a ReLU MLP of m neurons and a fixed readout, no LayerNorm and
//! no residual — F(P) = aᵀ ReLU(W_O Σ_i W_V p_i softmax_i((W_K p_i)ᵀ W_Q p_query)) — trained with
//! the hinge (or logistic) loss; and magnitude pruning of its MLP neurons at evaluation time.
use super::layers::ParamVb;
use super::params::sorted_vars;
use crate::rng::Rng;
use crate::tasks::patterns::PatternPrompt;
use candle_core::{D, DType, Device, Result, Tensor, Var};
use candle_nn::{VarBuilder, VarMap};
use rand::seq::SliceRandom as _;
use rand_distr::{Distribution, Normal};

/// The network's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatternNetConfig {
    /// Width of an embedded example `[x; y·q]`: the input dimension plus the label embedding's.
    pub embed: usize,
    /// Rows of W_Q and W_K.
    pub keys: usize,
    /// Rows of W_V.
    pub values: usize,
    /// MLP neurons m (rows of W_O).
    pub neurons: usize,
}

pub use crate::spec::PruneOrder;

/// The network (or a stack of K of them) and its variables (`wq`, `wk`, `wv`, `wo`); the
/// readout is fixed.
pub struct PatternNet {
    varmap: VarMap,
    wq: Tensor,
    wk: Tensor,
    wv: Tensor,
    wo: Tensor,
    readout: Tensor,
    cfg: PatternNetConfig,
}

impl PatternNet {
    /// The network with zero weights and the fixed readout: +1/m for the first half of the
    /// neurons, −1/m for the rest.
    pub fn zeros(cfg: &PatternNetConfig, device: &Device) -> Result<Self> {
        let varmap = VarMap::new();
        let vb = ParamVb::single(VarBuilder::from_varmap(&varmap, DType::F32, device));
        PatternNet::build(varmap, vb, cfg)
    }

    /// The network on the variables of `vb`, which live in `varmap` (one model's, or a stack's).
    pub(super) fn build(varmap: VarMap, vb: ParamVb, cfg: &PatternNetConfig) -> Result<Self> {
        let m = cfg.neurons;
        let readout: Vec<f32> = (0..m).map(|j| if j < m.div_ceil(2) { 1.0 } else { -1.0 } / m as f32).collect();
        Ok(PatternNet {
            wq: vb.get(&[cfg.keys, cfg.embed], "wq")?,   // (K, keys, E)
            wk: vb.get(&[cfg.keys, cfg.embed], "wk")?,   // (K, keys, E)
            wv: vb.get(&[cfg.values, cfg.embed], "wv")?, // (K, V, E)
            wo: vb.get(&[m, cfg.values], "wo")?,         // (K, M, V)
            readout: Tensor::from_vec(readout, (m, 1), vb.device())?,
            varmap,
            cfg: *cfg,
        })
    }

    /// Fresh weights: every entry N(0, 1/columns) from a seeded stream.
    pub fn init(cfg: &PatternNetConfig, seed: u64, device: &Device) -> Result<Self> {
        let net = PatternNet::zeros(cfg, device)?;
        let mut rng = crate::rng::stream(seed, "init-pattern-net");
        for (_, var) in net.named() {
            let dims = var.dims().to_vec();
            let normal = Normal::new(0.0, 1.0 / (dims[1] as f32).sqrt()).expect("a positive deviation");
            let values: Vec<f32> = (0..var.elem_count()).map(|_| normal.sample(&mut rng)).collect();
            var.set(&Tensor::from_vec(values, dims, device)?)?;
        }
        Ok(net)
    }

    /// Every variable, sorted by name.
    pub fn named(&self) -> Vec<(String, Var)> {
        sorted_vars(&self.varmap)
    }

    /// Embedded prompts `(B, N + 1, E)`, the query last → the output F of each, `(B)`; `keep`
    /// (1 or 0 per neuron) switches neurons off, as pruning does.
    pub fn forward(&self, prompts: &Tensor, keep: Option<&Tensor>) -> Result<Tensor> {
        self.forward_stacked(&prompts.unsqueeze(0)?, keep)?.squeeze(0)
    }

    /// Each model's embedded prompts `(K, B, N + 1, E)` → its outputs `(K, B)`.
    pub fn forward_stacked(&self, prompts: &Tensor, keep: Option<&Tensor>) -> Result<Tensor> {
        let (k, b, t, e) = prompts.dims4()?;
        let context = prompts.narrow(2, 0, t - 1)?.reshape((k * b, t - 1, e))?; // (K·B, N, E)
        let query = prompts.narrow(2, t - 1, 1)?.reshape((k, b, e))?; // (K, B, E)
        let attention = self.attend(&context, &query)?; // (K·B, 1, N)
        // Σ_i W_V p_i s_i = W_V (Σ_i p_i s_i): mix the examples first, one product with W_V.
        let mixed = attention.matmul(&context)?.reshape((k, b, e))?.matmul(&self.wv.transpose(1, 2)?)?; // (K, B, V)
        let mut hidden = mixed.matmul(&self.wo.transpose(1, 2)?)?.relu()?; // (K, B, M)
        if let Some(keep) = keep {
            hidden = hidden.broadcast_mul(keep)?;
        }
        hidden.broadcast_matmul(&self.readout)?.reshape((k, b)) // (K, B)
    }

    /// The query's attention over the context examples, `(B, 1, N)`.
    pub fn attention(&self, prompts: &Tensor) -> Result<Tensor> {
        let (b, t, e) = prompts.dims3()?;
        let context = prompts.narrow(1, 0, t - 1)?; // (B, N, E)
        let query = prompts.narrow(1, t - 1, 1)?.reshape((1, b, e))?; // (1, B, E)
        self.attend(&context, &query)
    }

    /// softmax_i((W_K p_i)ᵀ W_Q p_query) for contexts `(K·B, N, E)` and queries `(K, B, E)` →
    /// `(K·B, 1, N)`.
    fn attend(&self, context: &Tensor, query: &Tensor) -> Result<Tensor> {
        let (k, b, e) = query.dims3()?;
        // (W_Q p)ᵀ W_K p_i = ((W_Kᵀ W_Q p)ᵀ p_i): one product per query, not per example.
        let q = query.matmul(&self.wq.transpose(1, 2)?)?.matmul(&self.wk)?.reshape((k * b, 1, e))?; // (K·B, 1, E)
        let scores = q.matmul(&context.t()?)?; // (K·B, 1, N)
        candle_nn::ops::softmax(&scores, D::Minus1)
    }

    /// Each MLP neuron's magnitude: the L2 norm of its W_O row, `(M)`.
    pub fn neuron_norms(&self) -> Result<Vec<f32>> {
        self.wo.squeeze(0)?.sqr()?.sum(1)?.sqrt()?.to_vec1::<f32>()
    }

    /// The neurons kept (1) and pruned (0) when a share `rate` of them is removed in `order` by
    /// the magnitude of their W_O row, `(M)`.
    pub fn prune_mask(&self, rate: f64, order: PruneOrder, rng: &mut Rng) -> Result<Tensor> {
        let m = self.cfg.neurons;
        let mut by: Vec<usize> = (0..m).collect();
        match order {
            PruneOrder::Smallest | PruneOrder::Largest => {
                let norms = self.neuron_norms()?;
                by.sort_by(|&i, &j| norms[i].total_cmp(&norms[j]));
                if order == PruneOrder::Largest {
                    by.reverse();
                }
            }
            PruneOrder::Random => by.shuffle(rng),
        }
        let removed = ((rate.clamp(0.0, 1.0) * m as f64).round() as usize).min(m);
        let mut keep = vec![1f32; m];
        for &j in &by[..removed] {
            keep[j] = 0.0;
        }
        Tensor::from_vec(keep, m, self.wo.device())
    }
}

impl super::flat::Weights for PatternNet {
    fn named(&self) -> Vec<(String, Var)> {
        PatternNet::named(self)
    }
}

/// Mean hinge loss max(0, 1 − y·F) of outputs `(B)` against ±1 labels `(B)`.
pub fn hinge_loss(outputs: &Tensor, labels: &Tensor) -> Result<Tensor> {
    hinge(outputs, labels)?.mean_all()
}

/// The hinge loss max(0, 1 − y·F) of each output against its ±1 label, any shape.
pub(super) fn hinge(outputs: &Tensor, labels: &Tensor) -> Result<Tensor> {
    (1.0 - (outputs * labels)?)?.relu()
}

/// Mean logistic loss log(1 + e^(−y·F)) of outputs `(B)` against ±1 labels `(B)`.
pub fn logistic_loss(outputs: &Tensor, labels: &Tensor) -> Result<Tensor> {
    logistic(outputs, labels)?.mean_all()
}

/// The logistic loss of each output against its ±1 label, any shape, computed as
/// max(0, −m) + log(1 + e^(−|m|)) so a large margin m = y·F neither overflows nor loses digits.
pub(super) fn logistic(outputs: &Tensor, labels: &Tensor) -> Result<Tensor> {
    let margin = (outputs * labels)?;
    let tail = (margin.abs()?.neg()?.exp()? + 1.0)?.log()?;
    margin.neg()?.relu()? + tail
}

/// Prompts as the network reads them, `(B, N + 1, d + q.len())` row-major: each context example
/// `[x; y·q]`, the query `[x; 0]` (its label is what is predicted).
pub fn embed(prompts: &[PatternPrompt], dim: usize, q: &[f32]) -> Vec<f32> {
    let rows: usize = prompts.iter().map(|p| p.labels.len()).sum();
    let mut out = Vec::with_capacity(rows * (dim + q.len()));
    for p in prompts {
        let rows = p.labels.len();
        for (r, (x, y)) in p.xs.chunks_exact(dim).zip(&p.labels).enumerate() {
            out.extend_from_slice(x);
            let y = if r + 1 < rows { *y } else { 0.0 };
            out.extend(q.iter().map(|v| v * y));
        }
    }
    out
}

/// Embedded prompts and their queries' labels: one training or evaluation batch.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternBatch {
    /// `(batch, len, embed)` row-major, the query last in each prompt.
    pub prompts: Vec<f32>,
    /// The queries' ±1 labels, `(batch)`.
    pub labels: Vec<f32>,
    /// Prompts.
    pub batch: usize,
    /// Rows per prompt (context examples and the query).
    pub len: usize,
}

impl PatternBatch {
    /// `prompts` embedded with the label embedding `q`.
    pub fn of(prompts: &[PatternPrompt], dim: usize, q: &[f32]) -> PatternBatch {
        PatternBatch {
            prompts: embed(prompts, dim, q),
            labels: prompts.iter().map(|p| *p.labels.last().unwrap_or(&0.0)).collect(),
            batch: prompts.len(),
            len: prompts.first().map_or(0, |p| p.labels.len()),
        }
    }

    /// The prompts as a tensor `(B, T, E)` and the labels `(B)`.
    pub fn tensors(&self, embed: usize, device: &Device) -> Result<(Tensor, Tensor)> {
        Ok((
            Tensor::from_slice(&self.prompts, (self.batch, self.len, embed), device)?,
            Tensor::from_slice(&self.labels, self.batch, device)?,
        ))
    }
}
