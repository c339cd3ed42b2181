//! Tidy numbers from a run: mean error curves with bootstrap intervals, claim verdicts, and
//! training curves.
mod bootstrap;
mod claims;
mod classification;
mod language;
mod read;
mod training;
mod verdict;

pub use bootstrap::{Estimate, bootstrap_means, bootstrap_replicates, percentile_interval};
pub use claims::evaluate_claims;
pub use classification::{ClassificationSummary, ModelAttention, hinge};
pub use language::{LanguageSummary, ModelRates, StepRates};
pub use read::{Draw, Reader};
use training::training_summary;
pub use training::{Stage, TrainingSummary};
pub use verdict::{ClaimResult, SMALL_SAMPLE, Term, Verdict};

use crate::exec::{EvalOutput, ExecOutput, KindRecord};
use crate::plan::EvalJob;
use crate::spec::{CheckedSpec, ClassSpec, Predictor};
use serde::Serialize;

/// Resamples used for every interval.
pub const BOOTSTRAP_RESAMPLES: usize = 1000;
/// The interval's coverage.
pub const CONFIDENCE: f64 = 0.90;

/// One predictor's error/d at each position k, with its interval.
#[derive(Debug, Clone, Serialize)]
pub struct Curve {
    /// Model or baseline.
    pub predictor: Predictor,
    /// True for trained models.
    pub is_model: bool,
    /// Per position k = 0..points−1.
    pub points: Vec<Estimate>,
    /// Replicates (training seeds) averaged; 1 for baselines and single-seed models.
    pub replicates: usize,
    /// Each replicate's own curve with its training seed, when there are several.
    pub per_seed: Vec<(u64, Vec<Estimate>)>,
}

/// All curves of one (evaluation, task).
#[derive(Debug, Clone, Serialize)]
pub struct TaskCurves {
    /// The evaluation.
    pub eval: String,
    /// The task.
    pub task: String,
    /// The input distribution.
    pub inputs: crate::spec::InputSpec,
    /// The mixture component these curves are restricted to; `None` for all prompts.
    pub component: Option<String>,
    /// Prompts behind each mean.
    pub prompts: usize,
    /// What the curves measure.
    pub metric: crate::spec::Metric,
    /// One per predictor.
    pub curves: Vec<Curve>,
    /// The models at the training steps the evaluation reads them at, their final weights
    /// included, by model and then step.
    pub by_step: Vec<StepCurve>,
}

/// One model's error/d at each position k after some training step.
#[derive(Debug, Clone, Serialize)]
pub struct StepCurve {
    /// The training's name.
    pub model: String,
    /// The step.
    pub step: u64,
    /// Seconds of training up to it (the mean over replicates).
    pub wall_s: f64,
    /// Per position k.
    pub points: Vec<Estimate>,
    /// Replicates averaged.
    pub replicates: usize,
}

impl TaskCurves {
    /// The figure of these curves: the task's error against k, or one mixture component's.
    pub fn figure(&self) -> crate::spec::FigureRef {
        let (eval, task, inputs) = (self.eval.clone(), self.task.clone(), self.inputs);
        match &self.component {
            None => crate::spec::FigureRef::Curves { eval, task, inputs },
            Some(c) => crate::spec::FigureRef::Component { eval, task, inputs, component: c.clone() },
        }
    }

    /// The figure of the task's pruned models: of the 0-1 error, or of the hinge loss.
    pub fn pruning_figure(&self, hinge: bool) -> crate::spec::FigureRef {
        crate::spec::FigureRef::Pruning { eval: self.eval.clone(), task: self.task.clone(), hinge }
    }

    /// The estimate of `predictor` at position `k`.
    pub fn at(&self, predictor: &Predictor, k: usize) -> Option<&Estimate> {
        self.curves.iter().find(|c| &c.predictor == predictor)?.points.get(k)
    }
}

/// Everything the report shows.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    /// Jobs the run did not finish (failed, or missing from the store), in plan order.
    pub not_done: Vec<crate::exec::NotDone>,
    /// Error curves per (evaluation, task).
    pub curves: Vec<TaskCurves>,
    /// Claims with verdicts.
    pub claims: Vec<ClaimResult>,
    /// Training runs.
    pub trainings: Vec<TrainingSummary>,
    /// Function plots, with the evaluation and task they were drawn for.
    pub function_plots: Vec<PlottedFunction>,
    /// `between` against a task sweep, one per `between_vs` figure.
    pub positions: Vec<PositionCurve>,
    /// Language evaluations, one per (evaluation, language).
    pub languages: Vec<LanguageSummary>,
    /// Classification evaluations' attention and hinge loss, one per evaluation.
    pub classification: Vec<ClassificationSummary>,
}

