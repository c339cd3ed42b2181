//! The checked spec: every name resolved, every value in range, every sweep expanded. Later
//! phases trust it.
use serde::{Deserialize, Serialize};

mod claims;
pub use claims::*;

/// A spec that passed every check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckedSpec {
    /// The experiment's name.
    pub name: String,
    /// Master seed; every random stream derives from it.
    pub seed: u64,
    /// Input dimension d.
    pub dim: usize,
    /// Points (x, y) per prompt.
    pub points: usize,
    /// Training runs in source order.
    pub trainings: Vec<TrainSpec>,
    /// Evaluations in source order.
    pub evals: Vec<EvalSpec>,
    /// Extra figures in source order (every evaluation also gets its error-vs-k figure).
    pub figures: Vec<FigureSpec>,
    /// Claims in source order.
    pub claims: Vec<ClaimSpec>,
}

/// A class parameter: fixed, or drawn afresh for every function (`freq ~ uniform(0.5, 2)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case")]
pub enum Param {
    /// Always this value.
    Fixed {
        /// The value.
        value: f64,
    },
    /// Uniform on `[lo, hi]`.
    Uniform {
        /// Lower end.
        lo: f64,
        /// Upper end.
        hi: f64,
    },
    /// Normal.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        std: f64,
    },
    /// exp(Uniform(ln lo, ln hi)).
    LogUniform {
        /// Lower end (> 0).
        lo: f64,
        /// Upper end.
        hi: f64,
    },
    /// One of the values, uniformly.
    Choice {
        /// The values.
        values: Vec<f64>,
    },
}

impl Param {
    /// A fixed value.
    pub fn fixed(value: f64) -> Param {
        Param::Fixed { value }
    }

    /// The parameter as the spec would write it.
    pub fn describe(&self) -> String {
        match self {
            Param::Fixed { value } => fmt_num(*value),
            Param::Uniform { lo, hi } => format!("~ uniform({}, {})", fmt_num(*lo), fmt_num(*hi)),
            Param::Normal { mean, std } => format!("~ normal({}, {})", fmt_num(*mean), fmt_num(*std)),
            Param::LogUniform { lo, hi } => format!("~ log_uniform({}, {})", fmt_num(*lo), fmt_num(*hi)),
            Param::Choice { values } => {
                format!("~ choice([{}])", values.iter().map(|v| fmt_num(*v)).collect::<Vec<_>>().join(", "))
            }
        }
    }
}

/// A number the shortest way that reads back the same.
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}

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

/// The GPT-2 style in-context model's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSpec {
    /// Transformer blocks.
    pub layers: usize,
    /// Embedding width.
    pub width: usize,
    /// Attention heads (divides width).
    pub heads: usize,
}

/// How the learning rate moves over training.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "schedule", rename_all = "snake_case")]
pub enum Schedule {
    /// Always `lr`.
    Constant,
    /// Linear from 0 to `lr` over `steps`, then constant.
    Warmup {
        /// Warmup steps.
        steps: u64,
    },
    /// Linear warmup, then cosine decay to `final_fraction · lr` at the last step.
    Cosine {
        /// Warmup steps.
        warmup: u64,
        /// The final learning rate as a fraction of `lr`.
        final_fraction: f64,
    },
}

/// One curriculum axis: from `start` to `end` by `inc` every so many steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Value at step 0.
    pub start: usize,
    /// Final value.
    pub end: usize,
    /// Increase per stage.
    pub inc: usize,
}

/// Garg et al.'s curriculum on active dimensions and points per prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Curriculum {
    /// Active input dimensions (the rest are zero).
    pub dims: Stage,
    /// Points per prompt.
    pub points: Stage,
    /// Steps between increases.
    pub every: u64,
}

impl Curriculum {
    /// `(active dims, points)` at `step` (0-based): each starts at its start and grows by its
    /// increment every `every` steps, up to its end.
    pub fn at(&self, step: u64) -> (usize, usize) {
        let stages = (step / self.every) as usize;
        let at = |s: &Stage| (s.start + stages.saturating_mul(s.inc)).min(s.end);
        (at(&self.dims), at(&self.points))
    }
}

/// Which parameters weight decay applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecayOn {
    /// Every parameter (PyTorch's AdamW default).
    All,
    /// Tensors of two or more dimensions only (weights and positions), not biases or LayerNorm (nanoGPT).
    Matrices,
}

