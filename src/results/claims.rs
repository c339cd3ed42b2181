//! Claim verdicts that respect the uncertainty. Every quantity a claim reads is recomputed on
//! the same joint bootstrap draws (prompts and training seeds resampled together), and so is the
//! claim: it PASSes when it holds on the estimates and on at least 1 − α/2 of the draws (the
//! interval of its margin lies on the holding side), FAILs when its negation does, and is
//! INCONCLUSIVE otherwise — a statement that holds only on the means of overlapping curves never
//! reads PASS.
use super::read::{Draw, Reader};
use super::verdict::{ClaimResult, Term, Verdict};
use super::{BOOTSTRAP_RESAMPLES, CONFIDENCE, Estimate, percentile_interval};
use crate::spec::BinaryOp;
use crate::spec::{ClaimExpr, ClaimSpec, Quantity};

/// A claim expression's value: a number, or a truth value with its margin.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Value {
    Num(f64),
    Truth { holds: bool, margin: f64 },
}

impl Value {
    fn num(self) -> f64 {
        match self {
            Value::Num(v) => v,
            Value::Truth { holds, .. } => f64::from(u8::from(holds)),
        }
    }

    fn truth(self) -> (bool, f64) {
        match self {
            Value::Truth { holds, margin } => (holds, margin),
            Value::Num(v) => (v != 0.0, v),
        }
    }
}

/// Evaluates every claim: verdict, margin and the terms it read, all from one set of draws per
/// claim.
pub fn evaluate_claims(claims: &[ClaimSpec], reader: &Reader) -> Vec<ClaimResult> {
    claims.iter().map(|c| evaluate_claim(c, reader)).collect()
}

fn evaluate_claim(c: &ClaimSpec, reader: &Reader) -> ClaimResult {
    let quantities: Vec<&Quantity> = c.expr.reads();
    if !quantities.iter().all(|q| reader.has(q)) {
        return missing(c, &quantities);
    }
    let point = Draw::all();
    let (holds, margin) = value(&c.expr, reader, &point).truth();
    let term_points: Vec<f64> = quantities.iter().map(|q| read(q, reader, &point)).collect();
    let mut margins = Vec::with_capacity(BOOTSTRAP_RESAMPLES);
    let mut term_draws = vec![Vec::with_capacity(BOOTSTRAP_RESAMPLES); quantities.len()];
    let mut held = 0usize;
    for r in 0..BOOTSTRAP_RESAMPLES {
        let draw = Draw::resample(r);
        let (h, m) = value(&c.expr, reader, &draw).truth();
        held += usize::from(h);
        margins.push(m);
        for (values, q) in term_draws.iter_mut().zip(&quantities) {
            values.push(read(q, reader, &draw));
        }
    }
    let holds_share = held as f64 / BOOTSTRAP_RESAMPLES as f64;
    let tail = (1.0 - CONFIDENCE) / 2.0;
    // A quantity with nothing to average (no completion counted) decides nothing.
    let undefined = term_points.iter().any(|v| v.is_nan());
    let verdict = if undefined {
        Verdict::Inconclusive
    } else if holds && holds_share >= 1.0 - tail {
        Verdict::Pass
    } else if !holds && holds_share <= tail {
        Verdict::Fail
    } else {
        Verdict::Inconclusive
    };
    let terms = quantities
        .iter()
        .zip(term_points)
        .zip(term_draws)
        .map(|((q, mean), draws)| Term {
            quantity: (*q).clone(),
            estimate: percentile_interval(mean, draws),
            counted: match q {
                Quantity::Language(l) => reader.rate_counted(l),
                _ => None,
            },
        })
        .collect();
    ClaimResult {
        name: c.name.clone(),
        source: c.source.clone(),
        verdict,
        margin: percentile_interval(margin, margins),
        holds_share,
        eval: quantities.first().map(|q| q.eval().to_string()).unwrap_or_default(),
        terms,
    }
}

/// A claim whose evaluation was not done: no numbers, no verdict but that.
fn missing(c: &ClaimSpec, quantities: &[&Quantity]) -> ClaimResult {
    let none = || Estimate { mean: f64::NAN, lo: f64::NAN, hi: f64::NAN };
    ClaimResult {
        name: c.name.clone(),
        source: c.source.clone(),
        verdict: Verdict::Missing,
        margin: none(),
        holds_share: f64::NAN,
        eval: quantities.first().map(|q| q.eval().to_string()).unwrap_or_default(),
        terms: quantities.iter().map(|q| Term { quantity: (*q).clone(), estimate: none(), counted: None }).collect(),
    }
}

