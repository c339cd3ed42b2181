//! Same spec and seed ⇒ bit-identical loss curve; another seed ⇒ another curve; an interrupted run
//! resumed from its checkpoint ends bit-identical to an uninterrupted one; a diverging run stops.
use candle_core::Device;
use iclc::model::{
    AdamWSettings, CheckpointPolicy, IclConfig, IclParams, TrainError, TrainOutcome, TrainSettings, train,
};
use iclc::spec::{ClassSpec, InputSpec, Schedule};
use iclc::{rng, tasks};
use std::ops::ControlFlow;

const CFG: fn() -> IclConfig = || IclConfig::new(3, 6, 16, 2, 2);

fn settings(lr: f64, steps: u64, batch: usize) -> TrainSettings {
    TrainSettings {
        steps,
        batch,
        adamw: AdamWSettings { lr, ..AdamWSettings::default() },
        schedule: Schedule::Cosine { warmup: 3, final_fraction: 0.1 },
        clip: Some(1.0),
        decay_matrices_only: true,
        curriculum: None,
        compute: Default::default(),
    }
}

/// Trains from a fresh init; `stop_at` interrupts after that step.
fn run_with(
    seed: u64,
    s: &TrainSettings,
    checkpoints: Option<&CheckpointPolicy>,
    stop_at: Option<u64>,
) -> (IclParams, Result<TrainOutcome, TrainError>) {
    let cfg = CFG();
    let params = IclParams::init(&cfg, seed, &Device::Cpu).unwrap();
    let class = tasks::class_for(&ClassSpec::call("linear", [("scale", 1.0.into())])).unwrap();
    let mut data = rng::stream(seed, "train-data");
    let out = train(
        &params,
        s,
        &mut data,
        |r, _| tasks::sample_batch(class.as_ref(), &InputSpec::Normal, r, s.batch, cfg.points, cfg.n_dims, cfg.n_dims),
        |step, _| if Some(step) == stop_at { ControlFlow::Break(()) } else { ControlFlow::Continue(()) },
        checkpoints,
    );
    (params, out)
}

fn finished(out: Result<TrainOutcome, TrainError>) -> Vec<f32> {
    match out.unwrap() {
        TrainOutcome::Finished { losses, .. } => losses,
        other => panic!("expected a finished run, got {other:?}"),
    }
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn weights(p: &IclParams) -> Vec<(String, Vec<u32>)> {
    p.named()
        .into_iter()
        .map(|(n, v)| (n, bits(&v.as_tensor().flatten_all().unwrap().to_vec1::<f32>().unwrap())))
        .collect()
}

#[test]
fn same_seed_same_losses_bit_for_bit() {
    let s = settings(1e-3, 25, 8);
    let a = finished(run_with(7, &s, None, None).1);
    let b = finished(run_with(7, &s, None, None).1);
    assert_eq!(a.len(), 25);
    assert_eq!(bits(&a), bits(&b));
    let c = finished(run_with(8, &s, None, None).1);
    assert_ne!(bits(&a), bits(&c));
}

#[test]
fn training_lowers_the_loss() {
    let mut s = settings(3e-3, 300, 64);
    s.schedule = Schedule::Constant;
    s.clip = None;
    let losses = finished(run_with(3, &s, None, None).1);
    let mean = |s: &[f32]| s.iter().sum::<f32>() / s.len() as f32;
    let (first, last) = (mean(&losses[..25]), mean(&losses[losses.len() - 50..]));
    assert!(last < 0.9 * first, "loss did not fall: {first} → {last}");
}

#[test]
fn an_interrupted_run_resumes_bit_identical() {
    let s = settings(1e-3, 30, 8);
    let dir = tempfile::tempdir().unwrap();
    // Both runs keep the weights of steps 0, 5, 15 and 25: the resumed one rewrites 15 (the
    // interruption came after it, the checkpoint before) and must write the same bits.
    let snapshots = |run: &str| -> Vec<(u64, std::path::PathBuf)> {
        [0, 5, 15, 25].into_iter().map(|s| (s, dir.path().join(format!("{run}-{s}.safetensors")))).collect()
    };
    let whole_policy = CheckpointPolicy {
        owner: "test".into(),
        path: dir.path().join("a.safetensors"),
        every: 10,
        snapshots: snapshots("a"),
    };
    let (whole, out) = run_with(5, &s, Some(&whole_policy), None);
    let whole_losses = finished(out);

    let policy = CheckpointPolicy {
        owner: "test".into(),
        path: dir.path().join("b.safetensors"),
        every: 10,
        snapshots: snapshots("b"),
    };
    let (_, out) = run_with(5, &s, Some(&policy), Some(17));
    assert!(matches!(out.unwrap(), TrainOutcome::Interrupted { step: 17, .. }));
    assert!(policy.path.exists(), "a checkpoint from step 10");
    // A new process would start from a fresh init and stream; the checkpoint overrides both.
    let (resumed, out) = run_with(5, &s, Some(&policy), None);
    let resumed_losses = finished(out);
    assert_eq!(bits(&resumed_losses), bits(&whole_losses), "loss curves differ");
    assert_eq!(weights(&resumed), weights(&whole), "final weights differ");
    for ((step, a), (_, b)) in snapshots("a").into_iter().zip(snapshots("b")) {
        let read = |p: &std::path::Path| -> Vec<(String, Vec<u32>)> {
            let t = candle_core::safetensors::load(p, &Device::Cpu).unwrap();
            let mut t: Vec<_> =
                t.into_iter().map(|(n, v)| (n, bits(&v.flatten_all().unwrap().to_vec1::<f32>().unwrap()))).collect();
            t.sort();
            t
        };
        assert_eq!(read(&a), read(&b), "the weights of step {step} differ after the resume");
        let (at, _) = iclc::model::weights_step(&b).unwrap();
        assert_eq!(at, step);
    }
}

#[test]
fn a_diverging_run_stops_with_an_error_naming_the_step_and_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = settings(1e12, 50, 8);
    s.clip = None;
    s.schedule = Schedule::Constant;
    let policy =
        CheckpointPolicy { owner: "test".into(), path: dir.path().join("c.safetensors"), every: 1, snapshots: vec![] };
    match run_with(1, &s, Some(&policy), None).1 {
        Err(e @ TrainError::NonFinite { step, .. }) => {
            let text = e.to_string();
            let TrainError::NonFinite { last_checkpoint, .. } = e else { unreachable!() };
            let (good, path) = last_checkpoint.expect("a checkpoint before the divergence");
            assert!(good < step, "{text}");
            assert_eq!(path, policy.path);
            assert!(
                text.contains(&format!("step {step}")) && text.contains(&format!("checkpoint is from step {good}")),
                "{text}"
            );
            // The checkpoint named holds finite weights.
            let tensors = candle_core::safetensors::load(&path, &Device::Cpu).unwrap();
            for (name, t) in tensors.iter().filter(|(n, _)| !n.starts_with("optim.")) {
                let sum: f32 = t.sqr().unwrap().sum_all().unwrap().to_scalar().unwrap();
                assert!(sum.is_finite(), "{name} is not finite in the last good checkpoint");
            }
        }
        other => panic!("expected a non-finite loss error, got {:?}", other.map(|_| ())),
    }
}