/// Where a model's predictions lie between two others', for each value of a task sweep.
#[derive(Debug, Clone, Serialize)]
pub struct PositionCurve {
    /// The figure it is drawn for.
    pub figure: String,
    /// `(value of the sweep variable, coefficient)`.
    pub points: Vec<(f64, Estimate)>,
}

/// A function plot and where it comes from.
#[derive(Debug, Clone, Serialize)]
pub struct PlottedFunction {
    /// The evaluation.
    pub eval: String,
    /// The task.
    pub task: String,
    /// The function, its examples and the models' predictions.
    pub plot: crate::exec::FunctionPlot,
}

/// Each training's last step and its seconds of training (the mean over replicates), by name.
pub type Finals = std::collections::BTreeMap<String, (u64, f64)>;

fn finals(out: &ExecOutput) -> Finals {
    let mut sums: std::collections::BTreeMap<String, (u64, f64, usize)> = Default::default();
    for (job, t) in out.trains.values() {
        for name in std::iter::once(&job.name).chain(&job.aliases) {
            let e = sums.entry(name.clone()).or_insert((job.setup.steps, 0.0, 0));
            e.1 += t.wall_s;
            e.2 += 1;
        }
    }
    sums.into_iter().map(|(name, (steps, wall, n))| (name, (steps, wall / n as f64))).collect()
}

/// Summarises a run.
pub fn summarise(spec: &CheckedSpec, out: &ExecOutput) -> Results {
    let finals = finals(out);
    let mut curves: Vec<TaskCurves> = Vec::new();
    let seeds: Seeds = out.trains.iter().map(|(id, (t, _))| (id.clone(), t.seed)).collect();
    let reader = Reader::new(&out.evals, &finals, spec.seed);
    let mut languages = Vec::new();
    let classification = classification::summaries(out.evals.iter().map(|(j, e)| (j, e)), spec.seed);
    for (job, eval) in &out.evals {
        // Each kind's summary: a language's rates; error curves of the rest, a mixture's also per
        // component (classification's attention and hinge loss are summarised above).
        let record = match &eval.record {
            KindRecord::Tokens(lang) => {
                languages.push(language::language_summary(job, lang, &reader, &finals));
                continue;
            }
            KindRecord::Regression(r) => Some(r),
            KindRecord::Classification(_) => None,
        };
        let all: Vec<usize> = (0..eval.prompts).collect();
        curves.push(task_curves(job, eval, None, &all, spec.seed, &finals, &seeds));
        // A mixture's prompts split by the component drawn: does the model pick the right class?
        if let (ClassSpec::Mixture { components }, Some(r)) = (&job.task.class, record)
            && r.components.len() == eval.prompts
        {
            for (i, c) in components.iter().enumerate() {
                let rows: Vec<usize> = (0..eval.prompts).filter(|&row| r.components[row] == i).collect();
                if !rows.is_empty() {
                    curves.push(task_curves(job, eval, Some(c.name.clone()), &rows, spec.seed, &finals, &seeds));
                }
            }
        }
    }
    let claims = evaluate_claims(&spec.claims, &reader);
    let positions = spec.figures.iter().filter_map(|f| position_curve(f, spec, &reader)).collect();
    let replicated = |name: &str| out.trains.values().filter(|(j, _)| j.name == name).count() > 1;
    // In the spec's order, replicates by seed (the jobs are keyed by their hash).
    let position = |name: &str| spec.trainings.iter().position(|t| t.name == name);
    let mut jobs: Vec<_> = out.trains.values().collect();
    jobs.sort_by_key(|(job, _)| (position(&job.name), job.seed));
    let trainings = jobs
        .into_iter()
        .map(|(job, t)| {
            let mut s = training_summary(job, t);
            // One model trained for several names is listed once, under all of them.
            s.run = job.names();
            s.name = if replicated(&job.name) { crate::plan::replicate_label(&s.run, job.seed) } else { s.run.clone() };
            s
        })
        .collect();
    let function_plots = out
        .evals
        .iter()
        .flat_map(|(job, eval)| {
            eval.regression().into_iter().flat_map(|r| &r.plots).map(|plot| PlottedFunction {
                eval: job.eval.clone(),
                task: job.task.name.clone(),
                plot: plot.clone(),
            })
        })
        .collect();
    Results {
        not_done: out.not_done.clone(),
        curves,
        claims,
        trainings,
        function_plots,
        positions,
        languages,
        classification,
    }
}

