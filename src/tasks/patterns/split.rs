//! Tasks over the relevant patterns and their split: the training tasks cover every relevant
//! pattern with both labels (the paper's Condition 3.2); the rest are held out, never trained on.
use crate::rng::Rng;
use rand::seq::SliceRandom as _;

/// A binary classification task: inputs whose relevant pattern is `plus` are labelled +1, those
/// with `minus` −1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PatternTask {
    /// The relevant pattern labelled +1.
    pub plus: usize,
    /// The relevant pattern labelled −1.
    pub minus: usize,
}

/// Training and held-out tasks, disjoint, together every ordered pair of distinct patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskSplit {
    /// Tasks trained on.
    pub train: Vec<PatternTask>,
    /// Tasks only evaluated.
    pub held_out: Vec<PatternTask>,
}

/// Whether `tasks` give every one of `m1` patterns both labels.
pub fn covers(tasks: &[PatternTask], m1: usize) -> bool {
    (0..m1).all(|p| tasks.iter().any(|t| t.plus == p) && tasks.iter().any(|t| t.minus == p))
}

/// `n_train` training tasks that cover every pattern with both labels — the cycle p → p + 1 first
/// (M1 tasks, the fewest that can), the rest drawn — and every other ordered pair held out. With
/// `whole_pairs` a task and its reverse fall on the same side: the cycle's pairs in both orders
/// first, then whole pairs drawn, so no held-out task is a training task with its labels swapped.
/// The draws come in one fixed order, so a split with more training tasks extends one with fewer.
/// An error when `n_train` cannot cover, leaves no task held out, or splits a pair.
pub fn split_tasks(m1: usize, n_train: usize, whole_pairs: bool, rng: &mut Rng) -> Result<TaskSplit, String> {
    let all = m1 * m1.saturating_sub(1);
    if m1 < 2 {
        return Err(format!("a task needs two relevant patterns; there are {m1}"));
    }
    let task = |plus: usize, minus: usize| PatternTask { plus, minus };
    let mut cycle: Vec<PatternTask> = (0..m1).map(|p| task(p, (p + 1) % m1)).collect();
    if whole_pairs {
        cycle.extend((0..m1).map(|p| task((p + 1) % m1, p)));
        cycle.sort_unstable();
        cycle.dedup();
    }
    let least = cycle.len();
    if n_train < least || n_train >= all {
        return Err(format!(
            "{n_train} training tasks: covering {m1} patterns with both labels takes at least {least}, and at most {} leave a task held out",
            all - if whole_pairs { 2 } else { 1 }
        ));
    }
    if whole_pairs && n_train % 2 == 1 {
        return Err(format!("{n_train} training tasks split a pair: with whole pairs the number is even"));
    }
    // The rest as units drawn in one order: single tasks, or a pair's two orders together.
    let mut units: Vec<Vec<PatternTask>> = (0..m1)
        .flat_map(|plus| (0..m1).filter(move |&minus| minus != plus).map(move |minus| task(plus, minus)))
        .filter(|t| !cycle.contains(t) && (!whole_pairs || t.plus < t.minus))
        .map(|t| if whole_pairs { vec![t, task(t.minus, t.plus)] } else { vec![t] })
        .collect();
    units.shuffle(rng);
    let per_unit = if whole_pairs { 2 } else { 1 };
    let drawn = (n_train - least) / per_unit;
    let mut train = cycle;
    train.extend(units.drain(..drawn).flatten());
    let mut held_out: Vec<PatternTask> = units.into_iter().flatten().collect();
    train.sort_unstable();
    held_out.sort_unstable();
    Ok(TaskSplit { train, held_out })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_tasks_cover_every_pattern_and_held_out_tasks_are_never_trained_on() {
        for n_train in [6, 10, 29] {
            let s = split_tasks(6, n_train, false, &mut crate::rng::stream(3, "split")).unwrap();
            assert_eq!((s.train.len(), s.held_out.len()), (n_train, 30 - n_train));
            assert!(covers(&s.train, 6));
            assert!(s.held_out.iter().all(|t| !s.train.contains(t)), "a held-out task is trained on");
            assert!(s.train.iter().chain(&s.held_out).all(|t| t.plus != t.minus && t.plus < 6 && t.minus < 6));
        }
        // Too few to cover, or none left to hold out.
        assert!(split_tasks(6, 5, false, &mut crate::rng::stream(3, "split")).is_err());
        assert!(split_tasks(6, 30, false, &mut crate::rng::stream(3, "split")).is_err());
        // Covering is not having every pattern somewhere: 0 is never labelled −1 here.
        let t = |plus, minus| PatternTask { plus, minus };
        assert!(!covers(&[t(0, 1), t(1, 2), t(2, 1)], 3));
        assert!(covers(&[t(0, 1), t(1, 2), t(2, 0)], 3));
    }

    #[test]
    fn whole_pairs_keep_a_task_and_its_reverse_together_and_larger_splits_extend_smaller_ones() {
        let split = |n| split_tasks(6, n, true, &mut crate::rng::stream(3, "split"));
        let reverse = |t: &PatternTask| PatternTask { plus: t.minus, minus: t.plus };
        let mut before: Option<TaskSplit> = None;
        for n_train in [12, 16, 20, 28] {
            let s = split(n_train).unwrap();
            assert_eq!((s.train.len(), s.held_out.len()), (n_train, 30 - n_train));
            assert!(covers(&s.train, 6));
            assert!(s.train.iter().all(|t| s.train.contains(&reverse(t))), "a training task's reverse is trained on");
            assert!(
                s.held_out.iter().all(|t| s.held_out.contains(&reverse(t))),
                "a held-out task's reverse is held out"
            );
            if let Some(b) = &before {
                assert!(b.train.iter().all(|t| s.train.contains(t)), "{n_train} extends the smaller split");
            }
            before = Some(s);
        }
        assert!(split(13).unwrap_err().contains("even"));
        assert!(split(10).is_err(), "the cycle in both orders takes 12");
        assert!(split(30).is_err());
    }
}
