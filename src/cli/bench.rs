//! `iclc bench`: timings printed, never asserted (tests do not time anything).
use iclc::check::{Baseline, ClassSpec, InputSpec};
use std::process::ExitCode;
use std::time::Instant;

/// What to time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    /// Every baseline on 1280 prompts × 41 positions at d = 20, sparse truth with nnz = 3.
    Baselines,
}

/// Runs a benchmark and prints its figures.
pub fn bench(what: What, prompts: usize) -> ExitCode {
    match what {
        What::Baselines => baselines(prompts),
    }
    ExitCode::SUCCESS
}

fn baselines(prompts: usize) {
    let (d, points) = (20, 41);
    let class = ClassSpec::SparseLinear { nnz: 3, scale: 1.0 };
    let sampler = iclc::tasks::class_for(&class).expect("sparse_linear samples");
    let mut rng = iclc::rng::stream(1, "bench-baselines");
    let batch = iclc::tasks::sample_batch(sampler.as_ref(), &InputSpec::Normal, &mut rng, prompts, points, d, d);
    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "1".into());
    super::say(&format!(
        "baselines: {prompts} prompts × {points} positions, d = {d}, sparse_linear(nnz = 3), one core (threads {threads})"
    ));
    let all = [
        Baseline::LeastSquares,
        Baseline::Ridge { alpha: 0.1 },
        Baseline::Lasso { alpha: 0.01 },
        Baseline::Knn { k: 3 },
        Baseline::Averaging,
        Baseline::Zero,
        Baseline::Bayes,
        Baseline::Tree { depth: 4 },
        Baseline::ReluGd { hidden: 100, steps: 100, lr: 5e-3 },
    ];
    let mut total = 0.0;
    for b in all {
        // relu_gd trains a network per (prompt, position): time it on a slice and scale up.
        let slice = if matches!(b, Baseline::ReluGd { .. }) { prompts.min(16) } else { prompts };
        let part = iclc::tasks::PromptBatch {
            xs: batch.xs[..slice * points * d].to_vec(),
            ys: batch.ys[..slice * points].to_vec(),
            batch: slice,
            points,
            dim: d,
            components: batch.components[..slice].to_vec(),
        };
        let start = Instant::now();
        let out = iclc::baselines::predict(b, &part, &class);
        let secs = start.elapsed().as_secs_f64() * prompts as f64 / slice as f64;
        let note = if slice < prompts { format!("  (measured on {slice} prompts, scaled)") } else { String::new() };
        if out.is_some() {
            super::say(&format!("  {:<44} {:>9.3} s{note}", b.name(), secs));
        }
        if !matches!(b, Baseline::ReluGd { .. }) {
            total += secs;
        }
    }
    super::say(&format!("  {:<44} {:>9.3} s", "all but relu_gd", total));
}
