//! Function classes, input distributions and prompt batches: the data a model learns from and is
//! judged on. Definitions follow Garg et al.'s reference code (`src/tasks.py`); every draw comes
//! from the caller's seeded stream.
mod convex;
mod family;
mod inputs;
pub mod languages;
mod mixture;
mod noisy;
pub mod patterns;
mod prior;
mod prompt;
mod registry;

pub use convex::Convex;
pub use family::{
    Bound, Family, LinearPrior, ParamDecl, ParamKind, class_table, describe_call, families, family, family_of,
};
pub use inputs::{InputSampler, random_orthonormal};
pub use mixture::Mixture;
pub use noisy::Noisy;
pub use prior::{NOISELESS_JITTER, Prior};
pub use prompt::PromptBatch;
pub use registry::*;

use crate::rng::Rng;
use crate::spec::{ClassSpec, InputSpec, Param, TaskKind, fmt_num};
use rand::Rng as _;
use rand_distr::{Distribution, Normal, StandardNormal};

/// A prior over functions `R^d → R` that can fill a prompt's ys from its xs.
pub trait FunctionClass: Send + Sync {
    /// Draws one function and writes `f(x_i)` for each row of `xs` (`(n, d)`, row-major); returns
    /// the mixture component drawn (0 for a plain class). Only the first `live` coordinates of x
    /// can be non-zero (the curriculum's active dimensions); a class whose draw depends on which
    /// coordinates exist draws among the live ones, as Garg et al.'s training code does
    /// (`valid_coords = curriculum.n_dims_truncated` for sparse tasks).
    fn sample_and_apply(&self, rng: &mut Rng, xs: &[f32], d: usize, live: usize, ys: &mut [f32]) -> usize;
}

/// The sampler for a checked class; an error for a family no file of `families/` declares.
pub fn class_for(spec: &ClassSpec) -> Result<Box<dyn FunctionClass>, String> {
    Ok(match spec {
        ClassSpec::Family(call) => family_of(call)?.sampler(call)?,
        ClassSpec::Noisy { class, std } => Box::new(Noisy { inner: class_for(class)?, std: *std }),
        ClassSpec::Mixture { components } => Box::new(Mixture {
            weights: components.iter().map(|c| c.weight).collect(),
            classes: components.iter().map(|c| class_for(&c.class)).collect::<Result<_, _>>()?,
        }),
        ClassSpec::Convex { first, second, lambda } => {
            Box::new(Convex { first: class_for(first)?, second: class_for(second)?, lambda: lambda.clone() })
        }
    })
}

/// The language a token-sequence class names (an error for a function class).
pub fn language_of(spec: &ClassSpec) -> Result<Box<dyn languages::Language>, String> {
    match spec {
        ClassSpec::Family(call) => family_of(call)?.language(call),
        _ => Err("a language cannot be mixed or combined yet".into()),
    }
}

/// How many tokens a class's data is spelled in (a language's symbols, SOS, EOS and padding);
/// `None` for data that is not token sequences.
pub fn vocabulary(spec: &ClassSpec) -> Option<usize> {
    language_of(spec).ok().map(|l| l.vocab())
}

/// The patterns and tasks of a classification class at input dimension `dim`.
pub fn patterns_of(spec: &ClassSpec, dim: usize) -> Result<patterns::PatternData, String> {
    match spec {
        ClassSpec::Family(call) => family_of(call)?.patterns(call, dim),
        _ => Err("pattern data cannot be mixed or combined yet".into()),
    }
}

/// The kind of every family a class is built from, or an error naming two that differ (a mixture
/// of a regression and a classification family has no single objective).
pub fn kind_of(spec: &ClassSpec) -> Result<TaskKind, String> {
    let parts: Vec<&ClassSpec> = match spec {
        ClassSpec::Family(call) => return Ok(family_of(call)?.kind()),
        ClassSpec::Noisy { class, .. } => vec![class],
        ClassSpec::Mixture { components } => components.iter().map(|c| &c.class).collect(),
        ClassSpec::Convex { first, second, .. } => vec![first, second],
    };
    let kinds = parts.into_iter().map(kind_of).collect::<Result<Vec<_>, _>>()?;
    match kinds.split_first() {
        Some((first, rest)) => match rest.iter().find(|k| *k != first) {
            Some(other) => Err(format!("it combines {} and {} classes", first.describe(), other.describe())),
            None => Ok(*first),
        },
        None => Err("it has no component".into()),
    }
}

/// The class as the spec would write it inline.
pub fn describe(spec: &ClassSpec) -> String {
    match spec {
        ClassSpec::Family(call) => describe_call(call),
        ClassSpec::Noisy { class, std } => format!("noisy({}, std = {})", describe(class), fmt_num(*std)),
        ClassSpec::Mixture { components } => {
            components.iter().map(|c| format!("{} * {}", fmt_num(c.weight), c.name)).collect::<Vec<_>>().join(" + ")
        }
        ClassSpec::Convex { first, second, lambda } => {
            format!("convex({}, {}, {})", describe(first), describe(second), describe_param("lambda", lambda))
        }
    }
}

/// `name = 2` for a fixed parameter, `name ~ uniform(0.5, 2)` for a drawn one.
pub fn describe_param(name: &str, p: &Param) -> String {
    match p {
        Param::Fixed { value } => format!("{name} = {}", fmt_num(*value)),
        other => format!("{name} {}", other.describe()),
    }
}

