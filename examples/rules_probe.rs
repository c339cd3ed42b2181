//! One training of the rule-extrapolation experiment of Reizinger et al. (2024) at CPU scale,
//! through the library API (the search behind `specs/rules.icl`, docs/rules.md): trains a GPT-2 language model on every
//! aⁿbⁿ word (n ≤ MAX_N, full batch), optionally with the adversarial or oracle completions of the
//! OOD prompts of length 8 (AUX of them a step, weight AW), then completes every prompt of length 8
//! greedily and prints the rule rates and the test loss.
//!
//!     RAYON_NUM_THREADS=1 [W=16] [L=3] [AUX=32] [AW=1] \
//!         cargo run --release --example rules_probe -- STEPS SEED MAX_N LR normal|adversarial|oracle
use candle_core::Device;
use iclc::model::*;
use iclc::tasks::languages::*;
use std::ops::ControlFlow;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let steps: u64 = args.get(1).map_or(3000, |s| s.parse().unwrap());
    let seed: u64 = args.get(2).map_or(1, |s| s.parse().unwrap());
    let max_n: usize = args.get(3).map_or(16, |s| s.parse().unwrap());
    let lr: f64 = args.get(4).map_or(2e-3, |s| s.parse().unwrap());
    let variant = args.get(5).cloned().unwrap_or("normal".into());
    let lang = Anbn { max_n };
    let words = lang.words();
    let cfg = LmConfig {
        vocab: lang.vocab(),
        context: 2 * max_n + 2 + 40,
        n_embd: std::env::var("W").ok().map_or(16, |s| s.parse().unwrap()),
        n_layer: std::env::var("L").ok().map_or(3, |s| s.parse().unwrap()),
        n_head: 4,
        positions: Positions::Learned,
    };
    let dev = Device::Cpu;
    let lm = CausalLm::init(&cfg, seed, &dev).unwrap();
    let layout = FlatLayout::of(&lm);
    let mut engine = LmGraph::transformer(&cfg, &layout, &dev).unwrap();
    let settings = TrainSettings {
        steps,
        batch: words.len(),
        adamw: AdamWSettings { lr, weight_decay: 0.0, ..AdamWSettings::default() },
        schedule: iclc::spec::Schedule::Cosine { warmup: 100, final_fraction: 0.1 },
        clip: Some(1.0),
        decay_matrices_only: false,
        curriculum: None,
        compute: Default::default(),
    };
    let batch = TokenBatch::framed(&lang, &words);
    let aux = match variant.as_str() {
        "adversarial" => ood_completions(&lang, Variant::Adversarial, 8),
        "oracle" => ood_completions(&lang, Variant::Oracle, 8),
        _ => None,
    };
    let aux_batch: usize = std::env::var("AUX").ok().map_or(32, |s| s.parse().unwrap());
    let aux_weight: f64 = std::env::var("AW").ok().map_or(1.0, |s| s.parse().unwrap());
    let mut rng = iclc::rng::stream(seed, "probe");
    let t = std::time::Instant::now();
    let out = train_with(
        &lm,
        &mut engine,
        &settings,
        &mut rng,
        |r, _| {
            let mut parts = vec![(batch.clone(), 1.0)];
            if let Some(pairs) = &aux {
                let chosen = draw(pairs, r, aux_batch);
                parts
                    .push((TokenBatch::completions(&lang, &chosen).expect("OOD prompts share one length"), aux_weight));
            }
            parts
        },
        |s, l| {
            if s % 500 == 0 {
                eprintln!("step {s} loss {l:.4} {:.1}s", t.elapsed().as_secs_f64());
            }
            ControlFlow::Continue(())
        },
        None,
    )
    .unwrap();
    let _ = out;
    let split = all_prompts(&lang, 8);
    for (name, set) in [("id", &split.id), ("ood", &split.ood)] {
        let prompts: Vec<Vec<u32>> =
            set.iter().map(|w| std::iter::once(lang.sos()).chain(w.iter().copied()).collect()).collect();
        let generated =
            generate(&lm, &prompts, 40, lang.eos(), Decoding::Greedy, &mut vec![rng.clone(); prompts.len()], &dev)
                .unwrap();
        let scores: Vec<Completion> = set.iter().zip(&generated).map(|(p, g)| score(&lang, p, g)).collect();
        let n = scores.len() as f64;
        let fin: Vec<&Completion> = scores.iter().filter(|c| c.finished).collect();
        let nf = fin.len() as f64;
        eprintln!(
            "{name}: n {n} finished {:.3} grammatical {:.3} r1 {:.3} r2 {:.3} r2c {:.3} | finished-only r1 {:.3}",
            nf / n,
            scores.iter().filter(|c| c.grammatical).count() as f64 / n,
            scores.iter().filter(|c| c.rules[0]).count() as f64 / n,
            scores.iter().filter(|c| c.rules[1]).count() as f64 / n,
            scores.iter().filter(|c| c.rules_on_completion[1]).count() as f64 / n,
            fin.iter().filter(|c| c.rules[0]).count() as f64 / nf.max(1.0)
        );
    }
    let test = token_loss(&lm, &batch, &dev).unwrap().to_scalar::<f32>().unwrap();
    eprintln!("{variant} seed {seed}: test loss {test:.4} total {:.1}s", t.elapsed().as_secs_f64());
}
