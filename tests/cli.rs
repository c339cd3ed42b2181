//! The `iclc` command as a user meets it: a fluent builder runs it on a spec in a fresh folder.
mod common;
use common::builder::{Outcome, Test};
use std::path::Path;
use std::process::Command;

/// A spec small enough to train in a second or two.
const TINY: &str = r#"
experiment "tiny" { seed = 3  dim = 3  points = 6 }
class dense = linear()
model m = transformer(layers = 1, width = 16, heads = 2)
train t { model = m  data = dense  steps = 20  batch = 8  lr = 1e-3 }
eval curve { models = [t]  tasks = [dense]  baselines = [least_squares, zero]  prompts = 64 }
claim "least squares is exact once k reaches d" {
  error(curve, least_squares, dense, k = 4) < 0.001 * error(curve, zero, dense, k = 4)
}
"#;

#[test]
fn run_writes_both_reports_with_figure_claim_and_repro_block() {
    let o = Test::new()
        .spec(TINY)
        .args(&["run", "spec.icl", "--out", "out"])
        .stdout("PASS")
        .stdout("claims: 1 of 1 hold")
        .run();
    let out = o.dir.join("out");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    for text in [&html, &md] {
        assert!(text.contains("least squares is exact once k reaches d"), "claim text");
        assert!(text.contains("PASS"));
        assert!(text.contains("spec SHA-256"));
        assert!(text.contains("iclc run spec.icl --out out --threads 1 --jobs ") && text.contains(" --fresh"));
        assert!(text.contains("time: train"));
    }
    assert!(html.contains("<svg") && html.contains("<polygon"), "inline figure with an interval band");
    assert!(!html.contains("<link") && !html.contains("<script src"), "self-contained");
    // The tidy files: the numbers the report shows, in columns.
    let csv = std::fs::read_to_string(out.join("results.csv")).unwrap();
    assert!(csv.starts_with("eval,task,inputs,component,predictor,seed,k,mean,lo,hi,prompts,replicates\n"));
    assert_eq!(csv.lines().filter(|l| l.starts_with("curve,dense,normal(),,least_squares,,")).count(), 6, "{csv}");
    let claims: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("claims.json")).unwrap()).unwrap();
    assert_eq!(claims[0]["verdict"], "PASS");
    assert_eq!(claims[0]["quantities"][0]["quantity"], "error(curve, least_squares, dense, k = 4)");
    let training = std::fs::read_to_string(out.join("training.csv")).unwrap();
    assert!(training.starts_with("run,seed,step,loss,lr\nt,3,"), "{training}");
    let figure = md.lines().find(|l| l.starts_with("![")).expect("markdown links a figure");
    let file = figure.split('(').nth(1).unwrap().trim_end_matches(')');
    assert!(out.join(file).exists(), "figure file {file}");
}

#[test]
fn a_second_run_reuses_the_cache_and_fresh_recomputes() {
    let t = Test::new().spec(TINY).args(&["run", "spec.icl", "--out", "out"]).run();
    let again = Command::new(env!("CARGO_BIN_EXE_iclc"))
        .args(["run", "spec.icl", "--out", "out"])
        .current_dir(&t.dir)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("(cached)"));
    let first = std::fs::read_to_string(t.dir.join("out/report.md")).unwrap();
    let fresh = Command::new(env!("CARGO_BIN_EXE_iclc"))
        .args(["run", "spec.icl", "--out", "out", "--fresh"])
        .current_dir(&t.dir)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&fresh.stderr).contains("(cached)"));
    let second = std::fs::read_to_string(t.dir.join("out/report.md")).unwrap();
    let numbers =
        |s: &str| s.lines().filter(|l| l.starts_with("| ") && l.contains('[')).map(String::from).collect::<Vec<_>>();
    assert_eq!(numbers(&first), numbers(&second), "same seed, same numbers");
}

/// Four trainings and two evaluations: enough independent jobs to run side by side.
const FOUR: &str = r#"
experiment "four" { seed = 5  dim = 3  points = 6 }
class dense = linear()
class sparse = sparse_linear(nnz = 1)
model m = transformer(layers = 1, width = 16, heads = 2)
train a { model = m  data = dense  steps = 30  batch = 8  seeds = [1, 2] }
train b { model = m  data = sparse  steps = 30  batch = 8  seeds = [1, 2] }
eval on_dense { models = [a, b]  tasks = [dense]  baselines = [least_squares]  prompts = 64 }
eval on_sparse { models = [a, b]  tasks = [sparse]  baselines = [least_squares]  prompts = 64 }
"#;

