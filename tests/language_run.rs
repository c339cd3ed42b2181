//! A spec that trains language models runs end to end (issue 12, in progress): a GPT-2 causal LM
//! and an LSTM on aⁿbⁿ, their records and weights in the store, and a second run from the store.
mod common;
use common::builder::Test;

const SPEC: &str = r#"
experiment "lm" { seed = 1  dim = 1  points = 2 }
class ab = anbn(max_n = 4)
model lm = causal_lm(layers = 1, width = 8, heads = 2, context = 16, positions = sinusoidal)
model rnn = lstm(layers = 1, hidden = 8, context = 16)
train t { data = ab  model = lm  steps = 20  lr = 1e-2  checkpoint_every = 5 }
train r { data = ab  model = rnn  steps = 20  lr = 1e-2 }
train adv { data = ab  model = lm  steps = 20  lr = 1e-2  completions = adversarial(weight = 0.1, batch = 4, length = 3) }
"#;

#[test]
fn language_models_train_from_a_spec_and_are_read_back_from_the_store() {
    let o = Test::new().spec(SPEC).args(&["run", "spec.icl", "--out", "out", "--jobs", "1"]).stderr("trained t").run();
    let md = std::fs::read_to_string(o.dir.join("out/report.md")).unwrap();
    assert!(md.contains("| t | 20 |") && md.contains("| r | 20 |") && md.contains("| adv | 20 |"), "{md}");
    assert!(
        md.contains("next-token cross-entropy") && !md.contains("mean squared error"),
        "the loss is named as it is"
    );
    let weights: Vec<_> =
        walk(&o.dir.join("out/cache")).into_iter().filter(|p| p.ends_with("model.safetensors")).collect();
    assert_eq!(weights.len(), 3, "one weights file per training");
    let again = Test::new()
        .file("spec.icl", SPEC.as_bytes())
        .args(&["run", "spec.icl", "--out", o.dir.join("out").to_str().unwrap()])
        .stderr("(cached)")
        .run();
    drop(again);
    let md = std::fs::read_to_string(o.dir.join("out/report.md")).unwrap();
    assert!(md.contains("| jobs from cache | 3 |"), "every training read back from the store");
}

#[test]
fn a_language_model_on_a_function_class_or_in_a_regression_evaluation_is_refused() {
    Test::new()
        .spec(&format!("{SPEC}train bad {{ data = linear()  model = lm  steps = 5 }}\n"))
        .args(&["check", "spec.icl"])
        .status(1)
        .stderr("is a function class, and this model reads tokens")
        .run();
    Test::new()
        .spec(&format!("{SPEC}train d {{ data = dyck(pairs = 2, max_depth = 2)  model = lm  steps = 5  completions = oracle(weight = 1) }}\n"))
        .args(&["check", "spec.icl"])
        .status(1)
        .stderr("`oracle` completions are not defined for this data")
        .run();
    Test::new()
        .spec(&format!("{SPEC}eval e {{ models = [t]  tasks = [linear()]  prompts = 4 }}\n"))
        .args(&["check", "spec.icl"])
        .status(1)
        .stderr("is a language model; this evaluation scores (x, y) predictions")
        .run();
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
