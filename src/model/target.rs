//! What `exec` sees of candle: nothing. A run's device is a [`Target`], a tensor failure a
//! [`TensorError`]; weights are created, read and evaluated through these functions.
use super::config::Config;
use super::params::Params;
use crate::spec::{Compute, DeviceChoice};
use candle_core::Device;
use std::path::Path;

/// A failure inside the tensor library, with its message.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct TensorError(#[from] candle_core::Error);

/// The device a run's models live on, opened from its compute settings.
#[derive(Clone)]
pub struct Target(Device);

impl Target {
    /// The device `compute` names: CUDA or Metal (device 0) when chosen, else the CPU.
    pub fn open(compute: &Compute) -> Result<Target, TensorError> {
        Ok(Target(match compute.device {
            DeviceChoice::Cuda => Device::new_cuda(0)?,
            DeviceChoice::Metal => Device::new_metal(0)?,
            DeviceChoice::Cpu | DeviceChoice::Auto => Device::Cpu,
        }))
    }

    /// The candle device.
    pub(super) fn device(&self) -> &Device {
        &self.0
    }
}

/// A training's first weights, drawn by GPT-2's init policy from `seed`. They are drawn on the
/// host whatever the device: the training loop keeps its state in a host buffer, and the draws
/// must not depend on the device.
pub fn initial_weights(cfg: &Config, seed: u64) -> Result<Params, TensorError> {
    Ok(Params::init(cfg, seed, &Device::Cpu)?)
}

/// A training's first weights from a safetensors file with the PyTorch reference's names; the
/// causal-mask buffers older `transformers` versions save are skipped.
pub fn weights_from_file(cfg: &Config, bytes: &[u8]) -> Result<Params, String> {
    let mut tensors = candle_core::safetensors::load_buffer(bytes, &Device::Cpu).map_err(|e| e.to_string())?;
    tensors.retain(|name, _| !(name.ends_with(".attn.bias") || name.ends_with(".attn.masked_bias")));
    Params::from_tensors(cfg, &tensors, &Device::Cpu).map_err(|e| e.to_string())
}

/// A trained model's weights from a checkpoint, onto `target`.
pub fn load_weights(cfg: &Config, path: &Path, target: &Target) -> Result<Params, TensorError> {
    Ok(Params::load(cfg, path, target.device())?)
}