/// One training run (one model per seed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainSpec {
    /// Its name; evaluations and claims call the trained model by it (`mix(w = 0.25)` for one
    /// run of a swept training).
    pub name: String,
    /// The `train` block's name: the name itself, or the swept training's (`mix`).
    pub family: String,
    /// The sweep variable and its value, for one run of a swept training.
    pub binding: Option<(String, f64)>,
    /// The model's name in the spec.
    pub model_name: String,
    /// Where its prompts' functions come from.
    pub data: TaskSpec,
    /// The model and how it is optimised.
    pub setup: TrainSetup,
    /// Initial weights from this safetensors file (relative to the spec) instead of the init policy.
    pub init: Option<String>,
    /// One replicate per seed.
    pub seeds: Vec<u64>,
}

/// How a model is trained: its shape and every optimisation setting — what a training's spec, its
/// job and its record share.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainSetup {
    /// The model's shape.
    pub model: ModelSpec,
    /// Optimiser steps.
    pub steps: u64,
    /// Prompts per step.
    pub batch: usize,
    /// Peak AdamW learning rate.
    pub lr: f64,
    /// Learning-rate schedule.
    pub schedule: Schedule,
    /// Gradient-norm clipping threshold.
    pub clip: Option<f64>,
    /// AdamW weight decay.
    pub weight_decay: f64,
    /// What weight decay applies to.
    pub decay_on: DecayOn,
    /// Curriculum, if any.
    pub curriculum: Option<Curriculum>,
    /// Steps between resumable checkpoints.
    pub checkpoint_every: u64,
}

/// A classical estimator the models are compared with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "baseline", rename_all = "snake_case")]
pub enum Baseline {
    /// Least squares, minimum-norm when under-determined.
    LeastSquares,
    /// Ridge regression, `||y − Xw||² + alpha ||w||²`.
    Ridge {
        /// Penalty.
        alpha: f64,
    },
    /// Lasso, `(1/2n)||y − Xw||² + alpha ||w||₁`.
    Lasso {
        /// Penalty.
        alpha: f64,
    },
    /// Mean of the k nearest context points' y.
    Knn {
        /// Neighbours.
        k: usize,
    },
    /// w = mean(x_i y_i).
    Averaging,
    /// Always 0.
    Zero,
    /// The exact posterior mean under the task's prior.
    Bayes,
    /// A two-layer ReLU network trained on the context by gradient descent.
    ReluGd {
        /// Hidden width.
        hidden: usize,
        /// Gradient steps.
        steps: usize,
        /// Step size.
        lr: f64,
    },
    /// A greedy regression tree fitted to the context.
    Tree {
        /// Maximum depth.
        depth: usize,
    },
}

impl Baseline {
    /// The baselines, their parameters, and each parameter's default (NaN: required).
    pub const TABLE: &'static [(&'static str, &'static [&'static str], &'static [f64])] = &[
        ("least_squares", &[], &[]),
        ("ridge", &["alpha"], &[f64::NAN]),
        ("lasso", &["alpha"], &[f64::NAN]),
        ("knn", &["k"], &[3.0]),
        ("averaging", &[], &[]),
        ("zero", &[], &[]),
        ("bayes", &[], &[]),
        ("relu_gd", &["hidden", "steps", "lr"], &[100.0, 100.0, 5e-3]),
        ("tree", &["depth"], &[4.0]),
    ];

    /// The name a spec and a figure use, with parameters: `lasso(alpha = 0.01)`.
    pub fn name(&self) -> String {
        match self {
            Baseline::LeastSquares => "least_squares".into(),
            Baseline::Ridge { alpha } => format!("ridge(alpha = {})", fmt_num(*alpha)),
            Baseline::Lasso { alpha } => format!("lasso(alpha = {})", fmt_num(*alpha)),
            Baseline::Knn { k } => format!("knn(k = {k})"),
            Baseline::Averaging => "averaging".into(),
            Baseline::Zero => "zero".into(),
            Baseline::Bayes => "bayes".into(),
            Baseline::ReluGd { hidden, steps, lr } => {
                format!("relu_gd(hidden = {hidden}, steps = {steps}, lr = {})", fmt_num(*lr))
            }
            Baseline::Tree { depth } => format!("tree(depth = {depth})"),
        }
    }

    /// The bare kind, `lasso` for `lasso(alpha = 0.01)`.
    pub fn kind(&self) -> &'static str {
        match self {
            Baseline::LeastSquares => "least_squares",
            Baseline::Ridge { .. } => "ridge",
            Baseline::Lasso { .. } => "lasso",
            Baseline::Knn { .. } => "knn",
            Baseline::Averaging => "averaging",
            Baseline::Zero => "zero",
            Baseline::Bayes => "bayes",
            Baseline::ReluGd { .. } => "relu_gd",
            Baseline::Tree { .. } => "tree",
        }
    }
}

