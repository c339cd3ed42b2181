//! `iclc slurm`: the batch scripts of a cluster run, and with `--submit` their submission.
use iclc::cluster::{SlurmOptions, scripts, slurm_dir, submit};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The flags of `iclc slurm`.
pub struct SlurmFlags {
    /// `--out`.
    pub out: Option<PathBuf>,
    /// `--shards`.
    pub shards: usize,
    /// `--cpus`.
    pub cpus: usize,
    /// `--partition`.
    pub partition: Option<String>,
    /// `--time`.
    pub time: Option<String>,
    /// `--mem`.
    pub mem: Option<String>,
    /// `--gpus-per-task`.
    pub gpus_per_task: Option<usize>,
    /// `--submit`.
    pub submit: bool,
    /// `--backend`, `--device`.
    pub compute: super::ComputeArgs,
}

/// Writes `OUT/slurm/array.sbatch` and `OUT/slurm/report.sbatch`, and submits them when asked.
pub fn slurm(spec_path: &Path, flags: SlurmFlags) -> ExitCode {
    if flags.shards == 0 || flags.cpus == 0 {
        return super::run::fail("--shards and --cpus take 1 or more");
    }
    // The tasks run on the cluster's nodes: with GPUs they train on CUDA, whatever this machine has.
    let mut choice = flags.compute.choice();
    let compute = match flags.gpus_per_task {
        Some(_) => {
            if !matches!(choice.device, iclc::spec::DeviceChoice::Auto | iclc::spec::DeviceChoice::Cuda) {
                return super::run::fail(
                    "--gpus-per-task runs the shards on CUDA; leave out --device or give --device cuda",
                );
            }
            choice.device = iclc::spec::DeviceChoice::Cuda;
            iclc::model::resolve_elsewhere(choice, 1)
        }
        None => iclc::model::resolve(choice, 1),
    };
    let compute = match compute {
        Ok(c) => c,
        Err(e) => return super::run::fail(&e),
    };
    if flags.gpus_per_task.is_some() && !cfg!(feature = "cuda") {
        eprintln!(
            "warning: this iclc was built without CUDA, and the tasks run it: build it with \
             `cargo build --release --features cuda` on the cluster first (docs/cluster.md)"
        );
    }
    let Some(prepared) = super::run::prepare(spec_path, compute) else {
        return ExitCode::FAILURE;
    };
    let out = flags.out.unwrap_or_else(|| iclc::pipeline::default_out_dir(spec_path));
    let dir = slurm_dir(&out);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return super::run::fail(&format!("cannot create `{}`: {e}", dir.display()));
    }
    // The tasks run elsewhere, from another directory: every path they read is absolute.
    let absolute = |p: &Path| std::fs::canonicalize(p).map_err(|e| format!("cannot resolve `{}`: {e}", p.display()));
    let paths = (|| {
        Ok::<_, String>((
            std::env::current_exe().map_err(|e| format!("cannot find the iclc binary: {e}"))?,
            absolute(spec_path)?,
            absolute(&out)?,
        ))
    })();
    let (iclc, spec, out_dir) = match paths {
        Ok(p) => p,
        Err(e) => return super::run::fail(&e),
    };
    let opts = SlurmOptions {
        iclc,
        spec,
        out_dir,
        shards: flags.shards,
        cpus: flags.cpus,
        partition: flags.partition,
        time: flags.time,
        mem: flags.mem,
        gpus_per_task: flags.gpus_per_task,
    };
    let s = scripts(&prepared, &opts);
    for (name, text) in [("array.sbatch", &s.array), ("report.sbatch", &s.report)] {
        let path = dir.join(name);
        if let Err(e) = iclc::files::write(&path, text.as_bytes()) {
            return super::run::fail(&format!("cannot write `{}`: {e}", path.display()));
        }
        super::say(&format!("wrote {}", path.display()));
    }
    if !flags.submit {
        super::say(&format!(
            "submit with: a=$(sbatch --parsable {0}/array.sbatch) && sbatch --dependency=afterany:$a {0}/report.sbatch",
            dir.display()
        ));
        return ExitCode::SUCCESS;
    }
    match submit(&dir) {
        Ok((array, report)) => {
            super::say(&format!(
                "submitted job array {array} ({} shards) and report job {report} after it",
                flags.shards
            ));
            super::say(&format!("follow with: iclc status {} --out {}", spec_path.display(), out.display()));
            ExitCode::SUCCESS
        }
        Err(e) => super::run::fail(&e),
    }
}
