//! Pattern data for in-context binary classification (Li, Wang, Lu, Cui & Chen, ICML 2024): an
//! orthonormal dictionary of relevant and irrelevant patterns, tasks as ordered pairs of relevant
//! patterns (the first labelled +1, the second −1) split into training and held-out tasks, and
//! prompts whose context shares the query's relevant pattern in a chosen fraction α.
//! The library half of issue 13; the spec, model and pruning build on it.
mod dictionary;
mod prompt;
mod split;

pub use dictionary::Dictionary;
pub use prompt::{PatternPrompt, sample_prompt};
pub use split::{PatternTask, TaskSplit, covers, split_tasks};
