//! The candle graph of every architecture, as a [`StackBackend`]: the members' flat buffers go
//! into `(K, …)` variables on the device, one batched forward and backward computes every
//! member's loss, and the gradients come back to the host. One model is a stack of one.
use super::config::IclConfig;
use super::flat::FlatLayout;
use super::gpt2::IclTransformer;
use super::layers::ParamVb;
use super::lm::{CausalLm, LmConfig, TokenModel, member_token_losses};
use super::lstm::{LstmConfig, LstmLm};
use super::params::IclParams;
use super::pattern_net::{PatternBatch, PatternNet, PatternNetConfig, hinge, logistic};
use super::stack::{StackBackend, alone, gradients_into, member_means, upload};
use super::target::Target;
use super::target::device_name;
use crate::spec::Objective;
use crate::tasks::PromptBatch;
use crate::tasks::languages::TokenBatch;
use candle_core::{DType, Device, Result, Tensor};
use candle_nn::{VarBuilder, VarMap};

/// Each member's mean of `objective` over its predictions `(K, …)` against its targets, `(K)`.
pub(super) fn member_losses(objective: Objective, pred: &Tensor, targets: &Tensor) -> Result<Tensor> {
    member_means(&match objective {
        Objective::Hinge => hinge(pred, targets)?,
        Objective::Logistic => logistic(pred, targets)?,
        Objective::SquaredError => (pred - targets)?.sqr()?,
        Objective::CrossEntropy => {
            candle_core::bail!("cross-entropy is a token model's objective: a real-valued prediction has none")
        }
    })
}

/// Where a graph runs, as a record says it.
fn on(device: &Device) -> String {
    format!("graph on {}", device_name(device))
}

/// The builder of a stack of `k` on `varmap`'s variables.
fn stacked(varmap: &VarMap, k: usize, device: &Device) -> ParamVb<'static> {
    ParamVb::stacked(VarBuilder::from_varmap(varmap, DType::F32, device), k)
}

/// Refuses a layout that is not the model's: the loop's buffers would be read as other weights.
fn check_layout(layout: &FlatLayout, expected: &FlatLayout) -> Result<()> {
    if layout != expected {
        candle_core::bail!("the graph's parameters are not laid out as the training's");
    }
    Ok(())
}

/// One shape for every member's batch, or an error naming the first that differs.
fn one_shape<B, S: PartialEq + std::fmt::Debug>(batches: &[&B], shape: impl Fn(&B) -> S) -> Result<S> {
    let Some(first) = batches.first() else { candle_core::bail!("a stack needs at least one member") };
    let want = shape(first);
    if let Some((m, b)) = batches.iter().enumerate().find(|(_, b)| shape(b) != want) {
        candle_core::bail!("member {m} of the stack has a batch of shape {:?}, member 0 {want:?}", shape(b));
    }
    Ok(want)
}

/// The regression transformer's graph.
pub struct Graph {
    cfg: IclConfig,
    layout: FlatLayout,
    device: Device,
    objective: Objective,
}

impl Graph {
    /// A graph for models of shape `cfg` on `target` minimising `objective`; weights come with every call.
    pub fn new(cfg: &IclConfig, layout: &FlatLayout, target: &Target, objective: Objective) -> Result<Self> {
        check_layout(layout, &FlatLayout::of(&IclParams::zeros(cfg, &Device::Cpu)?))?;
        let objective = objective.of_real_predictions().map_err(candle_core::Error::Msg)?;
        Ok(Graph { cfg: *cfg, layout: layout.clone(), device: target.device().clone(), objective })
    }
}

