//! The causal language model against an independent reference: a plain f64 transcription of
//! GPT-2 (embeddings, pre-LN blocks, tanh GELU, causal softmax attention, logits, cross-entropy
//! with padding ignored) for the loss, and its central finite differences for the gradient; the
//! LSTM likewise; a training through the shared loop resumes bit for bit. Decoding: lm_decoding.rs.
use candle_core::Device;
use iclc::model::{
    AdamWSettings, Backend, CausalLm, CheckpointPolicy, FlatLayout, LmConfig, LmGraph, Positions, TrainOutcome,
    TrainSettings, train_with,
};
use iclc::tasks::languages::{Anbn, Language, TokenBatch};
use std::collections::HashMap;
use std::ops::ControlFlow;

const CFG: LmConfig =
    LmConfig { vocab: 5, context: 8, n_embd: 4, n_layer: 2, n_head: 2, positions: Positions::Learned };

/// The weights by name, as f64.
type W = HashMap<String, Vec<f64>>;

fn layer_norm(x: &[f64], w: &[f64], b: &[f64]) -> Vec<f64> {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    let r = 1.0 / (var + 1e-5).sqrt();
    x.iter().zip(w).zip(b).map(|((v, w), b)| (v - mean) * r * w + b).collect()
}

/// `x (in) · W (in, out) + b`, W row-major as GPT-2's Conv1D stores it.
fn conv1d(x: &[f64], w: &[f64], b: &[f64]) -> Vec<f64> {
    let out = b.len();
    (0..out).map(|j| b[j] + x.iter().enumerate().map(|(i, v)| v * w[i * out + j]).sum::<f64>()).collect()
}

fn gelu(x: f64) -> f64 {
    0.5 * x * (1.0 + ((2.0 / std::f64::consts::PI).sqrt() * (x + 0.044715 * x.powi(3))).tanh())
}

/// Next-token cross-entropy of one batch, averaged over non-padding targets.
fn reference_loss(w: &W, batch: &TokenBatch) -> f64 {
    let (c, h) = (CFG.n_embd, CFG.n_head);
    let hd = c / h;
    let g = |n: &str| &w[n];
    let (mut total, mut count) = (0.0, 0.0);
    for row in batch.tokens.chunks(batch.len) {
        let t = batch.len - 1;
        let mut x: Vec<Vec<f64>> = (0..t)
            .map(|p| {
                (0..c)
                    .map(|i| {
                        g("transformer.wte.weight")[row[p] as usize * c + i] + g("transformer.wpe.weight")[p * c + i]
                    })
                    .collect()
            })
            .collect();
        for l in 0..CFG.n_layer {
            let n = |s: &str| format!("transformer.h.{l}.{s}");
            let a: Vec<Vec<f64>> = x.iter().map(|v| layer_norm(v, g(&n("ln_1.weight")), g(&n("ln_1.bias")))).collect();
            let qkv: Vec<Vec<f64>> =
                a.iter().map(|v| conv1d(v, g(&n("attn.c_attn.weight")), g(&n("attn.c_attn.bias")))).collect();
            let mut y = vec![vec![0.0; c]; t];
            for head in 0..h {
                for i in 0..t {
                    let q = &qkv[i][head * hd..(head + 1) * hd];
                    let scores: Vec<f64> = (0..=i)
                        .map(|j| {
                            let k = &qkv[j][c + head * hd..c + (head + 1) * hd];
                            q.iter().zip(k).map(|(a, b)| a * b).sum::<f64>() / (hd as f64).sqrt()
                        })
                        .collect();
                    let max = scores.iter().cloned().fold(f64::MIN, f64::max);
                    let e: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
                    let z: f64 = e.iter().sum();
                    for (j, ej) in e.iter().enumerate() {
                        for d in 0..hd {
                            y[i][head * hd + d] += ej / z * qkv[j][2 * c + head * hd + d];
                        }
                    }
                }
            }
            for i in 0..t {
                let proj = conv1d(&y[i], g(&n("attn.c_proj.weight")), g(&n("attn.c_proj.bias")));
                x[i].iter_mut().zip(proj).for_each(|(v, p)| *v += p);
                let m = layer_norm(&x[i], g(&n("ln_2.weight")), g(&n("ln_2.bias")));
                let f: Vec<f64> =
                    conv1d(&m, g(&n("mlp.c_fc.weight")), g(&n("mlp.c_fc.bias"))).into_iter().map(gelu).collect();
                let out = conv1d(&f, g(&n("mlp.c_proj.weight")), g(&n("mlp.c_proj.bias")));
                x[i].iter_mut().zip(out).for_each(|(v, o)| *v += o);
            }
        }
        for p in 0..t {
            let target = row[p + 1];
            if target == batch.pad || p + 1 < batch.target_from {
                continue;
            }
            let hf = layer_norm(&x[p], g("transformer.ln_f.weight"), g("transformer.ln_f.bias"));
            let logits: Vec<f64> =
                (0..CFG.vocab).map(|v| (0..c).map(|i| hf[i] * g("lm_head.weight")[v * c + i]).sum::<f64>()).collect();
            let max = logits.iter().cloned().fold(f64::MIN, f64::max);
            let lse = max + logits.iter().map(|l| (l - max).exp()).sum::<f64>().ln();
            total += lse - logits[target as usize];
            count += 1.0;
        }
    }
    total / count
}

