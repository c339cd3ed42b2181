//! The classification family `patterns`: Li et al.'s pattern data (`crate::tasks::patterns`) as a
//! class a spec trains a classifier on (its training tasks) and evaluates (its held-out tasks).
use crate::spec::{FamilyCall, TaskKind};
use crate::tasks::patterns::{PatternData, PatternSettings};
use crate::tasks::{Bound, Family, FunctionClass, ParamDecl, ParamKind};

/// `patterns(relevant, irrelevant, train_tasks, alpha, noise, shift, label, seed)`.
pub static FAMILY: &dyn Family = &PatternsFamily;

struct PatternsFamily;

/// A number fixed for the class in `min ..= max`.
const fn bounded(name: &'static str, default: f64, min: f64, max: f64) -> ParamDecl {
    ParamDecl { name, kind: ParamKind::Float, default: Some(default), min, max: Bound::Value(max) }
}

impl Family for PatternsFamily {
    fn name(&self) -> &'static str {
        "patterns"
    }
    fn definition(&self) -> &'static str {
        "x = μ + c·ν (μ one of `relevant`, ν one of `irrelevant` orthonormal patterns, c ~ U[−noise, noise]); a task labels two μ ±1, `train_tasks` of them trained on; `alpha` of the context shares the query's μ; labels embedded as ±`label`; `shift` > 0 replaces the μ by combinations summing to it; patterns and split drawn from `seed`; `whole_pairs = 1` keeps a task and its reverse on one side of the split (Li et al.)"
    }
    fn params(&self) -> &'static [ParamDecl] {
        const PARAMS: &[ParamDecl] = &[
            ParamDecl::int("relevant", Some(6.0), 2.0, Bound::Value(1024.0)),
            ParamDecl::int("irrelevant", Some(24.0), 1.0, Bound::Value(65_536.0)),
            ParamDecl::int("train_tasks", Some(12.0), 2.0, Bound::Value(1_048_576.0)),
            bounded("alpha", 0.6, 0.0, 1.0),
            bounded("noise", 0.5, 0.0, 1e6),
            bounded("shift", 0.0, 0.0, 1e6),
            bounded("label", 1.0, 1e-6, 1e6),
            ParamDecl::int("seed", Some(1.0), 0.0, Bound::Value(1e15)),
            ParamDecl::int("whole_pairs", Some(0.0), 0.0, Bound::Value(1.0)),
        ];
        PARAMS
    }
    fn kind(&self) -> TaskKind {
        TaskKind::Classification
    }
    fn sampler(&self, _call: &FamilyCall) -> Result<Box<dyn FunctionClass>, String> {
        Err("`patterns` brings its own inputs and labels, not a function of x".into())
    }
    fn patterns(&self, call: &FamilyCall, dim: usize) -> Result<PatternData, String> {
        PatternData::new(settings(call)?, dim)
    }
    fn validate(&self, call: &FamilyCall, dim: usize) -> Result<(), (&'static str, String)> {
        let s = settings(call).map_err(|e| ("relevant", e))?;
        if s.relevant + s.irrelevant > dim {
            return Err((
                "irrelevant",
                format!(
                    "{} relevant and {} irrelevant orthonormal patterns do not fit in d = {dim}",
                    s.relevant, s.irrelevant
                ),
            ));
        }
        // The split's own rules: training tasks that cover, a task held out, pairs kept whole.
        let rng = &mut crate::rng::stream(s.seed, "patterns/split");
        crate::tasks::patterns::split_tasks(s.relevant, s.train_tasks, s.whole_pairs, rng)
            .map(|_| ())
            .map_err(|e| ("train_tasks", e))
    }
}

/// The settings a checked call gives.
fn settings(call: &FamilyCall) -> Result<PatternSettings, String> {
    Ok(PatternSettings {
        relevant: call.int("relevant")?,
        irrelevant: call.int("irrelevant")?,
        train_tasks: call.int("train_tasks")?,
        alpha: call.float("alpha")?,
        noise: call.float("noise")?,
        shift: call.float("shift")?,
        label: call.float("label")?,
        seed: call.int("seed")? as u64,
        whole_pairs: call.int("whole_pairs")? == 1,
    })
}
