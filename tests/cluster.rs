//! Running a spec as shards of a cluster job array: shards side by side or one after another fill
//! one store whose report (`iclc report`) equals a local run's; a shard whose peers never ran
//! leaves a report that lists what is missing; `iclc slurm` writes scripts Slurm takes, and a real
//! one-node Slurm (started by `scripts/slurm-local.sh`, as `.ci/run` does) runs them.
mod common;
use common::builder::Test;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Four trainings (one replicated) and two evaluations: enough to split three ways.
const SPEC: &str = r#"
experiment "sharded" { seed = 5  dim = 3  points = 6 }
class dense = linear()
class sparse = sparse_linear(nnz = 1)
model m = transformer(layers = 1, width = 16, heads = 2)
train a { model = m  data = dense  steps = 400  batch = 16 }
train b { model = m  data = sparse  steps = 400  batch = 16 }
train c { model = m  data = dense  steps = 300  batch = 16  seeds = [1, 2] }
eval on_dense { models = [a, b, c]  tasks = [dense]  baselines = [least_squares, zero]  prompts = 64 }
eval on_sparse { models = [a, b]  tasks = [sparse]  baselines = [least_squares]  prompts = 64 }
claim "least squares is exact once k reaches d" {
  error(on_dense, least_squares, dense, k = 4) < 0.001 * error(on_dense, zero, dense, k = 4)
}
claim "least squares is exact on sparse functions too" { error(on_sparse, least_squares, sparse, k = 4) < 0.001 }
"#;

fn iclc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iclc")).args(args).current_dir(dir).output().unwrap()
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_iclc"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// The numbers a report shows and its tidy results, to compare two runs by.
fn numbers(out: &Path) -> (Vec<String>, String) {
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let rows = md.lines().filter(|l| l.starts_with("| ") && l.contains('[')).map(String::from).collect();
    (rows, std::fs::read_to_string(out.join("results.csv")).unwrap())
}

/// A local run of the spec in `dir`, to compare with.
fn local(dir: &Path) -> (Vec<String>, String) {
    let o = iclc(dir, &["run", "spec.icl", "--out", "local", "--jobs", "1"]);
    assert!(o.status.success(), "{}", text(&o));
    numbers(&dir.join("local"))
}

#[test]
fn three_shards_side_by_side_fill_a_store_whose_report_equals_a_local_run() {
    let t = Test::new().spec(SPEC).args(&["check", "spec.icl"]).run();
    let want = local(&t.dir);
    let shards: Vec<Child> = (0..3)
        .map(|i| spawn(&t.dir, &["run", "spec.icl", "--out", "sh", "--shard", &format!("{i}/3"), "--jobs", "1"]))
        .collect();
    let mut trained = Vec::new();
    for child in shards {
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", text(&o));
        assert!(!out_has_report(&t.dir.join("sh")), "a shard writes no report:\n{}", text(&o));
        // What this shard trained itself (another shard's training is read, not announced).
        trained.extend(
            text(&o)
                .lines()
                .filter(|l| l.contains("] trained ") && !l.contains("(cached)"))
                .map(|l| l.split("] trained ").nth(1).unwrap().to_string()),
        );
    }
    trained.sort();
    assert_eq!(trained, ["a (seed 5)", "b (seed 5)", "c (seed 1)", "c (seed 2)"], "each training once, by one shard");
    let status = iclc(&t.dir, &["status", "spec.icl", "--out", "sh"]);
    assert!(status.status.success(), "every job done: {}", text(&status));
    let report = iclc(&t.dir, &["report", "spec.icl", "--out", "sh"]);
    assert!(report.status.success(), "{}", text(&report));
    assert_eq!(numbers(&t.dir.join("sh")), want);
}

fn out_has_report(out: &Path) -> bool {
    out.join("report.md").exists()
}

#[test]
fn shards_one_after_another_never_wait_on_each_other_and_give_the_same_report() {
    // A cluster that runs one task at a time: shard 0 cannot wait for shard 1's trainings; it
    // leaves the evaluations that need them, and the last shard does them.
    let t = Test::new().spec(SPEC).args(&["check", "spec.icl"]).run();
    let want = local(&t.dir);
    let mut left = Vec::new();
    for i in 0..3 {
        let started = Instant::now();
        let o = iclc(&t.dir, &["run", "spec.icl", "--out", "sh", "--shard", &format!("{i}/3"), "--jobs", "2"]);
        assert!(o.status.success(), "{}", text(&o));
        assert!(started.elapsed() < Duration::from_secs(60), "shard {i} waited: {}", text(&o));
        left.push(text(&o).contains("jobs left to other shards:"));
    }
    assert_eq!(left, [true, true, false], "the first shards leave work, the last does it all");
    let report = iclc(&t.dir, &["report", "spec.icl", "--out", "sh"]);
    assert!(report.status.success(), "{}", text(&report));
    assert_eq!(numbers(&t.dir.join("sh")), want);
}

