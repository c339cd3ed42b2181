//! `iclc plan`: the jobs as JSON.
use std::path::Path;
use std::process::ExitCode;

/// Prints the plan of a spec.
pub fn plan(path: &Path) -> ExitCode {
    let Some((source, spec)) = super::check::load_and_check(path) else {
        return ExitCode::FAILURE;
    };
    match iclc::plan::plan(&spec, super::spec_dir(path)) {
        Ok(plan) => {
            let cost = iclc::plan::estimate(&plan);
            let json = serde_json::json!({ "experiment": plan.experiment, "jobs": plan.jobs, "cost": cost });
            super::say(&serde_json::to_string_pretty(&json).expect("plans serialise"));
            eprintln!("{}", describe_cost(&cost));
            ExitCode::SUCCESS
        }
        Err(diags) => {
            super::diagnostics::print(&source, &diags);
            ExitCode::FAILURE
        }
    }
}

/// The cost of a plan's trainings in words: operations, and time on a CPU core and on a GPU.
pub fn describe_cost(cost: &iclc::plan::Cost) -> String {
    format!(
        "cost: {} training{}, {:.2e} FLOPs ≈ {} on one CPU core ({:.0} GFLOP/s, this project's machine) or {} on one GPU at {:.0} TFLOP/s",
        cost.trainings,
        if cost.trainings == 1 { "" } else { "s" },
        cost.flops,
        duration(cost.cpu_core_s),
        iclc::plan::CPU_CORE_FLOPS / 1e9,
        duration(cost.gpu_s),
        iclc::plan::GPU_FLOPS / 1e12
    )
}

/// Seconds as the largest sensible unit.
fn duration(s: f64) -> String {
    match s {
        s if s < 120.0 => format!("{s:.0} s"),
        s if s < 7200.0 => format!("{:.1} min", s / 60.0),
        s if s < 172_800.0 => format!("{:.1} h", s / 3600.0),
        s => format!("{:.1} days", s / 86_400.0),
    }
}