#[test]
fn jobs_side_by_side_give_the_numbers_of_one_at_a_time() {
    let t = Test::new().spec(FOUR).args(&["run", "spec.icl", "--out", "one", "--jobs", "1"]).run();
    let report = |dir: &str| std::fs::read_to_string(t.dir.join(dir).join("report.md")).unwrap();
    let numbers = |s: &str| {
        s.lines()
            .filter(|l| l.starts_with("| ") && (l.contains('[') || l.contains("final")))
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < 2 {
        eprintln!("skipped the side-by-side run: this machine has one core");
        return;
    }
    let two = Command::new(env!("CARGO_BIN_EXE_iclc"))
        .args(["run", "spec.icl", "--out", "two", "--jobs", "2"])
        .current_dir(&t.dir)
        .output()
        .unwrap();
    assert!(two.status.success(), "{}", String::from_utf8_lossy(&two.stderr));
    assert!(!numbers(&report("one")).is_empty());
    assert_eq!(numbers(&report("one")), numbers(&report("two")), "--jobs changes no number");
    assert!(report("two").contains("--jobs 2"), "the reproducibility block names the job count");
    // Each job's record is the same file either way: the losses bit for bit.
    for entry in std::fs::read_dir(t.dir.join("one/cache")).unwrap() {
        let id = entry.unwrap().file_name();
        let one = std::fs::read(t.dir.join("one/cache").join(&id).join("train.json"));
        if let Ok(one) = one {
            let two = std::fs::read(t.dir.join("two/cache").join(&id).join("train.json")).unwrap();
            let losses = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).unwrap()["losses"].clone();
            assert_eq!(losses(&one), losses(&two), "losses of job {id:?}");
        }
    }
}

#[test]
fn thread_and_job_counts_beyond_the_machine_are_refused() {
    let t = Test::new()
        .spec(TINY)
        .args(&["run", "spec.icl", "--out", "out", "--jobs", "100000"])
        .status(1)
        .stderr("--jobs 100000")
        .run();
    assert!(!t.dir.join("out/report.md").exists());
    Test::new()
        .spec(TINY)
        .args(&["run", "spec.icl", "--out", "out", "--threads", "0"])
        .status(1)
        .stderr("--threads 0")
        .run();
    // A usage error is an error (1), not "a claim does not hold" (2).
    Test::new().args(&["run", "--no-such-flag"]).status(1).run();
}

fn location_of(o: &Outcome) -> &str {
    o.stderr.lines().next().unwrap_or("")
}

#[test]
fn a_syntax_error_names_file_line_and_column() {
    let o = Test::new()
        .spec("experiment \"x\" { seed = 1  dim = 2  points = 4 }\nclass c = linear(\n")
        .args(&["run", "spec.icl"])
        .status(1)
        .stderr("spec.icl:3:1")
        .stderr("E0002")
        .run();
    assert!(location_of(&o).starts_with("spec.icl:3:1: error[E0002]"), "{}", o.stderr);
}

#[test]
fn an_unknown_keyword_is_named_with_a_suggestion() {
    Test::new()
        .spec("experiment \"x\" { seed = 1  dim = 2  points = 4 }\ntrian t { }\n")
        .args(&["run", "spec.icl"])
        .status(1)
        .stderr("spec.icl:2:1: error[E0003]: unknown keyword `trian`")
        .stderr("did you mean `train`?")
        .run();
}

#[test]
fn an_unknown_setting_lists_the_valid_ones() {
    let spec = TINY.replace("steps = 20", "stpes = 20");
    Test::new()
        .spec(&spec)
        .args(&["run", "spec.icl"])
        .status(1)
        .stderr("spec.icl:5:")
        .stderr("E0104")
        .stderr("did you mean `steps`?")
        .run();
    // The misspelling is the one mistake: `steps` is not reported missing as well.
    let o = Test::new().spec(&spec).args(&["check", "spec.icl"]).status(1).run();
    assert!(!o.stderr.contains("E0105"), "{}", o.stderr);
}

#[test]
fn a_missing_spec_file_is_an_error_not_a_panic() {
    Test::new()
        .args(&["run", "nowhere.icl"])
        .status(1)
        .stderr("cannot read spec file `nowhere.icl`")
        .stderr("E0001")
        .run();
}

