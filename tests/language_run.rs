//! A spec that trains and evaluates language models runs end to end: a GPT-2 causal LM and an LSTM
//! on aⁿbⁿ, their records and weights in the store, a second run from the store, and a language
//! evaluation whose completions are scored and read by claims.
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
    let refused = [
        ("train bad { data = linear()  model = lm  steps = 5 }", "is regression data, and this model reads tokens"),
        (
            "train d { data = dyck(pairs = 2, max_depth = 2)  model = lm  steps = 5  completions = oracle(weight = 1) }",
            "`oracle` completions are not defined for this data",
        ),
        (
            "eval e { models = [t]  tasks = [linear()]  prompts = 4 }",
            "is no language; this evaluation completes prompts",
        ),
    ];
    for (item, message) in refused {
        Test::new().spec(&format!("{SPEC}{item}\n")).args(&["check", "spec.icl"]).status(1).stderr(message).run();
    }
}

const EVAL: &str = r#"
eval rules { models = [t, r]  tasks = [ab]  prompts = all(length = 3)  decode = greedy(max_new = 10)  at = every(10) }
claim "t keeps R2 on its OOD completions" { rate(rules, t, r2_completion, prompts = ood) >= 0.5 }
claim "loss" { test_loss(rules, t, at = 10) > test_loss(rules, t) }
claim "among" { rate(rules, t, r2, prompts = id, among = finished) >= 0 }
"#;

