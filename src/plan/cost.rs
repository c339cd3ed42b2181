//! What a plan will cost before it runs: the arithmetic of every training step, and the time it
//! takes at a stated rate, so a spec written for a GPU says so before it starts on a laptop.
use super::{Plan, TrainJob};
use serde::Serialize;

/// Floating-point operations per second of iclc's training engine on one core of the project's
/// 2-core CPU (AMD EPYC, AVX2): `iclc bench train` on `small` (≈ 13.4 GFLOP per step, 493 ms).
pub const CPU_CORE_FLOPS: f64 = 27e9;
/// The rate of the candle graph on language models at the sizes of specs/rules.icl (width 16–32,
/// sequences of tens of tokens), counted at the lengths a step reads: per-operation overhead, not
/// arithmetic, sets the pace. Measured on the project's 2-core Xeon (December 2026) with
/// `iclc run --jobs 1 --threads 1`: rules.icl's four variants at 200 steps took 3.7 s (GPT-2, 16
/// words a step), 8.2 and 6.9 s (with 32 completions) and 1.4 s (LSTM) for 8.1e9, 1.6e10, 1.6e10
/// and 5.3e9 counted FLOPs: 2.2, 2.0, 2.3 and 3.8 GFLOP/s (docs/performance.md, "Estimates").
pub const LM_GRAPH_FLOPS: f64 = 2.2e9;
/// The rate of the candle graph on Li et al.'s one-layer classifier at specs/patterns.icl's size
/// (d = 30, 20 examples, 64 neurons, 64 prompts a step): its 25 trainings of 1 000 steps (2.3e9
/// counted FLOPs each) took 0.6–1.0 s each in reports/patterns — per-operation overhead, not
/// arithmetic, sets the pace.
pub const PATTERN_GRAPH_FLOPS: f64 = 2.5e9;
/// The sustained rate of one data-centre GPU on the arithmetic of models this small (batches of
/// a few thousand tokens, widths of a few hundred), beyond the per-step floor: an assumed H100 at
/// a few percent of its dense peak, until [`GPU_CALIBRATION`] names a measurement.
pub const GPU_FLOPS: f64 = 20e12;
/// Seconds a GPU step spends per operation of the candle graph whatever its size: a kernel launch
/// and, for the weights going up and the gradients coming back, a synchronised copy. An assumed
/// 8 µs (launches take 3–10 µs on current GPUs), until [`GPU_CALIBRATION`] names a measurement.
pub const GPU_OP_SECONDS: f64 = 8e-6;
/// The measurement [`GPU_FLOPS`] and [`GPU_OP_SECONDS`] were calibrated from (`scripts/gpu-check.sh`
/// on a named GPU), or `None` while they are assumptions.
pub const GPU_CALIBRATION: Option<&str> = None;

/// The cost of a plan's trainings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cost {
    /// Training jobs.
    pub trainings: usize,
    /// Their floating-point operations in all.
    pub flops: f64,
    /// Seconds on one core at [`CPU_CORE_FLOPS`].
    pub cpu_core_s: f64,
    /// Seconds on one GPU, the trainings stacked as a GPU run stacks them: the floor plus the
    /// arithmetic at [`GPU_FLOPS`].
    pub gpu_s: f64,
    /// Of [`Cost::gpu_s`], the per-step floor: every stack's (and lone training's) steps ×
    /// its graph operations a step × [`GPU_OP_SECONDS`].
    pub gpu_floor_s: f64,
    /// Stacks (and lone trainings) a GPU run trains one after another.
    pub gpu_stacks: usize,
    /// Seconds per graph operation the floor is counted at.
    pub gpu_op_seconds: f64,
    /// What the GPU constants were calibrated from; `None`: uncalibrated assumptions.
    pub gpu_calibration: Option<&'static str>,
}

