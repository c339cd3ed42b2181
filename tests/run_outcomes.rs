//! What a run leaves when a job fails (`--keep-going`), and that the tidy results hold exactly the
//! numbers of the report's tables.
mod common;
use common::builder::Test;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

/// `bad` diverges at its second step (learning rate 1e12); `good` and its evaluation do not need it.
const FAILING: &str = r#"
experiment "keep" { seed = 2  dim = 3  points = 6 }
class dense = linear()
model m = transformer(layers = 1, width = 16, heads = 2)
train good { model = m  data = dense  steps = 50  batch = 8 }
train bad { model = m  data = dense  steps = 50  batch = 8  lr = 1e12 }
eval on_good { models = [good]  tasks = [dense]  baselines = [least_squares, zero]  prompts = 64 }
eval on_bad { models = [bad]  tasks = [dense]  baselines = [least_squares]  prompts = 64 }
claim "least squares beats the zero predictor" { error(on_good, least_squares, dense, k = 4) < error(on_good, zero, dense, k = 4) }
claim "the diverging model is accurate" { error(on_bad, bad, dense, k = 4) < 1 }
"#;

fn iclc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iclc")).args(args).current_dir(dir).output().unwrap()
}

#[test]
fn a_failed_training_stops_the_run_unless_keep_going_which_reports_what_failed() {
    let t = Test::new().spec(FAILING).args(&["run", "spec.icl", "--out", "out", "--jobs", "1"]).status(1).run();
    assert!(t.stderr.contains("training `bad` failed") && t.stderr.contains("--keep-going"), "{}", t.stderr);
    assert!(!t.dir.join("out/report.md").exists(), "no report without --keep-going");

    let kept = iclc(&t.dir, &["run", "spec.icl", "--out", "out", "--keep-going"]);
    let said = String::from_utf8_lossy(&kept.stdout);
    assert_eq!(kept.status.code(), Some(1), "a job failed: {said}");
    assert!(said.contains("PASS  least squares beats the zero predictor"), "{said}");
    assert!(said.contains("MISSING  the diverging model is accurate"), "{said}");
    let md = std::fs::read_to_string(t.dir.join("out/report.md")).unwrap();
    let section = &md[md.find("## Jobs not done").expect("the report lists what was not done")..];
    assert!(section.contains("train bad (seed 2)") && section.contains("| failed | training `bad` failed"), "{md}");
    assert!(section.contains("eval on_bad/dense") && section.contains("it needs bad (seed 2)"), "{md}");
    assert!(
        md.contains("1 of 2</strong>") || md.contains("**Claims: 1 of 2 hold** (0 fail, 0 inconclusive, 1 missing)"),
        "{md}"
    );
    let claims: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.dir.join("out/claims.json")).unwrap()).unwrap();
    assert_eq!((claims[0]["verdict"].as_str(), claims[1]["verdict"].as_str()), (Some("PASS"), Some("MISSING")));
    let missing = &md[md.find("### MISSING").unwrap()..];
    let missing = &missing[..missing.find("\n## ").unwrap_or(missing.len())];
    assert!(!missing.contains("Shown in"), "no link to a figure that was not drawn: {missing}");
}

/// Two evaluations, one replicated model, a mixture (whose components get their own tables) and a
/// scaled input distribution.
const TABLES: &str = r#"
experiment "tables" { seed = 3  dim = 3  points = 7 }
class dense = linear()
class sparse = sparse_linear(nnz = 1)
class both = 0.5 * dense + 0.5 * sparse
model m = transformer(layers = 1, width = 16, heads = 2)
train a { model = m  data = both  steps = 60  batch = 8  seeds = [1, 2] }
train b { model = m  data = dense  steps = 60  batch = 8 }
eval curve { models = [a, b]  tasks = [dense, both]  baselines = [least_squares, zero]  prompts = 48 }
eval wide { models = [a]  tasks = [sparse]  inputs = [scaled(factor = 2)]  baselines = [least_squares]  prompts = 32 }
"#;

#[test]
fn results_csv_holds_exactly_the_numbers_of_the_report_tables() {
    let t = Test::new().spec(TABLES).args(&["run", "spec.icl", "--out", "out"]).run();
    let md = std::fs::read_to_string(t.dir.join("out/report.md")).unwrap();
    let csv = std::fs::read_to_string(t.dir.join("out/results.csv")).unwrap();
    let fmt = |v: &str| iclc::report::format_number(v.parse::<f64>().unwrap());
    // Each replicate-mean row of the csv, as the report prints it: "mean [lo, hi]".
    let mut tidy: BTreeMap<(String, String, String, String, String), String> = BTreeMap::new();
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    for line in lines {
        let f: Vec<&str> = split_csv(line);
        if !f[col("seed")].is_empty() {
            continue; // one replicate: the report shows the mean over seeds
        }
        let key = (f[col("eval")], f[col("task")], f[col("component")], f[col("predictor")], f[col("k")]);
        let key = (key.0.to_string(), key.1.to_string(), key.2.to_string(), key.3.to_string(), key.4.to_string());
        let cell = format!("{} [{}, {}]", fmt(f[col("mean")]), fmt(f[col("lo")]), fmt(f[col("hi")]));
        assert!(tidy.insert(key, cell).is_none(), "a duplicate row: {line}");
    }
    // Every cell of the report's error tables, under the figure heading that names eval, task and component.
    let mut shown: BTreeMap<(String, String, String, String, String), String> = BTreeMap::new();
    let mut table: Option<(String, String, String)> = None;
    let mut columns: Vec<String> = vec![];
    for line in md.lines() {
        if line.starts_with("### ") {
            table = figure_of(line);
            columns.clear();
        } else if let Some((eval, task, component)) = &table
            && line.starts_with("| ")
        {
            let cells: Vec<String> = line.trim_matches('|').split(" | ").map(|c| c.trim().to_string()).collect();
            if cells[0] == "k" {
                columns = cells;
            } else if !columns.is_empty() {
                for (predictor, cell) in columns.iter().zip(&cells).skip(1) {
                    let key = (eval.clone(), task.clone(), component.clone(), predictor.clone(), cells[0].clone());
                    shown.insert(key, cell.clone());
                }
            }
        }
    }
    assert!(shown.len() > 100, "the report's tables were read: {} cells", shown.len());
    assert_eq!(shown, tidy, "results.csv and the report's tables differ");
}

/// `(eval, task, component)` of an error figure's heading: ``… — `curve` on `both` (component `dense`)``.
fn figure_of(heading: &str) -> Option<(String, String, String)> {
    if !heading.contains("Error against in-context examples") {
        return None;
    }
    let quoted: Vec<&str> = heading.split('`').skip(1).step_by(2).collect();
    match quoted.as_slice() {
        [eval, task] => Some((eval.to_string(), task.to_string(), String::new())),
        [eval, task, component] => Some((eval.to_string(), task.to_string(), component.to_string())),
        _ => None,
    }
}

/// A csv line's fields, with quoted fields (commas inside) kept whole.
fn split_csv(line: &str) -> Vec<&str> {
    let mut fields = vec![];
    let (mut start, mut quoted) = (0, false);
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                fields.push(line[start..i].trim_matches('"'));
                start = i + 1;
            }
            _ => {}
        }
    }
    fields.push(line[start..].trim_matches('"'));
    fields
}
