//! Every spec under tests/specs/ok checks clean; every spec under tests/specs/err fails with the
//! code and line:col written in its first line: `// expect: E0104 at 5:3`.
use iclc::source::Source;
use std::path::{Path, PathBuf};

fn specs(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs").join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "icl"))
        .collect();
    v.sort();
    v
}

#[test]
fn good_specs_check_clean() {
    let mut all = specs("ok");
    all.extend(
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("specs")).unwrap().map(|e| e.unwrap().path()),
    );
    assert!(!all.is_empty());
    for path in all {
        let source = Source::read(&path).unwrap();
        let checked = iclc::check::check_source(&source).unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
        assert!(
            checked.spec.is_some() && checked.diagnostics.is_empty(),
            "{}: {:?}",
            path.display(),
            checked.diagnostics
        );
    }
}

#[test]
fn bad_specs_fail_with_the_expected_code_and_place() {
    let all = specs("err");
    assert!(all.len() >= 40, "the error corpus is small: {}", all.len());
    let mut failures = Vec::new();
    for path in all {
        let source = Source::read(&path).unwrap();
        let first = source.text.lines().next().unwrap_or_default();
        let expect = first
            .strip_prefix("// expect: ")
            .unwrap_or_else(|| panic!("{}: first line must be `// expect: CODE at L:C`", path.display()));
        let (code, at) = expect.split_once(" at ").unwrap();
        let diags = match iclc::check::check_source(&source) {
            Err(d) => d,
            Ok(c) => c.diagnostics,
        };
        let found = diags.iter().filter(|d| d.is_error()).any(|d| {
            let (l, c) = source.line_col(d.span.map_or(0, |s| s.start));
            d.code.as_str() == code && format!("{l}:{c}") == at.trim()
        });
        let got: Vec<String> = diags
            .iter()
            .map(|d| {
                let (l, c) = source.line_col(d.span.map_or(0, |s| s.start));
                format!("{} at {l}:{c} {}", d.code.as_str(), d.message)
            })
            .collect();
        if !found {
            failures.push(format!("{}: expected {expect}, got {got:#?}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
