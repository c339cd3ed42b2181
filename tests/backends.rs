//! The two backends compute the same model: the fused CPU engine and the candle graph give the same
//! losses step by step and the same report numbers, and a device this build lacks is a clear error.
mod common;
use candle_core::Device;
use common::builder::Test;
use iclc::model::{AdamWSettings, IclConfig, IclParams, TrainOutcome, TrainSettings};
use iclc::spec::{BackendChoice, ClassSpec, Compute, DeviceChoice, InputSpec, Schedule};
use std::ops::ControlFlow;

/// 200 steps of a tiny model on dense linear prompts with `backend`; the losses.
fn losses(backend: BackendChoice) -> Vec<f32> {
    let cfg = IclConfig::new(3, 7, 16, 2, 2);
    let params = IclParams::init(&cfg, 11, &Device::Cpu).unwrap();
    let settings = TrainSettings {
        steps: 200,
        batch: 16,
        adamw: AdamWSettings { lr: 2e-3, ..AdamWSettings::default() },
        schedule: Schedule::Cosine { warmup: 10, final_fraction: 0.1 },
        clip: Some(1.0),
        decay_matrices_only: true,
        curriculum: None,
        compute: Compute { backend, device: DeviceChoice::Cpu, ..Compute::default() },
    };
    let class = iclc::tasks::class_for(&ClassSpec::call("linear", [("scale", 1.0.into())])).unwrap();
    let mut rng = iclc::rng::stream(11, "train-data");
    let out = iclc::model::train(
        &params,
        &settings,
        &mut rng,
        |r, _| iclc::tasks::sample_batch(class.as_ref(), &InputSpec::Normal, r, 16, 7, 3, 3),
        |_, _| ControlFlow::Continue(()),
        None,
    )
    .unwrap();
    let TrainOutcome::Finished { losses, .. } = out else { panic!("interrupted") };
    losses
}

#[test]
fn fused_and_graph_give_the_same_losses_at_every_step() {
    let (fused, graph) = (losses(BackendChoice::Fused), losses(BackendChoice::Graph));
    assert_eq!((fused.len(), graph.len()), (200, 200));
    for (step, (f, g)) in fused.iter().zip(&graph).enumerate() {
        assert!((f - g).abs() <= 1e-3 * f.abs().max(1e-3), "step {}: fused {f} vs graph {g}", step + 1);
    }
    assert!(fused[199] < 0.8 * fused[0], "it learned: {} → {}", fused[0], fused[199]);
    // The graph really ran: its sums run in other orders, so some step differs in the last bits.
    assert!(fused.iter().zip(&graph).any(|(f, g)| f.to_bits() != g.to_bits()), "the graph gave the fused bits");
}

const SPEC: &str = r#"
experiment "backends" { seed = 3  dim = 3  points = 7 }
class dense = linear()
model m = transformer(layers = 2, width = 16, heads = 2)
train t { model = m  data = dense  steps = 300  batch = 16  lr = 2e-3 }
eval curve { models = [t]  tasks = [dense]  baselines = [least_squares, zero]  prompts = 256 }
"#;

/// The model's mean error/d at each k, read from results.csv.
fn model_curve(csv: &str) -> Vec<f64> {
    csv.lines()
        .filter(|l| l.starts_with("curve,dense,normal(),,t,"))
        .map(|l| l.split(',').nth(7).unwrap().parse().unwrap())
        .collect()
}

#[test]
fn a_spec_run_with_the_graph_backend_reports_the_fused_numbers_within_five_percent() {
    let t = Test::new().spec(SPEC).args(&["run", "spec.icl", "--out", "fused", "--backend", "fused"]).run();
    let graph = std::process::Command::new(env!("CARGO_BIN_EXE_iclc"))
        .args(["run", "spec.icl", "--out", "graph", "--backend", "graph", "--device", "cpu"])
        .current_dir(&t.dir)
        .output()
        .unwrap();
    assert!(graph.status.success(), "{}", String::from_utf8_lossy(&graph.stderr));
    let read = |out: &str| std::fs::read_to_string(t.dir.join(out).join("results.csv")).unwrap();
    let (f, g) = (model_curve(&read("fused")), model_curve(&read("graph")));
    assert_eq!(f.len(), 7);
    for (k, (a, b)) in f.iter().zip(&g).enumerate() {
        assert!((a - b).abs() <= 0.05 * a.abs(), "k = {k}: fused {a} vs graph {b}");
    }
    let md = std::fs::read_to_string(t.dir.join("graph/report.md")).unwrap();
    assert!(md.contains("| backend | graph on cpu |") && md.contains("--backend graph --device cpu"), "{md}");
    let fused_md = std::fs::read_to_string(t.dir.join("fused/report.md")).unwrap();
    assert!(fused_md.contains("| backend | fused on cpu |"), "{fused_md}");
}

#[test]
fn a_device_this_build_lacks_is_a_clear_error() {
    if cfg!(feature = "cuda") {
        return;
    }
    let t = Test::new().spec(SPEC).args(&["run", "spec.icl", "--device", "cuda"]).status(1).run();
    assert!(t.stderr.contains("built without CUDA") && t.stderr.contains("--features cuda"), "{}", t.stderr);
    let t =
        Test::new().spec(SPEC).args(&["run", "spec.icl", "--backend", "fused", "--device", "metal"]).status(1).run();
    assert!(t.stderr.contains("Metal") || t.stderr.contains("CPU only"), "{}", t.stderr);
}
