//! Figures beyond each evaluation's error-vs-k curve.
use super::*;
use serde::{Deserialize, Serialize};

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

/// The figure that shows a claim, as `check` decides it: a figure the spec names, or one every
/// evaluation of its kind draws. Its [`FigureRef::id`] is the one schema of every figure's anchor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shows", rename_all = "snake_case")]
pub enum FigureRef {
    /// A `figure` item of the spec.
    Named {
        /// Its name.
        name: String,
    },
    /// An evaluation's curves on one (task, inputs): its error against k, or a language's rates.
    Curves {
        /// The evaluation.
        eval: String,
        /// The task.
        task: String,
        /// The input distribution.
        inputs: InputSpec,
    },
    /// A classification evaluation's pruning figure on a task: of the 0-1 error, or the hinge loss.
    Pruning {
        /// The evaluation.
        eval: String,
        /// The task.
        task: String,
        /// Of the hinge loss.
        hinge: bool,
    },
    /// A classification evaluation's attention figure.
    Attention {
        /// The evaluation.
        eval: String,
    },
    /// A mixture's error against k on the prompts whose function one component drew.
    Component {
        /// The evaluation.
        eval: String,
        /// The task (a mixture).
        task: String,
        /// The input distribution.
        inputs: InputSpec,
        /// The component's name.
        component: String,
    },
    /// A language's first rule's OOD rate against its test loss over the training steps read.
    RatesOverTraining {
        /// The evaluation.
        eval: String,
        /// The language.
        task: String,
    },
    /// One of the training figures.
    Training(TrainingFigure),
}

/// The figures of the trainings of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainingFigure {
    /// The loss of every training run per step.
    Loss,
    /// The learning rate per step.
    LearningRate,
    /// The curriculum's stages (where a run has one).
    Curriculum,
}

impl FigureRef {
    /// The figure's anchor in the report and the stem of its file.
    pub fn id(&self) -> String {
        match self {
            FigureRef::Named { name } => format!("fig-{}", slug(name)),
            FigureRef::Curves { eval, task, inputs: InputSpec::Normal } => format!("fig-{}-{}", slug(eval), slug(task)),
            FigureRef::Curves { eval, task, inputs } => {
                format!("fig-{}-{}-{}", slug(eval), slug(task), slug(&inputs.describe()))
            }
            FigureRef::Pruning { eval, task, hinge } => {
                format!("fig-{}-{}-pruning{}", slug(eval), slug(task), if *hinge { "-hinge" } else { "" })
            }
            FigureRef::Attention { eval } => format!("fig-{}-attention", slug(eval)),
            FigureRef::Component { eval, task, inputs, component } => {
                let whole = FigureRef::Curves { eval: eval.clone(), task: task.clone(), inputs: *inputs };
                format!("{}-drawn-{}", whole.id(), slug(component))
            }
            FigureRef::RatesOverTraining { eval, task } => {
                let whole = FigureRef::Curves { eval: eval.clone(), task: task.clone(), inputs: InputSpec::Normal };
                format!("{}-over-training", whole.id())
            }
            FigureRef::Training(TrainingFigure::Loss) => "fig-training".into(),
            FigureRef::Training(TrainingFigure::LearningRate) => "fig-training-lr".into(),
            FigureRef::Training(TrainingFigure::Curriculum) => "fig-training-curriculum".into(),
        }
    }
}

/// A name as an HTML anchor and a part of a file name, unique by construction: a lower-case
/// identifier as it is (`_` written `-`, which no identifier holds); any other name (an expression
/// such as `linear(scale = -1)`, upper case) readable but lossy, so followed by a hash of the whole
/// name — `linear(scale = 1)` and `linear(scale = -1)` never share a figure file.
pub fn slug(s: &str) -> String {
    let raw: String = s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let readable = raw.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    let identifier = !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if identifier && !s.starts_with('_') && !s.ends_with('_') && !s.contains("__") {
        readable
    } else {
        let hash = crate::files::sha256_hex(s.as_bytes());
        if readable.is_empty() { hash[..8].to_string() } else { format!("{readable}-{}", &hash[..8]) }
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn identifiers_keep_their_slug_and_names_a_slug_would_merge_stay_apart() {
        assert_eq!(slug("on_sparse"), "on-sparse");
        assert_eq!(slug("dense"), "dense");
        let apart = [
            "linear(scale = 1)",
            "linear(scale = -1)",
            "linear(scale = 1/2)",
            "linear(scale = 1*2)",
            "linear(scale = 1-2)",
            "Dense",
            "dense_",
            "a__b",
            "a_b",
        ];
        let slugs: std::collections::BTreeSet<String> = apart.iter().map(|s| slug(s)).collect();
        assert_eq!(slugs.len(), apart.len(), "{slugs:?}");
        assert!(slug("linear(scale = -1)").starts_with("linear-scale-1-"), "still readable");
        assert!(slugs.iter().all(|s| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')));
    }
}