/// Floating-point operations of one training: forward and backward (3× the forward's products)
/// of every step at the curriculum's prompt length. A language model's at the lengths of its
/// words and completions, as many as a step reads.
pub fn train_flops(job: &TrainJob) -> f64 {
    let m = job.setup.model;
    let (c, l) = (m.width as f64, m.layers as f64);
    if m.arch == crate::spec::Arch::PatternNet {
        // Per prompt: W_Kᵀ W_Q on the query, scores and the mix over N examples, W_V, W_O.
        let (e, n) = (job.dim as f64 + 1.0, job.points as f64 - 1.0);
        let forward = 2.0 * (3.0 * e * e + 2.0 * n * e + c * e + c);
        return 3.0 * forward * job.setup.batch as f64 * job.setup.steps as f64;
    }
    if let Some(context) = m.arch.context() {
        // The model reads what a step gives it: every word when the batch holds them all (else
        // `batch` drawn), padded to the longest, and any completions padded to theirs.
        let (words, longest, aux) = token_batches(job, context);
        let per_token = |t: f64| match m.arch {
            // The recurrent cell: four gates of (input + hidden) × hidden weights per layer.
            crate::spec::Arch::Lstm { .. } => l * 16.0 * c * c,
            _ => l * (24.0 * c * c + 4.0 * t * c),
        };
        let step = words * longest * per_token(longest) + aux.0 * aux.1 * per_token(aux.1);
        return 3.0 * step * job.setup.steps as f64;
    }
    (0..job.setup.steps)
        .map(|step| {
            let points = job.setup.curriculum.map_or(job.points, |cur| cur.at(step).1);
            let t = 2.0 * points as f64;
            // Per token and layer: q, k, v, the projection and the MLP (12 C² weights, 2 flops
            // each), and attention's two products over the prefix (≤ T positions, 4 T C).
            let per_token = l * (24.0 * c * c + 4.0 * t * c) + 2.0 * c * (job.dim as f64 + 1.0);
            3.0 * per_token * t * job.setup.batch as f64
        })
        .sum()
}

/// A language training's sequences a step: (words, their padded length, (completions, their
/// padded length)), counted from the language itself; the context where it cannot be built.
fn token_batches(job: &TrainJob, context: usize) -> (f64, f64, (f64, f64)) {
    let t = context as f64;
    let Ok(lang) = crate::tasks::language_of(&job.data.class) else {
        let aux = job.setup.completions.map_or(0.0, |a| a.batch as f64);
        return (job.setup.batch as f64, t, (aux, t));
    };
    let words = lang.words();
    let n = job.setup.batch.min(words.len()) as f64;
    let aux = job.setup.completions.map_or((0.0, 0.0), |a| {
        let pairs = crate::tasks::languages::ood_completions(lang.as_ref(), a.variant, a.length);
        // SOS, the prompt and its completion.
        let longest = pairs.iter().flatten().map(|(p, c)| 1 + p.len() + c.len()).max().unwrap_or(context);
        (a.batch as f64, longest.min(context) as f64)
    });
    // SOS, the word and EOS (`Language::longest_framed`, from the words already made).
    let longest = words.iter().map(|w| w.len() + 2).max().unwrap_or(context);
    (n, longest.min(context) as f64, aux)
}

/// Seconds of one training on one core: the fused engine's rate for the regression model, the
/// candle graph's for a language model.
pub fn train_seconds(job: &TrainJob) -> f64 {
    train_flops(job) / core_rate(&job.setup.model.arch)
}

/// The FLOP rate of one core on a model of this kind: the fused engine's, or the candle graph's.
pub fn core_rate(arch: &crate::spec::Arch) -> f64 {
    match arch {
        crate::spec::Arch::Regression => CPU_CORE_FLOPS,
        crate::spec::Arch::PatternNet => PATTERN_GRAPH_FLOPS,
        crate::spec::Arch::CausalLm { .. } | crate::spec::Arch::Lstm { .. } => LM_GRAPH_FLOPS,
    }
}

/// Operations of the candle graph in one training step of `job`, whatever the size of its stack:
/// the forward pass's (counted from the graph's nodes: `Tensor::sorted_nodes` of the loss, views
/// included, variables not), twice as many for the backward pass, and a copy up and down per
/// parameter tensor. Forward nodes: the regression transformer 44 + 87 per block, the causal LM
/// 47 + 87 per block (once per batch of a step: the words, and the completions), the LSTM 29 + 26
/// per layer and token, the pattern network 32.
pub fn graph_ops_per_step(job: &TrainJob) -> f64 {
    let m = job.setup.model;
    let l = m.layers as f64;
    let parts = 1.0 + f64::from(job.setup.completions.is_some());
    let (forward, tensors) = match m.arch {
        crate::spec::Arch::Regression => (44.0 + 87.0 * l, 7.0 + 12.0 * l),
        crate::spec::Arch::CausalLm { .. } => (parts * (47.0 + 87.0 * l), 5.0 + 12.0 * l),
        crate::spec::Arch::Lstm { context } => (parts * (29.0 + 26.0 * l * context as f64), 3.0 + 4.0 * l),
        crate::spec::Arch::PatternNet => (32.0, 4.0),
    };
    3.0 * forward + 2.0 * tensors
}