/// A quantity on one draw.
fn read(q: &Quantity, reader: &Reader, draw: &Draw) -> f64 {
    match q {
        Quantity::Error(r) => reader.error(r, draw),
        Quantity::Between(b) => reader.between(b, draw),
        Quantity::Language(l) => reader.language(l, draw),
        Quantity::Attention(a) => reader.attention(a, draw),
        Quantity::Hinge(r) => reader.hinge(r, draw),
        Quantity::FirstStep(s) => {
            let below = value(&s.below, reader, draw).num();
            reader
                .steps(&s.error, draw)
                .into_iter()
                .find(|at| at.error <= below)
                .map_or(f64::INFINITY, |at| if s.time { at.wall_s } else { at.step as f64 })
        }
    }
}

fn value(e: &ClaimExpr, reader: &Reader, draw: &Draw) -> Value {
    let num = |x: &ClaimExpr| value(x, reader, draw).num();
    let truth = |x: &ClaimExpr| value(x, reader, draw).truth();
    match e {
        ClaimExpr::Num(v) => Value::Num(*v),
        ClaimExpr::Read(q) => Value::Num(read(q, reader, draw)),
        ClaimExpr::Neg(x) => Value::Num(-num(x)),
        ClaimExpr::Not(x) => {
            let (h, m) = truth(x);
            Value::Truth { holds: !h, margin: -m }
        }
        ClaimExpr::Min(items) => Value::Num(items.iter().map(num).fold(f64::INFINITY, f64::min)),
        ClaimExpr::Max(items) => Value::Num(items.iter().map(num).fold(f64::NEG_INFINITY, f64::max)),
        ClaimExpr::All(items) => combine(items.iter().map(truth), true),
        ClaimExpr::Any(items) => combine(items.iter().map(truth), false),
        ClaimExpr::Binary { op, lhs, rhs } => {
            let (a, b) = (num(lhs), num(rhs));
            let (holds, margin) = match op {
                BinaryOp::Lt => (a < b, b - a),
                BinaryOp::Le => (a <= b, b - a),
                BinaryOp::Gt => (a > b, a - b),
                BinaryOp::Ge => (a >= b, a - b),
                BinaryOp::Eq => (a == b, -(a - b).abs()),
                BinaryOp::Ne => (a != b, (a - b).abs()),
                BinaryOp::Add => return Value::Num(a + b),
                BinaryOp::Sub => return Value::Num(a - b),
                BinaryOp::Mul => return Value::Num(a * b),
                BinaryOp::Div => return Value::Num(a / b),
                BinaryOp::And | BinaryOp::Or => {
                    return combine([truth(lhs), truth(rhs)].into_iter(), *op == BinaryOp::And);
                }
            };
            // ∞ − ∞ (a step never reached on both sides) has no size; the truth still decides.
            let margin = if margin.is_nan() { 0.0 } else { margin };
            Value::Truth { holds, margin }
        }
    }
}

