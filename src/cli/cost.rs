//! A plan's cost and durations in words, for `plan` and `run` alike.

/// The cost of a plan's trainings in words: operations, and time on a CPU core and on a GPU.
pub fn describe_cost(cost: &iclc::plan::Cost) -> String {
    let calibration = cost.gpu_calibration.map_or_else(
        || "uncalibrated: assumed constants until scripts/gpu-check.sh measures a GPU".to_string(),
        |c| format!("calibrated on {c}"),
    );
    format!(
        "cost: {} training{}, {:.2e} FLOPs ≈ {} on one CPU core (at rates measured on this project's 2-core CPU, docs/performance.md: {:.0} GFLOP/s for regression transformers on the fused engine; {:.1} for language models and {:.1} for pattern classifiers, which train on the candle graph, where the overhead of each operation sets the pace at these sizes) or {} on one GPU ({} stack{} one after another: a floor of {} for the steps at {:.0} µs per graph operation, plus the arithmetic at {:.0} TFLOP/s; {calibration})",
        cost.trainings,
        if cost.trainings == 1 { "" } else { "s" },
        cost.flops,
        duration(cost.cpu_core_s),
        iclc::plan::CPU_CORE_FLOPS / 1e9,
        iclc::plan::LM_GRAPH_FLOPS / 1e9,
        iclc::plan::PATTERN_GRAPH_FLOPS / 1e9,
        duration(cost.gpu_s),
        cost.gpu_stacks,
        if cost.gpu_stacks == 1 { "" } else { "s" },
        duration(cost.gpu_floor_s),
        cost.gpu_op_seconds * 1e6,
        iclc::plan::GPU_FLOPS / 1e12
    )
}

/// Seconds as the largest sensible unit.
pub fn duration(s: f64) -> String {
    match s {
        s if s < 120.0 => format!("{s:.0} s"),
        s if s < 7200.0 => format!("{:.1} min", s / 60.0),
        s if s < 172_800.0 => format!("{:.1} h", s / 3600.0),
        s => format!("{:.1} days", s / 86_400.0),
    }
}
