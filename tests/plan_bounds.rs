//! Specs whose sweeps multiply past what a run can hold are refused by `check` and `plan` with a
//! diagnostic naming the lists, under a memory limit far below what expanding them would take;
//! the findings of a large spec are found and printed in time linear in its size.
use std::process::Command;

/// Runs `iclc ARGS` under a 200 MB address-space limit (`ulimit -v`) in `dir`.
fn limited(dir: &std::path::Path, args: &str) -> std::process::Output {
    let iclc = env!("CARGO_BIN_EXE_iclc");
    Command::new("sh").arg("-c").arg(format!("ulimit -v 200000; exec {iclc} {args}")).current_dir(dir).output().unwrap()
}

const TASKS_BY_INPUTS: &str = r#"
experiment "big" { seed = 1  dim = 2  points = 4 }
eval curve {
  tasks = [linear(scale = s) for s in 1..=1000]
  inputs = [scaled(factor = f) for f in 1..=1000]
  baselines = [least_squares]
  prompts = 16
}
"#;

const VALUES_BY_SEEDS: &str = r#"
experiment "big" { seed = 1  dim = 2  points = 4 }
class dense = linear()
model m = transformer(layers = 1, width = 16, heads = 2)
train t for w in 1..=10000 { model = m  data = dense  steps = 10  batch = 8  lr = w * 0.00001  seeds = 1..=10000 }
eval curve { models = [t]  tasks = [dense]  prompts = 16 }
"#;

#[test]
fn sweeps_that_multiply_past_the_bound_are_refused_before_they_are_expanded() {
    let dir = tempfile::tempdir().unwrap();
    for (name, spec, words) in [
        ("tasks.icl", TASKS_BY_INPUTS, ["1 000 000 jobs", "1 000 tasks × 1 000 input distributions"]),
        ("seeds.icl", VALUES_BY_SEEDS, ["100 000 000 jobs", "10 000 values of `w` × 10 000 seeds"]),
    ] {
        std::fs::write(dir.path().join(name), spec).unwrap();
        for command in ["check", "plan", "run"] {
            let out = limited(dir.path(), &format!("{command} {name}"));
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{command} {name}: {stderr}");
            assert!(stderr.contains("E0112"), "{command} {name}: {stderr}");
            for w in words {
                assert!(stderr.contains(w), "{command} {name} lacks {w:?}: {stderr}");
            }
        }
    }
}

#[test]
fn a_spec_within_the_bound_still_plans() {
    let dir = tempfile::tempdir().unwrap();
    // 100 × 100 = 10 000 trainings: within the bound, planned without a quadratic search.
    let spec = VALUES_BY_SEEDS.replace("1..=10000", "1..=100");
    std::fs::write(dir.path().join("spec.icl"), spec).unwrap();
    let out =
        Command::new(env!("CARGO_BIN_EXE_iclc")).args(["plan", "spec.icl"]).current_dir(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["jobs"].as_array().unwrap().len(), 10_001);
}

#[test]
fn forty_thousand_unused_lets_are_each_reported_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = String::from("experiment \"lets\" { seed = 1  dim = 2  points = 4 }\n");
    for i in 0..40_000 {
        spec.push_str(&format!("let unused_value_{i} = {i}\n"));
    }
    spec.push_str("eval curve { tasks = [linear()]  baselines = [least_squares]  prompts = 16 }\n");
    std::fs::write(dir.path().join("lets.icl"), spec).unwrap();
    let started = std::time::Instant::now();
    let out = limited(dir.path(), "check lets.icl");
    let secs = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}", &stderr[stderr.len().saturating_sub(2000)..]);
    assert_eq!(stderr.matches("warning[W0001]").count(), 40_000);
    assert!(stderr.contains("lets.icl:40001:5: warning[W0001]: a constant `unused_value_39999` is never used"));
    // Not a speed test: a guard against the quadratic search this replaced (minutes, not seconds).
    assert!(secs < 30.0, "{secs} s");
}
