//! The job store cannot lie: a damaged or missing file is found by its checksum and computed again,
//! a moved or copied out folder is reused as it is, and two runs never share one folder.
mod common;
use common::builder::Test;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SPEC: &str = r#"
experiment "store" { seed = 2  dim = 3  points = 6 }
class dense = linear()
model m = transformer(layers = 1, width = 16, heads = 2)
train t { model = m  data = dense  steps = 20  batch = 8 }
eval curve { models = [t]  tasks = [dense]  baselines = [least_squares, zero]  prompts = 64 }
claim "least squares is exact once k reaches d" {
  error(curve, least_squares, dense, k = 4) < 0.001 * error(curve, zero, dense, k = 4)
}
"#;

fn iclc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iclc")).args(args).current_dir(dir).output().unwrap()
}

/// The job folders of a run's cache holding `file`.
fn with_file(out: &Path, file: &str) -> Vec<PathBuf> {
    std::fs::read_dir(out.join("cache")).unwrap().map(|e| e.unwrap().path().join(file)).filter(|p| p.exists()).collect()
}

/// The report's numbers (rows with an interval).
fn numbers(out: &Path) -> Vec<String> {
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    md.lines().filter(|l| l.starts_with("| ") && l.contains('[')).map(String::from).collect()
}

#[test]
fn a_damaged_model_is_named_and_trained_again() {
    let t = Test::new().spec(SPEC).args(&["run", "spec.icl", "--out", "out"]).run();
    let out = t.dir.join("out");
    let before = numbers(&out);
    let model = &with_file(&out, "model.safetensors")[0];
    let mut bytes = std::fs::read(model).unwrap();
    let n = bytes.len();
    bytes[n - 7] ^= 0x40; // one flipped bit in a weight
    std::fs::write(model, &bytes).unwrap();
    let again = iclc(&t.dir, &["run", "spec.icl", "--out", "out"]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{stderr}");
    assert!(stderr.contains("warning: cached job") && stderr.contains("model.safetensors"), "{stderr}");
    assert!(stderr.contains("trained t (seed 2)\n"), "retrained, not cached: {stderr}");
    assert_eq!(numbers(&out), before, "the retrained model is the same model");

    // A truncated evaluation record: found, named, recomputed.
    let eval = &with_file(&out, "eval.json")[0];
    let text = std::fs::read(eval).unwrap();
    std::fs::write(eval, &text[..text.len() / 2]).unwrap();
    let third = iclc(&t.dir, &["run", "spec.icl", "--out", "out"]);
    let stderr = String::from_utf8_lossy(&third.stderr);
    assert!(stderr.contains("eval.json") && stderr.contains("evaluated curve/dense\n"), "{stderr}");
    assert_eq!(numbers(&out), before);

    // A deleted model file: the same.
    std::fs::remove_file(model).unwrap();
    let fourth = iclc(&t.dir, &["run", "spec.icl", "--out", "out"]);
    let stderr = String::from_utf8_lossy(&fourth.stderr);
    assert!(stderr.contains("cannot read") && stderr.contains("trained t (seed 2)\n"), "{stderr}");
}

#[test]
fn a_moved_out_folder_is_reused_as_it_is() {
    let t = Test::new().spec(SPEC).args(&["run", "spec.icl", "--out", "out"]).run();
    let before = numbers(&t.dir.join("out"));
    std::fs::rename(t.dir.join("out"), t.dir.join("elsewhere")).unwrap();
    let again = iclc(&t.dir, &["run", "spec.icl", "--out", "elsewhere"]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{stderr}");
    assert_eq!(stderr.matches("(cached)").count(), 2, "both jobs reused: {stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    assert_eq!(numbers(&t.dir.join("elsewhere")), before);
}

#[test]
fn a_second_run_on_a_folder_in_use_stops_with_a_message() {
    let t = Test::new().spec(SPEC).args(&["check", "spec.icl"]).run();
    // Hold the folder's lock as a running `iclc run` would.
    let out = t.dir.join("out");
    let held = iclc::files::FolderLock::take(&out).unwrap();
    let second = iclc(&t.dir, &["run", "spec.icl", "--out", "out"]);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is in use by another iclc run"), "{stderr}");
    assert!(!out.join("report.md").exists(), "nothing written");
    drop(held);
    assert!(iclc(&t.dir, &["run", "spec.icl", "--out", "out"]).status.success(), "free again");
}

/// Four trainings long enough to be killed in the middle of (a few hundred ms each), checkpointing often.
const KILLABLE: &str = r#"
experiment "killable" { seed = 4  dim = 3  points = 6 }
class dense = linear()
class sparse = sparse_linear(nnz = 1)
model m = transformer(layers = 1, width = 16, heads = 2)
train a { model = m  data = dense  steps = 1200  batch = 16  checkpoint_every = 100  seeds = [1, 2] }
train b { model = m  data = sparse  steps = 1200  batch = 16  checkpoint_every = 100  seeds = [1, 2] }
eval on_dense { models = [a, b]  tasks = [dense]  baselines = [least_squares]  prompts = 128  at = every(100) }
eval on_sparse { models = [a, b]  tasks = [sparse]  baselines = [least_squares, lasso(alpha = 0.01)]  prompts = 128 }
"#;

/// The manifests of the finished jobs, with the moment each was written.
fn finished_jobs(out: &Path) -> Vec<(PathBuf, std::time::SystemTime)> {
    if !out.join("cache").exists() {
        return vec![];
    }
    let files = with_file(out, "manifest.json");
    files.into_iter().map(|p| (p.clone(), std::fs::metadata(&p).unwrap().modified().unwrap())).collect()
}

#[test]
fn runs_killed_at_random_moments_resume_to_the_uninterrupted_report() {
    let t = Test::new().spec(KILLABLE).args(&["run", "spec.icl", "--out", "whole", "--jobs", "1"]).run();
    let whole = numbers(&t.dir.join("whole"));
    let started = std::time::Instant::now();
    // Timed as the runs it kills are run (two jobs side by side), so the moments fall inside them.
    let _ = iclc(&t.dir, &["run", "spec.icl", "--out", "timing", "--jobs", "2"]);
    let full_ms = started.elapsed().as_millis() as u64;
    // A fixed sequence of moments spread over the length of a whole run.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let out = t.dir.join("killed");
    let (mut kills, mut resumed) = (0, false);
    for _ in 0..20 {
        let before = finished_jobs(&out);
        let mut child = Command::new(env!("CARGO_BIN_EXE_iclc"))
            .args(["run", "spec.icl", "--out", "killed", "--jobs", "2"])
            .current_dir(&t.dir)
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(next() % (full_ms * 3 / 4).max(1)));
        let killed = child.try_wait().unwrap().is_none();
        if killed {
            child.kill().unwrap(); // SIGKILL: no handler runs
            kills += 1;
        }
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        // A job finished before this run was served from the store: its manifest was never rewritten.
        for (manifest, written) in &before {
            let now = std::fs::metadata(manifest).and_then(|m| m.modified());
            assert_eq!(now.ok().as_ref(), Some(written), "{} was recomputed:\n{stderr}", manifest.display());
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
        resumed |= stderr.contains("resuming from the checkpoint of step");
        if !killed {
            // It got to the end: its report is the uninterrupted one; start over to be killed again.
            assert!(output.status.success(), "{stderr}");
            assert_eq!(numbers(&out), whole, "a resumed run's report");
            std::fs::remove_dir_all(&out).unwrap();
        }
    }
    assert!(kills >= 10, "only {kills} of 20 runs were interrupted");
    assert!(resumed, "no run said it resumed a training from its checkpoint");
    let last = iclc(&t.dir, &["run", "spec.icl", "--out", "killed"]);
    assert!(last.status.success(), "{}", String::from_utf8_lossy(&last.stderr));
    assert_eq!(numbers(&out), whole, "the interrupted runs end in the uninterrupted report");
}

#[test]
fn plan_marks_the_jobs_an_out_folder_holds_and_estimates_each() {
    let t = Test::new().spec(SPEC).args(&["run", "spec.icl", "--out", "out"]).run();
    let plan = iclc(&t.dir, &["plan", "spec.icl", "--out", "out"]);
    let json: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let jobs = json["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 2);
    for j in jobs {
        assert_eq!(j["cached"], true, "{j}");
        assert!(
            j["estimate"]["seconds"].as_f64().unwrap() > 0.0 && j["estimate"]["memory_bytes"].as_f64().unwrap() > 0.0
        );
        assert!(j["name"].is_string() && j["id"].is_string() && j["deps"].is_array());
    }
    let model = &with_file(&t.dir.join("out"), "model.safetensors")[0];
    std::fs::write(model, b"damaged").unwrap();
    let plan = iclc(&t.dir, &["plan", "spec.icl", "--out", "out", "--format", "human"]);
    let table = String::from_utf8_lossy(&plan.stdout);
    assert!(
        table.lines().any(|l| l.contains(" train ") && l.contains(" no ")),
        "the damaged job is not cached:\n{table}"
    );
    assert!(table.contains("2 jobs (1 cached)"), "{table}");
}

#[test]
fn two_runs_started_together_on_one_folder_both_end_well_or_one_says_it_is_in_use() {
    let t = Test::new().spec(SPEC).args(&["run", "spec.icl", "--out", "clean"]).run();
    let clean = numbers(&t.dir.join("clean"));
    for round in 0..5 {
        let out = format!("together{round}");
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_iclc"))
                .args(["run", "spec.icl", "--out", &out])
                .current_dir(&t.dir)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let mut wrote = 0;
        for child in [a, b] {
            let o = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            match o.status.code() {
                Some(0) => wrote += 1,
                Some(1) => assert!(stderr.contains("is in use by another iclc run"), "round {round}: {stderr}"),
                other => panic!("round {round}: exit {other:?}: {stderr}"),
            }
        }
        assert!(wrote >= 1, "round {round}: neither run wrote the report");
        assert_eq!(numbers(&t.dir.join(&out)), clean, "round {round}");
    }
}
