//! pest grammar → AST, and pest errors → diagnostics.
use super::ast::*;
use super::grammar::{IclParser, Rule};
use super::pest_errors::syntax_error;
use crate::diag::{Code, Diagnostic};
use crate::source::{Source, Span};
use pest::Parser as _;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::LazyLock;

/// Deepest bracket nesting accepted; deeper input is rejected before parsing so that neither
/// the parser nor later recursive phases can overflow the stack.
pub const MAX_NESTING: usize = 64;
/// Most operators in one expression, for the same reason (a long chain nests as deeply).
pub const MAX_OPERATORS: usize = 512;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::step, Assoc::Left))
        .op(Op::infix(Rule::or, Assoc::Left))
        .op(Op::infix(Rule::and, Assoc::Left))
        .op(Op::infix(Rule::lt, Assoc::Left)
            | Op::infix(Rule::le, Assoc::Left)
            | Op::infix(Rule::gt, Assoc::Left)
            | Op::infix(Rule::ge, Assoc::Left)
            | Op::infix(Rule::eq, Assoc::Left)
            | Op::infix(Rule::ne, Assoc::Left))
        .op(Op::infix(Rule::range, Assoc::Left) | Op::infix(Rule::range_incl, Assoc::Left))
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
        .op(Op::prefix(Rule::neg) | Op::prefix(Rule::not))
});

/// Parses a spec; on failure returns every syntax diagnostic found (pest stops at the first).
pub fn parse(source: &Source) -> Result<Ast, Vec<Diagnostic>> {
    // Makes pest record the literal tokens it tried, for messages like "expected `,` or `)`".
    pest::set_error_detail(true);
    check_nesting(source)?;
    let mut pairs = IclParser::parse(Rule::file, &source.text).map_err(|e| vec![syntax_error(source, e)])?;
    let file = pairs.next().expect("the file rule always yields one pair");
    let mut errors = Vec::new();
    let items = file
        .into_inner()
        .filter(|p| p.as_rule() != Rule::EOI)
        .filter_map(|p| item(p).map_err(|e| errors.push(e)).ok())
        .collect();
    if errors.is_empty() { Ok(Ast { items }) } else { Err(errors) }
}

