//! Models: `transformer(layers, width, heads)` and the named presets (the in-context regression
//! model), and the language models `causal_lm(layers, width, heads, context, positions)` and
//! `lstm(layers, hidden, context)`, and the classifier `pattern_net(neurons)`.
use super::scope::Kind;
use super::{Checker, Env, Params};
use crate::diag::{Code, Diagnostic};
use crate::spec::{Arch, ModelSpec, Positions};
use crate::syntax::ast::{Expr, ExprKind, ItemKind};

/// Built-in model presets: the golden files' shapes and Garg et al.'s standard model.
pub const PRESETS: &[(&str, ModelSpec)] = &[
    ("tiny", ModelSpec::transformer(2, 64, 2)),
    ("small", ModelSpec::transformer(4, 128, 4)),
    ("standard", ModelSpec::transformer(12, 256, 8)),
];

const TRANSFORMER_KEYS: &[&str] = &["layers", "width", "heads"];
const CAUSAL_LM_KEYS: &[&str] = &["layers", "width", "heads", "context", "positions"];
const LSTM_KEYS: &[&str] = &["layers", "hidden", "context"];
const PATTERN_NET_KEYS: &[&str] = &["neurons"];
/// A language model's context when the spec gives none.
const DEFAULT_CONTEXT: i64 = 64;

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
        let keys = match callee.name.as_str() {
            "transformer" => TRANSFORMER_KEYS,
            "causal_lm" => CAUSAL_LM_KEYS,
            "lstm" => LSTM_KEYS,
            "pattern_net" => PATTERN_NET_KEYS,
            _ => {
                self.diags.push(
                    Diagnostic::at(Code::UnknownName, callee.span, format!("unknown model kind `{}`", callee.name))
                        .label("not a model kind")
                        .help("models are written `transformer(layers = .., width = .., heads = ..)` or named by a preset: tiny, small, standard; language models `causal_lm(…)` or `lstm(…)`; the pattern classifier `pattern_net(neurons = ..)`"),
                );
                return None;
            }
        };
        let p = Params::call(callee, args, keys, e.span, &mut self.diags);
        if callee.name == "lstm" {
            let layers = self.int_param(&p, "layers", 1, 16, None, env);
            let hidden = self.int_param(&p, "hidden", 1, 65_536, None, env);
            let context = self.int_param(&p, "context", 2, 65_536, Some(DEFAULT_CONTEXT), env);
            let arch = Arch::Lstm { context: context? as usize };
            return Some(ModelSpec { layers: layers? as usize, width: hidden? as usize, heads: 1, arch });
        }
        if callee.name == "pattern_net" {
            let neurons = self.int_param(&p, "neurons", 1, 65_536, None, env)?;
            return Some(ModelSpec { layers: 1, width: neurons as usize, heads: 1, arch: Arch::PatternNet });
        }
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
        if callee.name == "transformer" {
            return Some(ModelSpec::transformer(layers, width, heads));
        }
        let context = self.int_param(&p, "context", 2, 65_536, Some(DEFAULT_CONTEXT), env)? as usize;
        let positions = match p.get("positions").map(|e| (e, &e.kind)) {
            None => Positions::Learned,
            Some((_, ExprKind::Name(id))) if id.name == "learned" => Positions::Learned,
            Some((_, ExprKind::Name(id))) if id.name == "sinusoidal" => Positions::Sinusoidal,
            Some((e, _)) => {
                self.diags.push(self.expected(e, "`learned` or `sinusoidal`"));
                return None;
            }
        };
        Some(ModelSpec { layers, width, heads, arch: Arch::CausalLm { context, positions } })
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
