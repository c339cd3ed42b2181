//! The report rendered from fixed results equals its committed snapshot: any change to what a
//! report shows (tables, claims, numbers, wording, figure links) shows up here as a diff to
//! review. `ICLC_UPDATE_SNAPSHOTS=1 cargo test --test report_snapshot` rewrites the snapshot.
use iclc::exec::{ErrorTables, EvalOutput, ExecOutput, KindRecord, RegressionRecord, TrainOutput};
use iclc::plan::JobKind;
use iclc::report::Repro;
use iclc::source::Source;
use iclc::spec::{Compute, Predictor};
use std::path::Path;

const SPEC: &str = r#"
experiment "snapshot" {
  seed = 3
  dim = 4
  points = 9
}

class dense = linear()
class sparse = sparse_linear(nnz = 1)
class mixed = 0.5 * dense + 0.5 * sparse

train mix {
  recipe = cpu_selection
  data = mixed
  steps = 20
  seeds = [1, 2]
}

eval curve {
  models = [mix]
  tasks = [dense, sparse]
  baselines = [least_squares, zero]
  prompts = 40
}

claim "the model beats the zero predictor at k = 4" {
  error(curve, mix, dense, k = 4) < error(curve, zero, dense, k = 4)
}

claim "the model is as good as least squares at k = 6" {
  error(curve, mix, sparse, k = 6) <= error(curve, least_squares, sparse, k = 6)
}

claim "the model's error at k = 8 is below 0.01" {
  error(curve, mix, dense, k = 8) <= 0.01
}
"#;

/// A smooth, prompt-dependent error that falls with k at `rate`, from `start`.
fn curve(prompts: usize, points: usize, start: f32, rate: f32, wobble: f32) -> Vec<f32> {
    let mut out = Vec::with_capacity(prompts * points);
    for p in 0..prompts {
        for k in 0..points {
            let jitter = 1.0 + wobble * ((p * 7 + k * 3) as f32 * 0.71).sin();
            out.push(start * rate.powi(k as i32) * jitter);
        }
    }
    out
}

fn fixed_results() -> (iclc::spec::CheckedSpec, iclc::results::Results) {
    let checked = iclc::check::check_source(&Source::new("snapshot.icl", SPEC)).expect("parses");
    let spec = checked.spec.unwrap_or_else(|| panic!("checks: {:?}", checked.diagnostics));
    let plan = iclc::plan::plan(&spec, Path::new("."), &Compute::default()).expect("plans");
    let mut out = ExecOutput { train_s: 12.0, eval_s: 3.0, wall_s: 15.0, ..ExecOutput::default() };
    for job in &plan.jobs {
        match &job.kind {
            JobKind::Train(t) => {
                let losses = (0..t.setup.steps).map(|s| 1.0 / (1.0 + s as f32 * 0.1 * t.seed as f32)).collect();
                let record = TrainOutput {
                    selected: None,
                    losses,
                    wall_s: 6.0,
                    parameters: 1234,
                    checkpoint: "model.safetensors".into(),
                    snapshots: vec![],
                    ran_on: None,
                };
                out.trains.insert(job.id.clone(), (t.clone(), record));
            }
            JobKind::Eval(e) => {
                let mut errors = Vec::new();
                for (i, (name, _)) in e.models.iter().enumerate() {
                    let rate = if e.task.name == "dense" { 0.7 } else { 0.6 };
                    errors.push((
                        Predictor::Model(name.clone()),
                        curve(e.prompts, e.points, 1.0, rate, 0.1 + 0.05 * i as f32),
                    ));
                }
                for &b in &e.baselines {
                    let errs = match b.kind() {
                        "zero" => curve(e.prompts, e.points, 1.0, 1.0, 0.2),
                        _ => curve(e.prompts, e.points, 1.2, 0.55, 0.3),
                    };
                    errors.push((Predictor::Baseline(b), errs));
                }
                let tables = ErrorTables::of(errors, vec![]);
                let record = EvalOutput::of(
                    e.points,
                    e.prompts,
                    KindRecord::Regression(RegressionRecord { tables, ..Default::default() }),
                );
                out.evals.push((e.clone(), record));
            }
        }
    }
    let results = iclc::results::summarise(&spec, &out);
    (spec, results)
}

#[test]
fn the_report_of_fixed_results_matches_its_snapshot() {
    let (spec, results) = fixed_results();
    let repro = Repro {
        spec_hash: "0".repeat(64),
        spec_file: "snapshot.icl".into(),
        version: "0.0.0".into(),
        commit: "snapshot".into(),
        seed: spec.seed,
        threads: 1,
        compute: "fused on cpu".into(),
        precision: "f32".into(),
        stacking: "off".into(),
        trained_on: vec!["fused on cpu (1 thread)".into()],
        hardware: "a snapshot machine (2 cores, 24.0 GB)".into(),
        toolchain: "rustc 0.0.0, candle 0.0.0".into(),
        phases: vec![("train".into(), "12.0 s".into()), ("total".into(), "15.0 s".into())],
        cached_jobs: 0,
        command: "iclc run snapshot.icl --out out --threads 1 --jobs 1 --fresh".into(),
    };
    let context = iclc::report::build_context(&spec, &results, repro);
    let rendered = iclc::report::render(&context).expect("renders");
    assert_eq!(context.claims_total, 3);
    assert!(rendered.html.contains("<svg") || !rendered.figures.is_empty(), "the report has figures");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/report.md");
    if std::env::var_os("ICLC_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &rendered.markdown).unwrap();
    }
    let want =
        std::fs::read_to_string(&path).expect("tests/snapshots/report.md exists (ICLC_UPDATE_SNAPSHOTS=1 writes it)");
    if rendered.markdown != want {
        let first = rendered.markdown.lines().zip(want.lines()).position(|(a, b)| a != b);
        let line = first.unwrap_or(rendered.markdown.lines().count().min(want.lines().count()));
        panic!(
            "the report differs from tests/snapshots/report.md from line {}:\n  got:  {:?}\n  want: {:?}\n\
             review the change; ICLC_UPDATE_SNAPSHOTS=1 cargo test --test report_snapshot rewrites it",
            line + 1,
            rendered.markdown.lines().nth(line),
            want.lines().nth(line)
        );
    }
}
