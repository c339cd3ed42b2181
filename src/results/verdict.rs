//! What a claim's evaluation says: its verdict, its margin, and every number it read with its
//! interval (and, for a rate, the sample behind it).
use super::Estimate;
use crate::spec::Quantity;
use serde::Serialize;

/// A claim's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verdict {
    /// Holds across the interval.
    Pass,
    /// Its negation holds across the interval.
    Fail,
    /// The interval straddles the boundary: the numbers cannot decide.
    Inconclusive,
    /// An evaluation it reads was not done (a failed job, or a store still being filled).
    Missing,
}

impl Verdict {
    /// As the report prints it.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Inconclusive => "INCONCLUSIVE",
            Verdict::Missing => "MISSING",
        }
    }
}

/// Fewer completions than this behind a rate make the report call it a small sample.
pub const SMALL_SAMPLE: u64 = 30;

/// One number a claim read.
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    /// What was read.
    pub quantity: Quantity,
    /// Its value, with the interval over the claim's bootstrap draws.
    pub estimate: Estimate,
    /// For a rate, the completions (prompts × seeds) it counts: the report flags a small sample.
    pub counted: Option<u64>,
}

/// A claim and its verdict.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimResult {
    /// The claim's text.
    pub name: String,
    /// The expression as written.
    pub source: String,
    /// The verdict.
    pub verdict: Verdict,
    /// How far the claim is from its boundary (positive: holds): for `a < b` it is `b − a`;
    /// `and`/`all` take the smallest margin, `or`/`any` the largest, `not` flips the sign.
    pub margin: Estimate,
    /// The share of bootstrap draws on which the claim holds.
    pub holds_share: f64,
    /// The evaluation whose figure shows it.
    pub eval: String,
    /// The numbers it read.
    pub terms: Vec<Term>,
}
