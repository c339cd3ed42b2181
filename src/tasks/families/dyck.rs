//! The token-sequence family `dyck`: well-nested brackets of one or two kinds
//! ([`crate::tasks::languages::Dyck`]).
use crate::spec::{FamilyCall, TaskKind};
use crate::tasks::languages::{Dyck, Language};
use crate::tasks::{Bound, Family, FunctionClass, ParamDecl};

/// `dyck(pairs, max_depth, kinds = 2)`.
pub static FAMILY: &dyn Family = &DyckFamily;

struct DyckFamily;

impl Family for DyckFamily {
    fn name(&self) -> &'static str {
        "dyck"
    }
    fn definition(&self) -> &'static str {
        "well-nested brackets, `()` or `()[]`, 1 … pairs pairs at most max_depth deep; R1 the `[]` matched when the `()` are ignored, R2 the `()` matched when the `[]` are ignored (`[(])` keeps both and is no word); one kind: R1 the `()` matched"
    }
    fn params(&self) -> &'static [ParamDecl] {
        const PARAMS: &[ParamDecl] = &[
            ParamDecl::int("pairs", None, 1.0, Bound::Value(12.0)),
            ParamDecl::int("max_depth", None, 1.0, Bound::Value(12.0)),
            ParamDecl::int("kinds", Some(2.0), 1.0, Bound::Value(2.0)),
        ];
        PARAMS
    }
    fn kind(&self) -> TaskKind {
        TaskKind::Tokens
    }
    fn sampler(&self, _call: &FamilyCall) -> Result<Box<dyn FunctionClass>, String> {
        Err("`dyck` is a language, not a function class".into())
    }
    fn language(&self, call: &FamilyCall) -> Result<Box<dyn Language>, String> {
        Ok(Box::new(Dyck { pairs: call.int("pairs")?, max_depth: call.int("max_depth")?, kinds: call.int("kinds")? }))
    }
}
