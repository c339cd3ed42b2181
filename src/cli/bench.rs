//! `iclc bench`: timings printed, never asserted (tests do not time anything).
use iclc::spec::{Baseline, ClassSpec, InputSpec};
use std::process::ExitCode;
use std::time::Instant;

/// What to time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    /// Every baseline on 1280 prompts × 41 positions at d = 20, sparse truth with nnz = 3.
    Baselines,
    /// Training steps (batch 64, Adam, fresh linear prompts) of the tiny and small presets and any `--model`.
    Train,
    /// Training steps of the rules language model (width 16, 4 heads, 3 layers) on every aⁿbⁿ word,
    /// n = 1 … 16, as one batch (the reference's full-batch training).
    Lm,
}

/// The benchmark's settings.
pub struct Options {
    /// Prompts (baselines).
    pub prompts: usize,
    /// Extra models (train).
    pub models: Vec<String>,
    /// Timed steps per model (train).
    pub steps: usize,
    /// Threads for candle's kernels.
    pub threads: usize,
    /// Where the steps run (train): backend, device, precision.
    pub compute: iclc::spec::Compute,
    /// Stack sizes to time each model at (train): K models stepped as one.
    pub stacks: Vec<usize>,
}

/// Runs a benchmark and prints its figures.
pub fn bench(what: What, options: &Options) -> ExitCode {
    match what {
        What::Baselines => baselines(options.prompts, options.threads),
        What::Train => {
            let mut models: Vec<BenchModel> = ["tiny", "small"].into_iter().filter_map(preset).collect();
            for m in &options.models {
                match parse_model(m) {
                    Ok(m) => models.push(m),
                    Err(e) => {
                        eprintln!("error: --model `{m}`: {e}");
                        return ExitCode::FAILURE;
                    }
                }
            }
            for m in models {
                for &k in &options.stacks {
                    if let Err(e) = train(&m, options.steps, k, &options.compute) {
                        eprintln!("error: timing {} (a stack of {k}): {e}", m.name);
                        return ExitCode::FAILURE;
                    }
                }
            }
        }
        What::Lm => {
            if let Err(e) = lm(options.steps) {
                eprintln!("error: timing the language model: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

/// A model shape to time, with its prompt size and batch.
#[derive(Debug, Clone)]
struct BenchModel {
    name: String,
    dim: usize,
    points: usize,
    width: usize,
    layers: usize,
    heads: usize,
    batch: usize,
}

/// The shapes of the PyTorch reference benchmark (`scripts/torch_step.py`): `tiny` and `small`,
/// the flagship spec's (`specs/paper.icl`: 4 × 64 at d = 4, 9 points, batch 128) and Garg et al.'s
/// standard model (a GPU size).
fn preset(name: &str) -> Option<BenchModel> {
    let (dim, points, width, layers, heads, batch) = match name {
        "tiny" => (5, 11, 64, 2, 2, 64),
        "small" => (10, 21, 128, 4, 4, 64),
        "flagship" => (4, 9, 64, 4, 4, 128),
        "standard" => (20, 41, 256, 12, 8, 64),
        _ => return None,
    };
    Some(BenchModel { name: name.into(), dim, points, width, layers, heads, batch })
}

/// A preset, or `layers=4,width=64,heads=4,dim=5,points=11,batch=64` (unset keys from tiny).
fn parse_model(text: &str) -> Result<BenchModel, String> {
    if let Some(m) = preset(text) {
        return Ok(m);
    }
    let mut m = BenchModel { name: text.to_string(), ..preset("tiny").expect("tiny is a preset") };
    for pair in text.split(',') {
        let (key, value) = pair.split_once('=').ok_or("expected key=value pairs")?;
        let value: usize = value.trim().parse().map_err(|_| format!("`{value}` is not a whole number"))?;
        let slot = match key.trim() {
            "layers" => &mut m.layers,
            "width" => &mut m.width,
            "heads" => &mut m.heads,
            "dim" => &mut m.dim,
            "points" => &mut m.points,
            "batch" => &mut m.batch,
            other => return Err(format!("unknown key `{other}` (layers, width, heads, dim, points, batch)")),
        };
        *slot = value;
    }
    if m.heads == 0 || !m.width.is_multiple_of(m.heads) || m.layers == 0 || m.dim == 0 || m.points == 0 || m.batch == 0
    {
        return Err("needs layers, dim, points, batch ≥ 1 and a width divisible by heads".into());
    }
    Ok(m)
}

/// Times training steps of a stack of `k` models of one shape (each with its own weights and
/// prompts, as a stacked run trains them) and prints the median step.
fn train(m: &BenchModel, steps: usize, k: usize, compute: &iclc::spec::Compute) -> Result<(), String> {
    use iclc::model::{AdamWSettings, FlatLayout, IclConfig, IclParams, Member, TrainSettings};
    const WARMUP: usize = 5;
    let cfg = IclConfig::new(m.dim, m.points, m.width, m.layers, m.heads);
    let models: Vec<IclParams> = (0..k)
        .map(|i| IclParams::init(&cfg, i as u64, &candle_core::Device::Cpu))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let settings = TrainSettings {
        steps: (WARMUP + steps) as u64,
        batch: m.batch,
        adamw: AdamWSettings { lr: 1e-4, weight_decay: 0.0, ..AdamWSettings::default() },
        schedule: iclc::spec::Schedule::Constant,
        clip: None,
        decay_matrices_only: false,
        curriculum: None,
        compute: *compute,
    };
    let class = iclc::tasks::class_for(&ClassSpec::call("linear", [("scale", 1.0.into())]))?;
    let layout = FlatLayout::of(&models[0]);
    let mut engine =
        iclc::model::backend(compute, &cfg, &layout, iclc::spec::Objective::SquaredError).map_err(|e| e.to_string())?;
    let mut rngs: Vec<_> = (0..k).map(|i| iclc::rng::stream(i as u64, "bench-train")).collect();
    let sample = |r: &mut iclc::rng::Rng, _| {
        iclc::tasks::sample_batch(class.as_ref(), &InputSpec::Normal, r, m.batch, m.points, m.dim, m.dim)
    };
    let mut batchers: Vec<_> = (0..k).map(|_| sample).collect();
    let timer = std::sync::Mutex::new(StepTimer::new(WARMUP));
    type Tick<'t> = Box<dyn FnMut(u64, f32) -> std::ops::ControlFlow<()> + Send + 't>;
    let mut ticks: Vec<Tick> = (0..k)
        .map(|i| {
            let timer = &timer;
            Box::new(move |step, _| if i == 0 { lock(timer).tick(step) } else { std::ops::ControlFlow::Continue(()) })
                as Tick
        })
        .collect();
    let members = models
        .iter()
        .zip(&mut rngs)
        .zip(&mut batchers)
        .zip(&mut ticks)
        .map(|(((model, rng), next_batch), on_step)| Member {
            model,
            settings,
            data_rng: rng,
            next_batch,
            on_step: on_step.as_mut(),
            checkpoints: None,
        })
        .collect();
    let mut ran_on = String::new();
    for outcome in iclc::model::train_stack(engine.as_mut(), members) {
        match outcome.map_err(|e| e.to_string())? {
            iclc::model::TrainOutcome::Finished { ran_on: place, .. } => ran_on = place,
            iclc::model::TrainOutcome::Interrupted { .. } => return Err("interrupted".into()),
        }
    }
    let median = lock(&timer).median_ms();
    let precision = format!("{:?}", compute.precision).to_lowercase();
    super::say(&format!(
        "{:<8} d {}, {} points, width {}, {} layers, {} heads, batch {}, stack of {k}: {median:.2} ms/step, {:.3} ms per model (median of {steps}; {ran_on}, {precision}, threads {})",
        m.name,
        m.dim,
        m.points,
        m.width,
        m.layers,
        m.heads,
        m.batch,
        median / k as f64,
        compute.threads
    ));
    Ok(())
}

fn baselines(prompts: usize, threads: usize) {
    let (d, points) = (20, 41);
    let class = ClassSpec::call("sparse_linear", [("nnz", 3usize.into()), ("scale", 1.0.into())]);
    let sampler = iclc::tasks::class_for(&class).expect("sparse_linear is registered");
    let mut rng = iclc::rng::stream(1, "bench-baselines");
    let batch = iclc::tasks::sample_batch(sampler.as_ref(), &InputSpec::Normal, &mut rng, prompts, points, d, d);
    super::say(&format!(
        "baselines: {prompts} prompts × {points} positions, d = {d}, sparse_linear(nnz = 3), threads {threads}"
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

/// Times training steps of the rules language model and prints the median.
fn lm(steps: usize) -> Result<(), String> {
    use iclc::model::{AdamWSettings, CausalLm, FlatLayout, LmConfig, LmGraph, Positions, TrainSettings};
    use iclc::tasks::languages::{Anbn, Language, TokenBatch};
    const WARMUP: usize = 5;
    let lang = Anbn { max_n: 16 };
    let words = lang.words();
    let cfg =
        LmConfig { vocab: lang.vocab(), context: 64, n_embd: 16, n_layer: 3, n_head: 4, positions: Positions::Learned };
    let device = candle_core::Device::Cpu;
    let lm = CausalLm::init(&cfg, 0, &device).map_err(|e| e.to_string())?;
    let layout = FlatLayout::of(&lm);
    let mut engine = LmGraph::transformer(&cfg, &layout, &device).map_err(|e| e.to_string())?;
    let settings = TrainSettings {
        steps: (WARMUP + steps) as u64,
        batch: words.len(),
        adamw: AdamWSettings { lr: 2e-3, ..AdamWSettings::default() },
        schedule: iclc::spec::Schedule::Constant,
        clip: None,
        decay_matrices_only: false,
        curriculum: None,
        compute: Default::default(),
    };
    let batch = TokenBatch::framed(&lang, &words);
    let mut rng = iclc::rng::stream(0, "bench-lm");
    let mut timer = StepTimer::new(WARMUP);
    iclc::model::train_with(
        &lm,
        &mut engine,
        &settings,
        &mut rng,
        |_, _| batch.clone(),
        |step, _| timer.tick(step),
        None,
    )
    .map_err(|e| e.to_string())?;
    let median = timer.median_ms();
    super::say(&format!(
        "rules lm  aⁿbⁿ n ≤ 16 ({} sequences of {} tokens), width 16, 3 layers, 4 heads, {} parameters: {:.2} ms/step (median of {steps})",
        batch.batch,
        batch.len,
        layout.len(),
        median
    ));
    Ok(())
}

/// The timer, whichever thread ticked it last.
fn lock(timer: &std::sync::Mutex<StepTimer>) -> std::sync::MutexGuard<'_, StepTimer> {
    timer.lock().unwrap_or_else(|p| p.into_inner())
}

/// The seconds of every training step after the first `warmup`.
struct StepTimer {
    warmup: u64,
    times: Vec<f64>,
    last: Instant,
}

impl StepTimer {
    fn new(warmup: usize) -> Self {
        StepTimer { warmup: warmup as u64, times: Vec::new(), last: Instant::now() }
    }

    /// Called after every step (the training loop's `on_step`).
    fn tick(&mut self, step: u64) -> std::ops::ControlFlow<()> {
        if step > self.warmup {
            self.times.push(self.last.elapsed().as_secs_f64());
        }
        self.last = Instant::now();
        std::ops::ControlFlow::Continue(())
    }

    /// The median step in milliseconds (0 with no timed step).
    fn median_ms(&mut self) -> f64 {
        self.times.sort_by(f64::total_cmp);
        self.times.get(self.times.len() / 2).map_or(0.0, |t| t * 1e3)
    }
}
