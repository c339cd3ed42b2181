//! Claims: typed statements over evaluated quantities, and the quantities they read.
use super::{Baseline, InputSpec, LanguageMetric, Pruned};
use crate::source::Span;
use serde::{Deserialize, Serialize};

/// A named statement over evaluated numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimSpec {
    /// The claim's text.
    pub name: String,
    /// What must hold.
    pub expr: ClaimExpr,
    /// The claim's body in the spec, for the report.
    pub source: String,
    /// The figure that shows it.
    pub figure: Option<super::FigureRef>,
    /// Where the claim is.
    pub span: Span,
}

/// Who produced a curve: a trained model or a baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Predictor {
    /// The model of the training with this name.
    Model(String),
    /// A trained model with a share of its MLP neurons removed at evaluation time.
    Pruned(Pruned),
    /// A baseline.
    Baseline(Baseline),
}

impl Predictor {
    /// As a spec writes it (`icl`, `prune(icl, rate = 0.3, order = smallest)`, `ridge(alpha = 0.1)`).
    pub fn name(&self) -> String {
        match self {
            Predictor::Model(n) => n.clone(),
            Predictor::Pruned(p) => p.name(),
            Predictor::Baseline(b) => b.name(),
        }
    }

    /// The training whose weights it reads; none for a baseline.
    pub fn trained(&self) -> Option<&str> {
        match self {
            Predictor::Model(n) => Some(n),
            Predictor::Pruned(p) => Some(&p.model),
            Predictor::Baseline(_) => None,
        }
    }

    /// Whether it is a trained model, whole or pruned.
    pub fn is_model(&self) -> bool {
        !matches!(self, Predictor::Baseline(_))
    }

    /// Its stable key for random streams: the training's name for a model, and for the rest a
    /// form no change in how a number prints can move ([`Pruned::key`]).
    pub fn key(&self) -> String {
        match self {
            Predictor::Model(n) => n.clone(),
            Predictor::Pruned(p) => p.key(),
            Predictor::Baseline(b) => format!("baseline/{}", serde_json::to_string(b).expect("baselines serialise")),
        }
    }

    /// The key its replicates are drawn by in a bootstrap: its training's name, so that a pruned
    /// model is resampled with the seeds of the model it prunes; its own key for a baseline.
    pub fn replicates_key(&self) -> String {
        self.trained().map_or_else(|| self.key(), str::to_string)
    }
}

/// One evaluated number: mean error/d of a predictor on a task at position k.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorRef {
    /// The evaluation.
    pub eval: String,
    /// Model or baseline.
    pub predictor: Predictor,
    /// The task's name in that evaluation.
    pub task: String,
    /// The input distribution.
    pub inputs: InputSpec,
    /// In-context examples before the query.
    pub k: usize,
    /// The training step whose weights are read (a model's final weights when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u64>,
}

/// The first training step at which a model's error drops to a threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepQuery {
    /// The model's error curve over the steps its evaluation reads it at (`step` unset).
    pub error: ErrorRef,
    /// The threshold the error must reach (at most).
    pub below: Box<ClaimExpr>,
    /// Seconds of training instead of the step.
    pub time: bool,
}

/// Where a model's predictions lie on the segment between two other predictors' predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BetweenRef {
    /// The evaluation.
    pub eval: String,
    /// The model whose predictions are placed.
    pub model: Predictor,
    /// The segment's start (coefficient 0).
    pub from: Predictor,
    /// The segment's end (coefficient 1).
    pub to: Predictor,
    /// The task.
    pub task: String,
    /// The input distribution.
    pub inputs: InputSpec,
    /// In-context examples before the query.
    pub k: usize,
}

/// `attention(eval, model, task)`: a classifier's mean attention mass, from each query, on the
/// context examples that share its relevant pattern.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttentionRef {
    /// The classification evaluation.
    pub eval: String,
    /// The classifier (its replicates averaged).
    pub model: String,
    /// The task whose prompts are read.
    pub task: String,
}

/// The share of a language model's completions that keep a metric (`rate(…)`), or its loss on the
/// language's words (`test_loss(…)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageRef {
    /// The language evaluation.
    pub eval: String,
    /// The language model (its replicates averaged).
    pub model: String,
    /// The language (a task of the evaluation).
    pub task: String,
    /// What is read.
    pub read: LanguageRead,
    /// The training step whose weights are read (the final weights when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u64>,
}

/// What a [`LanguageRef`] reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "read", rename_all = "snake_case")]
pub enum LanguageRead {
    /// The share of completions of `prompts` that keep `metric` (among those that keep `among`).
    Rate {
        /// A metric of the language's completions (`finished`, `grammatical`, `r1`, `r2_completion`, …).
        metric: LanguageMetric,
        /// Which prompts.
        prompts: PromptSet,
        /// Only completions that keep this metric count (`finished`), when given.
        among: Option<LanguageMetric>,
    },
    /// The mean next-token cross-entropy on the language's words.
    TestLoss,
}

/// A language evaluation's prompts, by the distribution split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromptSet {
    /// Prefixes of grammatical words.
    Id,
    /// Strings no grammatical word starts with.
    Ood,
    /// Both.
    All,
}

impl PromptSet {
    /// As a spec writes it.
    pub fn name(self) -> &'static str {
        match self {
            PromptSet::Id => "id",
            PromptSet::Ood => "ood",
            PromptSet::All => "all",
        }
    }

    /// Whether a prompt (out of distribution or not) belongs to the set.
    pub fn has(self, ood: bool) -> bool {
        match self {
            PromptSet::Id => !ood,
            PromptSet::Ood => ood,
            PromptSet::All => true,
        }
    }
}

