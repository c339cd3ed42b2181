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
        let kind = self.kind();
        match self {
            Baseline::Ridge { alpha } | Baseline::Lasso { alpha } => format!("{kind}(alpha = {})", fmt_num(*alpha)),
            Baseline::Knn { k } => format!("{kind}(k = {k})"),
            Baseline::ReluGd { hidden, steps, lr } => {
                format!("{kind}(hidden = {hidden}, steps = {steps}, lr = {})", fmt_num(*lr))
            }
            Baseline::Tree { depth } => format!("{kind}(depth = {depth})"),
            Baseline::LeastSquares | Baseline::Averaging | Baseline::Zero | Baseline::Bayes => kind.into(),
        }
    }

    /// The bare kind, `lasso` for `lasso(alpha = 0.01)`: the one place a variant's name is
    /// written (`TABLE` declares each name's parameters; a test keeps the two in step).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_declares_every_kind_once_and_kinds_serialise_under_their_names() {
        let every = [
            Baseline::LeastSquares,
            Baseline::Ridge { alpha: 1.0 },
            Baseline::Lasso { alpha: 1.0 },
            Baseline::Knn { k: 3 },
            Baseline::Averaging,
            Baseline::Zero,
            Baseline::Bayes,
            Baseline::ReluGd { hidden: 1, steps: 1, lr: 1.0 },
            Baseline::Tree { depth: 1 },
        ];
        let table: Vec<&str> = Baseline::TABLE.iter().map(|(n, _, _)| *n).collect();
        let kinds: Vec<&str> = every.iter().map(Baseline::kind).collect();
        assert_eq!(table, kinds);
        for b in every {
            let json = serde_json::to_value(b).unwrap();
            assert_eq!(json["baseline"], b.kind(), "job ids hash the serde name");
            assert!(b.name().starts_with(b.kind()));
        }
    }
}
