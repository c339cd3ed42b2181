//! Shared by the integration tests: where the reference files are, and the command builder.
#![allow(dead_code)]
pub mod builder;

use std::path::PathBuf;

/// `$ICLC_GOLDEN_DIR`, else the repository's `tests/data/golden` (made by `scripts/make_golden.py`).
pub fn golden_dir() -> PathBuf {
    std::env::var_os("ICLC_GOLDEN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden"))
}

/// The files in the golden folder named `prefix*suffix`, sorted; panics when there are none, so a
/// missing reference fails rather than skips.
pub fn golden_files(prefix: &str, suffix: &str) -> Vec<PathBuf> {
    let dir = golden_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the golden folder {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix) && n.ends_with(suffix))
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no {prefix}*{suffix} in {} (set ICLC_GOLDEN_DIR)", dir.display());
    files
}
