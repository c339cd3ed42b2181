//! The README shows `specs/quick.icl` as it is, and its commands are the ones CI runs.
use std::path::Path;

fn read(p: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(p)).unwrap()
}

#[test]
fn readme_excerpt_is_the_quick_spec() {
    let readme = read("README.md");
    let spec = read("specs/quick.icl");
    let body = &spec[spec.find("experiment \"quick\"").unwrap()..];
    assert!(readme.contains(body), "README's excerpt of specs/quick.icl is out of date");
}

#[test]
fn ci_runs_the_readme_test_command() {
    let readme = read("README.md");
    let ci = read(".ci/run");
    assert!(readme.contains("cargo test --release") && ci.contains("cargo test --release"));
    assert!(readme.contains("cargo run --release -- run specs/quick.icl"));
}
