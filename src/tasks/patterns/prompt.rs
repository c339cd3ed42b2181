//! A prompt of one task: context examples and a query, each x = a relevant pattern plus an
//! irrelevant one with a random coefficient, labelled by the task; a fraction α of the context
//! shares the query's relevant pattern.
use super::{Dictionary, PatternTask};
use crate::rng::Rng;
use rand::Rng as _;
use rand::seq::SliceRandom as _;

/// Inputs `(context + 1, d)` row-major, the query last, and their ±1 labels.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternPrompt {
    /// Inputs, row-major `(context + 1, d)`.
    pub xs: Vec<f32>,
    /// Labels ±1, the query's last.
    pub labels: Vec<f32>,
}

/// A prompt of `task` with `context` examples, of which `round(alpha · context)` share the query's
/// relevant pattern (the rest have the task's other one), in random order; the irrelevant
/// pattern's coefficient is uniform in `[-noise, noise]`. `relevant` are the patterns the task
/// indexes (the dictionary's own, or shifted ones).
pub fn sample_prompt(
    dict: &Dictionary,
    relevant: &[Vec<f32>],
    task: PatternTask,
    alpha: f64,
    context: usize,
    noise: f32,
    rng: &mut Rng,
) -> PatternPrompt {
    let query_plus = rng.random::<bool>();
    let same = (alpha * context as f64).round() as usize;
    // Whether each context example is labelled +1: the query's label for `same` of them.
    let mut plus: Vec<bool> = (0..context).map(|i| if i < same { query_plus } else { !query_plus }).collect();
    plus.shuffle(rng);
    plus.push(query_plus);
    let mut xs = Vec::with_capacity(plus.len() * dict.dim);
    for &p in &plus {
        let mu = &relevant[if p { task.plus } else { task.minus }];
        let nu = &dict.irrelevant[rng.random_range(0..dict.irrelevant.len())];
        let c: f32 = rng.random_range(-noise..=noise);
        xs.extend(mu.iter().zip(nu).map(|(m, n)| m + c * n));
    }
    PatternPrompt { xs, labels: plus.iter().map(|&p| if p { 1.0 } else { -1.0 }).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha_is_realised_and_labels_follow_the_relevant_pattern() {
        let mut rng = crate::rng::stream(4, "prompts");
        let dict = Dictionary::draw(16, 4, 8, &mut rng).unwrap();
        let task = PatternTask { plus: 2, minus: 0 };
        let dot = |x: &[f32], p: &[f32]| x.iter().zip(p).map(|(a, b)| a * b).sum::<f32>();
        for alpha in [0.0, 0.25, 0.6, 1.0] {
            let p = sample_prompt(&dict, &dict.relevant, task, alpha, 20, 0.5, &mut rng);
            let rows: Vec<&[f32]> = p.xs.chunks(16).collect();
            assert_eq!((rows.len(), p.labels.len()), (21, 21));
            // The relevant pattern of each input is read back from the orthonormal dictionary.
            let pattern = |x: &[f32]| if dot(x, &dict.relevant[2]) > 0.5 { 2 } else { 0 };
            for (x, y) in rows.iter().zip(&p.labels) {
                assert_eq!(*y, if pattern(x) == 2 { 1.0 } else { -1.0 });
                assert!(dict.relevant.iter().map(|mu| dot(x, mu)).filter(|c| (c - 1.0).abs() < 1e-4).count() == 1);
            }
            let query = pattern(rows[20]);
            let sharing = rows[..20].iter().filter(|x| pattern(x) == query).count();
            assert_eq!(sharing, (alpha * 20.0_f64).round() as usize, "α = {alpha}");
        }
    }
}
