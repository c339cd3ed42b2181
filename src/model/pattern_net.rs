//! The one-layer transformer of Li, Wang, Lu, Cui & Chen (ICML 2024): one softmax attention head
//! from the query to the context, a ReLU MLP of m neurons and a fixed readout, no LayerNorm and
//! no residual — F(P) = aᵀ ReLU(W_O Σ_i W_V p_i softmax_i((W_K p_i)ᵀ W_Q p_query)) — trained with
//! the hinge (or logistic) loss; and magnitude pruning of its MLP neurons at evaluation time.
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

/// The network and its variables (`wq`, `wk`, `wv`, `wo`); the readout is fixed.
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
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, device);
        let zero = candle_nn::Init::Const(0.0);
        let m = cfg.neurons;
        let readout: Vec<f32> = (0..m).map(|j| if j < m.div_ceil(2) { 1.0 } else { -1.0 } / m as f32).collect();
        Ok(PatternNet {
            wq: vb.get_with_hints((cfg.keys, cfg.embed), "wq", zero)?,
            wk: vb.get_with_hints((cfg.keys, cfg.embed), "wk", zero)?,
            wv: vb.get_with_hints((cfg.values, cfg.embed), "wv", zero)?,
            wo: vb.get_with_hints((m, cfg.values), "wo", zero)?,
            readout: Tensor::from_vec(readout, (m, 1), device)?,
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
        let (b, t, _) = prompts.dims3()?;
        let context = prompts.narrow(1, 0, t - 1)?; // (B, N, E)
        let attention = self.attend(&context, &prompts.narrow(1, t - 1, 1)?)?; // (B, 1, N)
        // Σ_i W_V p_i s_i = W_V (Σ_i p_i s_i): mix the examples first, one product with W_V.
        let mixed = attention.matmul(&context)?.broadcast_matmul(&self.wv.t()?)?; // (B, 1, V)
        let mut hidden = mixed.broadcast_matmul(&self.wo.t()?)?.relu()?; // (B, 1, M)
        if let Some(keep) = keep {
            hidden = hidden.broadcast_mul(keep)?;
        }
        hidden.broadcast_matmul(&self.readout)?.reshape(b) // (B)
    }

    /// The query's attention over the context examples, `(B, 1, N)`.
    pub fn attention(&self, prompts: &Tensor) -> Result<Tensor> {
        let (_, t, _) = prompts.dims3()?;
        self.attend(&prompts.narrow(1, 0, t - 1)?, &prompts.narrow(1, t - 1, 1)?)
    }

    /// softmax_i((W_K p_i)ᵀ W_Q p_query) for context `(B, N, E)` and query `(B, 1, E)` → `(B, 1, N)`.
    fn attend(&self, context: &Tensor, query: &Tensor) -> Result<Tensor> {
        // (W_Q p)ᵀ W_K p_i = ((W_Kᵀ W_Q p)ᵀ p_i): one product per query, not per example.
        let q = query.broadcast_matmul(&self.wq.t()?)?.broadcast_matmul(&self.wk)?; // (B, 1, E)
        let scores = q.matmul(&context.t()?)?; // (B, 1, N)
        candle_nn::ops::softmax(&scores, D::Minus1)
    }

    /// Each MLP neuron's magnitude: the L2 norm of its W_O row, `(M)`.
    pub fn neuron_norms(&self) -> Result<Vec<f32>> {
        self.wo.sqr()?.sum(1)?.sqrt()?.to_vec1::<f32>()
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
    (1.0 - (outputs * labels)?)?.relu()?.mean_all()
}

/// Mean logistic loss log(1 + e^(−y·F)) of outputs `(B)` against ±1 labels `(B)`, computed as
/// max(0, −m) + log(1 + e^(−|m|)) so a large margin m = y·F neither overflows nor loses digits.
pub fn logistic_loss(outputs: &Tensor, labels: &Tensor) -> Result<Tensor> {
    let margin = (outputs * labels)?;
    let tail = (margin.abs()?.neg()?.exp()? + 1.0)?.log()?;
    (margin.neg()?.relu()? + tail)?.mean_all()
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

/// The network's graph for the shared training loop: weights in with every call, the hinge
/// loss and its gradient out.
pub struct PatternGraph {
    net: PatternNet,
    layout: super::flat::FlatLayout,
    device: Device,
    objective: crate::spec::Objective,
}

impl PatternGraph {
    /// A graph for a network of shape `cfg` on `device` minimising `objective` (hinge or logistic).
    pub fn new(cfg: &PatternNetConfig, device: &Device, objective: crate::spec::Objective) -> Result<Self> {
        let net = PatternNet::zeros(cfg, device)?;
        let layout = super::flat::FlatLayout::of(&net);
        Ok(PatternGraph { net, layout, device: device.clone(), objective })
    }
}

impl super::backend::Backend<PatternBatch> for PatternGraph {
    fn loss_and_grad(&mut self, flat: &[f32], batch: &PatternBatch, grad: &mut [f32]) -> Result<f32> {
        self.layout.scatter(flat, &self.net)?;
        let (p, y) = batch.tensors(self.net.cfg.embed, &self.device)?;
        let outputs = self.net.forward(&p, None)?;
        let loss = match self.objective {
            crate::spec::Objective::Logistic => logistic_loss(&outputs, &y)?,
            _ => hinge_loss(&outputs, &y)?,
        };
        super::backend::gradient_into(&loss, &self.layout, &self.net, grad)
    }
}