fn weights_of(lm: &CausalLm) -> W {
    lm.named()
        .into_iter()
        .map(|(n, v)| {
            let vals = v.as_tensor().flatten_all().unwrap().to_vec1::<f32>().unwrap();
            (n, vals.into_iter().map(f64::from).collect())
        })
        .collect()
}

fn batch() -> TokenBatch {
    let lang = Anbn { max_n: 3 };
    // Two words of different lengths: the shorter one's padding is no target.
    TokenBatch::framed(&lang, &[vec![0, 0, 1, 1], vec![0, 1]])
}

#[test]
fn the_loss_and_its_gradient_equal_an_independent_reference() {
    let lm = CausalLm::init(&CFG, 5, &Device::Cpu).unwrap();
    let b = batch();
    let loss = iclc::model::token_loss(&lm, &b, &Device::Cpu).unwrap().to_scalar::<f32>().unwrap() as f64;
    let w = weights_of(&lm);
    let want = reference_loss(&w, &b);
    assert!((loss - want).abs() < 1e-5 * want.abs().max(1.0), "loss {loss} vs reference {want}");

    let layout = FlatLayout::of(&lm);
    let flat = layout.gather(&lm).unwrap();
    let mut grad = vec![0f32; layout.len()];
    let mut engine = LmGraph::transformer(&CFG, &layout, &Device::Cpu).unwrap();
    let value = engine.loss_and_grad(&flat, &b, &mut grad).unwrap();
    assert!((value as f64 - want).abs() < 1e-5);
    let mut checked = 0;
    for (name, _, range) in layout.entries() {
        for (k, i) in range.clone().enumerate() {
            let mut plus = w.clone();
            let mut minus = w.clone();
            let h = 1e-5;
            plus.get_mut(name).unwrap()[k] += h;
            minus.get_mut(name).unwrap()[k] -= h;
            let fd = (reference_loss(&plus, &b) - reference_loss(&minus, &b)) / (2.0 * h);
            let got = grad[i] as f64;
            assert!((got - fd).abs() <= 2e-5 + 2e-3 * fd.abs(), "d loss / d {name}[{k}]: {got} vs {fd}");
            checked += 1;
        }
    }
    assert_eq!(checked, layout.len());
}

fn settings(steps: u64) -> TrainSettings {
    TrainSettings {
        steps,
        batch: 3,
        adamw: AdamWSettings { lr: 1e-2, ..AdamWSettings::default() },
        schedule: iclc::spec::Schedule::Constant,
        clip: Some(1.0),
        decay_matrices_only: false,
        curriculum: None,
        compute: Default::default(),
    }
}

