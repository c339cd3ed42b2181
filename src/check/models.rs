//! Models: `transformer(layers, width, heads)` and the named presets.
use super::scope::Kind;
use super::{Checker, Env, Params};
use crate::diag::{Code, Diagnostic};
use crate::spec::ModelSpec;
use crate::syntax::ast::{Expr, ExprKind, ItemKind};

/// Built-in model presets: the golden files' shapes and Garg et al.'s standard model.
pub const PRESETS: &[(&str, ModelSpec)] = &[
    ("tiny", ModelSpec { layers: 2, width: 64, heads: 2 }),
    ("small", ModelSpec { layers: 4, width: 128, heads: 4 }),
    ("standard", ModelSpec { layers: 12, width: 256, heads: 8 }),
];

const TRANSFORMER_KEYS: &[&str] = &["layers", "width", "heads"];

impl Checker<'_> {
    /// A model written inline: `transformer(layers = 4, width = 64, heads = 4)`.
    pub(super) fn model_value(&mut self, e: &Expr, env: &Env) -> Option<ModelSpec> {
        let ExprKind::Call { callee, args } = &e.kind else {
            if let ExprKind::Name(_) = &e.kind {
                return self.model_ref(e, env);
            }
            self.diags.push(self.expected(e, "a model such as `transformer(layers = 4, width = 64, heads = 4)`"));
            return None;
        };
        if callee.name != "transformer" {
            self.diags.push(
                Diagnostic::at(Code::UnknownName, callee.span, format!("unknown model kind `{}`", callee.name))
                    .label("not a model kind")
                    .help("models are written `transformer(layers = .., width = .., heads = ..)` or named by a preset: tiny, small, standard"),
            );
            return None;
        }
        let p = Params::call(callee, args, TRANSFORMER_KEYS, e.span, &mut self.diags);
        let layers = self.int_param(&p, "layers", 1, 256, None, env);
        let width = self.int_param(&p, "width", 1, 65_536, None, env);
        let heads = self.int_param(&p, "heads", 1, 1024, None, env);
        let (layers, width, heads) = (layers? as usize, width? as usize, heads? as usize);
        if width % heads != 0 {
            let span = p.get("heads").map_or(e.span, |h| h.span);
            self.diags.push(
                Diagnostic::at(Code::OutOfRange, span, format!("{heads} heads do not divide width {width}"))
                    .label("must divide the width")
                    .help("each head gets width / heads channels; pick a divisor of the width"),
            );
            return None;
        }
        Some(ModelSpec { layers, width, heads })
    }

    /// A model by name (a `model` definition or a preset) or inline.
    pub(super) fn model_ref(&mut self, e: &Expr, env: &Env) -> Option<ModelSpec> {
        match &e.kind {
            ExprKind::Name(id) => {
                if let Some(def) = self.scope.get(&id.name) {
                    if def.kind == Kind::Model {
                        self.scope.mark_used(&id.name);
                        let ItemKind::Model { value, .. } = &self.ast.items[def.item].kind else { return None };
                        // Defined models are checked once in `run`; this re-evaluation is silent.
                        let before = self.diags.len();
                        let m = self.model_value(value, &vec![]);
                        self.diags.truncate(before);
                        return m;
                    }
                    let r = self.scope.resolve(id, Kind::Model).map(|_| ());
                    self.report(r);
                    return None;
                }
                if let Some((_, m)) = PRESETS.iter().find(|(n, _)| *n == id.name) {
                    return Some(*m);
                }
                let presets: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
                self.diags.push(self.scope.unknown(id, Kind::Model, &presets));
                None
            }
            _ => self.model_value(e, env),
        }
    }
}
