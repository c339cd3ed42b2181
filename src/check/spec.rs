//! The checked spec: every name resolved, every value in range. Later phases trust it.
use crate::source::Span;
use serde::{Deserialize, Serialize};

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
    /// Claims in source order.
    pub claims: Vec<ClaimSpec>,
}

/// A function class: the prior a prompt's function is drawn from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "class", rename_all = "snake_case")]
pub enum ClassSpec {
    /// f(x) = scale · w·x with w ~ N(0, I_d).
    Linear {
        /// Output scale.
        scale: f64,
    },
}

/// A function class with the name the spec gave it (or its text when written inline).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskSpec {
    /// Name shown in figures and used by claims.
    pub name: String,
    /// The class.
    pub class: ClassSpec,
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

/// One training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainSpec {
    /// Its name; evaluations and claims call the trained model by it.
    pub name: String,
    /// The model's name in the spec.
    pub model_name: String,
    /// The model's shape.
    pub model: ModelSpec,
    /// Where its prompts' functions come from.
    pub data: TaskSpec,
    /// Optimiser steps.
    pub steps: u64,
    /// Prompts per step.
    pub batch: usize,
    /// AdamW learning rate.
    pub lr: f64,
    /// Seed of this run's streams.
    pub seed: u64,
}

/// A classical estimator the models are compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Baseline {
    /// Least squares, minimum-norm when under-determined.
    LeastSquares,
    /// Always predicts 0.
    Zero,
}

impl Baseline {
    /// Every baseline the language knows.
    pub const ALL: [Baseline; 2] = [Baseline::LeastSquares, Baseline::Zero];

    /// The name a spec uses.
    pub fn name(self) -> &'static str {
        match self {
            Baseline::LeastSquares => "least_squares",
            Baseline::Zero => "zero",
        }
    }

    /// Looks a baseline up by its spec name.
    pub fn parse(name: &str) -> Option<Baseline> {
        Baseline::ALL.into_iter().find(|b| b.name() == name)
    }
}

/// An evaluation: models and baselines on fresh prompts of each task, error per position k.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalSpec {
    /// Its name.
    pub name: String,
    /// Names of the trainings whose models it evaluates.
    pub models: Vec<String>,
    /// The tasks it prompts with.
    pub tasks: Vec<TaskSpec>,
    /// The baselines on the same prompts.
    pub baselines: Vec<Baseline>,
    /// Prompts per task.
    pub prompts: usize,
    /// Seed of its prompt stream.
    pub seed: u64,
}

/// A named statement over evaluated numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimSpec {
    /// The claim's text.
    pub name: String,
    /// What must hold.
    pub expr: ClaimExpr,
    /// The claim's body in the spec, for the report.
    pub source: String,
    /// Where the claim is.
    pub span: Span,
}

/// Who produced a curve: a trained model or a baseline.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Predictor {
    /// The model of the training with this name.
    Model(String),
    /// A baseline.
    Baseline(Baseline),
}

impl Predictor {
    /// The name a spec and a figure use.
    pub fn name(&self) -> &str {
        match self {
            Predictor::Model(n) => n,
            Predictor::Baseline(b) => b.name(),
        }
    }
}

/// One evaluated number: mean error/d of a predictor on a task at position k.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ErrorRef {
    /// The evaluation.
    pub eval: String,
    /// Model or baseline.
    pub predictor: Predictor,
    /// The task's name in that evaluation.
    pub task: String,
    /// In-context examples before the query.
    pub k: usize,
}

/// A claim's expression, typed: numbers and truth values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimExpr {
    /// A constant.
    Num(f64),
    /// An evaluated error.
    Error(ErrorRef),
    /// `-x`
    Neg(Box<ClaimExpr>),
    /// `not x`
    Not(Box<ClaimExpr>),
    /// `lhs op rhs`
    Binary {
        /// The operator.
        op: crate::syntax::ast::BinaryOp,
        /// Left side.
        lhs: Box<ClaimExpr>,
        /// Right side.
        rhs: Box<ClaimExpr>,
    },
}

impl ClaimExpr {
    /// Every error the expression reads, left to right.
    pub fn errors(&self) -> Vec<&ErrorRef> {
        match self {
            ClaimExpr::Num(_) => vec![],
            ClaimExpr::Error(r) => vec![r],
            ClaimExpr::Neg(e) | ClaimExpr::Not(e) => e.errors(),
            ClaimExpr::Binary { lhs, rhs, .. } => {
                let mut v = lhs.errors();
                v.extend(rhs.errors());
                v
            }
        }
    }
}
