//! A run stopped by a signal says what was running and how to resume, exits as a shell expects
//! (130 for SIGINT, 143 for SIGTERM), and the rerun ends in the uninterrupted run's numbers; a long
//! evaluation off a terminal says where it stands while it runs.
mod common;
use common::builder::Test;
use std::path::Path;
use std::process::{Command, Stdio};

const SPEC: &str = r#"
experiment "interrupted" { seed = 5  dim = 3  points = 6 }
class dense = linear()
model m = transformer(layers = 1, width = 16, heads = 2)
train a { model = m  data = dense  steps = 3000  batch = 16  checkpoint_every = 50 }
eval on_dense { models = [a]  tasks = [dense]  baselines = [least_squares]  prompts = 64 }
"#;

fn numbers(out: &Path) -> (String, String) {
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
    (read("results.csv"), read("claims.json"))
}

#[test]
fn a_signal_says_what_was_running_and_the_rerun_resumes() {
    let t = Test::new().spec(SPEC).args(&["run", "spec.icl", "--out", "clean"]).run();
    let clean = numbers(&t.dir.join("clean"));
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let out = format!("sig{signal}");
        let child = Command::new(env!("CARGO_BIN_EXE_iclc"))
            .args(["run", "spec.icl", "--out", &out])
            .current_dir(&t.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Training, past its first checkpoint.
        let resume = || {
            std::fs::read_dir(t.dir.join(&out).join("cache"))
                .into_iter()
                .flatten()
                .any(|e| e.unwrap().path().join("resume.safetensors").exists())
        };
        let started = std::time::Instant::now();
        while !resume() {
            assert!(started.elapsed().as_secs() < 120, "no checkpoint after two minutes");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let kill = Command::new("kill").arg(format!("-{signal}")).arg(child.id().to_string()).status().unwrap();
        assert!(kill.success());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "SIG{signal}: {stderr}");
        assert!(stderr.contains(&format!("iclc: interrupted by SIG{signal} while running")), "{stderr}");
        assert!(stderr.contains("train a (seed 5): ") && stderr.contains("/3000 steps"), "{stderr}");
        assert!(stderr.contains("rerun the same command to resume"), "{stderr}");
        let rerun = Command::new(env!("CARGO_BIN_EXE_iclc"))
            .args(["run", "spec.icl", "--out", &out])
            .current_dir(&t.dir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&rerun.stderr);
        assert!(rerun.status.success(), "{stderr}");
        assert!(stderr.contains("resuming from the checkpoint of step"), "{stderr}");
        assert_eq!(numbers(&t.dir.join(&out)), clean, "SIG{signal}");
    }
}

#[test]
fn a_long_evaluation_off_a_terminal_says_where_it_stands() {
    // Lasso on many prompts: seconds of evaluation with one predictor, so no per-predictor line.
    let spec = r#"
experiment "slow" { seed = 1  dim = 20  points = 41 }
eval slow { tasks = [sparse_linear(nnz = 2)]  baselines = [lasso(alpha = 0.0001)]  prompts = 4000 }
"#;
    let t = Test::new().spec(spec).args(&["check", "spec.icl"]).run();
    let run = Command::new(env!("CARGO_BIN_EXE_iclc"))
        .args(["run", "spec.icl", "--out", "out"])
        .env("ICLC_HEARTBEAT_S", "0.2")
        .current_dir(&t.dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("[0/1] eval slow/sparse_linear(nnz = 2): 0/1 predictors, "), "{stderr}");
}
