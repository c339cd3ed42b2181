//! What a task family's prompts are, what a model minimises on them and how it is scored. Every
//! family names its kind; a training's data and an evaluation's tasks must share the model's.
//! Regression on real (x, y) pairs, token sequences (formal languages) and binary classification
//! of pattern data (hinge loss, 0-1 error).
use serde::{Deserialize, Serialize};

/// A family's kind: what its prompts hold, what a model minimises on them, how it is scored.
/// Each kind's jobs run behind one seam (`exec/kinds/`, a folder per kind).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// In-context regression: real (x, y) pairs, squared error, error / d: the default, as a
    /// function class is the first thing iclc learned.
    #[default]
    Regression,
    /// Formal languages: token sequences, next-token cross-entropy, rule rates of completions.
    Tokens,
    /// In-context binary classification: pattern inputs with ±1 labels, hinge loss, 0-1 error.
    Classification,
}

impl TaskKind {
    /// What a prompt of this kind holds.
    pub fn batch(self) -> BatchKind {
        match self {
            TaskKind::Regression => BatchKind::RealPairs,
            TaskKind::Tokens => BatchKind::Tokens,
            TaskKind::Classification => BatchKind::Patterns,
        }
    }

    /// What training minimises unless the training chooses (`loss = …`).
    pub fn objective(self) -> Objective {
        match self {
            TaskKind::Regression => Objective::SquaredError,
            TaskKind::Tokens => Objective::CrossEntropy,
            TaskKind::Classification => Objective::Hinge,
        }
    }

    /// What evaluation reports.
    pub fn metric(self) -> Metric {
        match self {
            TaskKind::Regression => Metric::ErrorPerDim,
            TaskKind::Tokens => Metric::RuleRates,
            TaskKind::Classification => Metric::ZeroOne,
        }
    }

    /// Whether its prompts are `points` vectors in the experiment's `dim` (a language's are words).
    pub fn reads_vectors(self) -> bool {
        self.batch() != BatchKind::Tokens
    }

    /// Whether an evaluation of it draws its inputs from the input distributions and compares
    /// baselines fitted to them: a language's prompts are words, pattern data brings its own.
    pub fn draws_inputs(self) -> bool {
        self == TaskKind::Regression
    }

    /// Whether a curriculum can grow its prompts (pattern prompts keep their shape).
    pub fn grows_by_curriculum(self) -> bool {
        self == TaskKind::Regression
    }

    /// The objectives a training on its data may choose with `loss = …` (none where the kind's
    /// own is the only one).
    pub fn losses(self) -> &'static [(&'static str, Objective)] {
        match self {
            TaskKind::Classification => &Objective::CLASSIFICATION,
            TaskKind::Regression | TaskKind::Tokens => &[],
        }
    }

    /// What diagnostics call its data, its models and its evaluations.
    pub fn words(self) -> KindWords {
        match self {
            TaskKind::Regression => KindWords {
                data: "a function class",
                model: "a regression model",
                evaluation: "regression evaluation",
                does: "predicts y of (x, y) prompts",
                learn: "learn a function class with `transformer(…)` or a preset",
                example: "`tasks = [linear()]`, `models = [a transformer training on a function class]`",
            },
            TaskKind::Tokens => KindWords {
                data: "a language",
                model: "a language model",
                evaluation: "language evaluation",
                does: "completes prompts of languages",
                learn: "learn a language with `causal_lm(…)` or `lstm(…)`",
                example: "`tasks = [anbn(max_n = 16)]`, `models = [a causal_lm or lstm training]`",
            },
            TaskKind::Classification => KindWords {
                data: "pattern data",
                model: "a pattern classifier",
                evaluation: "classification evaluation",
                does: "classifies pattern prompts",
                learn: "learn pattern data with `pattern_net(neurons = ..)` or `transformer(…)`",
                example: "`tasks = [patterns(…)]`, `models = [a training on patterns(…)]`",
            },
        }
    }

    /// The kind in words, for diagnostics.
    pub fn describe(self) -> &'static str {
        match self {
            TaskKind::Regression => "regression",
            TaskKind::Tokens => "token-sequence",
            TaskKind::Classification => "classification",
        }
    }
}

