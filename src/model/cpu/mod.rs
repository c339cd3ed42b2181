//! The CPU engine: hand-fused forward and backward passes of the transformer over one flat
//! parameter buffer (`fused`), the `gemm` kernels they are made of (`kernels`) over the lane
//! products of `crate::lanes`, which the baselines use too.
mod fused;
pub(super) mod kernels;

pub use fused::Fused;