#[test]
fn check_and_explain() {
    Test::new().spec(TINY).args(&["check", "spec.icl"]).run();
    Test::new().args(&["explain", "E0104"]).stdout("E0104").stdout("does not take").stdout("stpes = 10").run();
    Test::new().args(&["explain", "E9999"]).status(1).stderr("unknown code").run();
}

#[test]
fn plan_prints_jobs_with_content_hashes() {
    let o = Test::new().spec(TINY).args(&["plan", "spec.icl"]).run();
    let plan: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let jobs = plan["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 2);
    assert_eq!(jobs[1]["deps"][0], jobs[0]["id"]);
}

#[test]
fn a_diverging_training_fails_with_its_step_and_no_report() {
    let spec = TINY.replace("lr = 1e-3", "lr = 1e12").replace("steps = 20", "steps = 60");
    let o = Test::new()
        .spec(&spec)
        .args(&["run", "spec.icl", "--out", "out"])
        .status(1)
        .stderr("training `t` failed")
        .stderr("at step")
        .run();
    assert!(!Path::new(&o.dir.join("out/report.html")).exists());
}

#[test]
fn check_json_lists_every_error_with_its_place() {
    let spec = TINY.replace("steps = 20", "stpes = 20").replace("linear()", "lnear()");
    let o = Test::new().spec(&spec).args(&["check", "--format", "json", "spec.icl"]).status(1).run();
    let diags: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let codes: Vec<&str> = diags.as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"E0101") && codes.contains(&"E0104"), "all errors in one run: {codes:?}");
    let first = &diags[0];
    assert_eq!(first["file"], "spec.icl");
    assert!(first["span"]["line"].as_u64().unwrap() >= 1);
}

#[test]
fn fmt_check_shows_a_diff_and_fmt_rewrites() {
    let messy = "experiment \"x\" { seed = 1  dim = 2  points = 4 } // keep me\nclass c=linear()\n";
    let o = Test::new().spec(messy).args(&["fmt", "--check", "spec.icl"]).status(1).stdout("+class c = linear()").run();
    assert_eq!(std::fs::read_to_string(o.dir.join("spec.icl")).unwrap(), messy, "--check changes nothing");
    let o = Test::new().spec(messy).args(&["fmt", "spec.icl"]).run();
    let formatted = std::fs::read_to_string(o.dir.join("spec.icl")).unwrap();
    assert!(formatted.contains("} // keep me\nclass c = linear()"), "{formatted}");
    Test::new().spec(&formatted).args(&["fmt", "--check", "spec.icl"]).run();
}

#[test]
fn several_seeds_train_replicates_whose_mean_the_report_shows() {
    let rows_for = |spec: &str| -> (String, Vec<Vec<f64>>) {
        let o = Test::new().spec(spec).args(&["run", "spec.icl", "--out", "out"]).run();
        let md = std::fs::read_to_string(o.dir.join("out/report.md")).unwrap();
        // The mean column of the model `t` at each k.
        let means = model_rows(&md)
            .iter()
            .skip(2)
            .map(|l| vec![l.split('|').nth(2).unwrap().trim().split(' ').next().unwrap().parse::<f64>().unwrap()])
            .collect();
        (md, means)
    };
    let (md, both) = rows_for(&TINY.replace("lr = 1e-3", "lr = 1e-3  seeds = [1, 2]"));
    let (_, one) = rows_for(&TINY.replace("lr = 1e-3", "lr = 1e-3  seed = 1"));
    let (_, two) = rows_for(&TINY.replace("lr = 1e-3", "lr = 1e-3  seed = 2"));
    assert!(md.contains("| t (seed 1) |") && md.contains("| t (seed 2) |"), "one training row per seed:\n{md}");
    assert!(md.contains("Mean over training seeds for `t` (2)"), "the caption says what the curve is");
    assert_eq!(both.len(), one.len());
    for ((b, o), t) in both.iter().zip(&one).zip(&two) {
        // The report rounds to 4 significant digits.
        let want = (o[0] + t[0]) / 2.0;
        assert!((b[0] - want).abs() <= 1e-3 * want.abs().max(1e-3), "replicate mean {b:?} vs ({o:?} + {t:?}) / 2");
    }
}