impl StackBackend<PromptBatch> for Graph {
    fn loss_and_grads(
        &mut self,
        flats: &[&[f32]],
        batches: &[&PromptBatch],
        grads: &mut [&mut [f32]],
    ) -> Result<Vec<f32>> {
        let (k, (b, p, d)) = (flats.len(), one_shape(batches, |x| (x.batch, x.points, x.dim))?);
        let zs: Vec<f32> = batches.iter().flat_map(|x| x.interleaved()).collect();
        let ys: Vec<f32> = batches.iter().flat_map(|x| x.ys.iter().copied()).collect();
        let zs = Tensor::from_vec(zs, (k, b, 2 * p, d), &self.device)?; // (K, B, 2p, d)
        let ys = Tensor::from_vec(ys, (k, b, p), &self.device)?; // (K, B, p)
        let (varmap, vars) = upload(&self.layout, flats, &self.device)?;
        let net = IclTransformer::new(stacked(&varmap, k, &self.device), &self.cfg)?;
        let pred = net.forward_stacked(&zs)?; // (K, B, p)
        gradients_into(&member_losses(self.objective, &pred, &ys)?, &self.layout, &vars, grads)
    }

    fn placement(&self) -> String {
        on(&self.device)
    }
}

impl super::Backend for Graph {
    fn loss_and_grad(&mut self, flat: &[f32], batch: &PromptBatch, grad: &mut [f32]) -> Result<f32> {
        alone(self, flat, batch, grad)
    }
}

/// A language training's batches of a step, each with the weight of its loss: the language's
/// words, and a training variant's completions.
pub type WeightedBatches = Vec<(TokenBatch, f64)>;

/// A language model's shape: the GPT-2 causal LM or the LSTM.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LmShape {
    /// The transformer.
    Transformer(LmConfig),
    /// The LSTM.
    Lstm(LstmConfig),
}

/// A language model's graph (transformer or LSTM), over token batches.
pub struct LmGraph {
    shape: LmShape,
    layout: FlatLayout,
    device: Device,
}

impl LmGraph {
    /// A graph for transformer language models of shape `cfg` on `device`.
    pub fn transformer(cfg: &LmConfig, layout: &FlatLayout, device: &Device) -> Result<Self> {
        LmGraph::of(LmShape::Transformer(*cfg), layout, device)
    }

    /// A graph for LSTM language models of shape `cfg` on `device`.
    pub fn lstm(cfg: &LstmConfig, layout: &FlatLayout, device: &Device) -> Result<Self> {
        LmGraph::of(LmShape::Lstm(*cfg), layout, device)
    }

    /// A graph for language models of `shape` on `device`.
    pub(super) fn of(shape: LmShape, layout: &FlatLayout, device: &Device) -> Result<Self> {
        let lm: Box<dyn TokenModel> = match shape {
            LmShape::Transformer(cfg) => Box::new(CausalLm::zeros(&cfg, &Device::Cpu)?),
            LmShape::Lstm(cfg) => Box::new(LstmLm::zeros(&cfg, &Device::Cpu)?),
        };
        check_layout(layout, &FlatLayout::of(lm.as_ref()))?;
        Ok(LmGraph { shape, layout: layout.clone(), device: device.clone() })
    }

    /// A stack of `k` on the members' weights, and their variables in layout order.
    fn net(&self, flats: &[&[f32]]) -> Result<(Box<dyn TokenModel>, Vec<candle_core::Var>)> {
        let (varmap, vars) = upload(&self.layout, flats, &self.device)?;
        let vb = stacked(&varmap, flats.len(), &self.device);
        let lm: Box<dyn TokenModel> = match &self.shape {
            LmShape::Transformer(cfg) => Box::new(CausalLm::build(varmap.clone(), vb, cfg)?),
            LmShape::Lstm(cfg) => Box::new(LstmLm::build(varmap.clone(), vb, cfg)?),
        };
        Ok((lm, vars))
    }
}

impl StackBackend<TokenBatch> for LmGraph {
    fn loss_and_grads(
        &mut self,
        flats: &[&[f32]],
        batches: &[&TokenBatch],
        grads: &mut [&mut [f32]],
    ) -> Result<Vec<f32>> {
        let (lm, vars) = self.net(flats)?;
        let losses = member_token_losses(lm.as_ref(), batches, &self.device)?; // (K)
        gradients_into(&losses, &self.layout, &vars, grads)
    }

    fn placement(&self) -> String {
        on(&self.device)
    }
}

