//! Which trainings train together as one stacked model (`--stack on`): those that share the
//! model's architecture and shape, the prompt shape, the batch, the steps, the schedule and the
//! curriculum — everything that fixes the shape of a step's tensors — and the loss. They may
//! differ in seed, data (class, mixture weights), learning rate, weight decay, clipping and
//! checkpoints: each member's optimiser and files stay its own. Stacking is not part of any job's
//! id; a member's results are its training's alone.
use super::{Job, JobId, JobKind, TrainJob};
use crate::spec::{Curriculum, ModelSpec, Objective, Optimizer, Schedule};
use serde::{Deserialize, Serialize};

/// Trainings that run as one stacked model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stack {
    /// What its members share, in words.
    pub shape: String,
    /// Its trainings, in plan order.
    pub members: Vec<JobId>,
    /// The estimated device memory of one member on the graph, bytes: a stack is cut into parts
    /// that fit the device's free memory by it.
    pub member_bytes: f64,
}

/// The candle graph keeps every intermediate of the forward pass for the backward one: about
/// four times the activations `train_estimate` counts (a rough bound, not a measurement).
const GRAPH_MEMORY_FACTOR: f64 = 4.0;

/// The estimated device memory of a training on the graph, bytes.
pub fn member_bytes(t: &TrainJob) -> f64 {
    GRAPH_MEMORY_FACTOR * super::train_estimate(t).memory_bytes
}

/// What trainings must share to stack.
#[derive(Debug, Clone, Copy, PartialEq)]
struct StackKey {
    model: ModelSpec,
    dim: usize,
    points: usize,
    batch: usize,
    steps: u64,
    schedule: Schedule,
    curriculum: Option<Curriculum>,
    objective: Objective,
    optimizer: Optimizer,
    /// A language model's vocabulary (the shape of its tables).
    vocab: Option<usize>,
    /// A language training's completion batches (every member has as many parts a step).
    completions: Option<usize>,
}

impl StackKey {
    /// The key of a training, or `None` for one whose data this build cannot read (its job
    /// fails alone, with its own message).
    fn of(t: &TrainJob) -> Option<StackKey> {
        let kind = crate::tasks::kind_of(&t.data.class).ok()?;
        let s = &t.setup;
        let vocab = s.model.arch.context().and_then(|_| crate::tasks::vocabulary(&t.data.class));
        Some(StackKey {
            model: s.model,
            dim: t.dim,
            points: t.points,
            batch: s.batch,
            steps: s.steps,
            schedule: s.schedule,
            curriculum: s.curriculum,
            objective: s.objective(kind),
            optimizer: s.optimizer,
            vocab,
            completions: s.completions.map(|c| c.batch),
        })
    }

    /// `transformer 4 × 64 (4 heads), d 4, 9 points, batch 128, 1 400 steps`.
    fn describe(&self) -> String {
        let m = self.model;
        let arch = match m.arch {
            crate::spec::Arch::Regression => format!("transformer {} × {} ({} heads)", m.layers, m.width, m.heads),
            crate::spec::Arch::CausalLm { context, .. } => {
                format!("causal LM {} × {} ({} heads, context {context})", m.layers, m.width, m.heads)
            }
            crate::spec::Arch::Lstm { context } => format!("LSTM {} × {} (context {context})", m.layers, m.width),
            crate::spec::Arch::PatternNet => format!("pattern net of {} neurons", m.width),
        };
        let curriculum = if self.curriculum.is_some() { ", curriculum" } else { "" };
        format!(
            "{arch}, d {}, {} points, batch {}, {} steps{curriculum}",
            self.dim, self.points, self.batch, self.steps
        )
    }
}

/// The stacks of a plan's jobs: every group of two or more trainings that share a key, in plan order.
pub fn stacks_of(jobs: &[Job]) -> Vec<Stack> {
    let mut groups: Vec<(StackKey, Vec<JobId>, f64)> = Vec::new();
    for job in jobs {
        let JobKind::Train(t) = &job.kind else { continue };
        let Some(key) = StackKey::of(t) else { continue };
        match groups.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, members, _)) => members.push(job.id.clone()),
            None => groups.push((key, vec![job.id.clone()], member_bytes(t))),
        }
    }
    groups
        .into_iter()
        .filter(|(_, members, _)| members.len() > 1)
        .map(|(key, members, member_bytes)| Stack { shape: key.describe(), members, member_bytes })
        .collect()
}

/// A stack cut into parts that each fit `budget` bytes, members in order, each part as large as
/// fits; a member larger than the budget alone trains alone (the device says whether it fits).
pub fn split(bytes: &[f64], budget: f64) -> Vec<std::ops::Range<usize>> {
    let mut parts = Vec::new();
    let (mut start, mut used) = (0, 0.0);
    for (i, &b) in bytes.iter().enumerate() {
        if i > start && used + b > budget {
            parts.push(start..i);
            (start, used) = (i, 0.0);
        }
        used += b;
    }
    if start < bytes.len() {
        parts.push(start..bytes.len());
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn a_stack_is_split_into_parts_that_fit() {
        assert_eq!(split(&[1.0; 4], 10.0), vec![0..4], "all fit");
        assert_eq!(split(&[1.0; 5], 2.0), vec![0..2, 2..4, 4..5]);
        assert_eq!(split(&[3.0, 1.0, 1.0], 2.0), vec![0..1, 1..3], "too large alone: alone");
        assert!(split(&[], 1.0).is_empty());
    }
}
