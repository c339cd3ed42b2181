//! A batch of prompts in contiguous buffers, ready for candle.

/// Prompts `(x_1, f(x_1), …, x_k, f(x_k))`, one function per prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptBatch {
    /// `(batch, points, dim)` row-major.
    pub xs: Vec<f32>,
    /// `(batch, points)` row-major.
    pub ys: Vec<f32>,
    /// Prompts.
    pub batch: usize,
    /// Points per prompt.
    pub points: usize,
    /// Input dimension.
    pub dim: usize,
    /// The mixture component each prompt's function came from (0 for plain classes).
    pub components: Vec<usize>,
}

impl PromptBatch {
    /// The xs of prompt `b`, `(points, dim)`.
    pub fn prompt_xs(&self, b: usize) -> &[f32] {
        let n = self.points * self.dim;
        &self.xs[b * n..(b + 1) * n]
    }

    /// The ys of prompt `b`.
    pub fn prompt_ys(&self, b: usize) -> &[f32] {
        &self.ys[b * self.points..(b + 1) * self.points]
    }

    /// The model's input sequence: `x_1, [y_1, 0…], x_2, [y_2, 0…], …` as `(batch, 2·points, dim)`.
    pub fn interleaved(&self) -> Vec<f32> {
        let (p, d) = (self.points, self.dim);
        let mut zs = vec![0f32; self.batch * 2 * p * d];
        for b in 0..self.batch {
            for i in 0..p {
                let src = (b * p + i) * d;
                let dst = (b * 2 * p + 2 * i) * d;
                zs[dst..dst + d].copy_from_slice(&self.xs[src..src + d]);
                zs[dst + d] = self.ys[b * p + i];
            }
        }
        zs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interleaves_x_then_padded_y() {
        let b = PromptBatch {
            xs: vec![1., 2., 3., 4.],
            ys: vec![5., 6.],
            batch: 1,
            points: 2,
            dim: 2,
            components: vec![0],
        };
        assert_eq!(b.interleaved(), vec![1., 2., 5., 0., 3., 4., 6., 0.]);
    }
}
