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
