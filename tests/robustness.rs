//! `check` and `fmt` on hostile input: random bytes, mutated good specs, huge numbers, 10 000-deep
//! nesting, invalid UTF-8. Always a diagnostic or success, never a panic or a stack overflow; and
//! on every spec that checks, `fmt` is idempotent and keeps the checked spec unchanged.
use iclc::source::Source;
use iclc::spec::CheckedSpec;
use rand::{Rng, SeedableRng};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

fn good_specs() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["specs", "tests/specs/ok"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "icl") {
                out.push(std::fs::read_to_string(p).unwrap());
            }
        }
    }
    out.sort();
    out
}

/// The checked spec without what formatting may legitimately change: claim spans and texts.
fn meaning(mut s: CheckedSpec) -> CheckedSpec {
    for c in &mut s.claims {
        c.span = Default::default();
        c.source.clear();
    }
    s
}

/// Checks and formats `text`, asserting the invariants; panics are caught and reported.
fn exercise(text: &str) {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let source = Source::new("fuzz.icl", text);
        let checked = iclc::check::check_source(&source);
        let formatted = iclc::syntax::format::format(&source);
        match (&checked, &formatted) {
            (Err(d), _) => assert!(!d.is_empty(), "a failed parse must say why"),
            (Ok(c), _) if c.spec.is_none() => {
                assert!(c.diagnostics.iter().any(|d| d.is_error()), "no spec and no error")
            }
            _ => {}
        }
        if let (Ok(c), Ok(f)) = (checked, formatted) {
            let again =
                iclc::syntax::format::format(&Source::new("fuzz.icl", f.as_str())).expect("formatted output parses");
            assert_eq!(again, f, "fmt is not idempotent");
            if let Some(spec) = c.spec {
                let re =
                    iclc::check::check_source(&Source::new("fuzz.icl", f.as_str())).expect("formatted output parses");
                assert_eq!(re.spec.map(meaning), Some(meaning(spec)), "fmt changed the checked spec");
            }
        }
    }));
    if result.is_err() {
        panic!("check or fmt panicked on:\n{text}");
    }
}

/// Splits a spec into tokens and the whitespace between them, so mutations keep it lexable.
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        let word = c.is_alphanumeric() || c == '_' || c == '.';
        if !word || c.is_whitespace() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            out.push(c.to_string());
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[test]
fn every_good_spec_formats_idempotently_and_keeps_its_meaning() {
    for s in good_specs() {
        exercise(&s);
        let checked = iclc::check::check_source(&Source::new("s.icl", s.as_str())).unwrap();
        assert!(checked.spec.is_some());
    }
}

#[test]
fn mutations_of_good_specs_never_panic() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
    let huge =
        ["99999999999999999999999", "1e400", "-9223372036854775808", "0.000000000000000000001", "18446744073709551616"];
    for spec in good_specs() {
        let toks = tokens(&spec);
        for _ in 0..150 {
            let mut t = toks.clone();
            for _ in 0..rng.random_range(1..4) {
                let i = rng.random_range(0..t.len());
                match rng.random_range(0..5) {
                    0 => {
                        t.remove(i);
                    }
                    1 => {
                        let x = t[i].clone();
                        t.insert(i, x);
                    }
                    2 => {
                        let j = rng.random_range(0..t.len());
                        t.swap(i, j);
                    }
                    3 => t[i] = huge[rng.random_range(0..huge.len())].to_string(),
                    _ => {
                        let j = rng.random_range(0..t.len());
                        t[i] = t[j].clone();
                    }
                }
                if t.is_empty() {
                    break;
                }
            }
            exercise(&t.concat());
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let alphabet = b"experiment let class model train eval figure claim {}()[],=~+-*/<>.._\"0123456789 \n\t//abcxyz";
    for _ in 0..2000 {
        let n = rng.random_range(0..300);
        let bytes: Vec<u8> = (0..n)
            .map(|_| if rng.random_bool(0.7) { alphabet[rng.random_range(0..alphabet.len())] } else { rng.random() })
            .collect();
        exercise(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn ten_thousand_deep_nesting_is_a_diagnostic() {
    let header = "experiment \"x\" { seed = 1  dim = 2  points = 4 }\n";
    let deep = [
        format!("{header}let a = {}1{}", "(".repeat(10_000), ")".repeat(10_000)),
        format!("{header}let a = {}1{}", "[".repeat(10_000), "]".repeat(10_000)),
        format!("{header}let a = {}1", "-".repeat(10_000)),
        format!("{header}let a = {}1", "not ".repeat(10_000)),
        format!("{header}let a = 1{}", " + 1".repeat(100_000)),
        format!("{header}class c = {}linear(){}", "noisy(".repeat(10_000), ", std = 1)".repeat(10_000)),
        format!("{header}train t {}", "{".repeat(10_000)),
    ];
    for text in deep {
        exercise(&text);
        let r = iclc::check::check_source(&Source::new("deep.icl", text.as_str()));
        assert!(r.is_err(), "deep input must be refused");
    }
}

#[test]
fn invalid_utf8_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.icl");
    std::fs::write(&path, b"experiment \"\xff\xfe\" { }").unwrap();
    let err = iclc::diag::read_source(&path).unwrap_err();
    assert!(err.message.contains("not valid UTF-8"), "{}", err.message);
}

/// `iclc run` on `spec`, expecting it refused up front (exit 1) with each of `needles`.
fn refused(spec: &str, needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.icl"), spec).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iclc"))
        .args(["run", "spec.icl", "--out", "out"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for n in needles {
        assert!(stderr.contains(n), "lacks {n:?}: {stderr}");
    }
    assert!(!stderr.contains("panicked") && !dir.path().join("out/cache").exists(), "nothing ran: {stderr}");
}

/// `iclc run SPEC ARGS` in a fresh folder under an address-space limit of `limit_kib` (`ulimit -v`).
fn run_limited(spec: &str, limit_kib: u64, args: &[&str]) -> (Option<i32>, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.icl"), spec).unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {limit_kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_iclc"))
        .args(["run", "spec.icl", "--out", "out", "--threads", "1"])
        .args(args)
        .current_dir(dir.path())
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned(), dir)
}

