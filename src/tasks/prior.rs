//! A class's prior where the exact Bayes predictor can compute its posterior: Gaussian linear
//! functions, dense or sparse, with or without noise, and mixtures of these. The class says what
//! its prior is (its family's `linear_prior`); the posterior itself is `baselines::bayes`.
use crate::spec::ClassSpec;

/// Noise variance assumed for noiseless priors, relative to the prior's scale².
pub const NOISELESS_JITTER: f64 = 1e-6;

/// A prior with a computable posterior.
#[derive(Debug, Clone, PartialEq)]
pub enum Prior {
    /// y = w·x + N(0, noise²), w ~ N(0, scale² I) on a support.
    Gaussian {
        /// Prior variance of each active coefficient.
        scale2: f64,
        /// Noise variance.
        noise2: f64,
        /// `None`: all coordinates; `Some(m)`: a uniformly random support of size m.
        nnz: Option<usize>,
    },
    /// A mixture: each component with its prior probability.
    Mixture(Vec<(f64, Prior)>),
}

impl Prior {
    /// The prior of a checked class, if tractable.
    pub fn of(class: &ClassSpec) -> Option<Prior> {
        Prior::with_noise(class, None)
    }

    fn with_noise(class: &ClassSpec, noise2: Option<f64>) -> Option<Prior> {
        let gaussian = |scale: f64, nnz| {
            let scale2 = scale * scale;
            Some(Prior::Gaussian { scale2, noise2: noise2.unwrap_or(NOISELESS_JITTER * scale2), nnz })
        };
        match class {
            ClassSpec::Family(call) => {
                let p = crate::tasks::family_of(call).ok()?.linear_prior(call)?;
                gaussian(p.scale, p.nnz)
            }
            ClassSpec::Noisy { class, std } => {
                let extra = std * std;
                let total = noise2.unwrap_or(0.0) + extra;
                Prior::with_noise(class, if total > 0.0 { Some(total) } else { noise2 })
            }
            ClassSpec::Mixture { components } => Some(Prior::Mixture(
                components
                    .iter()
                    .map(|c| Some((c.weight, Prior::with_noise(&c.class, noise2)?)))
                    .collect::<Option<_>>()?,
            )),
            ClassSpec::Convex { .. } => None,
        }
    }

    /// Supports enumerated for one prediction at input dimension `d`: C(d, nnz) for a sparse
    /// prior, 1 for a dense one, summed over a mixture's components.
    pub fn supports(&self, d: usize) -> f64 {
        match self {
            Prior::Gaussian { nnz, .. } => nnz.map_or(1.0, |k| crate::spec::binomial(d, k)),
            Prior::Mixture(parts) => parts.iter().map(|(_, p)| p.supports(d)).sum(),
        }
    }
}