#[test]
fn every_class_input_mixture_convex_combination_and_baseline_runs_end_to_end() {
    let spec =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/ok/everything_runs.icl"))
            .unwrap();
    let o = Test::new().spec(&spec).args(&["run", "spec.icl", "--out", "out"]).stdout("claims: 2 of 2 hold").run();
    let md = std::fs::read_to_string(o.dir.join("out/report.md")).unwrap();
    let classes = ["dense", "scaled", "sparse", "relu", "wave", "tree", "square", "noisy_dense", "blend", "everything"];
    for task in classes {
        assert!(
            md.contains(&format!("Error against in-context examples — `classes` on `{task}`")),
            "figure for {task}"
        );
    }
    let baselines = [
        "least_squares",
        "ridge(alpha = 0.1)",
        "lasso(alpha = 0.01)",
        "knn(k = 2)",
        "averaging",
        "zero",
        "relu_gd(hidden = 4, steps = 10, lr = 0.005)",
        "tree(depth = 2)",
    ];
    let header = md.lines().find(|l| l.starts_with("| k | m |")).expect("a numbers table");
    for b in baselines {
        assert!(header.contains(b), "column for {b}: {header}");
    }
    let svgs = std::fs::read_dir(o.dir.join("out"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "svg"))
        .count();
    // A mixture's prompts are also shown split by the component drawn.
    for c in ["dense", "sparse"] {
        let title = format!("— `exact` on `0.5 * dense + 0.5 * sparse` whose function was drawn from `{c}`");
        assert!(md.contains(&title), "component figure for {c}");
    }
    let split = md.lines().filter(|l| l.starts_with("### ") && l.contains("whose function was drawn from")).count();
    assert!(split > 2, "the nine-class mixture is split too");
    // 10 tasks × 7 input distributions, 4 exact tasks, the split figures, the sweep, and the training
    // loss, learning rate and curriculum.
    assert_eq!(svgs, 10 * 7 + 4 + split + 1 + 3);
    assert!(md.contains("| m | 1 | 1 | 3 |"), "the curriculum's first stage: {md}");
    assert!(md.contains("### <a id=\"fig-training-lr\"></a>Learning rate"), "the learning-rate figure");
    assert!(md.contains("Error at k = 3 against `n`"), "the sweep figure");
}

/// The error table of the model column in a report: one line per k.
fn model_rows(md: &str) -> Vec<String> {
    md.lines()
        .skip_while(|l| !l.starts_with("| k | t |"))
        .take_while(|l| l.starts_with('|'))
        .map(String::from)
        .collect()
}

#[test]
fn a_model_saved_by_one_run_evaluates_identically_when_another_loads_it() {
    let first = Test::new().spec(TINY).args(&["run", "spec.icl", "--out", "out"]).run();
    let weights = std::fs::read_dir(first.dir.join("out/cache"))
        .unwrap()
        .map(|e| e.unwrap().path().join("model.safetensors"))
        .find(|p| p.exists())
        .expect("the trained weights are in the cache");
    let loaded = TINY.replace(
        "train t { model = m  data = dense  steps = 20  batch = 8  lr = 1e-3 }",
        "train t { model = m  data = dense  init = checkpoint(\"w.safetensors\")  steps = 0 }",
    );
    let second = Test::new()
        .file("w.safetensors", &std::fs::read(&weights).unwrap())
        .spec(&loaded)
        .args(&["run", "spec.icl", "--out", "out"])
        .run();
    let (a, b) = (
        std::fs::read_to_string(first.dir.join("out/report.md")).unwrap(),
        std::fs::read_to_string(second.dir.join("out/report.md")).unwrap(),
    );
    assert!(model_rows(&a).len() > 5, "{a}");
    assert_eq!(model_rows(&a), model_rows(&b), "the same weights give the same errors");
    assert!(b.contains("w.safetensors (sha256 "), "the report names the file");
    assert!(b.contains("| t | 0 | — |"), "no training, no final loss: {b}");
}

#[test]
fn weights_from_the_pytorch_reference_run_through_iclc() {
    for golden in common::golden_files("gpt2_", ".safetensors") {
        reference_weights_run(&golden);
    }
}

