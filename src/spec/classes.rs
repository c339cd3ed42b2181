//! Function classes, tasks (a class with a name) and input distributions.
use super::*;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// A function class: the prior a prompt's function is drawn from — a family of the task
/// registry (`linear`, `sine`, …, each declared in its own file of `tasks/families/`) called
/// with its checked arguments, or one of the combinators that build a class from classes.
#[derive(Debug, Clone, PartialEq)]
pub enum ClassSpec {
    /// A registered family with every declared argument (defaults filled in).
    Family(FamilyCall),
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

/// A family called with its arguments: `sparse_linear(nnz = 2)` is `sparse_linear` with
/// `{nnz: 2, scale: 1.0}`. Arguments are kept sorted by name, so a call serialises (and hashes
/// into job ids) the same however the spec ordered them.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyCall {
    /// The family's registered name.
    pub family: String,
    /// Every declared parameter's value.
    pub args: BTreeMap<String, ArgValue>,
}

/// One argument of a family: an integer, a number, or a parameter that may be drawn per function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ArgValue {
    /// A count (`nnz`, `hidden`, `degree`).
    Int(u64),
    /// A number fixed for the whole class (`scale`).
    Float(f64),
    /// A parameter fixed or drawn afresh for every function (`freq ~ uniform(0.5, 2)`).
    Param(Param),
}

impl FamilyCall {
    /// An integer argument.
    pub fn int(&self, name: &str) -> Result<usize, String> {
        match self.args.get(name) {
            Some(ArgValue::Int(v)) => Ok(*v as usize),
            other => Err(self.lacks(name, "an integer", other)),
        }
    }

    /// A numeric argument fixed for the class.
    pub fn float(&self, name: &str) -> Result<f64, String> {
        match self.args.get(name) {
            Some(ArgValue::Float(v)) => Ok(*v),
            Some(ArgValue::Int(v)) => Ok(*v as f64),
            other => Err(self.lacks(name, "a number", other)),
        }
    }

    /// An argument that may be drawn per function.
    pub fn param(&self, name: &str) -> Result<Param, String> {
        match self.args.get(name) {
            Some(ArgValue::Param(p)) => Ok(p.clone()),
            Some(ArgValue::Float(v)) => Ok(Param::fixed(*v)),
            Some(ArgValue::Int(v)) => Ok(Param::fixed(*v as f64)),
            other => Err(self.lacks(name, "a parameter", other)),
        }
    }

    fn lacks(&self, name: &str, what: &str, found: Option<&ArgValue>) -> String {
        match found {
            None => format!("class `{}` has no argument `{name}`", self.family),
            Some(v) => format!("argument `{name}` of class `{}` is {v:?}, not {what}", self.family),
        }
    }
}

impl From<f64> for ArgValue {
    fn from(v: f64) -> ArgValue {
        ArgValue::Float(v)
    }
}

impl From<usize> for ArgValue {
    fn from(v: usize) -> ArgValue {
        ArgValue::Int(v as u64)
    }
}

impl From<Param> for ArgValue {
    fn from(p: Param) -> ArgValue {
        ArgValue::Param(p)
    }
}

impl ClassSpec {
    /// A family called with `args` (the checker fills defaults; tests name every argument).
    pub fn call<const N: usize>(family: &str, args: [(&str, ArgValue); N]) -> ClassSpec {
        let args = args.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        ClassSpec::Family(FamilyCall { family: family.to_string(), args })
    }
}

// A class serialises as `{"kind": NAME, ARG: VALUE, …}` — for a family its name and sorted
// arguments, for a combinator its fields — the same bytes the job ids of earlier versions hashed.
impl Serialize for ClassSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        match self {
            ClassSpec::Family(call) => {
                map.serialize_entry("kind", &call.family)?;
                for (k, v) in &call.args {
                    map.serialize_entry(k, v)?;
                }
            }
            ClassSpec::Noisy { class, std } => {
                map.serialize_entry("kind", "noisy")?;
                map.serialize_entry("class", class)?;
                map.serialize_entry("std", std)?;
            }
            ClassSpec::Mixture { components } => {
                map.serialize_entry("kind", "mixture")?;
                map.serialize_entry("components", components)?;
            }
            ClassSpec::Convex { first, second, lambda } => {
                map.serialize_entry("kind", "convex")?;
                map.serialize_entry("first", first)?;
                map.serialize_entry("second", second)?;
                map.serialize_entry("lambda", lambda)?;
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for ClassSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ClassSpec, D::Error> {
        use serde::de::Error;
        let mut map = BTreeMap::<String, serde_json::Value>::deserialize(d)?;
        let kind = match map.remove("kind") {
            Some(serde_json::Value::String(k)) => k,
            _ => return Err(D::Error::custom("a class needs a string `kind`")),
        };
        let mut take = |key: &str| map.remove(key).ok_or_else(|| D::Error::custom(format!("`{kind}` needs `{key}`")));
        let class = |v: serde_json::Value| serde_json::from_value::<ClassSpec>(v).map_err(D::Error::custom);
        Ok(match kind.as_str() {
            "noisy" => ClassSpec::Noisy {
                class: Box::new(class(take("class")?)?),
                std: serde_json::from_value(take("std")?).map_err(D::Error::custom)?,
            },
            "mixture" => ClassSpec::Mixture {
                components: serde_json::from_value(take("components")?).map_err(D::Error::custom)?,
            },
            "convex" => ClassSpec::Convex {
                first: Box::new(class(take("first")?)?),
                second: Box::new(class(take("second")?)?),
                lambda: serde_json::from_value(take("lambda")?).map_err(D::Error::custom)?,
            },
            _ => {
                let args = map
                    .into_iter()
                    .map(|(k, v)| Ok((k, serde_json::from_value(v).map_err(D::Error::custom)?)))
                    .collect::<Result<_, D::Error>>()?;
                ClassSpec::Family(FamilyCall { family: kind, args })
            }
        })
    }
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
