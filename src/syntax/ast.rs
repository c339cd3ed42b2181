//! The syntax tree: what the text says, with a span on every node. It may still be invalid;
//! [`crate::check`] turns it into a checked spec.
use crate::source::Span;

/// A name with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is.
    pub span: Span,
}

/// A parsed spec file.
#[derive(Debug, Clone, PartialEq)]
pub struct Ast {
    /// Items in source order.
    pub items: Vec<Item>,
}

/// One top-level item.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// What kind of item.
    pub kind: ItemKind,
    /// The whole item.
    pub span: Span,
}

/// Top-level items.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// `experiment "name" { seed = .. dim = .. points = .. }`
    Experiment { name: StrLit, block: Block },
    /// `let name = expr`
    Let { name: Ident, value: Expr },
    /// `class name = expr`
    Class { name: Ident, value: Expr },
    /// `model name = expr`
    Model { name: Ident, value: Expr },
    /// `train name { .. }`, or `train name for var in values { .. }`: one run per value.
    Train { name: Ident, sweep: Option<Sweep>, block: Block },
    /// `eval name { .. }`
    Eval { name: Ident, block: Block },
    /// `figure name = expr`
    Figure { name: Ident, value: Expr },
    /// `claim "text" { expr }`
    Claim { name: StrLit, body: Expr },
}

/// `for var in values` after a name: the item is repeated once per value, `var` bound in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// The variable.
    pub var: Ident,
    /// What it runs over.
    pub over: Expr,
    /// `for` to the end of `over`.
    pub span: Span,
}

/// A string literal without its quotes.
#[derive(Debug, Clone, PartialEq)]
pub struct StrLit {
    /// The text between the quotes.
    pub value: String,
    /// Where it is, quotes included.
    pub span: Span,
}

/// `{ key = value ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Settings in source order.
    pub settings: Vec<Setting>,
    /// The braces and all between.
    pub span: Span,
}

/// `key = value`
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The key.
    pub key: Ident,
    /// The value.
    pub value: Expr,
}

/// An expression with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// Expression forms.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// An integer literal (`_` separators removed).
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A string literal.
    Str(String),
    /// A name.
    Name(Ident),
    /// `callee(arg, name = arg, ...)`
    Call { callee: Ident, args: Vec<Arg> },
    /// `[a, b, ...]`
    List(Vec<Expr>),
    /// `op expr`
    Unary { op: UnaryOp, operand: Box<Expr> },
    /// `lhs op rhs`
    Binary { op: BinaryOp, lhs: Box<Expr>, rhs: Box<Expr> },
    /// `start..end`, `start..=end`, optionally `step s`.
    Range { start: Box<Expr>, end: Box<Expr>, inclusive: bool, step: Option<Box<Expr>> },
    /// `body for var in over`: one value per element of `over`.
    Sweep { body: Box<Expr>, var: Ident, over: Box<Expr> },
}

/// A call argument, positional or named.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// `name =` or `name ~`, when given.
    pub name: Option<Ident>,
    /// True for `name ~ distribution`: the parameter is drawn afresh for every function.
    pub drawn: bool,
    /// The value.
    pub value: Expr,
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `not x`
    Not,
}

pub use crate::spec::BinaryOp;

impl Expr {
    /// Calls `f` on every name the expression mentions, callees included (`mix(w = 0.5)` names
    /// the training `mix`).
    pub fn for_each_name(&self, f: &mut impl FnMut(&Ident)) {
        match &self.kind {
            ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) => {}
            ExprKind::Name(id) => f(id),
            ExprKind::Call { callee, args } => {
                f(callee);
                args.iter().for_each(|a| a.value.for_each_name(f));
            }
            ExprKind::List(items) => items.iter().for_each(|e| e.for_each_name(f)),
            ExprKind::Unary { operand, .. } => operand.for_each_name(f),
            ExprKind::Binary { lhs, rhs, .. } => {
                lhs.for_each_name(f);
                rhs.for_each_name(f);
            }
            ExprKind::Range { start, end, step, .. } => {
                start.for_each_name(f);
                end.for_each_name(f);
                if let Some(s) = step {
                    s.for_each_name(f);
                }
            }
            ExprKind::Sweep { body, over, .. } => {
                body.for_each_name(f);
                over.for_each_name(f);
            }
        }
    }
}

impl Item {
    /// Calls `f` on every name the item's values mention (not the name it defines).
    pub fn for_each_name(&self, f: &mut impl FnMut(&Ident)) {
        let block = |b: &Block, f: &mut dyn FnMut(&Ident)| {
            for s in &b.settings {
                s.value.for_each_name(&mut |id| f(id));
            }
        };
        match &self.kind {
            ItemKind::Experiment { block: b, .. } | ItemKind::Eval { block: b, .. } => block(b, f),
            ItemKind::Train { sweep, block: b, .. } => {
                if let Some(s) = sweep {
                    s.over.for_each_name(f);
                }
                block(b, f)
            }
            ItemKind::Let { value, .. }
            | ItemKind::Class { value, .. }
            | ItemKind::Model { value, .. }
            | ItemKind::Figure { value, .. } => value.for_each_name(f),
            ItemKind::Claim { body, .. } => body.for_each_name(f),
        }
    }
}