/// Trains on aⁿbⁿ words drawn from the data stream; interrupts after `stop` steps if given.
fn run(dir: &std::path::Path, steps: u64, stop: Option<u64>) -> (TrainOutcome, Vec<f32>) {
    let lang = Anbn { max_n: 3 };
    let lm = CausalLm::init(&CFG, 9, &Device::Cpu).unwrap();
    let layout = FlatLayout::of(&lm);
    let mut engine = LmGraph::transformer(&CFG, &layout, &Device::Cpu).unwrap();
    let mut rng = iclc::rng::stream(4, "lm-data");
    let policy =
        CheckpointPolicy { owner: "test".into(), path: dir.join("resume.safetensors"), every: 2, snapshots: vec![] };
    let outcome = train_with(
        &lm,
        &mut engine,
        &settings(steps),
        &mut rng,
        |r, _| TokenBatch::framed(&lang, &lang.sample(r, 3)),
        |step, _| if Some(step) == stop { ControlFlow::Break(()) } else { ControlFlow::Continue(()) },
        Some(&policy),
    )
    .unwrap();
    (outcome, layout.gather(&lm).unwrap())
}

#[test]
fn a_training_resumes_bit_for_bit() {
    let whole = tempfile::tempdir().unwrap();
    let (outcome, weights) = run(whole.path(), 9, None);
    let TrainOutcome::Finished { losses, .. } = outcome else { panic!("finished") };
    assert!(losses.last() < losses.first(), "the loss falls: {losses:?}");

    let parts = tempfile::tempdir().unwrap();
    let (first, _) = run(parts.path(), 9, Some(5));
    assert!(matches!(first, TrainOutcome::Interrupted { step: 5, .. }));
    let (second, resumed) = run(parts.path(), 9, None);
    let TrainOutcome::Finished { losses: again, .. } = second else { panic!("finished") };
    assert_eq!(again, losses, "the same loss curve, bit for bit");
    assert_eq!(resumed, weights, "the same weights, bit for bit");
}

#[test]
fn sinusoidal_positions_are_the_reference_table_and_no_variable() {
    let cfg = LmConfig { positions: Positions::Sinusoidal, ..CFG };
    let lm = CausalLm::init(&cfg, 2, &Device::Cpu).unwrap();
    assert!(lm.named().iter().all(|(n, _)| !n.contains("wpe")));
    // The PyTorch tutorial's PositionalEncoding: sin(pos / 10000^(i/C)) at even i, cos at odd.
    let c = CFG.n_embd;
    let table: Vec<f64> = (0..CFG.context * c)
        .map(|j| {
            let (pos, i) = ((j / c) as f64, j % c);
            let angle = pos / 10_000f64.powf((i - i % 2) as f64 / c as f64);
            if i % 2 == 0 { angle.sin() } else { angle.cos() }
        })
        .collect();
    let mut w = weights_of(&lm);
    w.insert("transformer.wpe.weight".into(), table);
    let b = batch();
    let loss = iclc::model::token_loss(&lm, &b, &Device::Cpu).unwrap().to_scalar::<f32>().unwrap() as f64;
    let want = reference_loss(&w, &b);
    assert!((loss - want).abs() < 1e-5 * want.max(1.0), "loss {loss} vs reference {want}");
}

#[test]
fn a_step_on_data_and_weighted_completions_is_their_weighted_loss_and_gradient() {
    let lang = Anbn { max_n: 3 };
    let lm = CausalLm::init(&CFG, 6, &Device::Cpu).unwrap();
    let main = batch();
    let aux = TokenBatch::completions(&lang, &[(vec![1, 0], vec![0, 1, 3]), (vec![0, 0], vec![1, 1, 3])]).unwrap();
    let w = weights_of(&lm);
    let combined = |w: &W| reference_loss(w, &main) + 0.1 * reference_loss(w, &aux);
    let want = combined(&w);
    let layout = FlatLayout::of(&lm);
    let flat = layout.gather(&lm).unwrap();
    let mut grad = vec![0f32; layout.len()];
    let mut engine = LmGraph::transformer(&CFG, &layout, &Device::Cpu).unwrap();
    let parts = vec![(main.clone(), 1.0), (aux.clone(), 0.1)];
    let value = engine.loss_and_grad(&flat, &parts, &mut grad).unwrap() as f64;
    assert!((value - want).abs() < 1e-5 * want.max(1.0), "{value} vs {want}");
    // The prompt tokens of the completions are no targets: the reference skips them too, and
    // counting them would change the loss.
    let all_targets = TokenBatch { target_from: 1, ..aux.clone() };
    assert!((reference_loss(&w, &all_targets) - reference_loss(&w, &aux)).abs() > 1e-3);
    for (name, _, range) in layout.entries().filter(|(n, _, _)| n.contains("h.1.mlp") || n.starts_with("lm_head")) {
        for (k, i) in range.clone().enumerate() {
            let (mut plus, mut minus) = (w.clone(), w.clone());
            plus.get_mut(name).unwrap()[k] += 1e-5;
            minus.get_mut(name).unwrap()[k] -= 1e-5;
            let fd = (combined(&plus) - combined(&minus)) / 2e-5;
            assert!((grad[i] as f64 - fd).abs() <= 2e-5 + 2e-3 * fd.abs(), "d / d {name}[{k}]: {} vs {fd}", grad[i]);
        }
    }
}

