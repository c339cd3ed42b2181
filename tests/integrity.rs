//! Nothing an earlier run left is used unless it is whole and this job's own: a damaged, truncated
//! or foreign resume file, a job folder copied under another id, temporaries of killed writes.
//! Each case is compared with a clean run's `results.csv` and `claims.json`.
mod common;
use common::builder::Test;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Two trainings long enough to be killed in the middle of, checkpointing often, and two
/// evaluations (a folder of one can be copied over the other's).
const SPEC: &str = r#"
experiment "integrity" { seed = 3  dim = 3  points = 6 }
class dense = linear()
class sparse = sparse_linear(nnz = 1)
model m = transformer(layers = 1, width = 16, heads = 2)
train a { model = m  data = dense  steps = 1500  batch = 16  checkpoint_every = 50 }
train b { model = m  data = sparse  steps = 1500  batch = 16  checkpoint_every = 50 }
eval on_dense { models = [a, b]  tasks = [dense]  baselines = [least_squares]  prompts = 64 }
eval on_sparse { models = [a, b]  tasks = [sparse]  baselines = [least_squares]  prompts = 64 }
claim "least squares is exact past d" { error(on_dense, least_squares, dense, k = 5) < 0.01 }
"#;

fn iclc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iclc")).args(args).current_dir(dir).output().unwrap()
}

/// What a report's numbers are: its tidy results and its claims.
fn numbers(out: &Path) -> (String, String) {
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    (read("results.csv"), read("claims.json"))
}

/// The resume files of an out folder's jobs.
fn resume_files(out: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(out.join("cache")) else { return vec![] };
    entries.map(|e| e.unwrap().path().join("resume.safetensors")).filter(|p| p.exists()).collect()
}

/// Runs into `out` and kills it (SIGKILL) once `n` trainings have a resume file past step 100.
fn killed_with_resume_files(dir: &Path, out: &str, n: usize) -> Vec<PathBuf> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iclc"))
        .args(["run", "spec.icl", "--out", out, "--jobs", "2"])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        let files = resume_files(&dir.join(out));
        let past = |p: &PathBuf| iclc::model::weights_step(p).is_ok_and(|(step, _)| step >= 100);
        if files.len() >= n && files.iter().all(past) {
            child.kill().unwrap();
            child.wait().unwrap();
            return files;
        }
        assert!(child.try_wait().unwrap().is_none(), "the run ended before it could be killed");
        assert!(started.elapsed().as_secs() < 120, "no resume files after two minutes");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// The clean run's numbers.
fn clean(dir: &Path) -> (String, String) {
    let run = iclc(dir, &["run", "spec.icl", "--out", "clean", "--jobs", "2"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    numbers(&dir.join("clean"))
}

/// Reruns into `out`; its stderr, after checking that it ended well with the clean numbers.
fn rerun_matches(dir: &Path, out: &str, args: &[&str], want: &(String, String)) -> String {
    let mut all = vec!["run", "spec.icl", "--out", out, "--jobs", "2"];
    all.extend_from_slice(args);
    let run = iclc(dir, &all);
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(&numbers(&dir.join(out)), want, "the numbers of a clean run:\n{stderr}");
    stderr
}

#[test]
fn a_damaged_resume_file_is_named_and_the_training_starts_over() {
    let t = Test::new().spec(SPEC).args(&["check", "spec.icl"]).run();
    let want = clean(&t.dir);
    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 3] = [
        ("its tensor bytes zeroed", |b| {
            let header = 8 + u64::from_le_bytes(b[..8].try_into().unwrap()) as usize;
            b[header..].fill(0);
        }),
        ("one exponent bit flipped", |b| {
            let n = b.len();
            b[n - 1] ^= 0x40; // the high byte of the last f32 (little-endian): its exponent
        }),
        ("truncated", |b| b.truncate(b.len() / 2)),
    ];
    for (i, (what, damage)) in damages.iter().enumerate() {
        let out = format!("damaged{i}");
        for file in killed_with_resume_files(&t.dir, &out, 1) {
            let mut bytes = std::fs::read(&file).unwrap();
            damage(&mut bytes);
            std::fs::write(&file, &bytes).unwrap();
        }
        let stderr = rerun_matches(&t.dir, &out, &[], &want);
        assert!(stderr.contains("not resuming from") && stderr.contains("resume.safetensors"), "{what}: {stderr}");
    }
}

#[test]
fn fresh_never_resumes_and_a_resume_file_of_another_job_is_not_taken() {
    let t = Test::new().spec(SPEC).args(&["check", "spec.icl"]).run();
    let want = clean(&t.dir);
    killed_with_resume_files(&t.dir, "fresh", 1);
    let stderr = rerun_matches(&t.dir, "fresh", &["--fresh"], &want);
    assert!(!stderr.contains("resuming from"), "--fresh resumed: {stderr}");

    // Each training's resume file swapped for the other's.
    let files = killed_with_resume_files(&t.dir, "swapped", 2);
    let (a, b) = (std::fs::read(&files[0]).unwrap(), std::fs::read(&files[1]).unwrap());
    std::fs::write(&files[0], &b).unwrap();
    std::fs::write(&files[1], &a).unwrap();
    let stderr = rerun_matches(&t.dir, "swapped", &[], &want);
    assert_eq!(stderr.matches("belongs to job").count(), 2, "{stderr}");
}

#[test]
fn a_job_folder_copied_under_another_id_is_computed_again() {
    let t = Test::new().spec(SPEC).args(&["check", "spec.icl"]).run();
    let want = clean(&t.dir);
    let cache = t.dir.join("clean/cache");
    let evals: Vec<PathBuf> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("eval.json").exists())
        .collect();
    assert_eq!(evals.len(), 2);
    // `cp -a cache/A cache/B`: B's folder holds A's files.
    std::fs::remove_dir_all(&evals[1]).unwrap();
    let cp = Command::new("cp").arg("-a").arg(&evals[0]).arg(&evals[1]).status().unwrap();
    assert!(cp.success());
    let stderr = rerun_matches(&t.dir, "clean", &[], &want);
    assert!(stderr.contains("not this one"), "{stderr}");
    assert_eq!(stderr.matches("(cached)").count(), 3, "only the copied job is computed again: {stderr}");
}

#[test]
fn temporaries_of_killed_writes_are_removed_when_a_run_starts() {
    let t = Test::new().spec(SPEC).args(&["check", "spec.icl"]).run();
    let want = clean(&t.dir);
    let files = killed_with_resume_files(&t.dir, "killed", 1);
    // What a kill in the middle of a write leaves: a temporary named after the file and the process.
    let job = files[0].parent().unwrap();
    let left = [
        job.join(".resume.safetensors.4194301.7.tmp"),
        job.join(".step-000000100.safetensors.4194301.8.tmp"),
        t.dir.join("killed/.report.md.4194301.9.tmp"),
    ];
    for f in &left {
        std::fs::write(f, vec![7u8; 4096]).unwrap();
    }
    let kept = job.join(".notes.tmp"); // not a name iclc writes
    std::fs::write(&kept, b"mine").unwrap();
    rerun_matches(&t.dir, "killed", &[], &want);
    for f in &left {
        assert!(!f.exists(), "{} is still there", f.display());
    }
    assert!(kept.exists(), "a file iclc did not write was removed");
}
