//! Running a spec on a Slurm cluster: a job array whose task i runs shard i of K
//! (`iclc run --shard i/K`), then a report job that renders from the shared store once the array
//! has ended (`iclc report`). The out folder is the shared file system; nothing else is exchanged.
use crate::pipeline::Prepared;
use crate::plan::{JobKind, job_estimate, training_owners};
use std::path::{Path, PathBuf};

/// How to submit.
#[derive(Debug, Clone)]
pub struct SlurmOptions {
    /// The iclc binary the tasks run (absolute).
    pub iclc: PathBuf,
    /// The spec (absolute).
    pub spec: PathBuf,
    /// The out folder on the shared file system (absolute).
    pub out_dir: PathBuf,
    /// Tasks in the array.
    pub shards: usize,
    /// CPUs per task; each task runs that many jobs side by side.
    pub cpus: usize,
    /// `--partition`, when the cluster wants one.
    pub partition: Option<String>,
    /// `--time` of each array task; derived from the plan's estimates when absent.
    pub time: Option<String>,
    /// `--mem` of each task (Slurm's syntax, e.g. `8G`), when the cluster wants one.
    pub mem: Option<String>,
    /// GPUs of each array task (`--gres=gpu:N`); the report job needs none.
    pub gpus_per_task: Option<usize>,
}

/// The two batch scripts.
#[derive(Debug, Clone)]
pub struct Scripts {
    /// `array.sbatch`: the shards.
    pub array: String,
    /// `report.sbatch`: the report, after the array.
    pub report: String,
}

/// The folder of the scripts and the tasks' logs, inside the out folder.
pub fn slurm_dir(out_dir: &Path) -> PathBuf {
    out_dir.join("slurm")
}

/// The batch scripts of a prepared spec.
pub fn scripts(p: &Prepared, o: &SlurmOptions) -> Scripts {
    let name = format!("iclc-{}", slug(&p.spec.name));
    let logs = slurm_dir(&o.out_dir);
    let time = o.time.clone().unwrap_or_else(|| slurm_time(shard_seconds(p, o)));
    let head = |job: String, array: Option<usize>, cpus: usize, time: &str, log: &str| {
        let mut lines = vec![
            "#!/bin/bash".to_string(),
            format!(
                "# Written by `iclc slurm` for {}; rewrite it with `iclc slurm`, not by hand.",
                p.spec_path.display()
            ),
            format!("#SBATCH --job-name={job}"),
        ];
        if let Some(k) = array {
            lines.push(format!("#SBATCH --array=0-{}", k - 1));
        }
        lines.push(format!("#SBATCH --cpus-per-task={cpus}"));
        lines.push(format!("#SBATCH --time={time}"));
        lines.push(format!("#SBATCH --output={}", logs.join(log).display()));
        if let Some(partition) = &o.partition {
            lines.push(format!("#SBATCH --partition={partition}"));
        }
        if let Some(mem) = &o.mem {
            lines.push(format!("#SBATCH --mem={mem}"));
        }
        if let (Some(gpus), Some(_)) = (o.gpus_per_task, array) {
            lines.push(format!("#SBATCH --gres=gpu:{gpus}"));
        }
        lines.push("set -euo pipefail".into());
        lines
    };
    // The tasks plan as this command did: the same backend and device, so the same job ids.
    let compute = p.compute.flags();
    let mut array = head(name.clone(), Some(o.shards), o.cpus, &time, "shard-%a.log");
    array.push(format!(
        "exec {} run {} --out {} --shard \"$SLURM_ARRAY_TASK_ID/{}\" --jobs {} --threads 1{compute}",
        quote(&o.iclc),
        quote(&o.spec),
        quote(&o.out_dir),
        o.shards,
        o.cpus
    ));
    let mut report = head(format!("{name}-report"), None, 1, "00:30:00", "report.log");
    report.push(format!("exec {} report {} --out {}{compute}", quote(&o.iclc), quote(&o.spec), quote(&o.out_dir)));
    Scripts { array: array.join("\n") + "\n", report: report.join("\n") + "\n" }
}

/// Seconds the busiest shard should take: on CPUs, its trainings at this project's reference
/// core, run `cpus` at a time; on GPUs, the plan's GPU estimate of the trainings it owns (stacked
/// among themselves, each of its stacks paying its own per-step floor); with a share of the
/// evaluations. Doubled, since cluster machines differ.
fn shard_seconds(p: &Prepared, o: &SlurmOptions) -> f64 {
    let shards = o.shards.max(1);
    let owners = training_owners(&p.plan, shards);
    let mut load = vec![0.0; shards];
    let mut evals = 0.0;
    for job in &p.plan.jobs {
        let s = job_estimate(&p.plan, job).seconds;
        match (&job.kind, owners.get(&job.id)) {
            (JobKind::Train(_), Some(&shard)) => load[shard] += s,
            _ => evals += s,
        }
    }
    let busiest = match o.gpus_per_task {
        Some(_) => (0..shards)
            .map(|shard| {
                let jobs = p.plan.jobs.iter().filter(|j| owners.get(&j.id) == Some(&shard)).cloned().collect();
                crate::plan::estimate(&crate::plan::Plan { experiment: String::new(), jobs, stacks: vec![] }).gpu_s
            })
            .fold(0.0, f64::max),
        None => load.iter().copied().fold(0.0, f64::max) / o.cpus.max(1) as f64,
    };
    2.0 * (busiest + evals / shards as f64 / o.cpus.max(1) as f64)
}

/// Slurm's `D-HH:MM:SS`, at least 10 minutes.
fn slurm_time(seconds: f64) -> String {
    let s = (seconds.ceil() as u64).max(600);
    format!("{}-{:02}:{:02}:{:02}", s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60)
}

/// A job name Slurm shows whole: letters, digits, `-` and `_`.
fn slug(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
}

/// A path as one shell word.
fn quote(path: &Path) -> String {
    crate::shell::word(&path.display().to_string())
}

/// Submits the array, then the report to run after it ends however it ends (`afterany`, so a
/// failed shard still gets a report that lists what is missing). The two job ids.
pub fn submit(dir: &Path) -> Result<(String, String), String> {
    let array = sbatch(&[], &dir.join("array.sbatch"))?;
    let report = sbatch(&[format!("--dependency=afterany:{array}")], &dir.join("report.sbatch"))?;
    Ok((array, report))
}

/// `sbatch --parsable [args] script`: the job id.
fn sbatch(args: &[String], script: &Path) -> Result<String, String> {
    let out = std::process::Command::new("sbatch")
        .arg("--parsable")
        .args(args)
        .arg(script)
        .output()
        .map_err(|e| format!("cannot run `sbatch` (is Slurm installed here?): {e}"))?;
    if !out.status.success() {
        return Err(format!("`sbatch {}` failed: {}", script.display(), String::from_utf8_lossy(&out.stderr).trim()));
    }
    // `--parsable` prints `id` or `id;cluster`.
    let text = String::from_utf8_lossy(&out.stdout);
    let id = text.trim().split(';').next().unwrap_or_default().to_string();
    if id.is_empty() { Err(format!("`sbatch {}` printed no job id", script.display())) } else { Ok(id) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_are_in_slurm_syntax_and_never_too_short() {
        assert_eq!(super::slurm_time(5.0), "0-00:10:00");
        assert_eq!(super::slurm_time(90_061.0), "1-01:01:01");
    }
}
