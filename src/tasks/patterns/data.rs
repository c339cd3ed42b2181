//! A `patterns(…)` class made concrete: its dictionary, its relevant patterns (in-domain or
//! shifted), its split of tasks, and prompts of either half. The dictionary, the shift and the
//! split come from streams of the class's own `seed` that no other setting names, so a training on
//! `patterns(alpha = 0.6)` and an evaluation on `patterns(alpha = 0.2)` share their patterns and
//! tasks, and splits with more training tasks extend those with fewer (the held-out tasks of the
//! larger split are held out of every smaller one).
use super::{Dictionary, PatternPrompt, PatternTask, TaskSplit, sample_prompt, split_tasks};
use crate::rng::{Rng, stream};
use crate::tasks::PromptBatch;
use rand::Rng as _;

/// The settings of a `patterns(…)` call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PatternSettings {
    /// Relevant patterns M1.
    pub relevant: usize,
    /// Irrelevant patterns M2.
    pub irrelevant: usize,
    /// Tasks trained on (the rest are held out).
    pub train_tasks: usize,
    /// Share of the context sharing the query's relevant pattern.
    pub alpha: f64,
    /// Bound of the irrelevant pattern's coefficient.
    pub noise: f64,
    /// 0: the in-domain patterns; s > 0: shifted ones, combinations of them with weights summing to s.
    pub shift: f64,
    /// The label embedding's size q.
    pub label: f64,
    /// Seed of the dictionary, the shift and the split.
    pub seed: u64,
    /// Whether a task and its reverse are trained on or held out together.
    pub whole_pairs: bool,
}

/// Which tasks prompts are drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The training tasks.
    Train,
    /// The held-out tasks.
    HeldOut,
}

/// The class's patterns and tasks at one input dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternData {
    /// The settings it was built from.
    pub settings: PatternSettings,
    /// The dictionary.
    pub dict: Dictionary,
    /// The relevant patterns tasks index: the dictionary's own, or shifted ones.
    pub relevant: Vec<Vec<f32>>,
    /// Training and held-out tasks.
    pub split: TaskSplit,
}

impl PatternData {
    /// The class at input dimension `dim`; an error when its patterns do not fit or its split
    /// cannot cover every pattern or hold a task out.
    pub fn new(s: PatternSettings, dim: usize) -> Result<PatternData, String> {
        if !(0.0..=1.0).contains(&s.alpha) {
            return Err(format!("α = {} is a share of the context, in [0, 1]", s.alpha));
        }
        let dict = Dictionary::draw(dim, s.relevant, s.irrelevant, &mut stream(s.seed, "patterns/dictionary"))?;
        let split = split_tasks(s.relevant, s.train_tasks, s.whole_pairs, &mut stream(s.seed, "patterns/split"))?;
        let relevant = if s.shift > 0.0 {
            dict.shifted(s.shift, &mut stream(s.seed, "patterns/shift"))
        } else {
            dict.relevant.clone()
        };
        Ok(PatternData { settings: s, dict, relevant, split })
    }

    /// The tasks of one part.
    pub fn tasks(&self, part: Part) -> &[PatternTask] {
        match part {
            Part::Train => &self.split.train,
            Part::HeldOut => &self.split.held_out,
        }
    }

    /// `n` prompts of `points` rows each (the query last), each of a task drawn from `part`.
    pub fn prompts(&self, part: Part, n: usize, points: usize, rng: &mut Rng) -> Vec<PatternPrompt> {
        let tasks = self.tasks(part);
        let s = &self.settings;
        (0..n)
            .map(|_| {
                let task = tasks[rng.random_range(0..tasks.len())];
                let context = points.saturating_sub(1);
                sample_prompt(&self.dict, &self.relevant, task, s.alpha, context, s.noise as f32, rng)
            })
            .collect()
    }

    /// The same prompts as a batch of (x, y) pairs, for the report's tables and the baselines.
    pub fn batch(prompts: &[PatternPrompt], dim: usize) -> PromptBatch {
        let points = prompts.first().map_or(0, |p| p.labels.len());
        PromptBatch {
            xs: prompts.iter().flat_map(|p| p.xs.iter().copied()).collect(),
            ys: prompts.iter().flat_map(|p| p.labels.iter().copied()).collect(),
            batch: prompts.len(),
            points,
            dim,
            components: vec![0; prompts.len()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(train_tasks: usize, alpha: f64) -> PatternSettings {
        PatternSettings {
            relevant: 6,
            irrelevant: 24,
            train_tasks,
            alpha,
            noise: 0.5,
            shift: 0.0,
            label: 1.0,
            seed: 7,
            whole_pairs: false,
        }
    }

    #[test]
    fn settings_that_change_no_pattern_share_the_dictionary_and_larger_splits_extend_smaller_ones() {
        let a = PatternData::new(settings(8, 0.6), 30).unwrap();
        let b = PatternData::new(settings(8, 0.2), 30).unwrap();
        assert_eq!((&a.dict, &a.split), (&b.dict, &b.split));
        let c = PatternData::new(settings(20, 0.6), 30).unwrap();
        assert!(a.split.train.iter().all(|t| c.split.train.contains(t)));
        assert!(c.split.held_out.iter().all(|t| a.split.held_out.contains(t)));
        // Held-out prompts never use a training task's pair of patterns.
        let mut rng = crate::rng::stream(1, "t");
        let plus_minus = |p: &PatternPrompt| {
            let rows: Vec<&[f32]> = p.xs.chunks(30).collect();
            let of = |label: f32| {
                let (x, _) = rows.iter().zip(&p.labels).find(|(_, y)| **y == label)?;
                a.relevant.iter().position(|mu| mu.iter().zip(*x).map(|(m, v)| m * v).sum::<f32>() > 0.5)
            };
            (of(1.0), of(-1.0))
        };
        for p in a.prompts(Part::HeldOut, 200, 11, &mut rng) {
            if let (Some(plus), Some(minus)) = plus_minus(&p) {
                assert!(!a.split.train.contains(&PatternTask { plus, minus }));
            }
        }
        assert!(PatternData::new(settings(8, 1.5), 30).unwrap_err().contains("[0, 1]"));
        assert!(PatternData::new(settings(5, 0.6), 30).is_err());
        assert!(PatternData::new(settings(8, 0.6), 29).unwrap_err().contains("d ≥ 30"));
    }
}