/// What diagnostics say of a kind, each phrase written once.
#[derive(Debug, Clone, Copy)]
pub struct KindWords {
    /// Its data, after "is" or "is no" ("a language").
    pub data: &'static str,
    /// Its models ("a language model").
    pub model: &'static str,
    /// Its evaluations ("language evaluation").
    pub evaluation: &'static str,
    /// What its evaluations do, after the evaluation's name ("completes prompts").
    pub does: &'static str,
    /// How to train a model of it.
    pub learn: &'static str,
    /// An evaluation of it, as a spec writes its tasks and models.
    pub example: &'static str,
}

/// What a prompt holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchKind {
    /// Points x ∈ R^d with real labels y.
    RealPairs,
    /// Sequences of token ids (SOS word EOS, padded).
    Tokens,
    /// Inputs drawn from a pattern dictionary with ±1 labels, the query's predicted.
    Patterns,
}

impl BatchKind {
    /// What a model reading it reads, in words.
    pub fn describe(self) -> &'static str {
        match self {
            BatchKind::Tokens => "tokens",
            BatchKind::RealPairs => "(x, y) pairs",
            BatchKind::Patterns => "pattern prompts",
        }
    }
}

/// What training minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Mean squared error of every prediction.
    SquaredError,
    /// Mean next-token cross-entropy, padding ignored.
    CrossEntropy,
    /// Mean hinge loss max(0, 1 − y·F) of the query's output.
    Hinge,
    /// Mean logistic loss log(1 + e^(−y·F)) of the query's output.
    Logistic,
}

impl Objective {
    /// The objectives a classification training may choose with `loss = …`.
    pub const CLASSIFICATION: [(&'static str, Objective); 2] =
        [("hinge", Objective::Hinge), ("logistic", Objective::Logistic)];

    /// Every objective, in the order a caption lists them.
    pub const ALL: [Objective; 4] =
        [Objective::SquaredError, Objective::CrossEntropy, Objective::Hinge, Objective::Logistic];

    /// Itself, where a real-valued prediction has it (every objective but a token model's).
    pub fn of_real_predictions(self) -> Result<Objective, String> {
        match self {
            Objective::CrossEntropy => {
                Err("cross-entropy is a token model's objective: a real-valued prediction has none".into())
            }
            o => Ok(o),
        }
    }

    /// One real prediction F's loss against its target y, and the loss's slope in F: the squared
    /// error (slope 2(F − y)); for a ±1 label the hinge max(0, 1 − yF) (slope −y inside the
    /// margin) or the logistic log(1 + e^(−yF)) (slope −y·σ(−yF)), as the graphs' tensor losses
    /// compute them; NaN for cross-entropy, which no real-valued engine takes
    /// ([`Objective::of_real_predictions`]).
    pub fn pointwise(self, f: f32, y: f32) -> (f64, f32) {
        let m = f64::from(f * y);
        match self {
            Objective::SquaredError => (f64::from(f - y).powi(2), 2.0 * (f - y)),
            Objective::Hinge => ((1.0 - m).max(0.0), if m < 1.0 { -y } else { 0.0 }),
            Objective::Logistic => {
                let value = (-m).max(0.0) + (-m.abs()).exp().ln_1p();
                (value, (-f64::from(y) / (1.0 + m.exp())) as f32)
            }
            Objective::CrossEntropy => (f64::NAN, f32::NAN),
        }
    }

    /// The slope, in one of `n` predictions, of their mean [`Objective::pointwise`] loss.
    pub fn mean_slope(self, f: f32, y: f32, n: usize) -> f32 {
        match self {
            // (2 / n)(F − y): rounded in the order the fused engine always has.
            Objective::SquaredError => 2.0 / n as f32 * (f - y),
            Objective::Hinge | Objective::Logistic | Objective::CrossEntropy => self.pointwise(f, y).1 / n as f32,
        }
    }

    /// The models that minimise it, as a caption names them.
    pub fn minimised_by(&self) -> &'static str {
        match self {
            Objective::SquaredError => "the regression models",
            Objective::CrossEntropy => "the language models",
            Objective::Hinge => "the classifiers trained on the hinge loss",
            Objective::Logistic => "the classifiers trained on the logistic loss",
        }
    }

    /// What a training's loss curve shows.
    pub fn curve(&self) -> &'static str {
        match self {
            Objective::SquaredError => {
                "the mean squared error over every position of the prompt, at the curriculum's dimension — not divided by d like the error curves, so it starts near the variance of y (about d for a linear class), not near 1"
            }
            Objective::CrossEntropy => {
                "the mean next-token cross-entropy in nats over the target tokens (padding excluded)"
            }
            Objective::Hinge => {
                "the mean hinge loss max(0, 1 − y·F) of the queries (0 once every query is classified with margin 1)"
            }
            Objective::Logistic => "the mean logistic loss log(1 + e^(−y·F)) of the queries, in nats",
        }
    }