fn reference_weights_run(golden: &Path) {
    let bytes = std::fs::read(golden).unwrap();
    let (_, meta) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
    let meta = meta.metadata().clone().unwrap();
    let tensors = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    // The reference's state_dict: `param.`-less names, plus the causal-mask buffer HF keeps.
    let mut named: Vec<(String, safetensors::tensor::TensorView)> = tensors
        .tensors()
        .into_iter()
        .filter_map(|(k, v)| k.strip_prefix("param.").map(|n| (n.to_string(), v)))
        .collect();
    let mask = vec![0u8; 4];
    named.push((
        "_backbone.h.0.attn.bias".into(),
        safetensors::tensor::TensorView::new(safetensors::Dtype::F32, vec![1, 1, 1, 1], &mask).unwrap(),
    ));
    let file = safetensors::serialize(named, None).unwrap();
    let spec = format!(
        r#"experiment "ref" {{ seed = 1  dim = {d}  points = {p} }}
class dense = linear()
train reference {{ model = transformer(layers = {l}, width = {w}, heads = {h})  data = dense  init = checkpoint("ref.safetensors")  steps = 0 }}
eval curve {{ models = [reference]  tasks = [dense]  baselines = [zero]  prompts = 32 }}
"#,
        d = meta["n_dims"],
        p = meta["points"],
        l = meta["n_layer"],
        w = meta["n_embd"],
        h = meta["n_head"]
    );
    let o = Test::new().file("ref.safetensors", &file).spec(&spec).args(&["run", "spec.icl", "--out", "out"]).run();
    let md = std::fs::read_to_string(o.dir.join("out/report.md")).unwrap();
    assert!(md.contains("ref.safetensors (sha256 "), "{md}");
    // A model of another shape is refused with the parameter that does not fit.
    let wrong = spec
        .replace(&format!("width = {}", meta["n_embd"]), "width = 8")
        .replace(&format!("heads = {}", meta["n_head"]), "heads = 2");
    Test::new()
        .file("ref.safetensors", &file)
        .spec(&wrong)
        .args(&["run", "spec.icl", "--out", "out"])
        .status(1)
        .stderr("cannot start from")
        .stderr("has shape")
        .run();
}

#[test]
fn a_missing_weights_file_is_reported_before_anything_runs() {
    let spec = TINY.replace("steps = 20", "init = checkpoint(\"nope.safetensors\")  steps = 20");
    let o = Test::new()
        .spec(&spec)
        .args(&["run", "spec.icl", "--out", "out"])
        .status(1)
        .stderr("E0001")
        .stderr("nope.safetensors")
        .run();
    assert!(!o.dir.join("out/cache").exists(), "nothing ran");
    // Zero steps are only allowed for a loaded model.
    Test::new()
        .spec(&TINY.replace("steps = 20", "steps = 0"))
        .args(&["check", "spec.icl"])
        .status(1)
        .stderr("E0106")
        .run();
}

#[test]
fn a_function_plot_draws_the_function_its_examples_and_each_models_prediction() {
    let spec = r#"
experiment "plot" { seed = 2  dim = 1  points = 6 }
class wave = sine(amp = 1, freq ~ uniform(0.5, 2), phase ~ uniform(0, 2 * pi))
train t { model = transformer(layers = 1, width = 16, heads = 2)  data = wave  steps = 5  batch = 8 }
eval curve { models = [t]  tasks = [wave]  baselines = [zero]  prompts = 16 }
figure one_wave = function_plot(curve, wave, k = 4)
"#;
    let o = Test::new().spec(spec).args(&["run", "spec.icl", "--out", "out"]).run();
    let md = std::fs::read_to_string(o.dir.join("out/report.md")).unwrap();
    assert!(md.contains("In-context predictions of one function — `curve` on `wave`, k = 4"), "{md}");
    let svg = std::fs::read_to_string(o.dir.join("out/fig-one-wave.svg")).unwrap();
    assert!(svg.contains("the 4 examples") && svg.contains("f, drawn from wave"), "legend");
    // The table samples the grid: x from -3 up, f(x) within the sine's amplitude, one model column.
    let header = md.lines().find(|l| l.starts_with("| x | f(x) |")).expect("the plot's table");
    assert!(header.contains("| t |"), "{header}");
    let rows: Vec<&str> =
        md.lines().skip_while(|l| !l.starts_with("| x | f(x) |")).skip(2).take_while(|l| l.starts_with('|')).collect();
    assert!(rows.len() >= 10, "{rows:?}");
    let fx: Vec<f64> = rows.iter().map(|r| r.split('|').nth(2).unwrap().trim().parse().unwrap()).collect();
    assert!(fx.iter().all(|v| v.abs() <= 1.0 + 1e-6), "sine values: {fx:?}");
}