/// The `between` coefficient at every task of a `between_vs` figure's sweep, with its interval.
fn position_curve(f: &crate::spec::FigureSpec, spec: &CheckedSpec, reader: &Reader) -> Option<PositionCurve> {
    let crate::spec::FigureSpec::BetweenVs { name, eval, var, model, from, to, k } = f else { return None };
    let e = spec.evals.iter().find(|e| &e.name == eval)?;
    let points = e
        .tasks
        .iter()
        .filter_map(|t| {
            let (v, value) = t.binding.as_ref().filter(|b| &b.0 == var)?;
            let _ = v;
            let b = crate::spec::BetweenRef {
                eval: eval.clone(),
                model: model.clone(),
                from: from.clone(),
                to: to.clone(),
                task: t.name.clone(),
                inputs: e.inputs[0],
                k: *k,
            };
            let draws = (0..BOOTSTRAP_RESAMPLES).map(|r| reader.between(&b, &Draw::resample(r))).collect();
            Some((*value, percentile_interval(reader.between(&b, &Draw::all()), draws)))
        })
        .collect();
    Some(PositionCurve { figure: name.clone(), points })
}

/// Each training job's seed.
type Seeds = std::collections::BTreeMap<crate::plan::JobId, u64>;

/// The curves of one evaluation over the prompts `rows`.
fn task_curves(
    job: &EvalJob,
    eval: &EvalOutput,
    component: Option<String>,
    rows: &[usize],
    seed: u64,
    finals: &Finals,
    seeds: &Seeds,
) -> TaskCurves {
    let p = eval.points;
    let pick =
        |errs: &[f32]| -> Vec<f32> { rows.iter().flat_map(|&r| errs[r * p..(r + 1) * p].iter().copied()).collect() };
    TaskCurves {
        by_step: step_curves(eval, &pick, rows.len(), seed, finals),
        eval: job.eval.clone(),
        task: job.task.name.clone(),
        inputs: job.inputs,
        component,
        prompts: rows.len(),
        metric: job.task_kind.metric(),
        curves: replicate_groups(eval.tables().map_or(&[][..], |t| &t.errors))
            .into_iter()
            .map(|(predictor, reps)| {
                let picked: Vec<Vec<f32>> = reps.iter().map(|errs| pick(errs)).collect();
                let tables: Vec<&[f32]> = picked.iter().map(Vec::as_slice).collect();
                // Replicates come in the order the evaluation lists the model's trainings.
                let per_seed = match predictor {
                    Predictor::Model(name) if reps.len() > 1 => job
                        .models
                        .iter()
                        .filter(|(n, _)| n == name)
                        .zip(&tables)
                        .map(|((_, id), t)| {
                            (seeds.get(id).copied().unwrap_or_default(), bootstrap_means(t, rows.len(), p, seed))
                        })
                        .collect(),
                    _ => vec![],
                };
                Curve {
                    predictor: predictor.clone(),
                    is_model: predictor.is_model(),
                    points: bootstrap_replicates(&tables, rows.len(), p, seed),
                    replicates: reps.len(),
                    per_seed,
                }
            })
            .collect(),
    }
}

/// Each model's curve at every step the evaluation reads, its final weights (the training's last
/// step) included, replicates averaged.
fn step_curves(
    eval: &EvalOutput,
    pick: &dyn Fn(&[f32]) -> Vec<f32>,
    rows: usize,
    seed: u64,
    finals: &Finals,
) -> Vec<StepCurve> {
    let Some(t) = eval.tables().filter(|t| !t.at_steps.is_empty()) else { return vec![] };
    let mut out = Vec::new();
    for (model, last) in replicate_groups(&t.errors).into_iter().filter_map(|(p, reps)| match p {
        Predictor::Model(m) => Some((m, reps)),
        Predictor::Pruned(_) | Predictor::Baseline(_) => None,
    }) {
        let mut steps: Vec<u64> = t.at_steps.iter().filter(|s| &s.model == model).map(|s| s.step).collect();
        steps.sort_unstable();
        steps.dedup();
        for step in steps {
            let at: Vec<&crate::exec::StepErrors> =
                t.at_steps.iter().filter(|s| &s.model == model && s.step == step).collect();
            let picked: Vec<Vec<f32>> = at.iter().map(|s| pick(&s.errors)).collect();
            let tables: Vec<&[f32]> = picked.iter().map(Vec::as_slice).collect();
            out.push(StepCurve {
                model: model.clone(),
                step,
                wall_s: at.iter().map(|s| s.wall_s).sum::<f64>() / at.len() as f64,
                points: bootstrap_replicates(&tables, rows, eval.points, seed),
                replicates: at.len(),
            });
        }
        let picked: Vec<Vec<f32>> = last.iter().map(|errs| pick(errs)).collect();
        let tables: Vec<&[f32]> = picked.iter().map(Vec::as_slice).collect();
        let (last_step, wall_s) = finals.get(model.as_str()).copied().unwrap_or_default();
        out.push(StepCurve {
            model: model.clone(),
            step: last_step,
            wall_s,
            points: bootstrap_replicates(&tables, rows, eval.points, seed),
            replicates: last.len(),
        });
    }
    out
}

