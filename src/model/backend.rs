//! The seam between the training loop and the arithmetic: a backend computes a model's loss and
//! gradient, and its predictions, from the flat parameter buffer the loop and AdamW own. Two
//! backends: the fused CPU engine (hand-written forward and backward over the flat buffer, the
//! fast path on a CPU) and the candle graph (candle `Var`s and autograd, on any device candle was
//! built for: CPU, CUDA, Metal). Candle's types stay inside `model/`.
use super::config::Config;
use super::cpu::Fused;
use super::flat::{FlatLayout, Weights};
use super::lm::{CausalLm, LmConfig, TokenModel, token_loss};
use super::lstm::{LstmConfig, LstmLm};
use super::params::Params;
use crate::spec::{BackendChoice, Compute, DeviceChoice, Objective};
use crate::tasks::PromptBatch;
use crate::tasks::languages::TokenBatch;
use candle_core::{Device, Tensor};

/// Resolves the choices for this build: an error (saying how to build for it) for a device
/// the build lacks, and for the fused engine off the CPU.
pub fn resolve(backend: BackendChoice, device: DeviceChoice, threads: usize) -> Result<Compute, String> {
    let device = match device {
        DeviceChoice::Auto if cfg!(feature = "cuda") && candle_core::utils::cuda_is_available() => DeviceChoice::Cuda,
        DeviceChoice::Auto if cfg!(feature = "metal") && candle_core::utils::metal_is_available() => {
            DeviceChoice::Metal
        }
        DeviceChoice::Auto => DeviceChoice::Cpu,
        DeviceChoice::Cuda if !cfg!(feature = "cuda") => {
            return Err("--device cuda: this iclc was built without CUDA; build it with \
                        `cargo build --release --features cuda` (CUDA toolkit and driver needed)"
                .into());
        }
        DeviceChoice::Metal if !cfg!(feature = "metal") => {
            return Err("--device metal: this iclc was built without Metal; build it on macOS with \
                        `cargo build --release --features metal`"
                .into());
        }
        other => other,
    };
    let backend = match (backend, device) {
        (BackendChoice::Auto, DeviceChoice::Cpu) => BackendChoice::Fused,
        (BackendChoice::Auto, _) => BackendChoice::Graph,
        (BackendChoice::Fused, DeviceChoice::Cpu) => BackendChoice::Fused,
        (BackendChoice::Fused, _) => {
            return Err(format!("--backend fused runs on the CPU only; use --backend graph with --device {device:?}")
                .to_lowercase());
        }
        (other, _) => other,
    };
    Ok(Compute { backend, device, threads })
}

/// A model's loss and gradient over a flat parameter buffer, for batches of type `B` (prompts of
/// (x, y) pairs for the regression model, token sequences for the language model).
pub trait Backend<B = PromptBatch> {
    /// The loss on `batch` and, in `grad` (laid out as `flat`, overwritten), its gradient.
    fn loss_and_grad(&mut self, flat: &[f32], batch: &B, grad: &mut [f32]) -> candle_core::Result<f32>;
}

/// The backend `compute` names, for a model of shape `cfg` laid out as `layout`, minimising
/// `objective` of every prediction.
pub fn backend(
    compute: &Compute,
    cfg: &Config,
    layout: &FlatLayout,
    objective: Objective,
) -> candle_core::Result<Box<dyn Backend>> {
    Ok(match compute.backend {
        BackendChoice::Graph => {
            let target = super::Target::open(compute).map_err(|e| candle_core::Error::Msg(e.to_string()))?;
            let mut graph = Graph::new(cfg, layout, target.device())?;
            graph.objective = objective;
            Box::new(graph)
        }
        BackendChoice::Fused | BackendChoice::Auto => {
            Box::new(Fused::new(cfg, layout, compute.threads)?.minimising(objective))
        }
    })
}

impl Backend for Fused {
    fn loss_and_grad(&mut self, flat: &[f32], batch: &PromptBatch, grad: &mut [f32]) -> candle_core::Result<f32> {
        Ok(Fused::loss_and_grad(self, flat, batch, grad))
    }
}

/// The candle graph: the flat buffer goes into the device's `Var`s, autograd brings the gradient back.
pub struct Graph {
    params: Params,
    layout: FlatLayout,
    device: Device,
    objective: Objective,
}

impl Graph {
    /// A graph for a model of shape `cfg` on `device`; its weights come with every call.
    pub fn new(cfg: &Config, layout: &FlatLayout, device: &Device) -> candle_core::Result<Self> {
        // Zeros: the weights arrive with every call, so drawing an init here would be wasted.
        let params = Params::zeros(cfg, device)?;
        if FlatLayout::of(&params) != *layout {
            candle_core::bail!("the graph's parameters are not laid out as the training's");
        }
        Ok(Graph { params, layout: layout.clone(), device: device.clone(), objective: Objective::SquaredError })
    }
}

