//! Stacked trainings: K trainings of one shape computed as one model with a leading model axis,
//! every product one batched matmul for all K (what JAX's `vmap` over models and PyTorch's
//! `torch.func.stack_module_state` do). Each member keeps its own flat weights, optimiser, data
//! stream and checkpoints on the host; only the loss and gradient are computed together, so a
//! member's files are what its training alone writes.
use super::flat::FlatLayout;
use candle_core::{DType, Device, Result, Tensor, Var};
use candle_nn::VarMap;

/// K models' losses and gradients in one pass, from their flat parameter buffers.
pub trait StackBackend<B> {
    /// Each member's loss on its own batch and, in `grads[m]` (laid out as the members' flat
    /// buffers, overwritten), its gradient. Members are independent: one member's NaN leaves
    /// the others' gradients as they would be alone.
    fn loss_and_grads(&mut self, flats: &[&[f32]], batches: &[&B], grads: &mut [&mut [f32]]) -> Result<Vec<f32>>;

    /// Where the arithmetic runs, as a record says it: `graph on cuda:0 (NVIDIA H200)`.
    fn placement(&self) -> String;
}

/// One model's backend as a stack of one (the fused CPU engine, which has no model axis), with
/// where it runs.
pub struct Single<E>(pub E, pub String);

impl<B, E: super::Backend<B>> StackBackend<B> for Single<E> {
    fn loss_and_grads(&mut self, flats: &[&[f32]], batches: &[&B], grads: &mut [&mut [f32]]) -> Result<Vec<f32>> {
        match (flats, batches, grads) {
            ([flat], [batch], [grad]) => Ok(vec![self.0.loss_and_grad(flat, batch, grad)?]),
            _ => candle_core::bail!("this backend trains one model at a time, not a stack of {}", flats.len()),
        }
    }

    fn placement(&self) -> String {
        self.1.clone()
    }
}

/// One model through a stack's backend: a stack of one.
pub(super) fn alone<B>(s: &mut dyn StackBackend<B>, flat: &[f32], batch: &B, grad: &mut [f32]) -> Result<f32> {
    Ok(s.loss_and_grads(&[flat], &[batch], &mut [grad])?[0])
}

/// The members' parameters as `(K, …)` variables on `device`, under their names, in a map a
/// network is built from; and the variables in layout order, for the gradients.
pub(super) fn upload(layout: &FlatLayout, flats: &[&[f32]], device: &Device) -> Result<(VarMap, Vec<Var>)> {
    let k = flats.len();
    let varmap = VarMap::new();
    let mut vars = Vec::with_capacity(layout.entries().count());
    {
        let mut data = varmap.data().lock().expect("parameter map lock");
        for (name, shape, range) in layout.entries() {
            let mut buf = Vec::with_capacity(k * range.len());
            for flat in flats {
                buf.extend_from_slice(&flat[range.clone()]);
            }
            let dims: Vec<usize> = std::iter::once(k).chain(shape.iter().copied()).collect();
            let var = Var::from_vec(buf, dims, device)?; // (K, shape…)
            data.insert(name.to_string(), var.clone());
            vars.push(var);
        }
    }
    Ok((varmap, vars))
}

/// Back-propagates the sum of the members' losses `(K)` (each member's gradient is its own loss's:
/// the members share no weight) into `grads`; the losses.
pub(super) fn gradients_into(
    losses: &Tensor,
    layout: &FlatLayout,
    vars: &[Var],
    grads: &mut [&mut [f32]],
) -> Result<Vec<f32>> {
    let store = losses.sum_all()?.backward()?;
    for ((_, _, range), var) in layout.entries().zip(vars) {
        match store.get(var.as_tensor()) {
            Some(g) => {
                let all = g.flatten_all()?.to_vec1::<f32>()?; // (K·len)
                for (grad, part) in grads.iter_mut().zip(all.chunks_exact(range.len())) {
                    grad[range.clone()].copy_from_slice(part);
                }
            }
            // A parameter the loss does not reach has no gradient.
            None => grads.iter_mut().for_each(|g| g[range.clone()].fill(0.0)),
        }
    }
    losses.to_dtype(DType::F32)?.to_vec1::<f32>()
}

/// Each member's mean of `values` `(K, …)` over everything but the model axis, `(K)`.
pub(super) fn member_means(values: &Tensor) -> Result<Tensor> {
    let k = values.dim(0)?;
    values.reshape((k, ()))?.mean(1)
}
