//! Li et al.'s one-layer transformer (issue 13): its hinge and logistic losses and gradients against an
//! independent f64 implementation of the paper's formula on a tiny case, and pruning at rates 0
//! and 1 and by magnitude.
use candle_core::{Device, Tensor};
use iclc::model::{PatternNet, PatternNetConfig, PruneOrder, hinge_loss, logistic_loss};

const CFG: PatternNetConfig = PatternNetConfig { embed: 4, keys: 3, values: 3, neurons: 5 };
const B: usize = 2;
const T: usize = 4; // three context examples and the query

/// A fixed batch of embedded prompts `(B, T, E)` and their ±1 labels.
fn batch() -> (Vec<f32>, Vec<f32>) {
    let prompts: Vec<f32> = (0..B * T * CFG.embed).map(|i| ((i * 37 % 17) as f32 - 8.0) / 6.0).collect();
    (prompts, vec![1.0, -1.0])
}

/// Weights by name, in f64: `wk`, `wo`, `wq`, `wv` (rows × columns, row-major).
type W = std::collections::BTreeMap<String, (Vec<f64>, usize, usize)>;

fn weights(net: &PatternNet) -> W {
    net.named()
        .into_iter()
        .map(|(name, var)| {
            let (r, c) = var.dims2().unwrap();
            let v = var.flatten_all().unwrap().to_vec1::<f32>().unwrap().into_iter().map(f64::from).collect();
            (name, (v, r, c))
        })
        .collect()
}

/// W x for a row-major (r, c) matrix.
fn apply(w: &(Vec<f64>, usize, usize), x: &[f64]) -> Vec<f64> {
    (0..w.1).map(|i| (0..w.2).map(|j| w.0[i * w.2 + j] * x[j]).sum()).collect()
}

/// The paper's F and the mean of `loss` of its margin y·F, written out with loops.
fn reference_loss(w: &W, prompts: &[f32], labels: &[f32], loss: Reference) -> f64 {
    let e = CFG.embed;
    let m = CFG.neurons;
    let mut total = 0.0;
    for b in 0..B {
        let row = |t: usize| -> Vec<f64> {
            prompts[(b * T + t) * e..(b * T + t + 1) * e].iter().map(|&v| v as f64).collect()
        };
        let q = apply(&w["wq"], &row(T - 1));
        let scores: Vec<f64> =
            (0..T - 1).map(|i| apply(&w["wk"], &row(i)).iter().zip(&q).map(|(a, b)| a * b).sum()).collect();
        let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let z: f64 = scores.iter().map(|s| (s - max).exp()).sum();
        let mut mixed = vec![0.0; CFG.values];
        for (i, s) in scores.iter().enumerate() {
            for (acc, v) in mixed.iter_mut().zip(apply(&w["wv"], &row(i))) {
                *acc += (s - max).exp() / z * v;
            }
        }
        let hidden: Vec<f64> = apply(&w["wo"], &mixed).into_iter().map(|h| h.max(0.0)).collect();
        let f: f64 =
            hidden.iter().enumerate().map(|(j, h)| h * if j < m.div_ceil(2) { 1.0 } else { -1.0 } / m as f64).sum();
        total += loss(labels[b] as f64 * f);
    }
    total / B as f64
}

type Loss = fn(&Tensor, &Tensor) -> candle_core::Result<Tensor>;
/// A loss of the margin y·F, in f64.
type Reference = fn(f64) -> f64;

#[test]
fn the_hinge_and_logistic_losses_and_their_gradients_equal_an_independent_reference() {
    let cases: [(&str, Loss, Reference); 2] =
        [("hinge", hinge_loss, |m| (1.0 - m).max(0.0)), ("logistic", logistic_loss, |m| (1.0 + (-m).exp()).ln())];
    for (what, loss_of, reference) in cases {
        let net = PatternNet::init(&CFG, 3, &Device::Cpu).unwrap();
        let (prompts, labels) = batch();
        let p = Tensor::from_vec(prompts.clone(), (B, T, CFG.embed), &Device::Cpu).unwrap();
        let y = Tensor::from_vec(labels.clone(), B, &Device::Cpu).unwrap();
        let loss = loss_of(&net.forward(&p, None).unwrap(), &y).unwrap();
        let w = weights(&net);
        let want = reference_loss(&w, &prompts, &labels, reference);
        let got = loss.to_scalar::<f32>().unwrap() as f64;
        assert!((got - want).abs() < 1e-5, "{what}: loss {got} vs reference {want}");
        assert!(want > 0.0, "{what}: the loss is active, so the gradients are not all zero");
        let grads = loss.backward().unwrap();
        let mut checked = 0;
        for (name, var) in net.named() {
            let g: Vec<f32> = grads.get(&var).unwrap().flatten_all().unwrap().to_vec1().unwrap();
            for (k, &gk) in g.iter().enumerate() {
                // Central differences of the f64 reference.
                let h = 1e-6;
                let (mut plus, mut minus) = (w.clone(), w.clone());
                plus.get_mut(&name).unwrap().0[k] += h;
                minus.get_mut(&name).unwrap().0[k] -= h;
                let fd = (reference_loss(&plus, &prompts, &labels, reference)
                    - reference_loss(&minus, &prompts, &labels, reference))
                    / (2.0 * h);
                assert!((gk as f64 - fd).abs() < 1e-4 * (1.0 + fd.abs()), "{what} {name}[{k}]: autograd {gk} vs {fd}");
                checked += 1;
            }
        }
        let expected = 2 * CFG.keys * CFG.embed + CFG.values * CFG.embed + CFG.neurons * CFG.values;
        assert_eq!(checked, expected, "{what}: every parameter's gradient was checked");
    }
}