const LSTM: iclc::model::LstmConfig = iclc::model::LstmConfig { vocab: 5, context: 8, hidden: 3, layers: 2 };

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The LSTM language model in plain f64: PyTorch's gate order (i, f, g, o), two biases.
fn lstm_reference_loss(w: &W, batch: &TokenBatch) -> f64 {
    let h = LSTM.hidden;
    let (mut total, mut count) = (0.0, 0.0);
    for row in batch.tokens.chunks(batch.len) {
        let t = batch.len - 1;
        let mut x: Vec<Vec<f64>> =
            (0..t).map(|p| (0..h).map(|i| w["embedding.weight"][row[p] as usize * h + i]).collect()).collect();
        for l in 0..LSTM.layers {
            let g = |n: &str| &w[&format!("lstm.{n}_l{l}")];
            let (mut hs, mut cs) = (vec![0.0; h], vec![0.0; h]);
            for xt in x.iter_mut() {
                let pre: Vec<f64> = (0..4 * h)
                    .map(|r| {
                        g("bias_ih")[r]
                            + g("bias_hh")[r]
                            + (0..h)
                                .map(|k| g("weight_ih")[r * h + k] * xt[k] + g("weight_hh")[r * h + k] * hs[k])
                                .sum::<f64>()
                    })
                    .collect();
                for k in 0..h {
                    let (i, f, gg, o) =
                        (sigmoid(pre[k]), sigmoid(pre[h + k]), pre[2 * h + k].tanh(), sigmoid(pre[3 * h + k]));
                    cs[k] = f * cs[k] + i * gg;
                    hs[k] = o * cs[k].tanh();
                }
                xt.copy_from_slice(&hs);
            }
        }
        for p in 0..t {
            let target = row[p + 1];
            if target == batch.pad || p + 1 < batch.target_from {
                continue;
            }
            let logits: Vec<f64> = (0..LSTM.vocab)
                .map(|v| w["head.bias"][v] + (0..h).map(|i| x[p][i] * w["head.weight"][v * h + i]).sum::<f64>())
                .collect();
            let max = logits.iter().cloned().fold(f64::MIN, f64::max);
            let lse = max + logits.iter().map(|l| (l - max).exp()).sum::<f64>().ln();
            total += lse - logits[target as usize];
            count += 1.0;
        }
    }
    total / count
}