#[test]
fn a_language_evaluation_scores_every_prompt_and_its_claims_read_the_rates() {
    let spec = SPEC.replace("checkpoint_every = 5 }", "checkpoint_every = 5  seeds = [1, 2] }");
    let o = Test::new().spec(&format!("{spec}{EVAL}")).args(&["run", "spec.icl", "--out", "out", "--jobs", "2"]).run();
    let record = walk(&o.dir.join("out/cache"))
        .into_iter()
        .find(|p| p.ends_with("eval.json"))
        .expect("the evaluation's record is in the store");
    let eval: serde_json::Value = serde_json::from_slice(&std::fs::read(record).unwrap()).unwrap();
    assert_eq!(eval["record"]["kind"], "tokens", "the record is tagged by its kind");
    let lang = &eval["record"]["data"];
    // aⁿbⁿ prompts of length 3: aaa and aab start a word, the other six never do.
    let prompts: Vec<&str> = lang["prompts"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert_eq!(prompts, ["aaa", "aab", "aba", "abb", "baa", "bab", "bba", "bbb"]);
    let ood: Vec<bool> = lang["ood"].as_array().unwrap().iter().map(|b| b.as_bool().unwrap()).collect();
    assert_eq!(ood, [false, false, true, true, true, true, true, true]);
    let metrics: Vec<&str> = lang["metrics"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    let reps = lang["replicates"].as_array().unwrap();
    // t (2 seeds) and r (1), each at its final weights and at step 10.
    assert_eq!(reps.len(), 6);
    // The claim's rate is the share of t's final OOD completions that keep R2, both seeds pooled.
    let k = metrics.iter().position(|m| *m == "r2_completion").unwrap();
    let (mut kept, mut n) = (0, 0);
    for r in reps.iter().filter(|r| r["model"] == "t" && r["step"].is_null()) {
        let scores: Vec<u64> = r["scores"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        for (i, _) in ood.iter().enumerate().filter(|(_, o)| **o) {
            kept += scores[i * metrics.len() + k];
            n += 1;
        }
        // Each stored completion, scored again by the language's rules, gives its stored row.
        let texts = r["completions"].as_array().unwrap();
        assert_eq!(texts.len(), 8);
        for (i, text) in texts.iter().enumerate() {
            let lang = iclc::tasks::languages::Anbn { max_n: 4 };
            use iclc::tasks::languages::Language as _;
            let text = text.as_str().unwrap();
            let (body, eos) = text.strip_suffix('$').map_or((text, false), |b| (b, true));
            let mut generated = lang.read(body).unwrap();
            generated.extend(eos.then_some(lang.eos()));
            let prompt = lang.read(prompts[i]).unwrap();
            let flags: Vec<u64> =
                iclc::tasks::languages::score(&lang, &prompt, &generated).flags().into_iter().map(u64::from).collect();
            assert_eq!(flags, scores[i * metrics.len()..(i + 1) * metrics.len()], "prompt {} → {text}", prompts[i]);
        }
    }
    assert_eq!(n, 12);
    let claims: serde_json::Value =
        serde_json::from_slice(&std::fs::read(o.dir.join("out/claims.json")).unwrap()).unwrap();
    let read = claims[0]["quantities"][0]["mean"].as_f64().unwrap();
    assert!((read - kept as f64 / n as f64).abs() < 1e-12, "{read} vs {kept}/{n}");
    // `among`: R2 over the finished completions of t's two ID prompts, both seeds pooled.
    let at = |name: &str| metrics.iter().position(|m| *m == name).unwrap();
    let (fin, r2, m) = (at("finished"), at("r2"), metrics.len());
    let (mut kept, mut counted) = (0, 0);
    for r in reps.iter().filter(|r| r["model"] == "t" && r["step"].is_null()) {
        let s: Vec<u64> = r["scores"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        for i in (0..2).filter(|&i| s[i * m + fin] == 1) {
            counted += 1;
            kept += s[i * m + r2];
        }
    }
    assert!(counted > 0, "t finishes some ID completions");
    let among = claims[2]["quantities"][0]["mean"].as_f64().unwrap();
    assert!((among - kept as f64 / counted as f64).abs() < 1e-12, "{among} vs {kept}/{counted}");
    let md = std::fs::read_to_string(o.dir.join("out/report.md")).unwrap();
    assert!(md.contains("Rules kept out of distribution") && md.contains("| t | r2_completion |"), "{md}");
    assert!(md.contains("against test loss over training"), "the evaluation reads steps: the loss figure is drawn");
    assert!(!md.contains("Error against in-context examples"), "no regression figure for a language evaluation");
    // The figure says what each metric counts, and no rate of a count on the completion alone.
    assert!(md.contains("| `r2_completion` | no a after a b among the new tokens alone |"), "{md}");
    assert!(md.contains("| `grammatical` | prompt + completion is a word of the language: 0 on out-of-distribution"));
    assert!(!md.contains("r1_completion"), "R1 counts the whole word");
    use iclc::tasks::languages::Language as _;
    let floor = iclc::tasks::languages::minimum_loss(&iclc::tasks::languages::Anbn { max_n: 4 }.words());
    let floor = iclc::report::format_number(floor);
    assert!(md.contains(&format!("the lowest a model can reach is {floor},")), "{floor} in {md}");
    // A report of languages alone speaks neither of squared errors nor of intervals over prompts.
    assert!(!md.contains("squared errors") && !md.contains("intervals over prompts"), "{md}");
    assert!(md.contains("resample the training seeds alone"));
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

#[test]
fn lowest_loss_selection_keeps_the_weights_with_the_least_loss_on_the_words() {
    let spec = format!(
        "{SPEC}train s {{ data = ab  model = lm  steps = 20  lr = 3e-2  checkpoint_every = 5  select = lowest_loss }}\n\
         eval listed {{ models = [s]  tasks = [ab]  prompts = [\"bbb\", \"aab\", \"ba\"]  decode = greedy(max_new = 8) }}\n"
    );
    let o = Test::new().spec(&spec).args(&["run", "spec.icl", "--out", "out", "--jobs", "1"]).run();
    let files = walk(&o.dir.join("out/cache"));
    // The selecting job is the one whose record names a selection.
    let (dir, record) = files
        .iter()
        .filter(|p| p.ends_with("train.json"))
        .map(|p| {
            (
                p.parent().unwrap().to_path_buf(),
                serde_json::from_slice::<serde_json::Value>(&std::fs::read(p).unwrap()).unwrap(),
            )
        })
        .find(|(_, r)| r.get("selected").is_some())
        .expect("a record with its selection");
    let (step, loss) = (record["selected"][0].as_u64().unwrap(), record["selected"][1].as_f64().unwrap());
    // Every candidate's loss on all of the language's words, recomputed through the library.
    let lang = iclc::tasks::languages::Anbn { max_n: 4 };
    use iclc::tasks::languages::Language as _;
    let words = iclc::tasks::languages::TokenBatch::framed(&lang, &lang.words());
    let shape = iclc::spec::ModelSpec {
        layers: 1,
        width: 8,
        heads: 2,
        arch: iclc::spec::Arch::CausalLm { context: 16, positions: iclc::spec::Positions::Sinusoidal },
    };
    let target = iclc::model::Target::open(&Default::default()).unwrap();
    let loss_of = |file: &str| {
        let m = iclc::model::LanguageModel::load(&shape, lang.vocab(), &dir.join(file), &target).unwrap();
        f64::from(m.loss(&words).unwrap())
    };
    let mut candidates: Vec<(u64, String)> = record["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["step"].as_u64().unwrap(), s["file"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(candidates.iter().map(|c| c.0).collect::<Vec<_>>(), [5, 10, 15], "every checkpoint_every steps is kept");
    candidates.push((20, "model.safetensors".into()));
    let losses: Vec<f64> = candidates.iter().map(|(_, f)| loss_of(f)).collect();
    let least = losses.iter().copied().fold(f64::INFINITY, f64::min);
    assert!((loss - least).abs() < 1e-6, "kept loss {loss}, least {least} of {losses:?}");
    let kept = candidates.iter().zip(&losses).rev().find(|(_, l)| **l == least).unwrap().0;
    assert_eq!(step, kept.0);
    assert_eq!(record["checkpoint"].as_str().unwrap(), kept.1, "evaluations read the kept weights");
    let md = std::fs::read_to_string(o.dir.join("out/report.md")).unwrap();
    assert!(md.contains(&format!("(kept {step}: lowest loss")), "the report names the step kept");
    // Listed prompts: in-distribution first, each split as the language starts words.
    let eval = files.iter().find(|p| p.ends_with("eval.json")).unwrap();
    let eval: serde_json::Value = serde_json::from_slice(&std::fs::read(eval).unwrap()).unwrap();
    assert_eq!(eval["record"]["data"]["prompts"], serde_json::json!(["aab", "bbb", "ba"]));
    assert_eq!(eval["record"]["data"]["ood"], serde_json::json!([false, true, true]));
}

#[test]
fn sgd_starts_where_adamw_does_and_then_takes_its_own_steps() {
    let spec = format!("{SPEC}train rs {{ data = ab  model = rnn  steps = 20  lr = 1e-2  optimizer = sgd }}\n");
    let o = Test::new().spec(&spec).args(&["run", "spec.icl", "--out", "out", "--jobs", "2"]).run();
    let csv = std::fs::read_to_string(o.dir.join("out/training.csv")).unwrap();
    let losses = |run: &str| -> Vec<f64> {
        csv.lines()
            .filter(|l| l.starts_with(&format!("{run},")))
            .map(|l| l.split(',').nth(3).unwrap().parse().unwrap())
            .collect()
    };
    let (adamw, sgd) = (losses("r"), losses("rs"));
    assert_eq!((adamw.len(), sgd.len()), (20, 20));
    // Same init and data: the first loss (before any update) is the same; the updates differ.
    assert_eq!(adamw[0], sgd[0]);
    assert!(adamw[1..].iter().zip(&sgd[1..]).all(|(a, s)| a != s), "{adamw:?} {sgd:?}");
    // AdamW's normalised steps move a fresh LSTM faster than plain SGD at the same rate.
    assert!(adamw[19] < sgd[19], "{} vs {}", adamw[19], sgd[19]);
}

#[test]
fn language_intervals_resample_the_seeds_not_the_whole_population_and_small_counts_stay_wide() {
    let spec = SPEC.replace("checkpoint_every = 5 }", "checkpoint_every = 5  seeds = [1, 2] }");
    let claims = r#"
eval rules { models = [t]  tasks = [ab]  prompts = all(length = 3)  decode = greedy(max_new = 10) }
claim "loss" { test_loss(rules, t) > 0 }
claim "few ood prompts" { rate(rules, t, grammatical, prompts = ood) <= 0.1 }
"#;
    let o = Test::new()
        .spec(&format!("{spec}{claims}"))
        .args(&["run", "spec.icl", "--out", "out", "--jobs", "2"])
        .status(2)
        .run();
    let record = walk(&o.dir.join("out/cache")).into_iter().find(|p| p.ends_with("eval.json")).unwrap();
    let eval: serde_json::Value = serde_json::from_slice(&std::fs::read(record).unwrap()).unwrap();
    // Each seed's loss over every word of the language.
    let seeds: Vec<f64> = eval["record"]["data"]["replicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let pairs = r["losses"].as_array().unwrap();
            let sum = |i: usize| pairs.iter().map(|p| p[i].as_f64().unwrap()).sum::<f64>();
            sum(0) / sum(1)
        })
        .collect();
    assert_eq!(seeds.len(), 2);
    let claims: serde_json::Value =
        serde_json::from_slice(&std::fs::read(o.dir.join("out/claims.json")).unwrap()).unwrap();
    let loss = &claims[0]["quantities"][0];
    let (lo, hi) = (loss["lo"].as_f64().unwrap(), loss["hi"].as_f64().unwrap());
    let (min, max) = (seeds[0].min(seeds[1]), seeds[0].max(seeds[1]));
    assert!(lo >= min - 1e-6 && hi <= max + 1e-6, "[{lo}, {hi}] reaches past the seeds' {seeds:?}");
    // No OOD prompt of aⁿbⁿ completes to a word: 0 of 12, which is not a certain 0.
    let rate = &claims[1]["quantities"][0];
    assert_eq!(rate["mean"].as_f64().unwrap(), 0.0);
    assert!(rate["hi"].as_f64().unwrap() > 0.05, "{rate}");
    assert_eq!(claims[1]["verdict"], "INCONCLUSIVE", "{}", claims[1]);
    assert_eq!(rate["counted"], 12, "6 OOD prompts × 2 seeds");
    assert!(loss.get("counted").is_none(), "a loss is no rate");
    let md = std::fs::read_to_string(o.dir.join("out/report.md")).unwrap();
    assert!(md.contains("(a small sample: 12 completions counted)"), "{md}");
}
