//! Reading a claim's quantities from the run's per-prompt tables, on all prompts or on one
//! bootstrap draw. A draw resamples the prompts of each (evaluation, task, inputs) once, shared by
//! every predictor read on them (so comparisons on the same prompts stay paired), and the
//! replicates (training seeds) of each model once, shared by every table that model appears in.
//! The readings of a kind's own record are with its summary (`language.rs`, `classification.rs`).
use super::Finals;
use crate::exec::EvalOutput;
use crate::plan::EvalJob;
use crate::spec::{BetweenRef, ErrorRef, Predictor};
use rand::Rng as _;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// The evaluations of a run, ready to be read.
pub struct Reader<'a> {
    evals: &'a [(EvalJob, EvalOutput)],
    pub(super) finals: &'a Finals,
    pub(super) seed: u64,
}

/// Which prompts and replicates a reading uses: all of them once, or one bootstrap resample.
pub struct Draw {
    index: Option<usize>,
    pub(super) rows: RefCell<BTreeMap<String, Vec<usize>>>,
    reps: RefCell<BTreeMap<String, Vec<usize>>>,
}

impl Draw {
    /// Every prompt and replicate once: the estimate itself.
    pub fn all() -> Draw {
        Draw { index: None, rows: RefCell::default(), reps: RefCell::default() }
    }

    /// Bootstrap resample number `index`.
    pub fn resample(index: usize) -> Draw {
        Draw { index: Some(index), ..Draw::all() }
    }

    /// The replicates drawn of `n` under `key` ([`Predictor::replicates_key`], or a training's
    /// name): the same for every table of that training within a draw.
    pub(super) fn replicates(&self, seed: u64, key: &str, n: usize) -> Vec<usize> {
        self.pick(&self.reps, seed, key, n)
    }

    /// A rate of `kept` of `counted` prompts: as counted in the estimate; in a resample, drawn from
    /// its Jeffreys posterior Beta(kept + ½, counted − kept + ½), so that few prompts give a wide
    /// interval (5 of 5 is not a certain 1) where resampling the prompts would not.
    pub(super) fn rate(&self, seed: u64, key: &str, kept: u64, counted: u64) -> f64 {
        let Some(r) = self.index else { return kept as f64 / counted as f64 };
        let mut rng = crate::rng::stream(seed, &format!("claims/{r}/rate/{key}"));
        let beta = rand_distr::Beta::new(kept as f64 + 0.5, (counted - kept) as f64 + 0.5).expect("positive shapes");
        rand_distr::Distribution::sample(&beta, &mut rng)
    }

    /// `n` indices for `key`: `0..n`, or `n` drawn with replacement (the same for one key within
    /// a draw).
    pub(super) fn pick(
        &self,
        cache: &RefCell<BTreeMap<String, Vec<usize>>>,
        seed: u64,
        key: &str,
        n: usize,
    ) -> Vec<usize> {
        let Some(r) = self.index else { return (0..n).collect() };
        cache
            .borrow_mut()
            .entry(key.to_string())
            .or_insert_with(|| {
                let mut rng = crate::rng::stream(seed, &format!("claims/{r}/{key}"));
                (0..n).map(|_| rng.random_range(0..n)).collect()
            })
            .clone()
    }
}

/// One model's mean error at a step it was read at, and the seconds of training up to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AtStep {
    /// The step.
    pub step: u64,
    /// Seconds of training up to it (mean over replicates).
    pub wall_s: f64,
    /// The mean error.
    pub error: f64,
}

impl<'a> Reader<'a> {
    /// A reader over a run's evaluations; `seed` seeds the bootstrap draws.
    pub fn new(evals: &'a [(EvalJob, EvalOutput)], finals: &'a Finals, seed: u64) -> Self {
        Reader { evals, finals, seed }
    }

    /// Whether the run holds the table `q` reads (its evaluation was done).
    pub fn has(&self, q: &crate::spec::Quantity) -> bool {
        self.table(q.eval(), q.task(), &q.inputs()).is_some()
    }

    pub(super) fn table(
        &self,
        eval: &str,
        task: &str,
        inputs: &crate::spec::InputSpec,
    ) -> Option<(String, &'a EvalOutput)> {
        let (_, out) = self.evals.iter().find(|(j, _)| j.eval == eval && j.task.name == task && j.inputs == *inputs)?;
        Some((format!("{eval}/{task}/{}", inputs.describe()), out))
    }