#[test]
fn the_lstm_loss_and_its_gradient_equal_an_independent_reference() {
    use iclc::model::{LstmLm, TokenModel, Weights};
    let lm = LstmLm::init(&LSTM, 3, &Device::Cpu).unwrap();
    let b = batch();
    let w: W = lm
        .named()
        .into_iter()
        .map(|(n, v)| {
            (n, v.as_tensor().flatten_all().unwrap().to_vec1::<f32>().unwrap().into_iter().map(f64::from).collect())
        })
        .collect();
    let want = lstm_reference_loss(&w, &b);
    let loss = iclc::model::token_loss(&lm, &b, &Device::Cpu).unwrap().to_scalar::<f32>().unwrap() as f64;
    assert!((loss - want).abs() < 1e-5 * want.max(1.0), "loss {loss} vs reference {want}");
    assert_eq!(lm.vocab(), 5);
    let layout = FlatLayout::of(&lm);
    let flat = layout.gather(&lm).unwrap();
    let mut grad = vec![0f32; layout.len()];
    let mut engine = LmGraph::lstm(&LSTM, &layout, &Device::Cpu).unwrap();
    engine.loss_and_grad(&flat, &b, &mut grad).unwrap();
    let mut checked = 0;
    for (name, _, range) in layout.entries() {
        for (k, i) in range.clone().enumerate() {
            checked += 1;
            let (mut plus, mut minus) = (w.clone(), w.clone());
            plus.get_mut(name).unwrap()[k] += 1e-5;
            minus.get_mut(name).unwrap()[k] -= 1e-5;
            let fd = (lstm_reference_loss(&plus, &b) - lstm_reference_loss(&minus, &b)) / 2e-5;
            assert!(
                (grad[i] as f64 - fd).abs() <= 2e-5 + 2e-3 * fd.abs(),
                "d loss / d {name}[{k}]: {} vs {fd}",
                grad[i]
            );
        }
    }
    assert_eq!(checked, 5 * 3 + 2 * (2 * 12 * 3 + 2 * 12) + 5 * 3 + 5, "every parameter");
}

#[test]
fn a_saved_language_model_loads_back_and_a_foreign_checkpoint_is_refused() {
    use iclc::model::{LanguageModel, Target};
    use iclc::spec::{Arch, ModelSpec};
    let spec =
        ModelSpec { layers: 1, width: 8, heads: 2, arch: Arch::CausalLm { context: 8, positions: Positions::Learned } };
    let lstm = ModelSpec { layers: 1, width: 8, heads: 1, arch: Arch::Lstm { context: 8 } };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.safetensors");
    let b = batch();
    let saved = LanguageModel::init(&spec, 5, 3).unwrap();
    saved.save(&path, 0, 0.0).unwrap();
    let target = Target::open(&Default::default()).unwrap();
    let loaded = LanguageModel::load(&spec, 5, &path, &target).unwrap();
    assert_eq!(loaded.loss(&b).unwrap(), saved.loss(&b).unwrap(), "the same weights");
    assert_ne!(LanguageModel::init(&spec, 5, 4).unwrap().loss(&b).unwrap(), saved.loss(&b).unwrap());
    let err = LanguageModel::load(&lstm, 5, &path, &target).err().unwrap();
    assert!(err.contains("lacks parameter"), "{err}");
    assert!(LanguageModel::init(&ModelSpec::transformer(1, 8, 2), 5, 3).is_err(), "no language model");
}

#[test]
fn per_sequence_losses_are_each_word_alone_and_pool_to_the_batch_loss() {
    let lang = Anbn { max_n: 3 };
    let lm = CausalLm::init(&CFG, 4, &Device::Cpu).unwrap();
    let words = lang.words();
    let batch = TokenBatch::framed(&lang, &words);
    let each = iclc::model::sequence_losses(&lm, &batch, &Device::Cpu).unwrap();
    assert_eq!(
        each.iter().map(|e| e.1).collect::<Vec<_>>(),
        words.iter().map(|w| w.len() as u32 + 1).collect::<Vec<_>>()
    );
    for (w, (sum, n)) in words.iter().zip(&each) {
        let alone =
            iclc::model::token_loss(&lm, &TokenBatch::framed(&lang, std::slice::from_ref(w)), &Device::Cpu).unwrap();
        let alone = alone.to_scalar::<f32>().unwrap() * *n as f32;
        assert!((sum - alone).abs() < 1e-4, "{sum} vs {alone}: padding must not count");
    }
    let pooled = each.iter().map(|e| e.0).sum::<f32>() / each.iter().map(|e| e.1 as f32).sum::<f32>();
    let whole = iclc::model::token_loss(&lm, &batch, &Device::Cpu).unwrap().to_scalar::<f32>().unwrap();
    assert!((pooled - whole).abs() < 1e-5, "{pooled} vs {whole}");
}
