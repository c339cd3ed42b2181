//! iclc: compile a declarative in-context-learning experiment spec into trained models, baseline
//! curves and a report whose claims carry numbers, intervals and verdicts.
//!
//! Data flows one way: [`syntax`] → [`check`] → [`plan`] → [`exec`] → [`results`] → [`report`].
//! [`tasks`], [`model`] and [`baselines`] are the numeric libraries that [`exec`] drives.
//! [`pipeline`] walks the whole road for a caller (the CLI, a cluster shard); [`cluster`] writes
//! and submits the Slurm scripts that run it as a job array.

pub mod baselines;
pub mod check;
pub mod cluster;
pub mod diag;
pub mod exec;
pub mod explain;
pub mod files;
pub mod lanes;
pub mod machine;
pub mod model;
pub mod pipeline;
pub mod plan;
pub mod report;
pub mod results;
pub mod rng;
pub mod shell;
pub mod source;
pub mod spec;
pub mod syntax;
pub mod tasks;

/// The version of iclc, written into plans and reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The git commit iclc was built from ("unknown" outside a checkout).
pub const GIT_COMMIT: &str = env!("ICLC_GIT_COMMIT");
/// The compiler iclc was built with (`rustc 1.95.0 (…)`).
pub const RUSTC_VERSION: &str = env!("ICLC_RUSTC_VERSION");
/// The candle version iclc was built with.
pub const CANDLE_VERSION: &str = env!("ICLC_CANDLE_VERSION");