/// One draw of a class parameter.
pub fn sample_param(p: &Param, rng: &mut Rng) -> f64 {
    match p {
        Param::Fixed { value } => *value,
        Param::Uniform { lo, hi } => {
            if lo == hi {
                *lo
            } else {
                rng.random_range(*lo..*hi)
            }
        }
        Param::Normal { mean, std } => Normal::new(*mean, *std).map_or(*mean, |n| n.sample(rng)),
        Param::LogUniform { lo, hi } => {
            if lo == hi {
                *lo
            } else {
                rng.random_range(lo.ln()..hi.ln()).exp()
            }
        }
        Param::Choice { values } => values[rng.random_range(0..values.len())],
    }
}

/// Draws a batch of `batch` prompts of `points` points in `d` dimensions with x from `inputs`,
/// zero beyond the first `active` coordinates (the curriculum's truncated dimensions).
pub fn sample_batch(
    class: &dyn FunctionClass,
    inputs: &InputSpec,
    rng: &mut Rng,
    batch: usize,
    points: usize,
    d: usize,
    active: usize,
) -> PromptBatch {
    let sampler = InputSampler::new(inputs, d, rng);
    let mut xs = vec![0f32; batch * points * d];
    for prompt in xs.chunks_mut(points * d) {
        sampler.fill(rng, prompt, points);
    }
    if active < d {
        for row in xs.chunks_mut(d) {
            row[active..].fill(0.0);
        }
    }
    let mut ys = vec![0f32; batch * points];
    let mut components = Vec::with_capacity(batch);
    for (x, y) in xs.chunks(points * d).zip(ys.chunks_mut(points)) {
        components.push(class.sample_and_apply(rng, x, d, active, y));
    }
    PromptBatch { xs, ys, batch, points, dim: d, components }
}

/// A vector of standard normal draws.
pub(crate) fn gaussian(rng: &mut Rng, n: usize) -> Vec<f32> {
    (0..n).map(|_| StandardNormal.sample(rng)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{ArgValue, Component, Param};

    /// The JSON of every class as the derived enum of earlier versions wrote it: job ids and
    /// random streams hash these bytes.
    #[test]
    fn classes_serialise_and_read_as_before() {
        let p = |v: f64| ArgValue::Param(Param::fixed(v));
        let cases = [
            (ClassSpec::call("linear", [("scale", 1.0.into())]), r#"{"kind":"linear","scale":1.0}"#),
            (
                ClassSpec::call("sparse_linear", [("nnz", 2usize.into()), ("scale", 1.0.into())]),
                r#"{"kind":"sparse_linear","nnz":2,"scale":1.0}"#,
            ),
            (ClassSpec::call("relu_net", [("hidden", 100usize.into())]), r#"{"kind":"relu_net","hidden":100}"#),
            (
                ClassSpec::call("sine", [("amp", p(1.0)), ("freq", p(2.0)), ("phase", p(0.0))]),
                r#"{"kind":"sine","amp":{"dist":"fixed","value":1.0},"freq":{"dist":"fixed","value":2.0},"phase":{"dist":"fixed","value":0.0}}"#,
            ),
            (ClassSpec::call("decision_tree", [("depth", 4usize.into())]), r#"{"kind":"decision_tree","depth":4}"#),
            (ClassSpec::call("quadratic", []), r#"{"kind":"quadratic"}"#),
            (
                ClassSpec::Noisy { class: Box::new(ClassSpec::call("linear", [("scale", 2.0.into())])), std: 0.5 },
                r#"{"kind":"noisy","class":{"kind":"linear","scale":2.0},"std":0.5}"#,
            ),
            (
                ClassSpec::Mixture {
                    components: vec![Component {
                        weight: 1.0,
                        name: "d".into(),
                        class: ClassSpec::call("quadratic", []),
                    }],
                },
                r#"{"kind":"mixture","components":[{"weight":1.0,"name":"d","class":{"kind":"quadratic"}}]}"#,
            ),
            (
                ClassSpec::Convex {
                    first: Box::new(ClassSpec::call("quadratic", [])),
                    second: Box::new(ClassSpec::call("quadratic", [])),
                    lambda: Param::Uniform { lo: 0.0, hi: 1.0 },
                },
                r#"{"kind":"convex","first":{"kind":"quadratic"},"second":{"kind":"quadratic"},"lambda":{"dist":"uniform","lo":0.0,"hi":1.0}}"#,
            ),
        ];
        for (class, json) in cases {
            assert_eq!(serde_json::to_string(&class).unwrap(), json);
            assert_eq!(serde_json::from_str::<ClassSpec>(json).unwrap(), class, "{json}");
        }
    }

    /// Inline mixture components are named by `describe`, and the names enter job ids: the
    /// spellings of earlier versions.
    #[test]
    fn classes_are_described_as_before() {
        let p = |v: f64| ArgValue::Param(Param::fixed(v));
        let drawn = ArgValue::Param(Param::Uniform { lo: 0.5, hi: 2.0 });
        let cases = [
            (ClassSpec::call("linear", [("scale", 1.0.into())]), "linear()"),
            (ClassSpec::call("linear", [("scale", 2.0.into())]), "linear(scale = 2)"),
            (
                ClassSpec::call("sparse_linear", [("nnz", 2usize.into()), ("scale", 1.0.into())]),
                "sparse_linear(nnz = 2)",
            ),
            (ClassSpec::call("relu_net", [("hidden", 100usize.into())]), "relu_net(hidden = 100)"),
            (
                ClassSpec::call("sine", [("amp", p(1.0)), ("freq", drawn), ("phase", p(0.0))]),
                "sine(amp = 1, freq ~ uniform(0.5, 2), phase = 0)",
            ),
            (ClassSpec::call("decision_tree", [("depth", 4usize.into())]), "decision_tree(depth = 4)"),
            (ClassSpec::call("quadratic", []), "quadratic()"),
        ];
        for (class, text) in cases {
            assert_eq!(describe(&class), text);
        }
    }
}
