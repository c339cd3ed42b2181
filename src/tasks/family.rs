//! The task-family registry: every function class a spec can call declares, in its own file of
//! `tasks/families/`, its name, parameters, one-line definition and sampler. The checker reads the
//! declarations to check a call, `iclc classes` and `docs/language.md` print them as a table, and
//! exec asks the family for its sampler. `build.rs` lists the folder, so adding a class is adding
//! a file there (it must define `pub static FAMILY: &dyn Family`).
use super::FunctionClass;
use crate::spec::{FamilyCall, TaskKind, fmt_num};

/// A family of functions a spec can call by name.
pub trait Family: Sync {
    /// The name a spec calls it by (`sparse_linear`).
    fn name(&self) -> &'static str;
    /// The definition, one line of Markdown (`f(x) = scale · w·x, w ~ N(0, I_d)`).
    fn definition(&self) -> &'static str;
    /// The parameters, in the order a call may give them positionally.
    fn params(&self) -> &'static [ParamDecl];
    /// What its prompts are, what a model minimises on them and how it is scored.
    fn kind(&self) -> TaskKind {
        TaskKind::Regression
    }
    /// The sampler for a checked call (a regression family).
    fn sampler(&self, call: &FamilyCall) -> Result<Box<dyn FunctionClass>, String>;
    /// The language for a checked call (a token-sequence family).
    fn language(&self, _call: &FamilyCall) -> Result<Box<dyn super::languages::Language>, String> {
        Err(format!("`{}` is a function class, not a language", self.name()))
    }
    /// The patterns and tasks for a checked call at input dimension `dim` (a classification family).
    fn patterns(&self, _call: &FamilyCall, _dim: usize) -> Result<super::patterns::PatternData, String> {
        Err(format!("`{}` is no classification family", self.name()))
    }
    /// Whether a call's settings go together at input dimension `dim`: the checker reports the
    /// error at the parameter named.
    fn validate(&self, _call: &FamilyCall, _dim: usize) -> Result<(), (&'static str, String)> {
        Ok(())
    }
    /// The Gaussian linear prior the family is, when it is one (for the exact Bayes predictor).
    fn linear_prior(&self, _call: &FamilyCall) -> Option<LinearPrior> {
        None
    }
}

/// w ~ N(0, I) on `nnz` uniformly chosen coordinates (all when `None`), f(x) = scale · w·x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearPrior {
    /// Output scale.
    pub scale: f64,
    /// Non-zero coordinates, when sparse.
    pub nnz: Option<usize>,
}

/// One parameter of a family.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamDecl {
    /// Its name in a call.
    pub name: &'static str,
    /// What values it takes.
    pub kind: ParamKind,
    /// Its value when a call leaves it out; `None` makes it required.
    pub default: Option<f64>,
    /// The least value allowed.
    pub min: f64,
    /// The greatest value allowed.
    pub max: Bound,
}

/// What values a parameter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// A whole number (a count).
    Int,
    /// A number fixed for the class.
    Float,
    /// A number fixed, or drawn afresh for every function with `~`.
    Drawable,
}

/// An upper bound that may depend on the experiment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// This value.
    Value(f64),
    /// The experiment's input dimension `dim`.
    Dim,
}

impl ParamDecl {
    /// A whole number in `min ..= max`.
    pub const fn int(name: &'static str, default: Option<f64>, min: f64, max: Bound) -> ParamDecl {
        ParamDecl { name, kind: ParamKind::Int, default, min, max }
    }

    /// A number fixed for the class, any finite value.
    pub const fn float(name: &'static str, default: f64) -> ParamDecl {
        ParamDecl { name, kind: ParamKind::Float, default: Some(default), min: -1e12, max: Bound::Value(1e12) }
    }

    /// A number fixed or drawn per function, any finite value.
    pub const fn drawable(name: &'static str, default: f64) -> ParamDecl {
        ParamDecl {
            name,
            kind: ParamKind::Drawable,
            default: Some(default),
            min: f64::MIN,
            max: Bound::Value(f64::MAX),
        }
    }

    /// The upper bound at input dimension `dim`.
    pub fn max_at(&self, dim: usize) -> f64 {
        match self.max {
            Bound::Value(v) => v,
            Bound::Dim => dim as f64,
        }
    }

    /// The call with its default (`scale = 1`), or its bare name when required.
    fn signature(&self) -> String {
        match self.default {
            Some(v) => format!("{} = {}", self.name, fmt_num(v)),
            None => self.name.to_string(),
        }
    }

    /// What values it takes, in words.
    fn constraint(&self) -> String {
        let max = match self.max {
            Bound::Dim => "d".to_string(),
            Bound::Value(v) => fmt_num(v),
        };
        match self.kind {
            ParamKind::Int => format!("`{}` in {} … {max}", self.name, fmt_num(self.min)),
            // A float bounded more tightly than `ParamDecl::float`'s "any finite value".
            ParamKind::Float if self.min > -1e12 || matches!(self.max, Bound::Value(v) if v < 1e12) => {
                format!("`{}` in {} … {max}", self.name, fmt_num(self.min))
            }
            ParamKind::Float => format!("`{}` a number", self.name),
            ParamKind::Drawable => format!("`{}` fixed or drawn", self.name),
        }
    }
}

/// Every registered family, in file-name order.
pub fn families() -> &'static [&'static dyn Family] {
    super::registry::FAMILIES
}

