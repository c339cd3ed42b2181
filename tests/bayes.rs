//! The Bayes-optimal baseline: ridge on noisy dense priors (unit test), better than lasso on sparse
//! truths, and posterior weight on the right class of a mixture as the context grows.
use iclc::baselines::bayes::{Stats, posterior};
use iclc::baselines::predict;
use iclc::spec::{Baseline, ClassSpec, Component, InputSpec};
use iclc::tasks::Prior;
use iclc::tasks::{class_for, sample_batch};

fn mean_error_at(pred: &[f32], ys: &[f32], points: usize, k: usize) -> f64 {
    let rows = ys.len() / points;
    (0..rows).map(|b| (pred[b * points + k] - ys[b * points + k]).powi(2) as f64).sum::<f64>() / rows as f64
}

#[test]
fn on_sparse_truths_bayes_beats_lasso_once_k_exceeds_nnz_plus_one() {
    let class = ClassSpec::call("sparse_linear", [("nnz", 2usize.into()), ("scale", 1.0.into())]);
    let mut rng = iclc::rng::stream(5, "bayes-vs-lasso");
    let prompts = sample_batch(class_for(&class).unwrap().as_ref(), &InputSpec::Normal, &mut rng, 300, 9, 8, 8);
    let bayes = predict(Baseline::Bayes, &prompts, &class).unwrap();
    let lasso = predict(Baseline::Lasso { alpha: 0.01 }, &prompts, &class).unwrap();
    for k in [4, 5, 6] {
        let (b, l) = (mean_error_at(&bayes, &prompts.ys, 9, k), mean_error_at(&lasso, &prompts.ys, 9, k));
        assert!(b < l, "k = {k}: bayes {b} not below lasso {l}");
    }
}

#[test]
fn mixture_posterior_moves_to_the_true_class() {
    let dense = ClassSpec::call("linear", [("scale", 1.0.into())]);
    let sparse = ClassSpec::call("sparse_linear", [("nnz", 1usize.into()), ("scale", 1.0.into())]);
    let mixture = ClassSpec::Mixture {
        components: vec![
            Component { weight: 0.5, name: "dense".into(), class: dense.clone() },
            Component { weight: 0.5, name: "sparse".into(), class: sparse.clone() },
        ],
    };
    let prior = Prior::of(&mixture).unwrap();
    let d = 5;
    for (truth, index) in [(&dense, 0), (&sparse, 1)] {
        let mut rng = iclc::rng::stream(9, "mixture-posterior");
        let prompts = sample_batch(class_for(truth).unwrap().as_ref(), &InputSpec::Normal, &mut rng, 100, 8, d, d);
        let mut mean_weight = vec![0.0; 8];
        for b in 0..prompts.batch {
            let xs: Vec<f64> = prompts.prompt_xs(b).iter().map(|v| *v as f64).collect();
            let mut stats = Stats::new(d);
            for k in 1..8 {
                stats.push(&xs[(k - 1) * d..k * d], prompts.prompt_ys(b)[k - 1] as f64);
                let post = posterior(&prior, &stats, &xs[k * d..(k + 1) * d]);
                mean_weight[k] += post.weights[index] / prompts.batch as f64;
            }
        }
        assert!(mean_weight[7] > mean_weight[1], "{truth:?}: {mean_weight:?}");
        assert!(mean_weight[7] > 0.9, "{truth:?}: the true class should dominate by k = 7: {mean_weight:?}");
    }
}
