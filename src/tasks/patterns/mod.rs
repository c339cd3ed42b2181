//! Pattern data for in-context binary classification (Li, Wang, Lu, Cui & Chen, ICML 2024): an
//! orthonormal dictionary of relevant and irrelevant patterns, tasks as ordered pairs of relevant
//! patterns (the first labelled +1, the second −1) split into training and held-out tasks, and
//! prompts whose context shares the query's relevant pattern in a chosen fraction α.
//! A spec calls them as the class `patterns(…)` (`tasks/families/patterns.rs`).
mod data;
mod dictionary;
mod prompt;
mod split;

pub use data::{Part, PatternData, PatternSettings};
pub use dictionary::Dictionary;
pub use prompt::{PatternPrompt, sample_prompt};
pub use split::{PatternTask, TaskSplit, covers, split_tasks};
