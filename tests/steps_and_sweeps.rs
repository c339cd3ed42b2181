//! Swept trainings, evaluation during training, names as written and verdicts that gate the exit
//! code, through the `iclc` command.
mod common;
use common::builder::Test;

/// The train jobs of `iclc plan`: `(name, aliases, seed, kind of data class)`.
fn train_jobs(plan_json: &str) -> Vec<(String, Vec<String>, u64, String)> {
    let plan: serde_json::Value = serde_json::from_str(plan_json).expect("plan JSON");
    plan["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| &j["kind"])
        .filter(|k| k["kind"] == "train")
        .map(|k| {
            let aliases = k["aliases"]
                .as_array()
                .map_or_else(Vec::new, |a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect());
            (
                k["name"].as_str().unwrap().to_string(),
                aliases,
                k["seed"].as_u64().unwrap(),
                k["data"]["class"]["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_swept_training_expands_to_one_job_per_value_named_as_written() {
    let o = Test::new()
        .spec(
            r#"
experiment "s" { seed = 3  dim = 3  points = 6 }
class dense = linear()
class sparse = sparse_linear(nnz = 1)
train sparse_only { model = tiny  data = sparse  steps = 10 }
train mix for w in [0, 0.25, 1] { model = tiny  data = w * dense + (1 - w) * sparse  steps = 10 * (1 + w * 4)  seeds = [1, 2] }
eval e { models = [mix, sparse_only]  tasks = [sparse]  prompts = 8 }
eval one { models = [mix(w = 0.25)]  tasks = [dense]  prompts = 8 }
"#,
        )
        .args(&["plan", "spec.icl"])
        .stderr("cost: 7 trainings")
        .run();
    let jobs = train_jobs(&o.stdout);
    let names: Vec<(&str, u64)> = jobs.iter().map(|(n, _, s, _)| (n.as_str(), *s)).collect();
    // `sparse_only` trains with the experiment's seed 3, so no run of `mix` is the same model.
    assert_eq!(
        names,
        [
            ("sparse_only", 3),
            ("mix(w = 0)", 1),
            ("mix(w = 0)", 2),
            ("mix(w = 0.25)", 1),
            ("mix(w = 0.25)", 2),
            ("mix(w = 1)", 1),
            ("mix(w = 1)", 2)
        ],
        "{jobs:?}"
    );
    let plan: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let steps: Vec<u64> = plan["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|j| j["kind"]["kind"] == "train")
        .map(|j| j["kind"]["steps"].as_u64().unwrap())
        .collect();
    assert_eq!(steps, [10, 10, 10, 20, 20, 50, 50], "the variable reaches every setting");
    let data: Vec<&str> = jobs.iter().map(|(_, _, _, d)| d.as_str()).collect();
    assert_eq!(data[1..3], ["sparse_linear", "sparse_linear"], "w = 0 is the pure class");
    assert_eq!(data[3], "mixture");
    let evals: Vec<Vec<String>> = plan["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|j| j["kind"]["kind"] == "eval")
        .map(|j| j["kind"]["models"].as_array().unwrap().iter().map(|m| m[0].as_str().unwrap().to_string()).collect())
        .collect();
    assert_eq!(evals[0].len(), 7, "every run of mix (two seeds each) and sparse_only: {:?}", evals[0]);
    assert_eq!(evals[1], ["mix(w = 0.25)", "mix(w = 0.25)"]);
}

#[test]
fn trainings_that_would_train_the_same_model_share_one_job() {
    let o = Test::new()
        .spec(
            r#"
experiment "s" { seed = 1  dim = 3  points = 6 }
class dense = linear()
class sparse = sparse_linear(nnz = 1)
train sparse_only { model = tiny  data = sparse  steps = 10 }
train mix for w in [0, 0.5] { model = tiny  data = w * dense + (1 - w) * sparse  steps = 10 }
eval e { models = [mix, sparse_only]  tasks = [sparse]  prompts = 8 }
"#,
        )
        .args(&["plan", "spec.icl"])
        .run();
    let jobs = train_jobs(&o.stdout);
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    assert_eq!((jobs[0].0.as_str(), jobs[0].1.clone()), ("sparse_only", vec!["mix(w = 0)".to_string()]));
}

/// A long run and a short one of the same recipe: with a constant learning rate the first 10
/// steps of the long one are the short one, bit for bit.
const STEPS: &str = r#"
experiment "steps" { seed = 2  dim = 3  points = 6 }
class dense = linear()
train long { model = transformer(layers = 1, width = 16, heads = 2)  data = dense  steps = 30  batch = 8 }
train short { model = transformer(layers = 1, width = 16, heads = 2)  data = dense  steps = 10  batch = 8 }
eval during { models = [long, short]  tasks = [dense]  baselines = [least_squares]  prompts = 64  at = [0, 10, 20] }
figure curve = error_vs_step(during, dense, k = 2)
figure clock = error_vs_time(during, dense, k = 2)
claim "the long run read at step 10 is the short run" {
  error(during, long, dense, k = 2, at = 10) == error(during, short, dense, k = 2)
}
claim "the long run reaches its own final error no later than its last step" {
  first_step(during, long, dense, k = 2, below = error(during, long, dense, k = 2)) <= 30
}
"#;

#[test]
fn evaluation_at_steps_reads_the_weights_of_those_steps() {
    let o = Test::new()
        .spec(STEPS)
        .args(&["run", "spec.icl", "--out", "out"])
        .stdout("PASS  the long run read at step 10 is the short run")
        .stdout("claims: 2 of 2 hold")
        .run();
    let md = std::fs::read_to_string(o.dir.join("out/report.md")).unwrap();
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| long |")).collect();
    let steps: Vec<&str> = rows.iter().map(|r| r.split('|').nth(2).unwrap().trim()).collect();
    // Each figure's table: steps 0, 10, 20 read, then the final weights (step 30).
    assert_eq!(&steps[..4], ["0", "10", "20", "30"], "{rows:?}");
    assert!(md.contains("Error at k = 2 against training step") && md.contains("against seconds of training"));
    // The short run is read at step 0 (before it trained) and at its end.
    assert!(md.lines().any(|l| l.starts_with("| short | 0 |")), "{md}");
}

#[test]
fn a_run_whose_claims_do_not_all_pass_exits_2_after_writing_its_report() {
    // Zero error is never reached: the first step is ∞ on every draw, so the claim FAILs.
    let spec = STEPS.replace("below = error(during, long, dense, k = 2)) <= 30", "below = 0) <= 30");
    let o = Test::new()
        .spec(&spec)
        .args(&["run", "spec.icl", "--out", "out"])
        .status(2)
        .stdout("claims: 1 of 2 hold (1 fail, 0 inconclusive)")
        .run();
    assert!(o.dir.join("out/report.html").exists(), "the report is written first");
}

#[test]
fn swept_tasks_are_named_as_the_spec_writes_them() {
    let o = Test::new()
        .spec(
            r#"
experiment "n" { seed = 1  dim = 2  points = 5 }
class dense = linear()
class wave = sine(freq ~ uniform(0.5, 2), phase ~ uniform(0, 2 * pi))
eval mixes {
  tasks = [convex(dense, wave, lambda = l) for l in [0, 0.5]]
  baselines = [least_squares]
  prompts = 16
}
figure fig = error_vs(mixes, l, k = 2)
claim "the claim finds the task by its class" {
  error(mixes, least_squares, convex(dense, wave, lambda = 0.5), k = 2) >= 0
}
"#,
        )
        .args(&["run", "spec.icl", "--out", "out"])
        .stdout("error(mixes, least_squares, convex(dense, wave, lambda = 0.5), k = 2)")
        .run();
    let md = std::fs::read_to_string(o.dir.join("out/report.md")).unwrap();
    assert!(md.contains("`mixes` on `convex(dense, wave, lambda = 0.5)`"), "figure titles use the written name");
    assert!(
        md.contains("| `convex(dense, wave, lambda = 0.5)` | `convex(linear(), sine(amp = 1"),
        "the names table expands it"
    );
}
