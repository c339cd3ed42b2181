//! What `exec` sees of the pattern classifier: built from the spec's `pattern_net(neurons = m)`
//! for an input dimension, trained through the shared loop, saved and loaded under its names,
//! asked for outputs (with neurons pruned) and for its attention. Candle stays inside `model/`.
use super::flat::{FlatLayout, Weights};
use super::graphs::PatternGraph;
use super::pattern_net::{PatternBatch, PatternNet, PatternNetConfig, PruneOrder};
use super::stack::StackBackend;
use super::target::{Target, TensorError};
use crate::rng::Rng;
use crate::spec::{Arch, ModelSpec, Objective};
use candle_core::{Device, Tensor};
use std::path::Path;

/// Li et al.'s one-layer classifier for prompts of `dim`-dimensional inputs.
pub struct PatternModel {
    net: PatternNet,
    cfg: PatternNetConfig,
    device: Device,
}

/// The network's shape for a spec's model at input dimension `dim`: every example `[x; y·q]` has
/// one coordinate for the label, and W_Q, W_K, W_V are square.
fn config(spec: &ModelSpec, dim: usize) -> Result<PatternNetConfig, String> {
    if spec.arch != Arch::PatternNet {
        return Err("only `pattern_net(…)` classifies pattern prompts".into());
    }
    let embed = dim + 1;
    Ok(PatternNetConfig { embed, keys: embed, values: embed, neurons: spec.width })
}

impl PatternModel {
    /// Fresh weights from the training's seed, drawn on the host (the training loop's buffers).
    pub fn init(spec: &ModelSpec, dim: usize, seed: u64) -> Result<PatternModel, String> {
        let cfg = config(spec, dim)?;
        let net = PatternNet::init(&cfg, seed, &Device::Cpu).map_err(|e| e.to_string())?;
        Ok(PatternModel { net, cfg, device: Device::Cpu })
    }

    /// Trained weights from a checkpoint, onto `target`.
    pub fn load(spec: &ModelSpec, dim: usize, path: &Path, target: &Target) -> Result<PatternModel, String> {
        let cfg = config(spec, dim)?;
        let device = target.device().clone();
        let net = PatternNet::zeros(&cfg, &device).map_err(|e| e.to_string())?;
        let tensors =
            candle_core::safetensors::load(path, &device).map_err(|e| format!("`{}`: {e}", path.display()))?;
        super::params::fill(&net, &tensors, &device).map_err(|e| format!("`{}`: {e}", path.display()))?;
        Ok(PatternModel { net, cfg, device })
    }

    /// Scalar parameters (the fixed readout is not one).
    pub fn parameters(&self) -> usize {
        FlatLayout::of(&self.net).len()
    }

    /// The weights the training loop reads and writes back (its host copy).
    pub fn weights(&self) -> &dyn Weights {
        &self.net
    }

    /// The graph that trains classifiers of this one's shape on `target`, one or a stack,
    /// minimising `objective` (the hinge or the logistic loss).
    pub fn engine(
        &self,
        objective: Objective,
        target: &Target,
    ) -> Result<Box<dyn StackBackend<PatternBatch>>, TensorError> {
        Ok(Box::new(PatternGraph::new(&self.cfg, target.device(), objective)?))
    }

    /// Writes the weights (safetensors, sorted names).
    pub fn save(&self, path: &Path, step: u64, elapsed_s: f64) -> std::io::Result<()> {
        let layout = FlatLayout::of(&self.net);
        let flat = layout.gather(&self.net).map_err(std::io::Error::other)?;
        super::checkpoint::save_weights(path, &flat, &layout, step, elapsed_s, None)
    }

    /// The output F of each prompt of `batch` (its sign is the predicted label), `(B)`, with the
    /// neurons `keep` marks 0 pruned.
    pub fn outputs(&self, batch: &PatternBatch, keep: Option<&[f32]>) -> Result<Vec<f32>, TensorError> {
        if batch.len < 2 {
            // No context: the attention's sum is empty, and so is everything after it.
            return Ok(vec![0.0; batch.batch]);
        }
        let (prompts, _) = batch.tensors(self.cfg.embed, &self.device)?;
        let keep = keep.map(|k| Tensor::from_slice(k, k.len(), &self.device)).transpose()?;
        Ok(self.net.forward(&prompts, keep.as_ref())?.to_vec1::<f32>()?)
    }

    /// Each prompt's attention from its query over its context, `(B, N)` row-major.
    pub fn attention(&self, batch: &PatternBatch) -> Result<Vec<f32>, TensorError> {
        let (prompts, _) = batch.tensors(self.cfg.embed, &self.device)?;
        Ok(self.net.attention(&prompts)?.flatten_all()?.to_vec1::<f32>()?)
    }

    /// The neurons kept (1) and pruned (0) when a share `rate` is removed in `order`.
    pub fn prune_mask(&self, rate: f64, order: PruneOrder, rng: &mut Rng) -> Result<Vec<f32>, TensorError> {
        Ok(self.net.prune_mask(rate, order, rng)?.to_vec1::<f32>()?)
    }
}
