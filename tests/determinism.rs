//! Same spec and seed ⇒ bit-identical loss curve; another seed ⇒ another curve.
use candle_core::Device;
use iclc::check::{ClassSpec, InputSpec, Schedule};
use iclc::model::{AdamWSettings, Config, Params, TrainError, TrainSettings, train};
use iclc::{rng, tasks};

fn run(seed: u64, lr: f64, steps: u64, batch: usize) -> Result<Vec<f32>, TrainError> {
    let cfg = Config::new(3, 6, 16, 2, 2);
    let params = Params::init(&cfg, seed, &Device::Cpu).unwrap();
    let settings = TrainSettings {
        steps,
        batch,
        adamw: AdamWSettings { lr, ..AdamWSettings::default() },
        schedule: Schedule::Constant,
        clip: None,
        decay_matrices_only: false,
        curriculum: None,
    };
    let class = tasks::class_for(&ClassSpec::Linear { scale: 1.0 }).unwrap();
    let mut data = rng::stream(seed, "train-data");
    let losses = train(
        &params,
        &settings,
        &mut data,
        |r, _| tasks::sample_batch(class.as_ref(), &InputSpec::Normal, r, batch, cfg.points, cfg.n_dims, cfg.n_dims),
        |_, _| {},
    )?;
    Ok(losses)
}

#[test]
fn same_seed_same_losses_bit_for_bit() {
    let a = run(7, 1e-3, 25, 8).unwrap();
    let b = run(7, 1e-3, 25, 8).unwrap();
    assert_eq!(a.len(), 25);
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&a), bits(&b));
    let c = run(8, 1e-3, 25, 8).unwrap();
    assert_ne!(bits(&a), bits(&c));
}

#[test]
fn training_lowers_the_loss() {
    let losses = run(3, 3e-3, 300, 64).unwrap();
    let mean = |s: &[f32]| s.iter().sum::<f32>() / s.len() as f32;
    let (first, last) = (mean(&losses[..25]), mean(&losses[losses.len() - 50..]));
    assert!(last < 0.9 * first, "loss did not fall: {first} → {last}");
}

#[test]
fn a_diverging_run_stops_with_an_error_naming_the_step() {
    match run(1, 1e12, 50, 8) {
        Err(TrainError::NonFinite { step, loss }) => {
            assert!(step >= 1 && !loss.is_finite());
            let text = TrainError::NonFinite { step, loss }.to_string();
            assert!(text.contains(&format!("step {step}")), "{text}");
        }
        other => panic!("expected a non-finite loss error, got {:?}", other.map(|l| l.len())),
    }
}
