//! iclc's whole training step held to the PyTorch reference over 60 steps: the same init, the same
//! recorded batches under a curriculum (shorter prompts, zeroed coordinates), AdamW with weight
//! decay, warmup + cosine and gradient clipping must give PyTorch's losses and final weights.
//! `tests/data/trajectory.safetensors` is made by `scripts/make_trajectory.py`.
use candle_core::{Device, Tensor};
use iclc::model::{AdamWSettings, IclConfig, IclParams, TrainOutcome, TrainSettings};
use iclc::spec::{Curriculum, Schedule, Stage};
use iclc::tasks::PromptBatch;
use std::collections::HashMap;
use std::ops::ControlFlow;

fn prefixed(all: &HashMap<String, Tensor>, prefix: &str) -> HashMap<String, Tensor> {
    all.iter().filter_map(|(k, v)| k.strip_prefix(prefix).map(|n| (n.to_string(), v.clone()))).collect()
}

fn values(t: &Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1::<f32>().unwrap()
}

#[test]
fn sixty_steps_of_training_match_pytorch() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/trajectory.safetensors");
    let all = candle_core::safetensors::load(path, &Device::Cpu).expect("the reference trajectory");
    let cfg = IclConfig::new(4, 7, 16, 2, 2);
    let params = IclParams::from_tensors(&cfg, &prefixed(&all, "init."), &Device::Cpu).unwrap();
    // The settings scripts/make_trajectory.py trained with.
    let settings = TrainSettings {
        steps: 60,
        batch: 8,
        adamw: AdamWSettings { lr: 3e-3, weight_decay: 0.01, ..AdamWSettings::default() },
        schedule: Schedule::Cosine { warmup: 10, final_fraction: 0.1 },
        clip: Some(0.5),
        decay_matrices_only: false,
        curriculum: Some(Curriculum {
            dims: Stage { start: 2, end: 4, inc: 1 },
            points: Stage { start: 3, end: 7, inc: 2 },
            every: 15,
        }),
        compute: Default::default(),
    };
    let mut rng = iclc::rng::stream(0, "unused: the batches are recorded");
    let outcome = iclc::model::train(
        &params,
        &settings,
        &mut rng,
        |_, step| {
            let (xs, ys) = (&all[&format!("xs.{}", step + 1)], &all[&format!("ys.{}", step + 1)]);
            let (batch, points, dim) = xs.dims3().unwrap();
            // The recorded shape is the curriculum's: iclc's own schedule of shapes must agree.
            let shape = iclc::model::step_shape(&settings, 7, 4, step);
            assert_eq!((shape.points, batch), (points, 8), "step {step}");
            PromptBatch { xs: values(xs), ys: values(ys), batch, points, dim, components: vec![0; batch] }
        },
        |_, _| ControlFlow::Continue(()),
        None,
    )
    .unwrap();
    let TrainOutcome::Finished { losses, .. } = outcome else { panic!("interrupted") };
    let reference = values(&all["losses"]);
    for (step, (ours, theirs)) in losses.iter().zip(&reference).enumerate() {
        assert!((ours - theirs).abs() <= 1e-4 * theirs.abs().max(1.0), "step {}: {ours} vs {theirs}", step + 1);
    }
    for (name, var) in params.named() {
        let (ours, theirs) = (values(var.as_tensor()), values(&all[&format!("final.{name}")]));
        let worst = ours.iter().zip(&theirs).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
        assert!(worst < 1e-4, "{name}: final weights differ by {worst}");
    }
}
