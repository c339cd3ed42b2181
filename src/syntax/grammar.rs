//! The grammar (grammar/icl.pest, through pest's derive: `Rule` is its rules) and the words it
//! reserves, shared by the parser, its error messages and the formatter.

/// The pest parser of the grammar.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/icl.pest"]
pub(super) struct IclParser;

/// Words the grammar reserves inside expressions (`reserved` in grammar/icl.pest), each with the
/// construct it belongs to.
pub const EXPR_KEYWORDS: [(&str, &str); 6] = [
    ("and", "joins a claim's conditions: `a < b and c < d`"),
    ("or", "joins a claim's alternatives: `a < b or c < d`"),
    ("not", "negates a claim's condition: `not a < b`"),
    ("for", "starts a sweep: `sparse_linear(nnz = n) for n in 1..=8`"),
    ("in", "names a sweep's values: `for n in 1..=8`"),
    ("step", "spaces a range's values: `0..=1 step 0.25`"),
];
/// The words that may start a top-level item.
pub const ITEM_KEYWORDS: [&str; 8] = ["experiment", "let", "class", "model", "train", "eval", "figure", "claim"];