/// An evaluation: models and baselines on fresh prompts of each task and input distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalSpec {
    /// Its name.
    pub name: String,
    /// Names of the trainings whose models it evaluates.
    pub models: Vec<String>,
    /// The tasks it prompts with, sweeps expanded.
    pub tasks: Vec<TaskSpec>,
    /// The input distributions.
    pub inputs: Vec<InputSpec>,
    /// The baselines on the same prompts.
    pub baselines: Vec<Baseline>,
    /// Prompts per (task, inputs).
    pub prompts: usize,
    /// Seed of its prompt stream.
    pub seed: u64,
    /// Training steps whose weights are evaluated besides the final ones.
    pub at: Option<AtSteps>,
}

/// The training steps an evaluation reads a model at, besides its final weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum AtSteps {
    /// `every(n)`: steps n, 2n, … before the last.
    Every {
        /// Steps between evaluations.
        every: u64,
    },
    /// `[s, …]`: these steps (0: the initial weights).
    List {
        /// The steps, ascending.
        steps: Vec<u64>,
    },
}

impl AtSteps {
    /// The steps before `total` (the last step is the final model, read anyway), ascending.
    pub fn resolve(&self, total: u64) -> Vec<u64> {
        match self {
            AtSteps::Every { every } => (1..).map(|i| i * every).take_while(|s| *s < total).collect(),
            AtSteps::List { steps } => steps.iter().copied().filter(|s| *s < total).collect(),
        }
    }
}

/// A figure beyond the error-vs-k figure every evaluation gets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "figure", rename_all = "snake_case")]
pub enum FigureSpec {
    /// Error against in-context examples k.
    ErrorVsK {
        /// The figure's name.
        name: String,
        /// The evaluation.
        eval: String,
    },
    /// Error at one k against a swept parameter.
    ErrorVsSweep {
        /// The figure's name.
        name: String,
        /// The evaluation.
        eval: String,
        /// The sweep variable of the evaluation's tasks or of its trainings.
        var: String,
        /// Position k.
        k: usize,
        /// Whose sweep it is.
        #[serde(default)]
        over: SweepOver,
    },
    /// Error at one k against the training step (or seconds of training) of each model.
    ErrorVsStep {
        /// The figure's name.
        name: String,
        /// The evaluation; it reads its models at steps (`at`).
        eval: String,
        /// The task.
        task: String,
        /// Position k.
        k: usize,
        /// Seconds of training on the x axis instead of steps.
        time: bool,
    },
    /// Where a model's predictions lie between two others' (`between`), against a task sweep.
    BetweenVs {
        /// The figure's name.
        name: String,
        /// The evaluation.
        eval: String,
        /// The sweep variable of its tasks.
        var: String,
        /// The model placed.
        model: Predictor,
        /// Coefficient 0.
        from: Predictor,
        /// Coefficient 1.
        to: Predictor,
        /// Position k.
        k: usize,
    },
    /// The true function and the models' in-context predictions over x (d = 1).
    FunctionPlot {
        /// The figure's name.
        name: String,
        /// The evaluation whose models are plotted.
        eval: String,
        /// The task a function is drawn from.
        task: String,
        /// In-context examples shown to the models.
        k: usize,
    },
}

/// What a figure's sweep variable sweeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SweepOver {
    /// The evaluation's tasks: one line per predictor.
    #[default]
    Tasks,
    /// The evaluated trainings (`train mix for w in …`): one line per task.
    Trainings,
}

impl FigureSpec {
    /// The figure's name.
    pub fn name(&self) -> &str {
        match self {
            FigureSpec::ErrorVsK { name, .. }
            | FigureSpec::ErrorVsSweep { name, .. }
            | FigureSpec::ErrorVsStep { name, .. }
            | FigureSpec::BetweenVs { name, .. }
            | FigureSpec::FunctionPlot { name, .. } => name,
        }
    }

    /// The evaluation it draws from.
    pub fn eval(&self) -> &str {
        match self {
            FigureSpec::ErrorVsK { eval, .. }
            | FigureSpec::ErrorVsSweep { eval, .. }
            | FigureSpec::ErrorVsStep { eval, .. }
            | FigureSpec::BetweenVs { eval, .. }
            | FigureSpec::FunctionPlot { eval, .. } => eval,
        }
    }
}