/// `and`/`all` (`every`) or `or`/`any`: the truth combined, the margin the smallest or largest.
fn combine(parts: impl Iterator<Item = (bool, f64)>, every: bool) -> Value {
    let (mut holds, mut margin) = (every, if every { f64::INFINITY } else { f64::NEG_INFINITY });
    for (h, m) in parts {
        if every {
            holds &= h;
            margin = margin.min(m);
        } else {
            holds |= h;
            margin = margin.max(m);
        }
    }
    Value::Truth { holds, margin }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::{ErrorTables, EvalOutput, KindRecord, RegressionRecord, StepErrors};
    use crate::plan::EvalJob;
    use crate::spec::{Baseline, BetweenRef, ClassSpec, ErrorRef, InputSpec, Predictor, StepQuery, TaskSpec};
    use rand::Rng as _;

    const PROMPTS: usize = 400;
    const POINTS: usize = 3;

    fn job() -> EvalJob {
        EvalJob {
            eval: "e".into(),
            task: TaskSpec {
                name: "t".into(),
                class: ClassSpec::call("linear", [("scale", 1.0.into())]),
                binding: None,
            },
            inputs: InputSpec::Normal,
            dim: 1,
            points: POINTS,
            prompts: PROMPTS,
            seed: 1,
            models: vec![],
            baselines: vec![],
            plots: vec![],
            at: None,
            computed_on: None,
            completing: None,
            pruned: vec![],
            task_kind: crate::spec::TaskKind::Regression,
        }
    }

    /// Per-prompt errors around `mean` (uniform noise of half-width `spread`), one stream each.
    fn table(mean: f64, spread: f64, stream: &str) -> Vec<f32> {
        let mut rng = crate::rng::stream(3, stream);
        (0..PROMPTS * POINTS).map(|_| (mean + spread * (2.0 * rng.random::<f64>() - 1.0)) as f32).collect()
    }

    fn model(name: &str) -> Predictor {
        Predictor::Model(name.into())
    }

    fn error(p: Predictor) -> ClaimExpr {
        ClaimExpr::Read(Quantity::Error(ErrorRef {
            eval: "e".into(),
            predictor: p,
            task: "t".into(),
            inputs: InputSpec::Normal,
            k: 1,
            step: None,
        }))
    }

    fn less(a: ClaimExpr, b: ClaimExpr) -> ClaimSpec {
        ClaimSpec {
            name: "c".into(),
            expr: ClaimExpr::Binary { op: BinaryOp::Lt, lhs: Box::new(a), rhs: Box::new(b) },
            source: String::new(),
            figure: None,
            span: crate::source::Span::new(0, 0),
        }
    }

    fn verdict(out: EvalOutput, finals: &super::super::Finals, claim: &ClaimSpec) -> ClaimResult {
        let evals = vec![(job(), out)];
        evaluate_claims(std::slice::from_ref(claim), &Reader::new(&evals, finals, 1)).remove(0)
    }

    fn output(errors: Vec<(Predictor, Vec<f32>)>) -> EvalOutput {
        let tables = ErrorTables::of(errors, vec![]);
        EvalOutput::of(POINTS, PROMPTS, KindRecord::Regression(RegressionRecord { tables, ..Default::default() }))
    }

    /// The error tables of a regression record made by `output`.
    fn tables(out: &mut EvalOutput) -> &mut ErrorTables {
        let KindRecord::Regression(r) = &mut out.record else { unreachable!("`output` makes regression records") };
        &mut r.tables
    }

    #[test]
    fn clearly_separated_curves_pass_and_their_reverse_fails() {
        let zero = Predictor::Baseline(Baseline::Zero);
        let out = || output(vec![(model("m"), table(0.1, 0.05, "a")), (zero.clone(), table(0.5, 0.05, "b"))]);
        let pass = verdict(out(), &Default::default(), &less(error(model("m")), error(zero.clone())));
        assert_eq!(pass.verdict, Verdict::Pass);
        assert!(pass.margin.lo > 0.35 && pass.margin.hi < 0.45, "{:?}", pass.margin);
        let fail = verdict(out(), &Default::default(), &less(error(zero), error(model("m"))));
        assert_eq!((fail.verdict, fail.holds_share), (Verdict::Fail, 0.0));
    }

    #[test]
    fn a_claim_that_holds_only_on_the_means_of_overlapping_curves_is_inconclusive() {
        // Two noisy curves 0.004 apart with per-prompt spread 0.5: the means order them, the
        // intervals (≈ ±0.024) cannot.
        let zero = Predictor::Baseline(Baseline::Zero);
        let out = output(vec![(model("m"), table(0.842, 0.5, "a")), (zero.clone(), table(0.846, 0.5, "b"))]);
        let c = verdict(out, &Default::default(), &less(error(model("m")), error(zero)));
        assert_eq!(c.verdict, Verdict::Inconclusive, "{c:?}");
        assert!(c.margin.lo < 0.0 && c.margin.hi > 0.0, "{:?}", c.margin);
    }

    #[test]
    fn paired_prompts_decide_a_small_difference_that_independent_intervals_would_not() {
        // The same hard and easy prompts for both predictors, one always 0.01 better: the
        // curves' own intervals overlap, the paired difference does not.
        let zero = Predictor::Baseline(Baseline::Zero);
        let base = table(0.5, 0.45, "shared");
        let better: Vec<f32> = base.iter().map(|v| v - 0.01).collect();
        let c = verdict(
            output(vec![(model("m"), better), (zero.clone(), base)]),
            &Default::default(),
            &less(error(model("m")), error(zero)),
        );
        assert_eq!(c.verdict, Verdict::Pass, "{c:?}");
        let (t0, t1) = (&c.terms[0].estimate, &c.terms[1].estimate);
        assert!(t0.hi > t1.lo, "the curves' intervals overlap: {t0:?} {t1:?}");
    }

    #[test]
    fn a_quantity_with_nothing_to_count_makes_a_claim_inconclusive() {
        // No such predictor in the table: its mean is NaN, which decides nothing either way.
        let out = output(vec![(model("m"), table(0.1, 0.01, "a"))]);
        let c = verdict(out, &Default::default(), &less(error(model("absent")), ClaimExpr::Num(1.0)));
        assert_eq!(c.verdict, Verdict::Inconclusive, "{c:?}");
    }

    #[test]
    fn replicates_that_disagree_make_a_claim_inconclusive() {
        // Seed 1 is far better than the baseline, seed 2 far worse: resampling seeds shows it.
        let zero = Predictor::Baseline(Baseline::Zero);
        let out = output(vec![
            (model("m"), table(0.1, 0.01, "s1")),
            (model("m"), table(0.7, 0.01, "s2")),
            (zero.clone(), table(0.35, 0.01, "b")),
        ]);
        let c = verdict(out, &Default::default(), &less(error(model("m")), error(zero)));
        assert_eq!(c.verdict, Verdict::Inconclusive, "{c:?}");
    }

    #[test]
    fn first_step_finds_the_step_where_the_error_reaches_its_threshold() {
        let mut out = output(vec![(model("m"), table(0.1, 0.01, "final"))]);
        for (step, mean) in [(100, 0.9), (200, 0.5), (300, 0.2)] {
            tables(&mut out).at_steps.push(StepErrors {
                model: "m".into(),
                seed: 1,
                step,
                wall_s: step as f64 / 10.0,
                errors: table(mean, 0.01, &format!("s{step}")),
            });
        }
        let finals: super::super::Finals = [("m".to_string(), (400, 40.0))].into();
        let query = |below: f64, time: bool| {
            ClaimExpr::Read(Quantity::FirstStep(StepQuery {
                error: ErrorRef {
                    eval: "e".into(),
                    predictor: model("m"),
                    task: "t".into(),
                    inputs: InputSpec::Normal,
                    k: 1,
                    step: None,
                },
                below: Box::new(ClaimExpr::Num(below)),
                time,
            }))
        };
        let c = verdict(out.clone(), &finals, &less(query(0.6, false), ClaimExpr::Num(250.0)));
        assert_eq!((c.verdict, c.terms[0].estimate.mean), (Verdict::Pass, 200.0));
        let c = verdict(out.clone(), &finals, &less(query(0.3, false), ClaimExpr::Num(250.0)));
        assert_eq!((c.verdict, c.terms[0].estimate.mean), (Verdict::Fail, 300.0));
        let c = verdict(out.clone(), &finals, &less(query(0.15, true), ClaimExpr::Num(50.0)));
        assert_eq!((c.verdict, c.terms[0].estimate.mean), (Verdict::Pass, 40.0), "reached only by the final weights");
        let c = verdict(out, &finals, &less(query(0.01, false), ClaimExpr::Num(1e9)));
        assert_eq!((c.verdict, c.terms[0].estimate.mean), (Verdict::Fail, f64::INFINITY), "never reached");
    }

    #[test]
    fn between_places_predictions_on_the_segment_between_two_others() {
        let (a, b): (Vec<f32>, Vec<f32>) = (table(0.0, 1.0, "a"), table(2.0, 1.0, "b"));
        let m: Vec<f32> = a.iter().zip(&b).map(|(a, b)| 0.3 * a + 0.7 * b).collect();
        let mut out = output(vec![
            (model("m"), vec![0.0; PROMPTS * POINTS]),
            (model("a"), vec![0.0; PROMPTS * POINTS]),
            (model("b"), vec![0.0; PROMPTS * POINTS]),
        ]);
        tables(&mut out).predictions = vec![m, a, b];
        let between = ClaimExpr::Read(Quantity::Between(BetweenRef {
            eval: "e".into(),
            model: model("m"),
            from: model("a"),
            to: model("b"),
            task: "t".into(),
            inputs: InputSpec::Normal,
            k: 2,
        }));
        let c = verdict(out, &Default::default(), &less(ClaimExpr::Num(0.69), between));
        assert!((c.terms[0].estimate.mean - 0.7).abs() < 1e-5, "{:?}", c.terms[0].estimate);
        assert_eq!(c.verdict, Verdict::Pass);
    }
}
