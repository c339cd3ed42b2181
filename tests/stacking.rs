//! Stacked trainings (`--stack on`): trainings of one shape train as one model with a leading
//! model axis on the graph backend, and each member is what it would be alone — its loss curve,
//! its files, its job id — resumes after a kill, and fails alone when its loss diverges.
mod common;
use common::builder::Test;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Four trainings of one shape that differ in seed, mixture weight, learning rate, weight decay
/// and clipping.
const SPEC: &str = r#"
experiment "stacked" { seed = 5  dim = 3  points = 6 }
class dense = linear()
class sparse = sparse_linear(nnz = 1)
model m = transformer(layers = 2, width = 16, heads = 2)
train a { model = m  data = 0.25 * dense + 0.75 * sparse  steps = 200  batch = 16  lr = 2e-3  checkpoint_every = 20  seeds = [1, 2] }
train b { model = m  data = 0.75 * dense + 0.25 * sparse  steps = 200  batch = 16  lr = 1e-3  clip = 0.5  checkpoint_every = 20 }
train c { model = m  data = dense  steps = 200  batch = 16  lr = 3e-3  weight_decay = 0.1  checkpoint_every = 20  seeds = [4] }
eval curve { models = [a, b, c]  tasks = [dense, sparse]  baselines = [least_squares]  prompts = 64 }
"#;

fn iclc(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_iclc")).args(args).current_dir(dir).output().unwrap()
}

/// Every training record of an out folder by job id: its losses and where it ran.
fn trainings(out: &Path) -> BTreeMap<String, (Vec<f32>, String)> {
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(out.join("cache")).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(text) = std::fs::read_to_string(dir.join("train.json")) else { continue };
        let record: serde_json::Value = serde_json::from_str(&text).unwrap();
        let losses = record["losses"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect();
        let ran_on = record["ran_on"].as_str().unwrap_or_default().to_string();
        found.insert(dir.file_name().unwrap().to_string_lossy().into_owned(), (losses, ran_on));
    }
    found
}

/// Each job folder's files, by job id.
fn files(out: &Path) -> BTreeMap<String, Vec<String>> {
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(out.join("cache")).unwrap() {
        let dir = entry.unwrap().path();
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        found.insert(dir.file_name().unwrap().to_string_lossy().into_owned(), names);
    }
    found
}

#[test]
fn the_plan_stacks_trainings_of_one_shape_and_only_when_asked() {
    let t = Test::new().spec(SPEC).args(&["plan", "spec.icl", "--backend", "graph", "--stack", "on"]).run();
    let plan: serde_json::Value = serde_json::from_str(&t.stdout).unwrap();
    let stacks = plan["stacks"].as_array().expect("stacks");
    assert_eq!(stacks.len(), 1, "{stacks:?}");
    assert_eq!(stacks[0]["members"].as_array().unwrap().len(), 4);
    assert!(stacks[0]["shape"].as_str().unwrap().contains("transformer 2 × 16"), "{}", stacks[0]);
    let off = iclc(&t.dir, &["plan", "spec.icl", "--backend", "graph", "--stack", "off"]);
    let off: serde_json::Value = serde_json::from_slice(&off.stdout).unwrap();
    assert!(off.get("stacks").is_none(), "{off}");
    let human = iclc(&t.dir, &["plan", "spec.icl", "--backend", "graph", "--stack", "on", "--format", "human"]);
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(human.contains("stack 1: 4 trainings"), "{human}");
    // The fused engine trains one model at a time.
    let fused = iclc(&t.dir, &["plan", "spec.icl", "--backend", "fused", "--stack", "on"]);
    assert_eq!(fused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&fused.stderr).contains("--backend graph"));
}

#[test]
fn a_stack_gives_each_member_its_separate_training() {
    let t = Test::new()
        .spec(SPEC)
        .args(&["run", "spec.icl", "--out", "on", "--backend", "graph", "--stack", "on", "--jobs", "1"])
        .run();
    let off = iclc(&t.dir, &["run", "spec.icl", "--out", "off", "--backend", "graph", "--stack", "off", "--jobs", "1"]);
    assert!(off.status.success(), "{}", String::from_utf8_lossy(&off.stderr));
    let (on, off) = (trainings(&t.dir.join("on")), trainings(&t.dir.join("off")));
    assert_eq!(on.len(), 4);
    assert_eq!(on.keys().collect::<Vec<_>>(), off.keys().collect::<Vec<_>>(), "the same job ids");
    for (id, (stacked, ran_on)) in &on {
        let (alone, alone_on) = &off[id];
        assert_eq!(stacked.len(), 200);
        assert!(ran_on.contains("graph on cpu") && ran_on.contains("a stack of 4"), "{ran_on}");
        assert!(!alone_on.contains("stack"), "{alone_on}");
        for (step, (s, a)) in stacked.iter().zip(alone).enumerate() {
            assert!((s - a).abs() <= 1e-5 * a.abs(), "job {id} step {}: stacked {s} vs alone {a}", step + 1);
        }
    }
    // The members differ: four trainings, not one four times.
    let last: Vec<f32> = on.values().map(|(l, _)| l[199]).collect();
    assert!(last.windows(2).all(|w| w[0] != w[1]), "{last:?}");
    assert_eq!(files(&t.dir.join("on")), files(&t.dir.join("off")), "the same files in every job folder");
    let results = |out: &str| std::fs::read_to_string(t.dir.join(out).join("results.csv")).unwrap();
    let (a, b) = (results("on"), results("off"));
    for (x, y) in a.lines().zip(b.lines()).skip(1) {
        let num = |l: &str| l.split(',').filter_map(|v| v.parse::<f64>().ok()).collect::<Vec<_>>();
        for (u, v) in num(x).iter().zip(num(y)) {
            assert!((u - v).abs() <= 1e-3 * v.abs().max(1e-6), "{x}\n{y}");
        }
    }
    // A stacked store serves a separate run, and the other way round.
    let again = iclc(&t.dir, &["run", "spec.icl", "--out", "on", "--backend", "graph", "--stack", "off"]);
    assert!(again.status.success());
    let report = std::fs::read_to_string(t.dir.join("on/report.md")).unwrap();
    assert!(report.contains("| jobs from cache | 6 |"), "{report}");
}

