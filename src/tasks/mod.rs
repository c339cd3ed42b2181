//! Function classes and prompt batches: the data a model learns from and is judged on.
mod linear;
mod prompt;

pub use linear::Linear;
pub use prompt::PromptBatch;

use crate::check::ClassSpec;
use crate::rng::Rng;
use rand_distr::{Distribution, StandardNormal};

/// A prior over functions `R^d → R` that can fill a prompt's ys from its xs.
pub trait FunctionClass {
    /// Draws one function and writes `f(x_i)` for each of the `n` rows of `xs` (`(n, d)`, row-major).
    fn sample_and_apply(&self, rng: &mut Rng, xs: &[f32], d: usize, ys: &mut [f32]);
}

/// The sampler for a checked class; `None` for a class this version cannot sample yet (the
/// planner rejects those before anything runs).
pub fn class_for(spec: &ClassSpec) -> Option<Box<dyn FunctionClass + Send + Sync>> {
    match spec {
        ClassSpec::Linear { scale } => Some(Box::new(Linear { scale: *scale })),
        _ => None,
    }
}

/// Draws a batch of `batch` prompts of `points` points in `d` dimensions, x ~ N(0, I_d) on the
/// first `active` coordinates and 0 on the rest (the curriculum's truncated dimensions).
pub fn sample_batch(
    class: &dyn FunctionClass,
    rng: &mut Rng,
    batch: usize,
    points: usize,
    d: usize,
    active: usize,
) -> PromptBatch {
    let mut xs: Vec<f32> = (0..batch * points * d).map(|_| StandardNormal.sample(rng)).collect();
    if active < d {
        for row in xs.chunks_mut(d) {
            row[active..].fill(0.0);
        }
    }
    // Keep x and f draws in one stream but in a fixed order: all xs of the batch first.
    let mut ys = vec![0f32; batch * points];
    for (x, y) in xs.chunks_mut(points * d).zip(ys.chunks_mut(points)) {
        class.sample_and_apply(rng, x, d, y);
    }
    PromptBatch { xs, ys, batch, points, dim: d }
}
