//! Every parameter of a model in one flat f32 buffer, in sorted-name order: what the fused
//! engine and AdamW work on between the moments the weights are read or written as tensors.
use candle_core::{Result, Tensor, Var};
use std::ops::Range;

/// A network whose weights are candle variables under their checkpoint names: the regression
/// transformer's [`super::IclParams`] and the [`super::CausalLm`].
pub trait Weights: Send + Sync {
    /// Every variable, sorted by name.
    fn named(&self) -> Vec<(String, Var)>;
}

/// Names, shapes and offsets of the parameters in a flat buffer.
#[derive(Debug, Clone, PartialEq)]
pub struct FlatLayout {
    entries: Vec<(String, Vec<usize>, Range<usize>)>,
}

impl FlatLayout {
    /// The layout of `params`.
    pub fn of(params: &dyn Weights) -> Self {
        let mut start = 0;
        let entries = params
            .named()
            .into_iter()
            .map(|(name, var)| {
                let len = var.elem_count();
                start += len;
                (name, var.dims().to_vec(), start - len..start)
            })
            .collect();
        FlatLayout { entries }
    }

    /// Scalars in all.
    pub fn len(&self) -> usize {
        self.entries.last().map_or(0, |(_, _, r)| r.end)
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `(name, shape, range)` of every parameter, in sorted-name order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &[usize], Range<usize>)> {
        self.entries.iter().map(|(n, s, r)| (n.as_str(), s.as_slice(), r.clone()))
    }

    /// The range of parameter `name`.
    pub fn range(&self, name: &str) -> Result<Range<usize>> {
        self.entries
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, r)| r.clone())
            .ok_or_else(|| candle_core::Error::Msg(format!("the model has no parameter `{name}`")))
    }

    /// The values of `params`, flat.
    pub fn gather(&self, params: &dyn Weights) -> Result<Vec<f32>> {
        let mut out = Vec::with_capacity(self.len());
        for (_, var) in params.named() {
            out.extend(var.as_tensor().flatten_all()?.to_vec1::<f32>()?);
        }
        Ok(out)
    }

    /// Writes `flat` back into `params`.
    pub fn scatter(&self, flat: &[f32], params: &dyn Weights) -> Result<()> {
        for ((_, shape, range), (_, var)) in self.entries.iter().zip(params.named()) {
            var.set(&Tensor::from_slice(&flat[range.clone()], shape.as_slice(), var.device())?)?;
        }
        Ok(())
    }

    /// One tensor per parameter, named `{prefix}{name}`, from a buffer laid out like the parameters.
    pub fn tensors(&self, flat: &[f32], prefix: &str) -> Result<Vec<(String, Tensor)>> {
        self.entries
            .iter()
            .map(|(n, s, r)| {
                Ok((
                    format!("{prefix}{n}"),
                    Tensor::from_slice(&flat[r.clone()], s.as_slice(), &candle_core::Device::Cpu)?,
                ))
            })
            .collect()
    }
}