#[test]
fn a_killed_stack_resumes_to_the_uninterrupted_one() {
    let t = Test::new()
        .spec(SPEC)
        .args(&["run", "spec.icl", "--out", "whole", "--backend", "graph", "--stack", "on", "--jobs", "1"])
        .run();
    let whole = trainings(&t.dir.join("whole"));
    let out = t.dir.join("killed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_iclc"))
        .args(["run", "spec.icl", "--out", "killed", "--backend", "graph", "--stack", "on", "--jobs", "1"])
        .current_dir(&t.dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed once every member has a resumable checkpoint, mid-training.
    let resumable = || {
        let Ok(dirs) = std::fs::read_dir(out.join("cache")) else { return 0 };
        dirs.filter(|d| d.as_ref().unwrap().path().join("resume.safetensors").exists()).count()
    };
    let started = std::time::Instant::now();
    while resumable() < 4 && started.elapsed().as_secs() < 120 && child.try_wait().unwrap().is_none() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(child.try_wait().unwrap().is_none(), "the run ended before it could be killed");
    child.kill().unwrap(); // SIGKILL: no handler runs
    child.wait().unwrap();
    assert_eq!(resumable(), 4, "every member left its checkpoint");
    let again = iclc(&t.dir, &["run", "spec.icl", "--out", "killed", "--backend", "graph", "--stack", "on"]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{stderr}");
    assert!(stderr.contains("resuming from the checkpoint of step"), "{stderr}");
    let resumed = trainings(&out);
    assert_eq!(resumed.len(), 4);
    for (id, (losses, _)) in &resumed {
        assert_eq!(losses, &whole[id].0, "job {id}: a resumed member's losses are the uninterrupted one's");
    }
}

#[test]
fn a_member_whose_loss_diverges_stops_alone() {
    let spec = r#"
experiment "diverging" { seed = 5  dim = 3  points = 6 }
class dense = linear()
model m = transformer(layers = 1, width = 16, heads = 2)
train calm { model = m  data = dense  steps = 60  batch = 16  lr = 1e-3  seeds = [1, 2] }
train wild { model = m  data = dense  steps = 60  batch = 16  lr = 1e12 }
eval curve { models = [calm]  tasks = [dense]  baselines = [zero]  prompts = 32 }
eval all { models = [calm, wild]  tasks = [dense]  baselines = [zero]  prompts = 32 }
"#;
    let t = Test::new()
        .spec(spec)
        .args(&["run", "spec.icl", "--backend", "graph", "--stack", "on", "--keep-going", "--out", "out"])
        .status(1)
        .run();
    assert!(
        t.stdout.contains("train wild (seed 5)") && t.stdout.contains("failed: training `wild` failed"),
        "{}",
        t.stdout
    );
    assert!(t.stdout.contains("the training loss became"), "{}", t.stdout);
    let done = trainings(&t.dir.join("out"));
    assert_eq!(done.len(), 2, "both calm members finished");
    assert!(done.values().all(|(l, on)| l.len() == 60 && on.contains("a stack of 3")), "{done:?}");
    assert!(t.dir.join("out/report.md").exists());
}

#[test]
fn a_stack_too_large_for_the_device_is_cut_into_parts() {
    let t = Test::new().spec(SPEC).args(&["plan", "spec.icl", "--backend", "graph", "--stack", "on"]).run();
    let plan: serde_json::Value = serde_json::from_str(&t.stdout).unwrap();
    let each = plan["stacks"][0]["member_bytes"].as_f64().unwrap();
    assert!(each > 0.0);
    // Room for two members at a time: the four train as two stacks of two.
    let budget = format!("{}", 2.5 * each);
    let run = Command::new(env!("CARGO_BIN_EXE_iclc"))
        .args(["run", "spec.icl", "--out", "parts", "--backend", "graph", "--stack", "on", "--jobs", "1"])
        .env("ICLC_STACK_MEMORY", &budget)
        .current_dir(&t.dir)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let off = iclc(&t.dir, &["run", "spec.icl", "--out", "off", "--backend", "graph", "--stack", "off", "--jobs", "1"]);
    assert!(off.status.success());
    let (parts, off) = (trainings(&t.dir.join("parts")), trainings(&t.dir.join("off")));
    assert!(parts.values().all(|(_, on)| on.ends_with("a stack of 2")), "{parts:?}");
    for (id, (losses, _)) in &parts {
        for (s, a) in losses.iter().zip(&off[id].0) {
            assert!((s - a).abs() <= 1e-5 * a.abs(), "job {id}: {s} vs {a}");
        }
    }
}

/// Language models (GPT-2, the adversarial variant, an LSTM) and pattern classifiers, two seeds each.
const KINDS: [&str; 2] = [
    r#"
experiment "languages" { seed = 1  dim = 1  points = 2 }
class ab = anbn(max_n = 4)
model lm = causal_lm(layers = 1, width = 8, heads = 2, context = 16, positions = learned)
model rnn = lstm(layers = 1, hidden = 8, context = 16)
train normal { data = ab  model = lm  steps = 30  lr = 1e-2  seeds = [1, 2] }
train adversarial { data = ab  model = lm  steps = 30  lr = 2e-2  completions = adversarial(weight = 0.1, batch = 4, length = 3)  seeds = [1, 2] }
train recurrent { data = ab  model = rnn  steps = 30  lr = 1e-2  seeds = [1, 2] }
eval rules { models = [normal, adversarial, recurrent]  tasks = [ab]  prompts = all(length = 3)  decode = greedy(max_new = 10) }
"#,
    r#"
experiment "patterns" { seed = 1  dim = 10  points = 7 }
class p = patterns(relevant = 3, irrelevant = 6, train_tasks = 4, alpha = 0.6)
model net = pattern_net(neurons = 8)
train t { data = p  model = net  steps = 60  batch = 32  lr = 1  optimizer = sgd  clip = 1  weight_decay = 0  seeds = [1, 2] }
train gpt { data = p  model = transformer(layers = 1, width = 8, heads = 2)  steps = 30  batch = 16  seeds = [1, 2] }
eval e { models = [t, gpt]  tasks = [p]  prompts = 100 }
"#,
];

#[test]
fn every_model_kind_trains_stacked_on_the_graph_as_it_trains_alone_and_says_where() {
    for spec in KINDS {
        let t = Test::new()
            .spec(spec)
            .args(&["run", "spec.icl", "--out", "on", "--backend", "graph", "--stack", "on", "--jobs", "1"])
            .run();
        let off = iclc(&t.dir, &["run", "spec.icl", "--out", "off", "--backend", "graph", "--stack", "off"]);
        assert!(off.status.success(), "{}", String::from_utf8_lossy(&off.stderr));
        let (on, off) = (trainings(&t.dir.join("on")), trainings(&t.dir.join("off")));
        assert_eq!(on.keys().collect::<Vec<_>>(), off.keys().collect::<Vec<_>>());
        for (id, (stacked, ran_on)) in &on {
            let (alone, alone_on) = &off[id];
            assert!(ran_on.starts_with("graph on cpu, a stack of 2"), "{ran_on}");
            assert_eq!(alone_on, "graph on cpu");
            for (step, (s, a)) in stacked.iter().zip(alone).enumerate() {
                assert!(
                    (s - a).abs() <= 1e-5 * a.abs(),
                    "{spec}\njob {id} step {}: stacked {s} vs alone {a}",
                    step + 1
                );
            }
        }
        let evals = std::fs::read_dir(t.dir.join("on/cache"))
            .unwrap()
            .filter_map(|d| std::fs::read_to_string(d.unwrap().path().join("eval.json")).ok());
        for e in evals {
            let record: serde_json::Value = serde_json::from_str(&e).unwrap();
            assert_eq!(record["ran_on"], "graph on cpu");
        }
    }
}

#[test]
fn the_plan_puts_the_flagship_specs_trainings_into_stacks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let plan = iclc(root, &["plan", "specs/paper.icl", "--backend", "graph", "--stack", "on"]);
    assert!(plan.status.success(), "{}", String::from_utf8_lossy(&plan.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let trainings = plan["jobs"].as_array().unwrap().iter().filter(|j| j["kind"]["kind"] == "train").count();
    let stacked: usize =
        plan["stacks"].as_array().unwrap().iter().map(|s| s["members"].as_array().unwrap().len()).sum();
    assert_eq!((trainings, stacked), (17, 17), "every training of paper.icl is in a stack");
    // The GPU estimate counts each stack's per-step floor once.
    let cost = &plan["cost"];
    assert_eq!(cost["gpu_stacks"], 1);
    assert!(cost["gpu_floor_s"].as_f64().unwrap() > 0.0 && cost["gpu_s"].as_f64() > cost["gpu_floor_s"].as_f64());
}