#[test]
fn a_report_from_an_incomplete_store_lists_the_missing_jobs_and_exits_2() {
    let t = Test::new().spec(SPEC).args(&["run", "spec.icl", "--out", "sh", "--shard", "0/2"]).run();
    let status = iclc(&t.dir, &["status", "spec.icl", "--out", "sh", "--format", "json"]);
    assert_eq!(status.status.code(), Some(2), "{}", text(&status));
    let jobs: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let states: Vec<&str> = jobs.as_array().unwrap().iter().map(|j| j["state"].as_str().unwrap()).collect();
    assert!(states.contains(&"done") && states.contains(&"missing"), "{states:?}");
    let report = iclc(&t.dir, &["report", "spec.icl", "--out", "sh"]);
    assert_eq!(report.status.code(), Some(2), "{}", text(&report));
    let md = std::fs::read_to_string(t.dir.join("sh/report.md")).unwrap();
    assert!(md.contains("## Jobs not done") && md.contains("not in the store"), "{md}");
    assert!(md.contains("### MISSING — least squares is exact"), "{md}");
    let claims: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.dir.join("sh/claims.json")).unwrap()).unwrap();
    assert_eq!(claims[0]["verdict"], "MISSING");
}

#[test]
fn a_shard_already_running_or_a_whole_run_on_the_folder_stops_a_shard_with_a_message() {
    let t = Test::new().spec(SPEC).args(&["check", "spec.icl"]).run();
    let out = t.dir.join("sh");
    std::fs::create_dir_all(out.join("cache")).unwrap();
    // Hold shard 0/2's lock as a running shard 0/2 would.
    let held = iclc::files::Lock::try_exclusive(&out.join("cache/.iclc.shard-0-of-2.lock")).unwrap().unwrap();
    let second = iclc(&t.dir, &["run", "spec.icl", "--out", "sh", "--shard", "0/2"]);
    assert_eq!(second.status.code(), Some(1), "{}", text(&second));
    assert!(text(&second).contains("shard 0/2 of this out folder is already running"), "{}", text(&second));
    drop(held);
    // A whole run holds the folder: no shard mixes in; shards share it with each other only.
    let whole = iclc::files::FolderLock::take(&out).unwrap();
    let shard = iclc(&t.dir, &["run", "spec.icl", "--out", "sh", "--shard", "1/2"]);
    assert_eq!(shard.status.code(), Some(1), "{}", text(&shard));
    assert!(text(&shard).contains("is in use by another iclc run"), "{}", text(&shard));
    drop(whole);
    let peer = iclc::files::FolderLock::share(&out).unwrap();
    let run = iclc(&t.dir, &["run", "spec.icl", "--out", "sh"]);
    assert!(text(&run).contains("is in use by another iclc run or shard"), "{}", text(&run));
    drop(peer);
}

#[test]
fn slurm_writes_an_array_and_a_report_script_with_absolute_paths() {
    let t = Test::new()
        .spec(SPEC)
        .args(&["slurm", "spec.icl", "--out", "o", "--shards", "3", "--cpus", "2", "--partition", "debug"])
        .run();
    let dir = t.dir.join("o/slurm");
    let array = std::fs::read_to_string(dir.join("array.sbatch")).unwrap();
    let report = std::fs::read_to_string(dir.join("report.sbatch")).unwrap();
    for needle in [
        "#SBATCH --array=0-2",
        "#SBATCH --cpus-per-task=2",
        "#SBATCH --partition=debug",
        "--shard \"$SLURM_ARRAY_TASK_ID/3\" --jobs 2",
    ] {
        assert!(array.contains(needle), "{needle}:\n{array}");
    }
    assert!(array.contains("#SBATCH --time=0-00:10:00"), "at least ten minutes:\n{array}");
    let spec = std::fs::canonicalize(t.dir.join("spec.icl")).unwrap();
    assert!(array.contains(&iclc::shell::word(&spec.display().to_string())) && report.contains(" report "), "{report}");
    for script in [&dir.join("array.sbatch"), &dir.join("report.sbatch")] {
        let syntax = Command::new("bash").arg("-n").arg(script).output().unwrap();
        assert!(syntax.status.success(), "{}", text(&syntax));
    }
}