/// The error tables of each predictor, in order of first appearance; a model trained with several
/// seeds has one table per seed.
fn replicate_groups(errors: &[(Predictor, Vec<f32>)]) -> Vec<(&Predictor, Vec<&[f32]>)> {
    let mut groups: Vec<(&Predictor, Vec<&[f32]>)> = Vec::new();
    for (predictor, errs) in errors {
        match groups.iter_mut().find(|(p, _)| *p == predictor) {
            Some((_, reps)) => reps.push(errs),
            None => groups.push((predictor, vec![errs])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::training::curriculum_stages;
    use super::*;
    use crate::spec::{Baseline, Component, InputSpec, Stage, TaskSpec};

    #[test]
    fn curriculum_stages_list_each_shape_once_from_its_first_step() {
        let c = crate::spec::Curriculum {
            dims: Stage { start: 2, end: 3, inc: 1 },
            points: Stage { start: 4, end: 8, inc: 2 },
            every: 100,
        };
        let at = |s: &[super::Stage]| s.iter().map(|s| (s.from_step, s.dims, s.points)).collect::<Vec<_>>();
        assert_eq!(at(&curriculum_stages(&c, 1000)), vec![(1, 2, 4), (101, 3, 6), (201, 3, 8)]);
        assert_eq!(at(&curriculum_stages(&c, 150)), vec![(1, 2, 4), (101, 3, 6)]);
    }

    #[test]
    fn a_mixture_evaluation_is_split_by_the_component_each_prompt_was_drawn_from() {
        let component = |name: &str| Component {
            weight: 0.5,
            name: name.into(),
            class: ClassSpec::call("linear", [("scale", 1.0.into())]),
        };
        let job = EvalJob {
            eval: "e".into(),
            task: TaskSpec {
                name: "mix".into(),
                class: ClassSpec::Mixture { components: vec![component("a"), component("b")] },
                binding: None,
            },
            inputs: InputSpec::Normal,
            dim: 1,
            points: 2,
            prompts: 4,
            seed: 1,
            models: vec![],
            baselines: vec![Baseline::Zero],
            plots: vec![],
            at: None,
            computed_on: None,
            completing: None,
            pruned: vec![],
            task_kind: crate::spec::TaskKind::Regression,
        };
        // Prompts 0 and 3 come from `a` (errors 1), 1 and 2 from `b` (errors 3).
        let errors = vec![1.0, 1.0, 3.0, 3.0, 3.0, 3.0, 1.0, 1.0];
        let tables = crate::exec::ErrorTables::of(vec![(Predictor::Baseline(Baseline::Zero), errors)], vec![]);
        let record = crate::exec::RegressionRecord { tables, components: vec![0, 1, 1, 0], plots: vec![] };
        let eval = EvalOutput::of(2, 4, crate::exec::KindRecord::Regression(record));
        let all: Vec<usize> = (0..4).collect();
        let whole = task_curves(&job, &eval, None, &all, 1, &Finals::new(), &Seeds::new());
        assert_eq!(whole.curves[0].points[1].mean, 2.0);
        let a = task_curves(&job, &eval, Some("a".into()), &[0, 3], 1, &Finals::new(), &Seeds::new());
        assert_eq!((a.prompts, a.curves[0].points[1].mean), (2, 1.0));
        let b = task_curves(&job, &eval, Some("b".into()), &[1, 2], 1, &Finals::new(), &Seeds::new());
        assert_eq!((b.prompts, b.curves[0].points[0].mean), (2, 3.0));
    }
}