#[test]
fn a_run_beyond_the_address_space_limit_is_refused_before_it_computes() {
    // One evaluation of a million prompts of 41 points in 20 dimensions: 3.4 GB of prompts alone.
    let big = r#"experiment "e" { seed = 1  dim = 20  points = 41 }
class dense = linear()
eval ev { tasks = [dense]  baselines = [zero]  prompts = 1000000 }"#;
    let (code, stderr, dir) = run_limited(big, 2_000_000, &["--jobs", "1"]);
    assert_eq!(code, Some(1), "{stderr}");
    for needle in ["evaluation `ev` on `dense` needs about 3.", "GB of memory", "may use 2.0 GB", "ulimit -v"] {
        assert!(stderr.contains(needle), "lacks {needle:?}: {stderr}");
    }
    assert!(!dir.path().join("out/cache").exists(), "nothing ran: {stderr}");
    // Two evaluations of 1.1 GB each: one at a time fits in 2 GB, side by side they do not, and the
    // refusal says how many jobs fit.
    let two = r#"experiment "e" { seed = 1  dim = 20  points = 41 }
class dense = linear()
eval ev { tasks = [dense, linear(scale = 2)]  baselines = [zero]  prompts = 300000 }"#;
    if std::thread::available_parallelism().map_or(1, |n| n.get()) >= 2 {
        let (code, stderr, dir) = run_limited(two, 2_000_000, &["--jobs", "2"]);
        assert_eq!(code, Some(1), "{stderr}");
        for needle in [
            "the run needs about 2.",
            "with 2 jobs side by side",
            "run fewer jobs side by side (--jobs 1 needs about 1.",
        ] {
            assert!(stderr.contains(needle), "lacks {needle:?}: {stderr}");
        }
        assert!(!dir.path().join("out/cache").exists(), "nothing ran: {stderr}");
    }
}

#[test]
fn specs_that_would_exhaust_the_machine_are_refused_with_their_estimate() {
    // Activations of 12 layers × 256 over 8192 tokens: terabytes.
    refused(
        r#"experiment "e" { seed = 1  dim = 5  points = 4096 }
class dense = linear()
train big { model = standard  data = dense  steps = 10 }
eval ev { models = [big]  tasks = [dense]  prompts = 4 }"#,
        &["training `big` needs about", "TB of memory", "lower batch, points, width or layers"],
    );
    // 10^5 Adam steps of a 10^5-unit network per prompt and position.
    refused(
        r#"experiment "e" { seed = 1  dim = 5  points = 11 }
class dense = linear()
eval ev { tasks = [dense]  baselines = [relu_gd(hidden = 100000, steps = 100000)] }"#,
        &["evaluation `ev` on `dense` would take about", "hours"],
    );
    // 1280 least-squares fits per position of 4096 points in 1024 dimensions.
    refused(
        r#"experiment "e" { seed = 1  dim = 1024  points = 4096 }
class dense = linear()
eval ev { tasks = [dense]  baselines = [least_squares] }"#,
        &["evaluation `ev` on `dense`"],
    );
    // The exact posterior over C(1024, 512) supports: refused by `check`.
    refused(
        r#"experiment "e" { seed = 1  dim = 1024  points = 8 }
class half = sparse_linear(nnz = 512)
eval ev { tasks = [half]  baselines = [least_squares, bayes]  prompts = 4 }"#,
        &["E0106", "supports per prediction"],
    );
}