/// A number read from the run's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// `error(eval, predictor, task, k = K)`.
    Error(ErrorRef),
    /// `first_step(…)` / `time_to(…)`: infinite when never reached.
    FirstStep(StepQuery),
    /// `between(eval, model, from, to, task, k = K)`: the least-squares coefficient t of the
    /// model's predictions p on the segment a + t (b − a) between two others' (0 at `from`, 1 at
    /// `to`), over the prompts.
    Between(BetweenRef),
    /// `rate(eval, model, metric, prompts = ood, among = finished)` or `test_loss(eval, model)`.
    Language(LanguageRef),
    /// `attention(eval, model, task)`.
    Attention(AttentionRef),
    /// `hinge(eval, model, task, k = K)`: a classifier's mean hinge loss max(0, 1 − y·F) on the
    /// queries after k examples.
    Hinge(ErrorRef),
}

impl Quantity {
    /// The evaluation it reads.
    pub fn eval(&self) -> &str {
        match self {
            Quantity::Error(r) | Quantity::Hinge(r) => &r.eval,
            Quantity::FirstStep(q) => &q.error.eval,
            Quantity::Between(b) => &b.eval,
            Quantity::Language(l) => &l.eval,
            Quantity::Attention(a) => &a.eval,
        }
    }

    /// The task it reads.
    pub fn task(&self) -> &str {
        match self {
            Quantity::Error(r) | Quantity::Hinge(r) => &r.task,
            Quantity::FirstStep(q) => &q.error.task,
            Quantity::Between(b) => &b.task,
            Quantity::Language(l) => &l.task,
            Quantity::Attention(a) => &a.task,
        }
    }

    /// The input distribution it reads.
    pub fn inputs(&self) -> InputSpec {
        match self {
            Quantity::Error(r) | Quantity::Hinge(r) => r.inputs,
            Quantity::FirstStep(q) => q.error.inputs,
            Quantity::Between(b) => b.inputs,
            // A language evaluation draws no inputs; its one table is filed under the default.
            Quantity::Language(_) | Quantity::Attention(_) => InputSpec::Normal,
        }
    }

    /// The quantity as a claim writes it (a threshold as `…`).
    pub fn describe(&self) -> String {
        let error = |r: &ErrorRef| {
            let step = r.step.map_or_else(String::new, |s| format!(", at = {s}"));
            format!("{}, {}, {}, k = {}{step}", r.eval, r.predictor.name(), r.task, r.k)
        };
        match self {
            Quantity::Error(r) => format!("error({})", error(r)),
            Quantity::Hinge(r) => format!("hinge({})", error(r)),
            Quantity::FirstStep(q) => {
                format!("{}({}, below = …)", if q.time { "time_to" } else { "first_step" }, error(&q.error))
            }
            Quantity::Between(b) => format!(
                "between({}, {}, {}, {}, {}, k = {})",
                b.eval,
                b.model.name(),
                b.from.name(),
                b.to.name(),
                b.task,
                b.k
            ),
            Quantity::Language(l) => {
                let step = l.step.map_or_else(String::new, |s| format!(", at = {s}"));
                match &l.read {
                    LanguageRead::Rate { metric, prompts, among } => {
                        let among = among.as_ref().map_or_else(String::new, |a| format!(", among = {a}"));
                        format!("rate({}, {}, {metric}, prompts = {}{among}{step})", l.eval, l.model, prompts.name())
                    }
                    LanguageRead::TestLoss => format!("test_loss({}, {}{step})", l.eval, l.model),
                }
            }
            Quantity::Attention(a) => format!("attention({}, {}, {})", a.eval, a.model, a.task),
        }
    }
}

/// A claim's expression, typed: numbers and truth values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimExpr {
    /// A constant.
    Num(f64),
    /// A number read from the results.
    Read(Quantity),
    /// `-x`
    Neg(Box<ClaimExpr>),
    /// `not x`
    Not(Box<ClaimExpr>),
    /// `lhs op rhs`
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left side.
        lhs: Box<ClaimExpr>,
        /// Right side.
        rhs: Box<ClaimExpr>,
    },
    /// `min(a, b, …)`
    Min(Vec<ClaimExpr>),
    /// `max(a, b, …)`
    Max(Vec<ClaimExpr>),
    /// `all(body for n in …)`, expanded: every one holds.
    All(Vec<ClaimExpr>),
    /// `any(body for n in …)`, expanded: at least one holds.
    Any(Vec<ClaimExpr>),
}

impl ClaimExpr {
    /// Every quantity the expression reads, left to right, thresholds of `first_step` included.
    pub fn reads(&self) -> Vec<&Quantity> {
        match self {
            ClaimExpr::Num(_) => vec![],
            ClaimExpr::Read(q) => {
                let mut v = vec![q];
                if let Quantity::FirstStep(s) = q {
                    v.extend(s.below.reads());
                }
                v
            }
            ClaimExpr::Neg(e) | ClaimExpr::Not(e) => e.reads(),
            ClaimExpr::Binary { lhs, rhs, .. } => {
                let mut v = lhs.reads();
                v.extend(rhs.reads());
                v
            }
            ClaimExpr::Min(items) | ClaimExpr::Max(items) | ClaimExpr::All(items) | ClaimExpr::Any(items) => {
                items.iter().flat_map(|e| e.reads()).collect()
            }
        }
    }
}

/// Infix operators, loosest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BinaryOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }

    /// True for operators that yield a truth value from numbers.
    pub fn is_comparison(self) -> bool {
        matches!(self, BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Eq | BinaryOp::Ne)
    }
}
