//! A spec that trains Li et al.'s pattern classifier and evaluates it runs end to end: its
//! evaluation classifies held-out-task prompts after every k examples, pruned models sit beside
//! whole ones (rate 0 is the whole model, rate 1 a constant output), and the claims' attention and
//! hinge loss are the record's numbers pooled over seeds.
mod common;
use common::builder::Test;

const SPEC: &str = r#"
experiment "patterns" { seed = 1  dim = 10  points = 7 }
class p = patterns(relevant = 3, irrelevant = 6, train_tasks = 4, alpha = 0.6)
model net = pattern_net(neurons = 8)
train t { data = p  model = net  steps = 150  batch = 32  lr = 1  optimizer = sgd  clip = 1  weight_decay = 0  seeds = [1, 2] }
eval e {
  models = [t, prune(t, rate = 0, order = smallest), prune(t, rate = 1, order = largest), prune(t, rate = 0.5, order = random)]
  tasks = [p]
  prompts = 200
}
train lg { data = p  model = net  steps = 150  batch = 32  lr = 1  optimizer = sgd  loss = logistic }
train gpt { data = p  model = transformer(layers = 1, width = 8, heads = 2)  steps = 30  batch = 16 }
eval l { models = [lg, gpt]  tasks = [p]  prompts = 200 }
claim "classified" { error(e, t, p, k = 6) < 0.5 }
claim "attends" { attention(e, t, p) >= 0 }
claim "margin" { hinge(e, prune(t, rate = 0.5, order = random), p, k = 6) >= 0 }
"#;

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

#[test]
fn a_classification_spec_runs_and_its_claims_read_the_record() {
    let o = Test::new().spec(SPEC).args(&["run", "spec.icl", "--out", "out", "--jobs", "2"]).run();
    let records: Vec<serde_json::Value> = walk(&o.dir.join("out/cache"))
        .into_iter()
        .filter(|p| p.ends_with("eval.json"))
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .collect();
    let eval = records
        .iter()
        .find(|r| r["record"]["data"]["tables"]["errors"].as_array().unwrap().len() == 8)
        .expect("the pruning evaluation");
    // The transformer on the same prompts: a 0-1 error for every query and k, no attention of its
    // own (only the one-layer network's head is recorded).
    let other = records
        .iter()
        .find(|r| r["record"]["data"]["tables"]["errors"].as_array().unwrap().len() == 2)
        .expect("the second evaluation");
    assert_eq!(other["record"]["data"]["attention"].as_array().map_or(0, Vec::len), 1, "lg's attention only");
    let gpt = floats(&other["record"]["data"]["tables"]["errors"][1][1]);
    assert_eq!(gpt.len(), 200 * 7);
    assert!(gpt.iter().all(|e| [0.0, 0.5, 1.0].contains(e)));
    let (n, points) = (200, 7);
    assert_eq!(eval["record"]["kind"], "classification", "the record is tagged by its kind");
    let labels = floats(&eval["record"]["data"]["labels"]);
    assert_eq!(labels.len(), n);
    assert!(labels.iter().all(|y| y.abs() == 1.0));
    // Per seed: the whole model, then its pruned versions in the evaluation's order.
    let names: Vec<String> = eval["record"]["data"]["tables"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[0]["model"].to_string())
        .collect();
    assert_eq!(names.len(), 8, "{names:?}");
    let (errors, predictions) = (
        eval["record"]["data"]["tables"]["errors"].as_array().unwrap(),
        eval["record"]["data"]["tables"]["predictions"].as_array().unwrap(),
    );
    for seed in 0..2 {
        let at = |i: usize| (floats(&errors[seed * 4 + i][1]), floats(&predictions[seed * 4 + i]));
        let (whole, none_pruned, all_pruned) = (at(0), at(1), at(2));
        assert_eq!(whole, none_pruned, "pruning nothing changes nothing");
        assert!(all_pruned.1.iter().all(|f| *f == 0.0), "pruning every neuron leaves a constant output");
        assert!(all_pruned.0.iter().all(|e| *e == 0.5), "a constant output is a tie: error ½");
        // No context, no evidence: every model's output is 0 at k = 0.
        assert!((0..n).all(|r| whole.1[r * points] == 0.0 && whole.0[r * points] == 0.5));
        // The error is the sign's: 0 when y·F > 0.
        for (r, y) in labels.iter().enumerate() {
            let (f, e) = (whole.1[r * points + 6], whole.0[r * points + 6]);
            let want = if f * y > 0.0 {
                0.0
            } else if f == 0.0 {
                0.5
            } else {
                1.0
            };
            assert_eq!(e, want, "prompt {r}: F = {f}, y = {y}");
        }
    }
    let claims: serde_json::Value =
        serde_json::from_slice(&std::fs::read(o.dir.join("out/claims.json")).unwrap()).unwrap();
    let read = |c: usize| claims[c]["quantities"][0]["mean"].as_f64().unwrap();
    assert!(read(0) < 0.5, "150 steps learn the held-out tasks better than chance: {}", read(0));
    // Attention: both seeds' masses, pooled.
    let masses: Vec<f64> =
        eval["record"]["data"]["attention"].as_array().unwrap().iter().flat_map(|a| floats(&a["mass"])).collect();
    assert_eq!(masses.len(), 2 * n);
    assert!(masses.iter().all(|m| (0.0..=1.0 + 1e-6).contains(m)));
    let mean = masses.iter().sum::<f64>() / masses.len() as f64;
    assert!((read(1) - mean).abs() < 1e-9, "{} vs {mean}", read(1));
    // Hinge loss of the randomly pruned model at k = 6, both seeds pooled.
    let mut hinge = 0.0;
    for seed in 0..2 {
        let f = floats(&predictions[seed * 4 + 3]);
        hinge += (0..n).map(|r| (1.0 - f[r * points + 6] * labels[r]).max(0.0)).sum::<f64>();
    }
    assert!((read(2) - hinge / (2 * n) as f64).abs() < 1e-6, "{} vs {}", read(2), hinge / (2 * n) as f64);
    let md = std::fs::read_to_string(o.dir.join("out/report.md")).unwrap();
    for shown in [
        "Attention on same-pattern examples — `e`",
        "Error against the share of neurons pruned — `e` on `p`",
        "Hinge loss against the share of neurons pruned",
        "Mean 0-1 error",
        "the mean hinge loss",
        "the mean logistic loss",
    ] {
        assert!(md.contains(shown), "the report shows {shown:?}");
    }
    assert!(!md.contains("squared error"), "a classification report names its own metric");
}