/// The family called `name`.
pub fn family(name: &str) -> Option<&'static dyn Family> {
    families().iter().copied().find(|f| f.name() == name)
}

/// The family a call names, or an error naming it.
pub fn family_of(call: &FamilyCall) -> Result<&'static dyn Family, String> {
    family(&call.family).ok_or_else(|| format!("no function class is called `{}`", call.family))
}

/// The Markdown table of the families, as `docs/language.md` has it and `iclc classes` prints it.
pub fn class_table() -> String {
    let mut out = String::from("| class | definition | parameters |\n|---|---|---|\n");
    for f in families() {
        let signature: Vec<String> = f.params().iter().map(ParamDecl::signature).collect();
        let constraints: Vec<String> = f.params().iter().map(ParamDecl::constraint).collect();
        let constraints = if constraints.is_empty() { "—".to_string() } else { constraints.join("; ") };
        out += &format!("| `{}({})` | {} | {constraints} |\n", f.name(), signature.join(", "), f.definition());
    }
    out += &format!("| `noisy(class, std)` | {} | `std` ≥ 0 |\n", super::noisy::DEFINITION);
    out
}

/// The class as the spec would write it: a number fixed for the class is left out at its default
/// (`linear()`), counts and drawable parameters are always written (`relu_net(hidden = 100)`,
/// `sine(amp = 1, freq ~ uniform(0.5, 2), phase = 0)`). Inline mixture components are named by this
/// text, and names are part of job ids and random streams: it must not change.
pub fn describe_call(call: &FamilyCall) -> String {
    use crate::spec::ArgValue;
    let decls = family(&call.family).map_or(&[][..], |f| f.params());
    let shown: Vec<String> = call
        .args
        .iter()
        .filter(|(k, v)| {
            let decl = decls.iter().find(|d| d.name == k.as_str());
            let at_default = decl.and_then(|d| d.default).is_some_and(|dv| matches!(v, ArgValue::Float(x) if *x == dv));
            !at_default
        })
        .map(|(k, v)| match v {
            ArgValue::Int(i) => format!("{k} = {i}"),
            ArgValue::Float(x) => format!("{k} = {}", fmt_num(*x)),
            ArgValue::Param(p) => crate::tasks::describe_param(k, p),
        })
        .collect();
    format!("{}({})", call.family, shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_none_is_a_combinator() {
        let mut names: Vec<&str> = families().iter().map(|f| f.name()).collect();
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "two families share a name");
        for combinator in ["noisy", "convex", "mixture"] {
            assert!(family(combinator).is_none(), "`{combinator}` is a combinator's name");
        }
    }

    #[test]
    fn every_default_lies_in_its_range_and_every_family_samples_with_its_defaults() {
        for f in families() {
            let mut args = std::collections::BTreeMap::new();
            for p in f.params() {
                let v = p.default.unwrap_or(p.min.max(1.0));
                assert!(v >= p.min && v <= p.max_at(5), "{}: `{}` default {v} out of range", f.name(), p.name);
                let value = match p.kind {
                    ParamKind::Int => crate::spec::ArgValue::Int(v as u64),
                    ParamKind::Float => crate::spec::ArgValue::Float(v),
                    ParamKind::Drawable => crate::spec::ArgValue::Param(crate::spec::Param::fixed(v)),
                };
                args.insert(p.name.to_string(), value);
            }
            let call = FamilyCall { family: f.name().to_string(), args };
            if f.kind() == crate::spec::TaskKind::Classification {
                let data = f.patterns(&call, 30).unwrap_or_else(|e| panic!("{}: {e}", f.name()));
                assert_eq!(f.validate(&call, 30), Ok(()), "{}", f.name());
                let mut rng = crate::rng::stream(1, "registry");
                let prompts = data.prompts(crate::tasks::patterns::Part::HeldOut, 4, 6, &mut rng);
                assert!(prompts.iter().all(|p| p.labels.len() == 6 && p.xs.iter().all(|x| x.is_finite())));
                assert!(f.sampler(&call).is_err() && f.language(&call).is_err(), "{}", f.name());
                continue;
            }
            if f.kind() == crate::spec::TaskKind::Tokens {
                let lang = f.language(&call).unwrap_or_else(|e| panic!("{}: {e}", f.name()));
                let words = lang.words();
                assert!(!words.is_empty() && words.iter().all(|w| lang.is_member(w)), "{}", f.name());
                assert!(f.sampler(&call).is_err(), "{}: a language has no function sampler", f.name());
                continue;
            }
            assert!(f.language(&call).is_err(), "{}: a function class is no language", f.name());
            let class = f.sampler(&call).unwrap_or_else(|e| panic!("{}: {e}", f.name()));
            let mut rng = crate::rng::stream(1, "registry");
            let b = super::super::sample_batch(&*class, &crate::spec::InputSpec::Normal, &mut rng, 8, 6, 5, 5);
            assert!(b.ys.iter().all(|y| y.is_finite()), "{}: non-finite ys", f.name());
            assert!(b.ys.iter().any(|y| *y != 0.0), "{}: all ys zero", f.name());
        }
    }

    #[test]
    fn the_language_reference_has_the_generated_class_table() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/language.md")).unwrap();
        assert!(
            doc.contains(&class_table()),
            "docs/language.md's class table is not the registry's; paste the output of `iclc classes`:\n{}",
            class_table()
        );
    }
}
