//! The building blocks, each written with candle ops that have a backward pass, over a leading
//! model axis: every weight is `(K, …)` and every activation `(K, B, …)`, so K trainings of one
//! shape run as one batched product per layer (a stack); one model is a stack of K = 1.
use candle_core::{D, Result, Tensor};
use candle_nn::VarBuilder;

/// Where a network's parameters come from: one model's variables under their checkpoint shapes
/// (seen with a model axis of 1), or a stack's `(K, …)` variables under the same names.
#[derive(Clone)]
pub struct ParamVb<'a> {
    vb: VarBuilder<'a>,
    members: Option<usize>,
}

impl<'a> ParamVb<'a> {
    /// One model's variables, created (as zeros) under their checkpoint shapes.
    pub fn single(vb: VarBuilder<'a>) -> Self {
        ParamVb { vb, members: None }
    }

    /// A stack of `k` models: every variable `(k, …)`.
    pub fn stacked(vb: VarBuilder<'a>, k: usize) -> Self {
        ParamVb { vb, members: Some(k) }
    }

    /// The builder under `prefix` (`h.0`, `attn`).
    pub fn pp(&self, prefix: impl ToString) -> Self {
        ParamVb { vb: self.vb.pp(prefix), members: self.members }
    }

    /// Models in the stack.
    pub fn members(&self) -> usize {
        self.members.unwrap_or(1)
    }

    /// The parameter `name` of one model's shape `shape`, as `(K, shape…)`; a single model's is
    /// created as zeros, filled by an init policy or a checkpoint.
    pub fn get(&self, shape: &[usize], name: &str) -> Result<Tensor> {
        match self.members {
            None => self.vb.get_with_hints(shape, name, candle_nn::Init::Const(0.))?.unsqueeze(0),
            Some(k) => {
                let stacked: Vec<usize> = std::iter::once(k).chain(shape.iter().copied()).collect();
                self.vb.get_with_hints(stacked, name, candle_nn::Init::Const(0.))
            }
        }
    }

    /// The device the parameters live on.
    pub fn device(&self) -> &candle_core::Device {
        self.vb.device()
    }
}

/// `(K, n)` → `(K, 1, …, 1, n)` of rank `rank`: a per-model vector broadcast over the middle axes.
pub fn per_model(v: &Tensor, rank: usize) -> Result<Tensor> {
    let (k, n) = v.dims2()?;
    let mut dims = vec![1; rank];
    dims[0] = k;
    dims[rank - 1] = n;
    v.reshape(dims)
}

/// `(K, B, …, in)` → `(K, B·…, in)`: the rows of every model, for one batched product.
fn rows(x: &Tensor) -> Result<(Tensor, Vec<usize>)> {
    let dims = x.dims().to_vec();
    let (k, d_in) = (dims[0], dims[dims.len() - 1]);
    Ok((x.reshape((k, (), d_in))?, dims))
}

/// `(K, B·…, out)` back to `(K, B, …, out)`.
fn unrows(y: Tensor, mut dims: Vec<usize>) -> Result<Tensor> {
    let out = y.dim(2)?;
    *dims.last_mut().expect("rank ≥ 2") = out;
    y.reshape(dims)
}

/// PyTorch `nn.Linear`: weight `(out, in)` per model.
pub struct Linear {
    weight: Tensor,
    bias: Tensor,
}

impl Linear {
    /// `weight` and `bias` under `vb`.
    pub fn new(vb: ParamVb, d_in: usize, d_out: usize) -> Result<Self> {
        Ok(Linear {
            weight: vb.get(&[d_out, d_in], super::names::WEIGHT)?, // (K, out, in)
            bias: vb.get(&[d_out], super::names::BIAS)?,           // (K, out)
        })
    }

    /// `(K, B, …, in)` → `(K, B, …, out)`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let (x, dims) = rows(x)?; // (K, N, in)
        let y = x.matmul(&self.weight.transpose(1, 2)?)?.broadcast_add(&self.bias.unsqueeze(1)?)?; // (K, N, out)
        unrows(y, dims)
    }
}

/// HF GPT-2 `Conv1D`: weight stored `(in, out)` per model.
pub struct Conv1D {
    weight: Tensor,
    bias: Tensor,
}

impl Conv1D {
    /// `weight` and `bias` under `vb`.
    pub fn new(vb: ParamVb, d_in: usize, d_out: usize) -> Result<Self> {
        Ok(Conv1D {
            weight: vb.get(&[d_in, d_out], super::names::WEIGHT)?, // (K, in, out)
            bias: vb.get(&[d_out], super::names::BIAS)?,           // (K, out)
        })
    }

    /// `(K, B, …, in)` → `(K, B, …, out)`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let (x, dims) = rows(x)?; // (K, N, in)
        let y = x.matmul(&self.weight)?.broadcast_add(&self.bias.unsqueeze(1)?)?; // (K, N, out)
        unrows(y, dims)
    }
}

/// LayerNorm over the last dimension, composed so that it has a gradient (candle-nn's fused
/// `LayerNorm::forward` has none).
pub struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNorm {
    /// `weight` and `bias` under `vb`.
    pub fn new(vb: ParamVb, d: usize, eps: f64) -> Result<Self> {
        Ok(LayerNorm { weight: vb.get(&[d], super::names::WEIGHT)?, bias: vb.get(&[d], super::names::BIAS)?, eps })
    }

    /// `(K, B, …, C)` → `(K, B, …, C)`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let rank = x.rank();
        let mean = x.mean_keepdim(D::Minus1)?; // (K, B, …, 1)
        let xc = x.broadcast_sub(&mean)?;
        let var = xc.sqr()?.mean_keepdim(D::Minus1)?; // (K, B, …, 1)
        let xn = xc.broadcast_div(&(var + self.eps)?.sqrt()?)?;
        xn.broadcast_mul(&per_model(&self.weight, rank)?)?.broadcast_add(&per_model(&self.bias, rank)?)
    }
}

/// Each model's rows of its own table: tokens `(K, B, T)` of tables `(K, V, C)` → `(K, B, T, C)`.
/// Model m's token i is row m·V + i of the tables laid end to end: one lookup for every model.
pub fn lookup(table: &Tensor, tokens: &Tensor) -> Result<Tensor> {
    let (k, b, t) = tokens.dims3()?;
    let (_, vocab, c) = table.dims3()?;
    let offsets: Vec<u32> = (0..k).map(|m| (m * vocab) as u32).collect();
    let rows = tokens.broadcast_add(&Tensor::from_vec(offsets, (k, 1, 1), tokens.device())?)?.flatten_all()?; // (K·B·T)
    table.reshape((k * vocab, c))?.index_select(&rows, 0)?.reshape((k, b, t, c))
}
