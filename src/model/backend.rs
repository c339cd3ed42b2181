//! The seam between the training loop and the arithmetic: a backend computes a model's loss and
//! gradient, and its predictions, from the flat parameter buffer the loop and AdamW own. Two
//! backends: the fused CPU engine (hand-written forward and backward over the flat buffer, the
//! fast path on a CPU) and the candle graph (candle `Var`s and autograd, on any device candle was
//! built for: CPU, CUDA, Metal), which also trains stacks of models ([`super::StackBackend`]).
//! Candle's types stay inside `model/`.
use super::config::IclConfig;
use super::cpu::Fused;
use super::flat::FlatLayout;
use super::graphs::Graph;
use super::params::IclParams;
use super::stack::{Single, StackBackend};
use crate::spec::{BackendChoice, Compute, ComputeChoice, DeviceChoice, Objective, Precision, StackChoice};
use crate::tasks::PromptBatch;
use candle_core::Tensor;

/// Resolves the choices for this build: an error (saying how to build for it) for a device
/// the build lacks, for the fused engine off the CPU or in a stack, and for TF32 off CUDA.
pub fn resolve(choice: ComputeChoice, threads: usize) -> Result<Compute, String> {
    resolve_with(choice, threads, true)
}

/// Resolves the choices for another machine (a cluster's GPU nodes): `auto` is read as this
/// build would, but a device this build lacks is no error here — the machine that runs it
/// must have it.
pub fn resolve_elsewhere(choice: ComputeChoice, threads: usize) -> Result<Compute, String> {
    resolve_with(choice, threads, false)
}

fn resolve_with(choice: ComputeChoice, threads: usize, this_build: bool) -> Result<Compute, String> {
    let ComputeChoice { backend, device, precision, stack } = choice;
    let device = match device {
        DeviceChoice::Cuda | DeviceChoice::Metal if !this_build => device,
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
        // Stacks are trained by the graph, on any device.
        (BackendChoice::Auto, _) if stack == StackChoice::On => BackendChoice::Graph,
        (BackendChoice::Fused, _) if stack == StackChoice::On => {
            return Err("--stack on trains stacks on the candle graph; the fused engine trains one model at a \
                        time (use --backend graph, or --stack off)"
                .into());
        }
        (BackendChoice::Auto, DeviceChoice::Cpu) => BackendChoice::Fused,
        (BackendChoice::Auto, _) => BackendChoice::Graph,
        (BackendChoice::Fused, DeviceChoice::Cpu) => BackendChoice::Fused,
        (BackendChoice::Fused, _) => {
            return Err(format!("--backend fused runs on the CPU only; use --backend graph with --device {device:?}")
                .to_lowercase());
        }
        (other, _) => other,
    };
    if precision == Precision::Tf32 && device != DeviceChoice::Cuda {
        return Err(format!(
            "--precision tf32 runs on CUDA GPUs' tensor cores; this run is on {}: use --precision f32",
            format!("{device:?}").to_lowercase()
        ));
    }
    let stack = match stack {
        StackChoice::On => true,
        StackChoice::Off => false,
        StackChoice::Auto => backend == BackendChoice::Graph && device != DeviceChoice::Cpu,
    };
    Ok(Compute { backend, device, threads, precision, stack })
}

/// A model's loss and gradient over a flat parameter buffer, for batches of type `B` (prompts of
/// (x, y) pairs for the regression model, token sequences for the language model).
pub trait Backend<B = PromptBatch> {
    /// The loss on `batch` and, in `grad` (laid out as `flat`, overwritten), its gradient.
    fn loss_and_grad(&mut self, flat: &[f32], batch: &B, grad: &mut [f32]) -> candle_core::Result<f32>;
}

/// The backend `compute` names, for regression models of shape `cfg` laid out as `layout`,
/// minimising `objective` of every prediction: the graph on the run's device (which trains
/// stacks), or the fused CPU engine (one model at a time).
pub fn backend(
    compute: &Compute,
    cfg: &IclConfig,
    layout: &FlatLayout,
    objective: Objective,
) -> candle_core::Result<Box<dyn StackBackend<PromptBatch>>> {
    Ok(match compute.backend {
        BackendChoice::Graph => {
            let target = super::Target::open(compute).map_err(|e| candle_core::Error::Msg(e.to_string()))?;
            Box::new(Graph::new(cfg, layout, &target, objective)?)
        }
        BackendChoice::Fused | BackendChoice::Auto => {
            let place =
                format!("fused on cpu ({} thread{})", compute.threads, if compute.threads == 1 { "" } else { "s" });
            Box::new(Single(Fused::new(cfg, layout, compute.threads)?.minimising(objective)?, place))
        }
    })
}

impl<B, T: Backend<B> + ?Sized> Backend<B> for &mut T {
    fn loss_and_grad(&mut self, flat: &[f32], batch: &B, grad: &mut [f32]) -> candle_core::Result<f32> {
        (**self).loss_and_grad(flat, batch, grad)
    }
}

impl Backend for Fused {
    fn loss_and_grad(&mut self, flat: &[f32], batch: &PromptBatch, grad: &mut [f32]) -> candle_core::Result<f32> {
        Ok(Fused::loss_and_grad(self, flat, batch, grad))
    }
}

/// The predictions `(B, points)` row-major of the model with weights `params` for `batch`,
/// computed `chunk` prompts at a time to bound memory.
pub fn predict(params: &IclParams, batch: &PromptBatch, chunk: usize) -> Result<Vec<f32>, super::TensorError> {
    let device = params.device().clone();
    let net = params.frozen()?;
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
        out.extend(net.forward(&zs)?.flatten_all()?.to_vec1::<f32>()?); // (n, p)
    }
    Ok(out)
}