/// A weighted sum of losses on several batches: the language data and, for the adversarial and
/// oracle variants, the completions of the OOD prompts. Every member has as many parts.
impl StackBackend<WeightedBatches> for LmGraph {
    fn loss_and_grads(
        &mut self,
        flats: &[&[f32]],
        parts: &[&WeightedBatches],
        grads: &mut [&mut [f32]],
    ) -> Result<Vec<f32>> {
        let count = one_shape(parts, |p| p.len())?;
        let (lm, vars) = self.net(flats)?;
        let mut total: Option<Tensor> = None;
        for i in 0..count {
            let batches: Vec<&TokenBatch> = parts.iter().map(|p| &p[i].0).collect();
            let weights: Vec<f32> = parts.iter().map(|p| p[i].1 as f32).collect();
            let weights = Tensor::from_vec(weights, parts.len(), &self.device)?; // (K)
            let part = (member_token_losses(lm.as_ref(), &batches, &self.device)? * weights)?; // (K)
            total = Some(match total {
                Some(t) => (t + part)?,
                None => part,
            });
        }
        let Some(losses) = total else { candle_core::bail!("a step needs at least one batch") };
        gradients_into(&losses, &self.layout, &vars, grads)
    }

    fn placement(&self) -> String {
        on(&self.device)
    }
}

impl super::Backend<TokenBatch> for LmGraph {
    fn loss_and_grad(&mut self, flat: &[f32], batch: &TokenBatch, grad: &mut [f32]) -> Result<f32> {
        alone(self, flat, batch, grad)
    }
}

impl super::Backend<WeightedBatches> for LmGraph {
    fn loss_and_grad(&mut self, flat: &[f32], parts: &WeightedBatches, grad: &mut [f32]) -> Result<f32> {
        alone(self, flat, parts, grad)
    }
}

/// Li et al.'s classifier's graph: the hinge or logistic loss of its outputs.
pub struct PatternGraph {
    cfg: PatternNetConfig,
    layout: FlatLayout,
    device: Device,
    objective: Objective,
}

impl PatternGraph {
    /// A graph for classifiers of shape `cfg` on `device` minimising `objective` (hinge or logistic).
    pub fn new(cfg: &PatternNetConfig, device: &Device, objective: Objective) -> Result<Self> {
        let layout = FlatLayout::of(&PatternNet::zeros(cfg, &Device::Cpu)?);
        let objective = objective.of_real_predictions().map_err(candle_core::Error::Msg)?;
        Ok(PatternGraph { cfg: *cfg, layout, device: device.clone(), objective })
    }
}

impl StackBackend<PatternBatch> for PatternGraph {
    fn loss_and_grads(
        &mut self,
        flats: &[&[f32]],
        batches: &[&PatternBatch],
        grads: &mut [&mut [f32]],
    ) -> Result<Vec<f32>> {
        let (k, (b, t)) = (flats.len(), one_shape(batches, |x| (x.batch, x.len))?);
        let prompts: Vec<f32> = batches.iter().flat_map(|x| x.prompts.iter().copied()).collect();
        let labels: Vec<f32> = batches.iter().flat_map(|x| x.labels.iter().copied()).collect();
        let prompts = Tensor::from_vec(prompts, (k, b, t, self.cfg.embed), &self.device)?; // (K, B, T, E)
        let labels = Tensor::from_vec(labels, (k, b), &self.device)?; // (K, B)
        let (varmap, vars) = upload(&self.layout, flats, &self.device)?;
        let net = PatternNet::build(varmap.clone(), stacked(&varmap, k, &self.device), &self.cfg)?;
        let outputs = net.forward_stacked(&prompts, None)?; // (K, B)
        gradients_into(&member_losses(self.objective, &outputs, &labels)?, &self.layout, &vars, grads)
    }

    fn placement(&self) -> String {
        on(&self.device)
    }
}

impl super::Backend<PatternBatch> for PatternGraph {
    fn loss_and_grad(&mut self, flat: &[f32], batch: &PatternBatch, grad: &mut [f32]) -> Result<f32> {
        alone(self, flat, batch, grad)
    }
}
