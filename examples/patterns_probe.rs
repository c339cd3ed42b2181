//! Li et al.'s in-context classification at CPU scale through the library (issue 13, before the
//! spec can say it): trains the one-layer network on the training tasks' prompts and prints the
//! held-out tasks' error against α′ and prompt length, under the shifted patterns, after pruning
//! (smallest / largest / random 30%), and the attention mass on same-pattern context examples.
//!
//!     RAYON_NUM_THREADS=1 [M=64] [SGD=1] [WO=scale] [NOISE=0.5] cargo run --release --example patterns_probe -- STEPS SEED [LR] [ALPHA] [TRAIN_TASKS]
use candle_core::{Device, Tensor};
use iclc::model::*;
use iclc::tasks::patterns::*;
use std::ops::ControlFlow;

const D: usize = 30;
const M1: usize = 6;
const M2: usize = 24;
const CONTEXT: usize = 20;
/// The irrelevant pattern's coefficient bound (NOISE=… overrides).
fn noise() -> f32 {
    std::env::var("NOISE").ok().map_or(0.5, |s| s.parse().unwrap())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let steps: u64 = args.get(1).map_or(1000, |s| s.parse().unwrap());
    let seed: u64 = args.get(2).map_or(1, |s| s.parse().unwrap());
    let lr: f64 = args.get(3).map_or(1e-2, |s| s.parse().unwrap());
    let alpha: f64 = args.get(4).map_or(0.6, |s| s.parse().unwrap());
    let n_train: usize = args.get(5).map_or(12, |s| s.parse().unwrap());
    let neurons: usize = std::env::var("M").ok().map_or(64, |s| s.parse().unwrap());
    let mut rng = iclc::rng::stream(seed, "probe-data");
    let dict = Dictionary::draw(D, M1, M2, &mut rng).unwrap();
    let split = split_tasks(M1, n_train, false, &mut rng).unwrap();
    let q = [1.0f32];
    let cfg = PatternNetConfig { embed: D + q.len(), keys: D + 1, values: D + 1, neurons };
    let dev = Device::Cpu;
    let net = PatternNet::init(&cfg, seed, &dev).unwrap();
    // WO=s scales W_O's initial draw (the theory's small-init regime, where few neurons grow).
    if let Ok(scale) = std::env::var("WO").map(|s| s.parse::<f64>().unwrap()) {
        let (_, wo) = net.named().into_iter().find(|(n, _)| n == "wo").unwrap();
        wo.set(&(wo.as_tensor() * scale).unwrap()).unwrap();
    }
    let mut engine = PatternGraph::new(&cfg, &dev, iclc::spec::Objective::Hinge).unwrap();
    let settings = TrainSettings {
        steps,
        batch: 64,
        adamw: AdamWSettings {
            lr,
            weight_decay: 0.0,
            optimizer: if std::env::var("SGD").is_ok() {
                iclc::spec::Optimizer::Sgd
            } else {
                iclc::spec::Optimizer::AdamW
            },
            ..AdamWSettings::default()
        },
        schedule: iclc::spec::Schedule::Constant,
        clip: Some(1.0),
        decay_matrices_only: false,
        curriculum: None,
        compute: Default::default(),
    };
    let t = std::time::Instant::now();
    let draw_batch =
        |r: &mut iclc::rng::Rng, tasks: &[PatternTask], relevant: &[Vec<f32>], a: f64, n: usize, b: usize| {
            use rand::Rng as _;
            let prompts: Vec<PatternPrompt> = (0..b)
                .map(|_| sample_prompt(&dict, relevant, tasks[r.random_range(0..tasks.len())], a, n, noise(), r))
                .collect();
            PatternBatch::of(&prompts, D, &q)
        };
    let mut data = iclc::rng::stream(seed, "probe-train");
    train_with(
        &net,
        &mut engine,
        &settings,
        &mut data,
        |r, _| draw_batch(r, &split.train, &dict.relevant, alpha, CONTEXT, 64),
        |s, l| {
            if s % 250 == 0 {
                eprintln!("step {s} hinge {l:.4} {:.1}s", t.elapsed().as_secs_f64());
            }
            ControlFlow::Continue(())
        },
        None,
    )
    .unwrap();
    let mut eval_rng = iclc::rng::stream(seed, "probe-eval");
    let error = |batch: &PatternBatch, keep: Option<&Tensor>| {
        let (p, y) = batch.tensors(cfg.embed, &dev).unwrap();
        let f: Vec<f32> = net.forward(&p, keep).unwrap().to_vec1().unwrap();
        let y: Vec<f32> = y.to_vec1().unwrap();
        f.iter().zip(&y).filter(|(f, y)| (**f * **y) <= 0.0).count() as f64 / y.len() as f64
    };
    let held = |r: &mut iclc::rng::Rng, a: f64, n: usize| draw_batch(r, &split.held_out, &dict.relevant, a, n, 2000);
    let base = held(&mut eval_rng, alpha, CONTEXT);
    println!("held-out error (α′ = {alpha}, N = {CONTEXT}): {:.4}", error(&base, None));
    println!(
        "training-task error: {:.4}",
        error(&draw_batch(&mut eval_rng, &split.train, &dict.relevant, alpha, CONTEXT, 2000), None)
    );
    for a in [0.2, 0.4, 0.6, 0.8, 1.0] {
        println!("  α′ = {a}: {:.4}", error(&held(&mut eval_rng, a, CONTEXT), None));
    }
    for n in [5, 10, 20, 40] {
        println!("  N = {n}: {:.4}", error(&held(&mut eval_rng, alpha, n), None));
    }
    for sum in [0.5, 1.0, 1.5] {
        let shifted = dict.shifted(sum, &mut eval_rng);
        println!(
            "  shift sum {sum}: {:.4}",
            error(&draw_batch(&mut eval_rng, &split.held_out, &shifted, alpha, CONTEXT, 2000), None)
        );
    }
    for order in [PruneOrder::Smallest, PruneOrder::Largest, PruneOrder::Random] {
        let errs: Vec<String> = [0.1, 0.3, 0.5, 0.9]
            .iter()
            .map(|&r| format!("{r}: {:.4}", error(&base, Some(&net.prune_mask(r, order, &mut eval_rng).unwrap()))))
            .collect();
        println!("  prune {order:?}: {}", errs.join("  "));
    }
    // W_O's row norms by readout half (+1/m first): pruning by magnitude can empty one half.
    let norms = net.neuron_norms().unwrap();
    let half = neurons.div_ceil(2);
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len().max(1) as f32;
    println!("W_O row norm, mean by readout half: + {:.3}  − {:.3}", mean(&norms[..half]), mean(&norms[half..]));
    if std::env::var("NORMS").is_ok() {
        // Each neuron: its norm, its readout sign, how often its ReLU is on over the held-out prompts.
        let (p, _) = base.tensors(cfg.embed, &dev).unwrap();
        let mut on = vec![0usize; neurons];
        for j in 0..neurons {
            let mut keep = vec![0f32; neurons];
            keep[j] = 1.0;
            let f: Vec<f32> =
                net.forward(&p, Some(&Tensor::from_vec(keep, neurons, &dev).unwrap())).unwrap().to_vec1().unwrap();
            on[j] = f.iter().filter(|v| **v != 0.0).count();
        }
        let mut by: Vec<usize> = (0..neurons).collect();
        by.sort_by(|&i, &j| norms[j].total_cmp(&norms[i]));
        let row: Vec<String> = by
            .iter()
            .map(|&j| format!("{:.2}{}{}", norms[j], if j < half { '+' } else { '-' }, on[j] * 100 / base.batch))
            .collect();
        println!("neurons by norm (norm, readout sign, % active): {}", row.join(" "));
    }
    // Attention mass on context examples that share the query's relevant pattern (its label).
    let (p, _) = base.tensors(cfg.embed, &dev).unwrap();
    let att: Vec<Vec<Vec<f32>>> = net.attention(&p).unwrap().to_vec3().unwrap();
    let mut mass = 0.0;
    for (i, a) in att.iter().enumerate() {
        let labels = &base.prompts[i * base.len * cfg.embed..(i + 1) * base.len * cfg.embed];
        let query_label = base.labels[i];
        for (j, w) in a[0].iter().enumerate() {
            let y = labels[j * cfg.embed + D];
            if y == query_label {
                mass += *w as f64;
            }
        }
    }
    println!(
        "attention mass on same-pattern examples: {:.4} (their share of the context: {alpha})",
        mass / base.batch as f64
    );
    println!("total {:.1}s", t.elapsed().as_secs_f64());
}