#[test]
fn slurm_with_gpus_asks_each_task_for_them_and_trains_on_cuda_stacked() {
    let t = Test::new()
        .spec(SPEC)
        .args(&["slurm", "spec.icl", "--out", "o", "--shards", "2", "--gpus-per-task", "1"])
        .run();
    let dir = t.dir.join("o/slurm");
    let array = std::fs::read_to_string(dir.join("array.sbatch")).unwrap();
    let report = std::fs::read_to_string(dir.join("report.sbatch")).unwrap();
    assert!(array.contains("#SBATCH --gres=gpu:1\n"), "{array}");
    assert!(array.contains("--backend graph --device cuda --precision f32 --stack on"), "{array}");
    assert!(!report.contains("--gres"), "the report job needs no GPU:\n{report}");
    assert!(report.contains("--device cuda"), "the report plans the same job ids:\n{report}");
    if !cfg!(feature = "cuda") {
        assert!(t.stderr.contains("built without CUDA"), "{}", t.stderr);
    }
    let cpu =
        iclc(&t.dir, &["slurm", "spec.icl", "--out", "o", "--shards", "2", "--gpus-per-task", "1", "--device", "cpu"]);
    assert_eq!(cpu.status.code(), Some(1), "{}", text(&cpu));
    assert!(text(&cpu).contains("--gpus-per-task runs the shards on CUDA"), "{}", text(&cpu));
}

/// Whether a Slurm controller answers here; the reason when not.
fn slurm_here() -> Result<(), String> {
    match Command::new("sinfo").arg("-h").output() {
        Err(e) => Err(format!("no `sinfo` ({e}); `.ci/run` starts a one-node Slurm with scripts/slurm-local.sh")),
        Ok(o) if !o.status.success() => Err(format!("Slurm does not answer: {}", text(&o).trim())),
        Ok(_) => Ok(()),
    }
}

/// Whether Slurm still holds `job` (pending or running).
fn queued(job: &str) -> bool {
    Command::new("squeue")
        .args(["-h", "-j", job])
        .output()
        .is_ok_and(|o| !String::from_utf8_lossy(&o.stdout).trim().is_empty())
}

#[test]
fn a_three_shard_spec_submitted_to_slurm_reports_the_numbers_of_a_local_run() {
    if let Err(why) = slurm_here() {
        if std::env::var_os("ICLC_REQUIRE_SLURM").is_some() {
            panic!("ICLC_REQUIRE_SLURM is set but {why}");
        }
        eprintln!("skipped: {why}");
        return;
    }
    let t = Test::new().spec(SPEC).args(&["check", "spec.icl"]).run();
    let want = local(&t.dir);
    let o = iclc(&t.dir, &["slurm", "spec.icl", "--out", "cluster", "--shards", "3", "--submit"]);
    assert!(o.status.success(), "{}", text(&o));
    let said = String::from_utf8_lossy(&o.stdout).to_string();
    let ids: Vec<String> = said
        .split_whitespace()
        .filter(|w| w.chars().all(|c| c.is_ascii_digit()) && !w.is_empty())
        .map(String::from)
        .collect();
    // "submitted job array A (3 shards) and report job R after it"
    let (array, report) = (ids[0].clone(), ids[ids.len() - 1].clone());
    let deadline = Instant::now() + Duration::from_secs(600);
    while (queued(&array) || queued(&report)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_secs(1));
    }
    let logs = logs(&t.dir.join("cluster/slurm"));
    assert!(!queued(&report), "Slurm did not finish in 10 minutes:\n{logs}");
    assert!(out_has_report(&t.dir.join("cluster")), "no report:\n{logs}");
    assert_eq!(numbers(&t.dir.join("cluster")), want, "{logs}");
    assert!(logs.contains("shard 0/3") && logs.contains("shard 2/3"), "{logs}");
}

/// The tasks' logs, to show when something went wrong.
fn logs(dir: &Path) -> String {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .map(|p| format!("== {}\n{}", p.display(), std::fs::read_to_string(p).unwrap_or_default()))
        .collect()
}
