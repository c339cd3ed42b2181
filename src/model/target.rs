//! What `exec` sees of candle: nothing. A run's device is a [`Target`], a tensor failure a
//! [`TensorError`]; weights are created, read and evaluated through these functions.
use super::config::IclConfig;
use super::params::IclParams;
use crate::spec::{Compute, DeviceChoice, Precision};
use candle_core::Device;
use std::path::Path;

/// A failure inside the tensor library, with its message.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct TensorError(#[from] candle_core::Error);

impl TensorError {
    /// A failure told by its message (one stack's failure, said for each of its members).
    pub fn msg(text: impl std::fmt::Display) -> TensorError {
        TensorError(candle_core::Error::Msg(text.to_string()))
    }
}

/// The device a run's models live on, opened from its compute settings.
#[derive(Clone)]
pub struct Target(Device);

impl Target {
    /// The device `compute` names: CUDA or Metal (device 0) when chosen, else the CPU; on CUDA the
    /// matrix products take the precision `compute` asks for.
    pub fn open(compute: &Compute) -> Result<Target, TensorError> {
        let device = match compute.device {
            DeviceChoice::Cuda | DeviceChoice::Metal => gpu_device(compute.device)?,
            DeviceChoice::Cpu | DeviceChoice::Auto => Device::Cpu,
        };
        if device.is_cuda() {
            // A process-wide switch of candle's cuBLAS calls: TF32 tensor cores for f32 products.
            candle_core::cuda::set_gemm_reduced_precision_f32(compute.precision == Precision::Tf32);
        }
        Ok(Target(device))
    }

    /// The candle device.
    pub(super) fn device(&self) -> &Device {
        &self.0
    }

    /// The device as a record names it: `cpu`, `cuda:0 (NVIDIA H200)`.
    pub fn name(&self) -> String {
        device_name(&self.0)
    }

    /// Bytes of memory free for models on the device: a GPU's free memory now; for the CPU, the
    /// machine's memory (`None` where it cannot be read).
    pub fn free_memory(&self) -> Option<f64> {
        match &self.0 {
            Device::Cpu => crate::plan::machine_memory(),
            #[cfg(feature = "cuda")]
            Device::Cuda(cuda) => cuda.cuda_stream().context().mem_get_info().ok().map(|(free, _)| free as f64),
            _ => None,
        }
    }
}

/// This thread's GPU device, opened once: a CUDA device brings its own cuBLAS and cuRAND handles
/// and loads candle's kernel modules, too much to repeat for every job. One per worker thread, not
/// one for the process: a cuBLAS handle's workspace is not for two threads' products at once.
fn gpu_device(choice: DeviceChoice) -> candle_core::Result<Device> {
    thread_local! {
        static OPENED: std::cell::RefCell<Option<Device>> = const { std::cell::RefCell::new(None) };
    }
    OPENED.with(|opened| {
        if let Some(device) = opened.borrow().as_ref() {
            return Ok(device.clone());
        }
        let device = match choice {
            DeviceChoice::Metal => Device::new_metal(0)?,
            _ => Device::new_cuda(0)?,
        };
        *opened.borrow_mut() = Some(device.clone());
        Ok(device)
    })
}

/// A device as a record names it: `cpu`, `cuda:0 (NVIDIA H200)`, `metal:0`.
pub(super) fn device_name(device: &Device) -> String {
    match device.location() {
        candle_core::DeviceLocation::Cpu => "cpu".into(),
        candle_core::DeviceLocation::Cuda { gpu_id } => match gpu_name(device) {
            Some(name) => format!("cuda:{gpu_id} ({name})"),
            None => format!("cuda:{gpu_id}"),
        },
        candle_core::DeviceLocation::Metal { gpu_id } => format!("metal:{gpu_id}"),
    }
}

/// The GPU behind a CUDA device: its name, where the driver tells it.
pub(super) fn gpu_name(device: &Device) -> Option<String> {
    gpu(device).map(|g| g.name)
}

/// A GPU as the report's reproducibility block describes it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GpuInfo {
    /// `NVIDIA H200`.
    pub name: String,
    /// Memory in bytes.
    pub memory_bytes: u64,
    /// The driver's CUDA version (`13.0`).
    pub driver_cuda: String,
    /// The CUDA toolkit this iclc was built against.
    pub built_cuda: String,
    /// Compute capability (`9.0`).
    pub capability: String,
}

/// The GPU of a run's target, if it has one.
pub fn gpu_info(target: &Target) -> Option<GpuInfo> {
    gpu(&target.0)
}

#[cfg(feature = "cuda")]
fn gpu(device: &Device) -> Option<GpuInfo> {
    let Device::Cuda(cuda) = device else { return None };
    let stream = cuda.cuda_stream();
    let ctx = stream.context();
    let mut driver = 0i32;
    // SAFETY: the driver is initialised (a context exists); the call writes one int.
    let status = unsafe { candle_core::cuda::cudarc::driver::sys::cuDriverGetVersion(&mut driver) };
    let version = |v: i32| format!("{}.{}", v / 1000, v % 1000 / 10);
    let (major, minor) = ctx.compute_capability().ok()?;
    Some(GpuInfo {
        name: ctx.name().ok()?,
        memory_bytes: ctx.total_mem().ok()? as u64,
        driver_cuda: if status == candle_core::cuda::cudarc::driver::sys::CUresult::CUDA_SUCCESS {
            version(driver)
        } else {
            "unknown".into()
        },
        built_cuda: option_env!("ICLC_CUDA_BUILD_VERSION").unwrap_or("unknown").to_string(),
        capability: format!("{major}.{minor}"),
    })
}

#[cfg(not(feature = "cuda"))]
fn gpu(_: &Device) -> Option<GpuInfo> {
    None
}

/// A training's first weights, drawn by GPT-2's init policy from `seed`. They are drawn on the
/// host whatever the device: the training loop keeps its state in a host buffer, and the draws
/// must not depend on the device.
pub fn initial_weights(cfg: &IclConfig, seed: u64) -> Result<IclParams, TensorError> {
    Ok(IclParams::init(cfg, seed, &Device::Cpu)?)
}

/// A training's first weights from a safetensors file with the PyTorch reference's names; the
/// causal-mask buffers older `transformers` versions save are skipped.
pub fn weights_from_file(cfg: &IclConfig, bytes: &[u8]) -> Result<IclParams, String> {
    let mut tensors = candle_core::safetensors::load_buffer(bytes, &Device::Cpu).map_err(|e| e.to_string())?;
    tensors.retain(|name, _| !(name.ends_with(".attn.bias") || name.ends_with(".attn.masked_bias")));
    IclParams::from_tensors(cfg, &tensors, &Device::Cpu).map_err(|e| e.to_string())
}

/// A trained model's weights from a checkpoint, onto `target`.
pub fn load_weights(cfg: &IclConfig, path: &Path, target: &Target) -> Result<IclParams, TensorError> {
    Ok(IclParams::load(cfg, path, target.device())?)
}
