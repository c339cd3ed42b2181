//! The CPU engine: hand-fused forward and backward passes of the transformer over one flat
//! parameter buffer (`fused`), the `gemm` and lane kernels they are made of (`kernels`, `lanes`;
//! the baselines' small products use the lanes too).
mod fused;
pub(super) mod kernels;
pub mod lanes;

pub use fused::Fused;