    /// The mean of column `k` over the drawn replicates of `tables` and the drawn prompts.
    fn mean(&self, draw: &Draw, rows_key: &str, reps_key: &str, tables: &[&[f32]], points: usize, k: usize) -> f64 {
        if tables.is_empty() {
            return f64::NAN;
        }
        let n = tables[0].len() / points;
        let rows = draw.pick(&draw.rows, self.seed, rows_key, n);
        let reps = draw.replicates(self.seed, reps_key, tables.len());
        let mut sum = 0f64;
        for &rep in &reps {
            sum += rows.iter().map(|&r| tables[rep][r * points + k] as f64).sum::<f64>();
        }
        sum / (rows.len() * reps.len()) as f64
    }

    /// `error(…)`: the mean error/d of a predictor at k (a model at `step`, if given).
    pub fn error(&self, r: &ErrorRef, draw: &Draw) -> f64 {
        let Some((key, out)) = self.table(&r.eval, &r.task, &r.inputs) else { return f64::NAN };
        let tables = self.tables_at(out, &r.predictor, r.step);
        self.mean(draw, &key, &r.predictor.replicates_key(), &tables, out.points, r.k)
    }

    /// The per-prompt errors of a predictor's replicates, at `step` for a model read at steps.
    fn tables_at<'o>(&self, out: &'o EvalOutput, predictor: &Predictor, step: Option<u64>) -> Vec<&'o [f32]> {
        let last = match predictor {
            Predictor::Model(m) => self.finals.get(m).map(|f| f.0),
            Predictor::Pruned(_) | Predictor::Baseline(_) => None,
        };
        let Some(t) = out.tables() else { return vec![] };
        match (predictor, step) {
            (Predictor::Model(m), Some(s)) if Some(s) != last => {
                t.at_steps.iter().filter(|a| &a.model == m && a.step == s).map(|a| a.errors.as_slice()).collect()
            }
            _ => t.errors.iter().filter(|(p, _)| p == predictor).map(|(_, e)| e.as_slice()).collect(),
        }
    }

    /// The model of `r` at every step its evaluation read it at, its final weights last.
    pub fn steps(&self, r: &ErrorRef, draw: &Draw) -> Vec<AtStep> {
        let Some((key, out)) = self.table(&r.eval, &r.task, &r.inputs) else { return vec![] };
        let (Predictor::Model(model), Some(t)) = (&r.predictor, out.tables()) else { return vec![] };
        let mut steps: Vec<u64> = t.at_steps.iter().filter(|a| &a.model == model).map(|a| a.step).collect();
        steps.sort_unstable();
        steps.dedup();
        let mut at: Vec<AtStep> = steps
            .into_iter()
            .map(|step| {
                let reps: Vec<_> = t.at_steps.iter().filter(|a| &a.model == model && a.step == step).collect();
                let tables: Vec<&[f32]> = reps.iter().map(|a| a.errors.as_slice()).collect();
                AtStep {
                    step,
                    wall_s: reps.iter().map(|a| a.wall_s).sum::<f64>() / reps.len() as f64,
                    error: self.mean(draw, &key, model, &tables, out.points, r.k),
                }
            })
            .collect();
        if let Some(&(step, wall_s)) = self.finals.get(model) {
            let tables = self.tables_at(out, &r.predictor, None);
            at.push(AtStep { step, wall_s, error: self.mean(draw, &key, model, &tables, out.points, r.k) });
        }
        at
    }

    /// `between(…)`: the least-squares coefficient t placing the model's predictions p on the
    /// segment a + t (b − a) from one predictor's predictions a to another's b, over the drawn
    /// prompts (each predictor's replicates averaged per prompt).
    pub fn between(&self, b: &BetweenRef, draw: &Draw) -> f64 {
        let Some((key, out)) = self.table(&b.eval, &b.task, &b.inputs) else { return f64::NAN };
        let Some(t) = out.tables() else { return f64::NAN };
        let (p, n) = (out.points, out.prompts);
        let rows = draw.pick(&draw.rows, self.seed, &key, n);
        let prediction = |who: &Predictor| -> Vec<f64> {
            let reps: Vec<&[f32]> = t.predictions_of(who).collect();
            if reps.is_empty() {
                return vec![f64::NAN; rows.len()];
            }
            let drawn = draw.replicates(self.seed, &who.replicates_key(), reps.len());
            rows.iter()
                .map(|&r| drawn.iter().map(|&i| reps[i][r * p + b.k] as f64).sum::<f64>() / drawn.len() as f64)
                .collect()
        };
        let (m, a, z) = (prediction(&b.model), prediction(&b.from), prediction(&b.to));
        let (mut num, mut den) = (0f64, 0f64);
        for i in 0..rows.len() {
            num += (m[i] - a[i]) * (z[i] - a[i]);
            den += (z[i] - a[i]) * (z[i] - a[i]);
        }
        num / den
    }
}