impl Backend for Graph {
    fn loss_and_grad(&mut self, flat: &[f32], batch: &PromptBatch, grad: &mut [f32]) -> candle_core::Result<f32> {
        self.layout.scatter(flat, &self.params)?;
        let (loss, _) = super::train::loss_of(&self.params, batch, self.objective, &self.device)?;
        gradient_into(&loss, &self.layout, &self.params, grad)
    }
}

/// A language model's graph (transformer or LSTM): the same road as [`Graph`], over token batches.
pub struct LmGraph {
    lm: Box<dyn TokenModel>,
    layout: FlatLayout,
    device: Device,
}

impl LmGraph {
    /// A graph for a transformer language model of shape `cfg` on `device`; its weights come
    /// with every call.
    pub fn transformer(cfg: &LmConfig, layout: &FlatLayout, device: &Device) -> candle_core::Result<Self> {
        LmGraph::of(Box::new(CausalLm::zeros(cfg, device)?), layout, device)
    }

    /// A graph for an LSTM language model of shape `cfg` on `device`.
    pub fn lstm(cfg: &LstmConfig, layout: &FlatLayout, device: &Device) -> candle_core::Result<Self> {
        LmGraph::of(Box::new(LstmLm::zeros(cfg, device)?), layout, device)
    }

    fn of(lm: Box<dyn TokenModel>, layout: &FlatLayout, device: &Device) -> candle_core::Result<Self> {
        if FlatLayout::of(lm.as_ref()) != *layout {
            candle_core::bail!("the graph's parameters are not laid out as the training's");
        }
        Ok(LmGraph { lm, layout: layout.clone(), device: device.clone() })
    }
}

impl Backend<TokenBatch> for LmGraph {
    fn loss_and_grad(&mut self, flat: &[f32], batch: &TokenBatch, grad: &mut [f32]) -> candle_core::Result<f32> {
        self.layout.scatter(flat, self.lm.as_ref())?;
        let loss = token_loss(self.lm.as_ref(), batch, &self.device)?;
        gradient_into(&loss, &self.layout, self.lm.as_ref(), grad)
    }
}

/// A weighted sum of losses on several batches: the language data and, for the adversarial and
/// oracle variants, the completions of the OOD prompts.
impl Backend<Vec<(TokenBatch, f64)>> for LmGraph {
    fn loss_and_grad(
        &mut self,
        flat: &[f32],
        parts: &Vec<(TokenBatch, f64)>,
        grad: &mut [f32],
    ) -> candle_core::Result<f32> {
        self.layout.scatter(flat, self.lm.as_ref())?;
        let mut total: Option<Tensor> = None;
        for (batch, weight) in parts {
            let part = (token_loss(self.lm.as_ref(), batch, &self.device)? * *weight)?;
            total = Some(match total {
                Some(t) => (t + part)?,
                None => part,
            });
        }
        let Some(loss) = total else { candle_core::bail!("a step needs at least one batch") };
        gradient_into(&loss, &self.layout, self.lm.as_ref(), grad)
    }
}

/// Back-propagates `loss` and writes each variable's gradient into `grad` (laid out as
/// `layout`); returns the loss.
pub(super) fn gradient_into(
    loss: &Tensor,
    layout: &FlatLayout,
    model: &dyn Weights,
    grad: &mut [f32],
) -> candle_core::Result<f32> {
    let grads = loss.backward()?;
    for ((_, _, range), (_, var)) in layout.entries().zip(model.named()) {
        let out = &mut grad[range];
        match grads.get(var.as_tensor()) {
            Some(g) => out.copy_from_slice(&g.flatten_all()?.to_vec1::<f32>()?),
            // A parameter the loss does not reach (fixed sinusoidal positions are no variable) has no gradient.
            None => out.fill(0.0),
        }
    }
    loss.to_scalar::<f32>()
}

/// The predictions `(B, points)` row-major of the model with weights `params` for `batch`,
/// computed `chunk` prompts at a time to bound memory.
pub fn predict(params: &Params, batch: &PromptBatch, chunk: usize) -> Result<Vec<f32>, super::TensorError> {
    let device = params.device().clone();
    let mut out = Vec::with_capacity(batch.batch * batch.points);
    let (p, d) = (batch.points, batch.dim);
    for start in (0..batch.batch).step_by(chunk.max(1)) {
        let n = chunk.min(batch.batch - start);
        let part = PromptBatch {
            xs: batch.xs[start * p * d..(start + n) * p * d].to_vec(),
            ys: batch.ys[start * p..(start + n) * p].to_vec(),
            batch: n,
            points: p,
            dim: d,
            components: batch.components[start..start + n].to_vec(),
        };
        let zs = Tensor::from_vec(part.interleaved(), (n, 2 * p, d), &device)?; // (n, 2p, d)
        out.extend(params.net.forward(&zs)?.flatten_all()?.to_vec1::<f32>()?); // (n, p)
    }
    Ok(out)
}