/// Rejects bracket nesting deeper than [`MAX_NESTING`], skipping strings and comments.
fn check_nesting(source: &Source) -> Result<(), Vec<Diagnostic>> {
    let text = source.text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < text.len() {
        match text[i] {
            b'"' => {
                i += 1;
                while i < text.len() && text[i] != b'"' && text[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if text.get(i + 1) == Some(&b'/') => {
                while i < text.len() && text[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if text.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < text.len() && !(text[i] == b'*' && text[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(vec![
                        Diagnostic::at(
                            Code::TooDeep,
                            Span::new(i, i + 1),
                            format!("brackets nest more than {MAX_NESTING} deep"),
                        )
                        .label("too deep")
                        .help("flatten the expression, or name parts of it with `let`"),
                    ]);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn span(pair: &Pair<Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

/// The children of a pair without the keyword tokens.
fn children(pair: Pair<Rule>) -> Pairs<Rule> {
    pair.into_inner()
}

fn next_non_kw<'a>(it: &mut Pairs<'a, Rule>) -> Pair<'a, Rule> {
    it.find(|p| !is_keyword(p.as_rule())).expect("grammar guarantees the child")
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_experiment
            | Rule::kw_let
            | Rule::kw_class
            | Rule::kw_model
            | Rule::kw_train
            | Rule::kw_eval
            | Rule::kw_claim
            | Rule::kw_figure
            | Rule::kw_for
            | Rule::kw_in
    )
}

fn item(pair: Pair<Rule>) -> Result<Item, Diagnostic> {
    let sp = span(&pair);
    let rule = pair.as_rule();
    let mut it = children(pair);
    let kind = match rule {
        Rule::experiment => {
            ItemKind::Experiment { name: string(next_non_kw(&mut it)), block: block(next_non_kw(&mut it))? }
        }
        Rule::let_def => ItemKind::Let { name: ident(next_non_kw(&mut it)), value: expr(next_non_kw(&mut it))? },
        Rule::class_def => ItemKind::Class { name: ident(next_non_kw(&mut it)), value: expr(next_non_kw(&mut it))? },
        Rule::model_def => ItemKind::Model { name: ident(next_non_kw(&mut it)), value: expr(next_non_kw(&mut it))? },
        Rule::train_def => {
            let name = ident(next_non_kw(&mut it));
            let mut next = next_non_kw(&mut it);
            let sweep = if next.as_rule() == Rule::sweep {
                let sweep_span = span(&next);
                let mut parts = next.into_inner().filter(|p| !is_keyword(p.as_rule()));
                let var = ident(parts.next().expect("sweep variable"));
                let over = expr(parts.next().expect("sweep range"))?;
                next = next_non_kw(&mut it);
                Some(Sweep { var, over, span: sweep_span })
            } else {
                None
            };
            ItemKind::Train { name, sweep, block: block(next)? }
        }
        Rule::eval_def => ItemKind::Eval { name: ident(next_non_kw(&mut it)), block: block(next_non_kw(&mut it))? },
        Rule::figure_def => ItemKind::Figure { name: ident(next_non_kw(&mut it)), value: expr(next_non_kw(&mut it))? },
        Rule::claim_def => ItemKind::Claim { name: string(next_non_kw(&mut it)), body: value(next_non_kw(&mut it))? },
        other => unreachable!("not an item rule: {other:?}"),
    };
    Ok(Item { kind, span: sp })
}

fn ident(pair: Pair<Rule>) -> Ident {
    Ident { name: pair.as_str().to_string(), span: span(&pair) }
}

fn string(pair: Pair<Rule>) -> StrLit {
    let s = pair.as_str();
    StrLit { value: s[1..s.len() - 1].to_string(), span: span(&pair) }
}

fn block(pair: Pair<Rule>) -> Result<Block, Diagnostic> {
    let sp = span(&pair);
    let settings = children(pair)
        .map(|setting| {
            let mut it = setting.into_inner();
            let key = ident(it.next().expect("setting key"));
            let value = value(it.next().expect("setting value"))?;
            Ok(Setting { key, value })
        })
        .collect::<Result<_, _>>()?;
    Ok(Block { settings, span: sp })
}

/// `expr` or `expr for var in over`.
fn value(pair: Pair<Rule>) -> Result<Expr, Diagnostic> {
    let mut it = pair.into_inner();
    let body = expr(it.next().expect("value expression"))?;
    let Some(sweep) = it.next() else { return Ok(body) };
    let sweep_span = span(&sweep);
    let mut parts = sweep.into_inner().filter(|p| !is_keyword(p.as_rule()));
    let var = ident(parts.next().expect("sweep variable"));
    let over = expr(parts.next().expect("sweep range"))?;
    Ok(Expr {
        span: body.span.join(sweep_span),
        kind: ExprKind::Sweep { body: Box::new(body), var, over: Box::new(over) },
    })
}

fn expr(pair: Pair<Rule>) -> Result<Expr, Diagnostic> {
    let operators = pair
        .clone()
        .into_inner()
        .filter(|p| {
            !matches!(p.as_rule(), Rule::call | Rule::list | Rule::number | Rule::string | Rule::ident | Rule::expr)
        })
        .count();
    if operators > MAX_OPERATORS {
        return Err(Diagnostic::at(
            Code::TooDeep,
            span(&pair),
            format!("an expression with more than {MAX_OPERATORS} operators"),
        )
        .label("too long")
        .help("split it, naming parts with `let`"));
    }
    PRATT
        .map_primary(operand)
        .map_prefix(|op, rhs| {
            let rhs = rhs?;
            let op_span = span(&op);
            let uop = match op.as_rule() {
                Rule::neg => UnaryOp::Neg,
                _ => UnaryOp::Not,
            };
            // Fold `-literal` so that `-9223372036854775808` and `-1e-3` are plain literals.
            let kind = match (uop, &rhs.kind) {
                (UnaryOp::Neg, ExprKind::Int(v)) => ExprKind::Int(-v),
                (UnaryOp::Neg, ExprKind::Float(v)) => ExprKind::Float(-v),
                _ => ExprKind::Unary { op: uop, operand: Box::new(rhs.clone()) },
            };
            Ok(Expr { span: op_span.join(rhs.span), kind })
        })
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = (lhs?, rhs?);
            let span = lhs.span.join(rhs.span);
            match op.as_rule() {
                Rule::range | Rule::range_incl => {
                    let inclusive = op.as_rule() == Rule::range_incl;
                    return Ok(Expr {
                        span,
                        kind: ExprKind::Range { start: Box::new(lhs), end: Box::new(rhs), inclusive, step: None },
                    });
                }
                Rule::step => {
                    return match lhs.kind {
                        ExprKind::Range { start, end, inclusive, step: None } => Ok(Expr {
                            span,
                            kind: ExprKind::Range { start, end, inclusive, step: Some(Box::new(rhs)) },
                        }),
                        _ => Err(Diagnostic::at(
                            Code::Syntax,
                            crate::source::Span::new(op.as_span().start(), op.as_span().end()),
                            "`step` must follow a range",
                        )
                        .label("not after a range")
                        .help("write a range with a step as `0..=1 step 0.1`")),
                    };
                }
                _ => {}
            }
            let bop = match op.as_rule() {
                Rule::or => BinaryOp::Or,
                Rule::and => BinaryOp::And,
                Rule::lt => BinaryOp::Lt,
                Rule::le => BinaryOp::Le,
                Rule::gt => BinaryOp::Gt,
                Rule::ge => BinaryOp::Ge,
                Rule::eq => BinaryOp::Eq,
                Rule::ne => BinaryOp::Ne,
                Rule::add => BinaryOp::Add,
                Rule::sub => BinaryOp::Sub,
                Rule::mul => BinaryOp::Mul,
                _ => BinaryOp::Div,
            };
            Ok(Expr { span, kind: ExprKind::Binary { op: bop, lhs: Box::new(lhs), rhs: Box::new(rhs) } })
        })
        .parse(pair.into_inner())
}

fn operand(pair: Pair<Rule>) -> Result<Expr, Diagnostic> {
    let sp = span(&pair);
    let kind = match pair.as_rule() {
        Rule::expr => return expr(pair),
        Rule::number => number(pair.as_str(), sp)?,
        Rule::string => ExprKind::Str(string(pair).value),
        Rule::ident => ExprKind::Name(ident(pair)),
        Rule::list => ExprKind::List(pair.into_inner().map(value).collect::<Result<_, _>>()?),
        Rule::call => {
            let mut it = pair.into_inner();
            let callee = ident(it.next().expect("callee"));
            let args = it.map(arg).collect::<Result<_, _>>()?;
            ExprKind::Call { callee, args }
        }
        other => unreachable!("not an operand rule: {other:?}"),
    };
    Ok(Expr { kind, span: sp })
}

fn arg(pair: Pair<Rule>) -> Result<Arg, Diagnostic> {
    let (mut name, mut drawn, mut val) = (None, false, None);
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::arg_name => name = Some(ident(p.into_inner().next().expect("arg name ident"))),
            Rule::arg_op => drawn = p.as_str() == "~",
            _ => val = Some(value(p)?),
        }
    }
    Ok(Arg { name, drawn, value: val.expect("grammar guarantees an argument value") })
}

fn number(text: &str, sp: Span) -> Result<ExprKind, Diagnostic> {
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    let is_float = clean.contains(['.', 'e', 'E']);
    let overflow = || {
        Diagnostic::at(Code::NumberOverflow, sp, format!("number `{text}` is too large"))
            .label("does not fit")
            .help("integers must fit in 64 bits and floats must be finite")
    };
    if is_float {
        match clean.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(ExprKind::Float(v)),
            _ => Err(overflow()),
        }
    } else {
        clean.parse::<i64>().map(ExprKind::Int).map_err(|_| overflow())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Ast, Vec<Diagnostic>> {
        parse(&Source::new("t.icl", text))
    }

    fn value_of(text: &str) -> ExprKind {
        let ast = parse_str(&format!("let x = {text}")).unwrap();
        match &ast.items[0].kind {
            ItemKind::Let { value, .. } => value.kind.clone(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn numbers() {
        let cases: &[(&str, ExprKind)] = &[
            ("10_000", ExprKind::Int(10_000)),
            ("1e-3", ExprKind::Float(1e-3)),
            ("0.5", ExprKind::Float(0.5)),
            ("-2", ExprKind::Int(-2)),
        ];
        for (text, want) in cases {
            assert_eq!(&value_of(text), want, "{text}");
        }
    }

    #[test]
    fn precedence() {
        let ExprKind::Binary { op, rhs, .. } = value_of("1 + 2 * 3") else { panic!() };
        assert_eq!(op, BinaryOp::Add);
        assert!(matches!(rhs.kind, ExprKind::Binary { op: BinaryOp::Mul, .. }));
        let ExprKind::Binary { op, .. } = value_of("a < 1 and b > 2 or c") else { panic!() };
        assert_eq!(op, BinaryOp::Or);
    }

    #[test]
    fn calls_with_named_and_positional_args() {
        let ExprKind::Call { callee, args } = value_of("error(e, m, t, k = 10)") else { panic!() };
        assert_eq!(callee.name, "error");
        assert_eq!(args.len(), 4);
        assert_eq!(args[3].name.as_ref().unwrap().name, "k");
        assert!(args[0].name.is_none());
    }

    #[test]
    fn keyword_needs_a_boundary() {
        let errs = parse_str("classy x = linear()").unwrap_err();
        assert_eq!(errs[0].code, Code::UnknownKeyword);
    }

    #[test]
    fn errors() {
        let cases: &[(&str, Code, usize)] = &[
            ("trian m { }", Code::UnknownKeyword, 0),
            ("class x = ", Code::Syntax, 10),
            ("let x = 99999999999999999999", Code::NumberOverflow, 8),
            ("model m = transformer(layers = 2", Code::Syntax, 32),
        ];
        for (text, code, at) in cases {
            let errs = parse_str(text).unwrap_err();
            assert_eq!(errs[0].code, *code, "{text}: {errs:?}");
            assert_eq!(errs[0].span.unwrap().start, *at, "{text}: {errs:?}");
        }
    }

    #[test]
    fn comments_are_ignored() {
        let ast = parse_str("// a\nlet x = 1 /* b */\n").unwrap();
        assert_eq!(ast.items.len(), 1);
    }
}
