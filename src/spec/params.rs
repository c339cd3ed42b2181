//! Class parameters: fixed, or drawn afresh for every function.
use serde::{Deserialize, Serialize};

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