    /// The axis label of a loss curve.
    pub fn axis_label(&self) -> &'static str {
        match self {
            Objective::SquaredError => "mean squared error (not / d)",
            Objective::CrossEntropy => "cross-entropy (nats per token)",
            Objective::Hinge => "hinge loss",
            Objective::Logistic => "logistic loss (nats)",
        }
    }
}

/// What evaluation reports per prediction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// (prediction − y)² / d, Garg et al.'s normalised squared error: the default, as regression
    /// is the default kind.
    #[default]
    ErrorPerDim,
    /// The fractions of completions that finish, are grammatical and keep each rule.
    RuleRates,
    /// 0-1 error: 1 when the output's sign is not the label's, ½ on a tie (output 0).
    ZeroOne,
}

impl Metric {
    /// Every metric, in the order a report's closing note names them.
    pub const ALL: [Metric; 3] = [Metric::ErrorPerDim, Metric::RuleRates, Metric::ZeroOne];

    /// One real prediction's score at input dimension `d`; `None` for a metric of completions.
    pub fn score(&self, prediction: f32, target: f32, d: usize) -> Option<f32> {
        match self {
            Metric::ErrorPerDim => Some((prediction - target).powi(2) / d as f32),
            Metric::RuleRates => None,
            Metric::ZeroOne => Some(match prediction * target {
                m if m > 0.0 => 0.0,
                m if m < 0.0 => 1.0,
                _ => 0.5,
            }),
        }
    }

    /// What a figure's mean is, at the start of a caption.
    pub fn caption(&self) -> &'static str {
        match self {
            Metric::ErrorPerDim => "Mean squared error / d",
            Metric::RuleRates => "Mean rate",
            Metric::ZeroOne => "Mean 0-1 error (the share of queries whose predicted label is wrong, ties counting ½)",
        }
    }

    /// What a report's closing note says the errors of curves of it are; `None` for a metric
    /// without error curves.
    pub fn errors_are(&self) -> Option<&'static str> {
        match self {
            Metric::ErrorPerDim => Some("errors are squared errors divided by the input dimension"),
            Metric::RuleRates => None,
            Metric::ZeroOne => {
                Some("classification errors are 0-1 errors of the query's predicted label (½ for a tie)")
            }
        }
    }

    /// The axis label of figures that plot it.
    pub fn axis_label(&self) -> &'static str {
        match self {
            Metric::ErrorPerDim => "squared error / d",
            Metric::RuleRates => "fraction of completions",
            Metric::ZeroOne => "0-1 error",
        }
    }
}