/// The cost of every training of a plan: on one core, and on one GPU with its trainings stacked
/// (`stacks_of`) as a GPU run stacks them, each stack's floor counted once for all its members.
pub fn estimate(plan: &Plan) -> Cost {
    // `+ 0.0`: an empty sum of f64 is -0.0, which would print as "-0 s" for a plan without trainings.
    let flops: f64 = plan.train_jobs().map(|(_, t)| train_flops(t)).sum::<f64>() + 0.0;
    let cpu_core_s = plan.train_jobs().map(|(_, t)| train_seconds(t)).sum::<f64>() + 0.0;
    let stacks = super::stacks_of(&plan.jobs);
    let stacked: std::collections::BTreeSet<&super::JobId> = stacks.iter().flat_map(|s| &s.members).collect();
    let floor = |t: &TrainJob| t.setup.steps as f64 * graph_ops_per_step(t) * GPU_OP_SECONDS;
    let lone: Vec<&TrainJob> = plan.train_jobs().filter(|(id, _)| !stacked.contains(id)).map(|(_, t)| t).collect();
    let first_of = |s: &super::Stack| plan.train_jobs().find(|(id, _)| **id == s.members[0]).map(|(_, t)| t);
    let gpu_floor_s: f64 =
        lone.iter().map(|t| floor(t)).sum::<f64>() + stacks.iter().filter_map(first_of).map(floor).sum::<f64>() + 0.0;
    Cost {
        trainings: plan.train_jobs().count(),
        flops,
        cpu_core_s,
        gpu_s: gpu_floor_s + flops / GPU_FLOPS,
        gpu_floor_s,
        gpu_stacks: stacks.len() + lone.len(),
        gpu_op_seconds: GPU_OP_SECONDS,
        gpu_calibration: GPU_CALIBRATION,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{ClassSpec, DecayOn, ModelSpec, Schedule, TaskSpec, TrainSetup};

    #[test]
    fn a_step_of_the_small_preset_costs_what_the_benchmark_divides_by() {
        let job = TrainJob {
            name: "small".into(),
            aliases: vec![],
            data: TaskSpec {
                name: "d".into(),
                class: ClassSpec::call("linear", [("scale", 1.0.into())]),
                binding: None,
            },
            dim: 10,
            points: 21,
            setup: TrainSetup {
                completions: None,
                select: Default::default(),
                optimizer: Default::default(),
                loss: None,
                model: ModelSpec::transformer(4, 128, 4),
                steps: 1,
                batch: 64,
                lr: 1e-3,
                schedule: Schedule::Constant,
                clip: None,
                weight_decay: 0.0,
                decay_on: DecayOn::All,
                curriculum: None,
                checkpoint_every: 1000,
            },
            seed: 1,
            init: None,
            snapshots: vec![],
            computed_on: None,
        };
        let gflop = train_flops(&job) / 1e9;
        assert!((gflop - 13.4).abs() < 0.2, "{gflop}");
        let ten = TrainJob { setup: TrainSetup { steps: 10, ..job.setup }, ..job };
        assert!((train_flops(&ten) / 1e9 - 134.0).abs() < 2.0);
    }

    #[test]
    fn a_language_step_costs_the_words_it_reads_padded_to_the_longest() {
        let plan_of = |batch: usize| {
            let text = format!(
                "experiment \"e\" {{ seed = 1  dim = 1  points = 2 }}\nclass ab = anbn(max_n = 8)\n\
                 model lm = causal_lm(layers = 2, width = 16, heads = 4, context = 40)\n\
                 train t {{ data = ab  model = lm  steps = 10  batch = {batch} }}\n\
                 eval rules {{ models = [t]  tasks = [ab]  prompts = all(length = 6)  decode = greedy(max_new = 20) }}\n"
            );
            let source = crate::source::Source::new("l.icl", text);
            let spec = crate::check::check_source(&source).unwrap().spec.expect("checks");
            crate::plan::plan(&spec, std::path::Path::new("."), &Default::default()).unwrap()
        };
        let flops = |batch| plan_of(batch).train_jobs().map(|(_, t)| train_flops(t)).sum::<f64>();
        // The 8 words of aⁿbⁿ (n ≤ 8), each step; the longest framed is 18 tokens, not the context of 40.
        let (c, l, t) = (16.0, 2.0, 18.0);
        let expected = 3.0 * 8.0 * t * l * (24.0 * c * c + 4.0 * t * c) * 10.0;
        assert_eq!(flops(64), expected, "a batch beyond the language reads every word once");
        assert_eq!(flops(8), expected);
        assert_eq!(flops(4), expected / 2.0, "a smaller batch draws that many words");
    }
}