#[test]
fn the_logistic_loss_stays_finite_and_exact_at_large_margins() {
    let outputs = Tensor::new(&[200f32, -200.0, 0.0, 3.0], &Device::Cpu).unwrap();
    let labels = Tensor::new(&[1f32, 1.0, -1.0, -1.0], &Device::Cpu).unwrap();
    let got = logistic_loss(&outputs, &labels).unwrap().to_scalar::<f32>().unwrap() as f64;
    // Margins 200, −200, 0, −3: log(1 + e^(−m)) is ≈ 0, 200, ln 2, 3 + ln(1 + e^(−3)).
    let want = (0.0 + 200.0 + 2f64.ln() + 3.0 + (1.0 + (-3f64).exp()).ln()) / 4.0;
    assert!((got - want).abs() < 1e-4, "{got} vs {want}");
}

#[test]
fn pruning_nothing_changes_nothing_pruning_everything_gives_a_constant_and_order_follows_magnitude() {
    let net = PatternNet::init(&CFG, 5, &Device::Cpu).unwrap();
    let (prompts, _) = batch();
    let p = Tensor::from_vec(prompts, (B, T, CFG.embed), &Device::Cpu).unwrap();
    let mut rng = iclc::rng::stream(1, "prune");
    let full: Vec<f32> = net.forward(&p, None).unwrap().to_vec1().unwrap();
    for order in [PruneOrder::Smallest, PruneOrder::Largest, PruneOrder::Random] {
        let none = net.prune_mask(0.0, order, &mut rng).unwrap();
        assert_eq!(net.forward(&p, Some(&none)).unwrap().to_vec1::<f32>().unwrap(), full);
        let all = net.prune_mask(1.0, order, &mut rng).unwrap();
        assert!(net.forward(&p, Some(&all)).unwrap().to_vec1::<f32>().unwrap().iter().all(|&f| f == 0.0));
    }
    // W_O's row norms decide which 2 of the 5 neurons go first.
    let norms = net.neuron_norms().unwrap();
    let mut by: Vec<usize> = (0..5).collect();
    by.sort_by(|&i, &j| norms[i].total_cmp(&norms[j]));
    let kept = |order| net.prune_mask(0.4, order, &mut iclc::rng::stream(1, "p")).unwrap().to_vec1::<f32>().unwrap();
    let smallest = kept(PruneOrder::Smallest);
    assert_eq!((smallest[by[0]], smallest[by[1]], smallest.iter().sum::<f32>()), (0.0, 0.0, 3.0));
    let largest = kept(PruneOrder::Largest);
    assert_eq!((largest[by[4]], largest[by[3]], largest.iter().sum::<f32>()), (0.0, 0.0, 3.0));
    // Random: 2 of 5 gone whatever their size, a different 2 for different draws.
    let random = |seed| {
        net.prune_mask(0.4, PruneOrder::Random, &mut iclc::rng::stream(seed, "r")).unwrap().to_vec1::<f32>().unwrap()
    };
    let masks: Vec<Vec<f32>> = (0..8).map(random).collect();
    assert!(masks.iter().all(|m| m.iter().sum::<f32>() == 3.0));
    assert!(masks.iter().any(|m| *m != masks[0]), "random pruning draws");
}

#[test]
fn an_embedded_prompt_carries_each_context_label_and_hides_the_query_s() {
    let prompt =
        iclc::tasks::patterns::PatternPrompt { xs: vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], labels: vec![1.0, -1.0, 1.0] };
    let e = iclc::model::embed(&[prompt], 2, &[0.5, 2.0]);
    assert_eq!(e, [1.0, 2.0, 0.5, 2.0, 3.0, 4.0, -0.5, -2.0, 5.0, 6.0, 0.0, 0.0]);
}
