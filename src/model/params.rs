//! A model's parameters: candle `Var`s under their PyTorch names, in sorted-name order wherever
//! order matters (a `VarMap` is a `HashMap`).
use super::config::IclConfig;
use super::gpt2::IclTransformer;
use candle_core::{DType, Device, Result, Tensor, Var};
use candle_nn::{VarBuilder, VarMap};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The trainable parameters and the network built on them.
pub struct IclParams {
    varmap: VarMap,
    device: Device,
    /// The network; its tensors are the `Var`s of `varmap`.
    pub net: IclTransformer,
}

impl IclParams {
    /// Builds the network with zero parameters; callers fill them (init or checkpoint).
    pub(super) fn zeros(cfg: &IclConfig, device: &Device) -> Result<Self> {
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, device);
        let net = IclTransformer::new(super::layers::ParamVb::single(vb), cfg)?;
        Ok(IclParams { varmap, device: device.clone(), net })
    }

    /// Fresh parameters drawn by GPT-2's init policy from a seeded stream.
    pub fn init(cfg: &IclConfig, seed: u64, device: &Device) -> Result<Self> {
        let p = IclParams::zeros(cfg, device)?;
        let mut rng = crate::rng::stream(seed, "init");
        for (name, var) in p.named() {
            var.set(&super::init::draw(&name, var.shape().dims(), &cfg.init_shape(), &mut rng, device)?)?;
        }
        Ok(p)
    }

    /// Parameters from tensors named as in the PyTorch reference; every parameter must be present
    /// with its shape, and no extra tensor may be given.
    pub fn from_tensors(cfg: &IclConfig, tensors: &HashMap<String, Tensor>, device: &Device) -> Result<Self> {
        let p = IclParams::zeros(cfg, device)?;
        fill(&p, tensors, device)?;
        Ok(p)
    }

    /// The network on copies of the parameters that record no graph: a forward pass through it
    /// frees each activation once it is used, where one through the `Var`s keeps every one for
    /// a backward pass that prediction never takes (10 GB instead of 1 at 8 layers of width 256).
    pub fn frozen(&self) -> Result<IclTransformer> {
        let tensors: HashMap<String, Tensor> =
            self.named().into_iter().map(|(name, var)| (name, var.as_tensor().detach())).collect();
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &self.device);
        IclTransformer::new(super::layers::ParamVb::single(vb), self.net.config())
    }

    /// The device the parameters live on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Every parameter, sorted by name.
    pub fn named(&self) -> Vec<(String, Var)> {
        sorted_vars(&self.varmap)
    }

    /// Total number of scalar parameters.
    pub fn count(&self) -> usize {
        self.named().iter().map(|(_, v)| v.elem_count()).sum()
    }

    /// Writes a safetensors checkpoint (PyTorch names), via a temporary file so a crash never
    /// leaves a half-written checkpoint under the final name.
    pub fn save(&self, path: &Path, metadata: HashMap<String, String>) -> std::io::Result<()> {
        let named = self.named();
        let tensors: Vec<(String, Tensor)> = named.iter().map(|(n, v)| (n.clone(), v.as_tensor().clone())).collect();
        super::checkpoint::write_safetensors(path, tensors, metadata)
    }

    /// Reads a checkpoint written by [`IclParams::save`] or by the PyTorch reference.
    pub fn load(cfg: &IclConfig, path: &Path, device: &Device) -> Result<Self> {
        let tensors = candle_core::safetensors::load(path, device)?;
        IclParams::from_tensors(cfg, &tensors, device)
    }
}

impl super::flat::Weights for IclParams {
    fn named(&self) -> Vec<(String, Var)> {
        IclParams::named(self)
    }
}

/// Sets every variable of `model` from the tensor of its name: each must be there with its
/// shape, and no other tensor may be (a checkpoint of another model is refused, not half read).
pub(super) fn fill(model: &dyn super::flat::Weights, tensors: &HashMap<String, Tensor>, device: &Device) -> Result<()> {
    let named = model.named();
    for (name, var) in &named {
        let t =
            tensors.get(name).ok_or_else(|| candle_core::Error::Msg(format!("checkpoint lacks parameter `{name}`")))?;
        if t.dims() != var.dims() {
            candle_core::bail!(
                "parameter `{name}` has shape {:?} in the checkpoint, the model expects {:?}",
                t.dims(),
                var.dims()
            );
        }
        var.set(&t.to_dtype(DType::F32)?.to_device(device)?)?;
    }
    if let Some(extra) = tensors.keys().find(|k| !named.iter().any(|(n, _)| n == *k)) {
        candle_core::bail!("checkpoint has `{extra}`, which this model does not have");
    }
    Ok(())
}

/// The variables of a map sorted by name (a `VarMap` is a `HashMap`).
pub(super) fn sorted_vars(varmap: &VarMap) -> Vec<(String, Var)> {
    let data = varmap.data().lock().expect("parameter map lock");
    let sorted: BTreeMap<_, _> = data.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    sorted.into_iter().collect()
}
