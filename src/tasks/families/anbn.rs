//! The token-sequence family `anbn`: the language [`crate::tasks::languages::Anbn`] as a class a
//! spec can train a language model on and evaluate rule extrapolation with.
use crate::spec::{FamilyCall, TaskKind};
use crate::tasks::languages::{Anbn, Language};
use crate::tasks::{Bound, Family, FunctionClass, ParamDecl};

/// `anbn(max_n)`.
pub static FAMILY: &dyn Family = &AnbnFamily;

struct AnbnFamily;

impl Family for AnbnFamily {
    fn name(&self) -> &'static str {
        "anbn"
    }
    fn definition(&self) -> &'static str {
        "aⁿbⁿ for n = 1 … max_n (Reizinger et al.); R1 #a = #b, R2 no a after a b"
    }
    fn params(&self) -> &'static [ParamDecl] {
        const PARAMS: &[ParamDecl] = &[ParamDecl::int("max_n", None, 1.0, Bound::Value(256.0))];
        PARAMS
    }
    fn kind(&self) -> TaskKind {
        TaskKind::Tokens
    }
    fn sampler(&self, _call: &FamilyCall) -> Result<Box<dyn FunctionClass>, String> {
        Err("`anbn` is a language, not a function class".into())
    }
    fn language(&self, call: &FamilyCall) -> Result<Box<dyn Language>, String> {
        Ok(Box::new(Anbn { max_n: call.int("max_n")? }))
    }
}
