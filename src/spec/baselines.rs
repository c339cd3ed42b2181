//! The classical predictors models are compared with.
use super::*;
use serde::{Deserialize, Serialize};

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
