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
/// (M1 tasks, the fewest that can), the rest drawn — and every other ordered pair held out. An
/// error when `n_train` is below M1 or leaves no task held out.
pub fn split_tasks(m1: usize, n_train: usize, rng: &mut Rng) -> Result<TaskSplit, String> {
    let all = m1 * m1.saturating_sub(1);
    if m1 < 2 {
        return Err(format!("a task needs two relevant patterns; there are {m1}"));
    }
    if n_train < m1 || n_train >= all {
        return Err(format!(
            "{n_train} training tasks: covering {m1} patterns with both labels takes at least {m1}, and at most {} leave a task held out",
            all - 1
        ));
    }
    let cycle: Vec<PatternTask> = (0..m1).map(|p| PatternTask { plus: p, minus: (p + 1) % m1 }).collect();
    let mut rest: Vec<PatternTask> = (0..m1)
        .flat_map(|plus| (0..m1).filter(move |&minus| minus != plus).map(move |minus| PatternTask { plus, minus }))
        .filter(|t| !cycle.contains(t))
        .collect();
    rest.shuffle(rng);
    let mut train = cycle;
    train.extend(rest.drain(..n_train - m1));
    train.sort_unstable();
    rest.sort_unstable();
    Ok(TaskSplit { train, held_out: rest })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_tasks_cover_every_pattern_and_held_out_tasks_are_never_trained_on() {
        for n_train in [6, 10, 29] {
            let s = split_tasks(6, n_train, &mut crate::rng::stream(3, "split")).unwrap();
            assert_eq!((s.train.len(), s.held_out.len()), (n_train, 30 - n_train));
            assert!(covers(&s.train, 6));
            assert!(s.held_out.iter().all(|t| !s.train.contains(t)), "a held-out task is trained on");
            assert!(s.train.iter().chain(&s.held_out).all(|t| t.plus != t.minus && t.plus < 6 && t.minus < 6));
        }
        // Too few to cover, or none left to hold out.
        assert!(split_tasks(6, 5, &mut crate::rng::stream(3, "split")).is_err());
        assert!(split_tasks(6, 30, &mut crate::rng::stream(3, "split")).is_err());
        // Covering is not having every pattern somewhere: 0 is never labelled −1 here.
        let t = |plus, minus| PatternTask { plus, minus };
        assert!(!covers(&[t(0, 1), t(1, 2), t(2, 1)], 3));
        assert!(covers(&[t(0, 1), t(1, 2), t(2, 0)], 3));
    }
}
