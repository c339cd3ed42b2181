//! The token-sequence family `anbncn`: the language [`crate::tasks::languages::Anbncn`] as a class a
//! spec can train a language model on and evaluate rule extrapolation with.
use crate::spec::{FamilyCall, TaskKind};
use crate::tasks::languages::{Anbncn, Language};
use crate::tasks::{Bound, Family, FunctionClass, ParamDecl};

/// `anbncn(max_n)`.
pub static FAMILY: &dyn Family = &AnbncnFamily;

struct AnbncnFamily;

impl Family for AnbncnFamily {
    fn name(&self) -> &'static str {
        "anbncn"
    }
    fn definition(&self) -> &'static str {
        "aⁿbⁿcⁿ for n = 1 … max_n; R1 #a = #b = #c, R2 a's before b's before c's"
    }
    fn params(&self) -> &'static [ParamDecl] {
        const PARAMS: &[ParamDecl] = &[ParamDecl::int("max_n", None, 1.0, Bound::Value(128.0))];
        PARAMS
    }
    fn kind(&self) -> TaskKind {
        TaskKind::Tokens
    }
    fn sampler(&self, _call: &FamilyCall) -> Result<Box<dyn FunctionClass>, String> {
        Err("`anbncn` is a language, not a function class".into())
    }
    fn language(&self, call: &FamilyCall) -> Result<Box<dyn Language>, String> {
        Ok(Box::new(Anbncn { max_n: call.int("max_n")? }))
    }
}
