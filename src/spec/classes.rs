//! Function classes, tasks (a class with a name) and input distributions.
use super::*;
use serde::{Deserialize, Serialize};

/// A function class: the prior a prompt's function is drawn from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClassSpec {
    /// f(x) = scale · w·x, w ~ N(0, I_d).
    Linear {
        /// Output scale.
        scale: f64,
    },
    /// As linear with all but `nnz` coordinates of w (chosen uniformly) zero.
    SparseLinear {
        /// Non-zero coordinates.
        nnz: usize,
        /// Output scale.
        scale: f64,
    },
    /// f(x) = sqrt(2/h) · W₂·relu(W₁ᵀx), W ~ N(0, 1).
    ReluNet {
        /// Hidden width h.
        hidden: usize,
    },
    /// f(x) = amp · sin(freq · u·x + phase), u uniform on the unit sphere.
    Sine {
        /// Amplitude.
        amp: Param,
        /// Frequency.
        freq: Param,
        /// Phase.
        phase: Param,
    },
    /// Garg's random decision tree: node coordinates uniform, leaves N(0, 1), branch on x_c > 0.
    DecisionTree {
        /// Depth.
        depth: usize,
    },
    /// f(x) = (x²)·w / sqrt(3), w ~ N(0, I_d).
    Quadratic,
    /// y = f(x) + N(0, std²).
    Noisy {
        /// The noiseless class.
        class: Box<ClassSpec>,
        /// Noise standard deviation.
        std: f64,
    },
    /// Each prompt's class drawn with probability `weight`.
    Mixture {
        /// The components; weights sum to 1.
        components: Vec<Component>,
    },
    /// f = λ f₁ + (1 − λ) f₂ with f₁, f₂ drawn independently.
    Convex {
        /// f₁'s class.
        first: Box<ClassSpec>,
        /// f₂'s class.
        second: Box<ClassSpec>,
        /// λ in [0, 1].
        lambda: Param,
    },
}

/// One class of a mixture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    /// Probability of this class.
    pub weight: f64,
    /// The class's name (or text) in the spec.
    pub name: String,
    /// The class.
    pub class: ClassSpec,
}

impl ClassSpec {
    /// The class as the spec would write it inline.
    pub fn describe(&self) -> String {
        match self {
            ClassSpec::Linear { scale } if *scale == 1.0 => "linear()".into(),
            ClassSpec::Linear { scale } => format!("linear(scale = {})", fmt_num(*scale)),
            ClassSpec::SparseLinear { nnz, scale } if *scale == 1.0 => format!("sparse_linear(nnz = {nnz})"),
            ClassSpec::SparseLinear { nnz, scale } => {
                format!("sparse_linear(nnz = {nnz}, scale = {})", fmt_num(*scale))
            }
            ClassSpec::ReluNet { hidden } => format!("relu_net(hidden = {hidden})"),
            ClassSpec::Sine { amp, freq, phase } => {
                let p = |n: &str, p: &Param| match p {
                    Param::Fixed { value } => format!("{n} = {}", fmt_num(*value)),
                    other => format!("{n} {}", other.describe()),
                };
                format!("sine({}, {}, {})", p("amp", amp), p("freq", freq), p("phase", phase))
            }
            ClassSpec::DecisionTree { depth } => format!("decision_tree(depth = {depth})"),
            ClassSpec::Quadratic => "quadratic()".into(),
            ClassSpec::Noisy { class, std } => format!("noisy({}, std = {})", class.describe(), fmt_num(*std)),
            ClassSpec::Mixture { components } => {
                components.iter().map(|c| format!("{} * {}", fmt_num(c.weight), c.name)).collect::<Vec<_>>().join(" + ")
            }
            ClassSpec::Convex { first, second, lambda } => {
                let l = match lambda {
                    Param::Fixed { value } => format!("lambda = {}", fmt_num(*value)),
                    other => format!("lambda {}", other.describe()),
                };
                format!("convex({}, {}, {l})", first.describe(), second.describe())
            }
        }
    }

    /// Whether the exact Bayes-optimal predictor is tractable: Gaussian linear priors (dense or
    /// sparse, with or without noise) and mixtures of them.
    /// Supports the exact Bayes predictor enumerates for one prediction at input dimension `d`:
    /// C(d, nnz) for a sparse class, 1 for a dense one, summed over a mixture's components.
    pub fn bayes_supports(&self, d: usize) -> f64 {
        match self {
            ClassSpec::SparseLinear { nnz, .. } => binomial(d, *nnz),
            ClassSpec::Noisy { class, .. } => class.bayes_supports(d),
            ClassSpec::Mixture { components } => components.iter().map(|c| c.class.bayes_supports(d)).sum(),
            _ => 1.0,
        }
    }

    pub fn bayes_tractable(&self) -> bool {
        match self {
            ClassSpec::Linear { .. } | ClassSpec::SparseLinear { .. } => true,
            ClassSpec::Noisy { class, .. } => class.bayes_tractable(),
            ClassSpec::Mixture { components } => components.iter().all(|c| c.class.bayes_tractable()),
            _ => false,
        }
    }
}

/// C(n, k) as a float (exact below 2^53).
pub fn binomial(n: usize, k: usize) -> f64 {
    let k = k.min(n.saturating_sub(k));
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// The most supports the exact Bayes predictor may enumerate per prediction: a million already
/// takes about a second per prediction on one core, and an evaluation makes prompts × points of them.
pub const MAX_BAYES_SUPPORTS: f64 = 1e6;

/// A task: a class with the name evaluations and claims call it by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskSpec {
    /// Name shown in figures (the class's name, or its text when written inline).
    pub name: String,
    /// The class.
    pub class: ClassSpec,
    /// The sweep variable and its value, when the task came from a sweep.
    pub binding: Option<(String, f64)>,
}

/// The distribution of the inputs x.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "inputs", rename_all = "snake_case")]
pub enum InputSpec {
    /// x ~ N(0, I_d).
    Normal,
    /// x ~ N(0, factor² I_d).
    Scaled {
        /// The scale.
        factor: f64,
    },
    /// N(0, Σ) with eigenvalues ∝ 1/i², trace d, in a random orthogonal basis.
    Skewed,
    /// N(0, I_d) with every prompt's points in one random orthant.
    Orthants,
    /// Context points in a random half-dimensional subspace, the query not.
    HalfSubspace,
    /// The query orthogonal to the span of the context.
    OrthogonalQuery,
    /// The query equal to one of the context points.
    RepeatedQuery,
}

impl InputSpec {
    /// The spec's spelling.
    pub fn describe(&self) -> String {
        match self {
            InputSpec::Normal => "normal()".into(),
            InputSpec::Scaled { factor } => format!("scaled(factor = {})", fmt_num(*factor)),
            InputSpec::Skewed => "skewed()".into(),
            InputSpec::Orthants => "orthants()".into(),
            InputSpec::HalfSubspace => "half_subspace()".into(),
            InputSpec::OrthogonalQuery => "orthogonal_query()".into(),
            InputSpec::RepeatedQuery => "repeated_query()".into(),
        }
    }
}
