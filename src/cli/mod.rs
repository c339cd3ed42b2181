//! Subcommands. Only this layer prints.
mod bench;
mod check;
mod cost;
mod diagnostics;
mod explain;
mod fmt;
mod interrupt;
mod plan;
mod progress;
mod run;
mod slurm;
mod status;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Compile an in-context-learning experiment spec into trained models, baselines and a report.
#[derive(Parser)]
#[command(name = "iclc", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Which backend and device compute the models, in which precision (`--backend`, `--device`,
/// `--precision`).
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct DeviceArgs {
    /// The implementation: the fused CPU engine, or the candle graph (any device) [default: fused on a CPU, graph elsewhere].
    #[arg(long, value_enum, default_value = "auto")]
    backend: iclc::spec::BackendChoice,
    /// The device: CUDA, Metal or the CPU, as this build has them [default: CUDA, then Metal, then the CPU].
    #[arg(long, value_enum, default_value = "auto")]
    device: iclc::spec::DeviceChoice,
    /// The matrix products' arithmetic: f32, or TF32 on a CUDA GPU's tensor cores (other job ids).
    #[arg(long, value_enum, default_value = "f32")]
    precision: iclc::spec::Precision,
}

impl DeviceArgs {
    /// The choices as given, stacked as `stack` says.
    pub fn choice(&self, stack: iclc::spec::StackChoice) -> iclc::spec::ComputeChoice {
        iclc::spec::ComputeChoice { backend: self.backend, device: self.device, precision: self.precision, stack }
    }
}

/// [`DeviceArgs`], and whether trainings are stacked (`--stack`).
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct ComputeArgs {
    #[command(flatten)]
    device: DeviceArgs,
    /// Train trainings of one shape as one stacked model on the graph [default: on for a GPU,
    /// off on a CPU, where --jobs fills the cores]; the job ids and results are each training's own.
    #[arg(long, value_enum, default_value = "auto")]
    stack: iclc::spec::StackChoice,
}

impl ComputeArgs {
    /// The choices as given.
    pub fn choice(&self) -> iclc::spec::ComputeChoice {
        self.device.choice(self.stack)
    }

    /// The choices resolved for this build, or an error that says how to build for them.
    pub fn resolve(&self, threads: usize) -> Result<iclc::spec::Compute, String> {
        iclc::model::resolve(self.choice(), threads)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Check a spec, train its models, evaluate them and write the report.
    ///
    /// Exit codes: 0 when the report is written and every claim PASSes; 2 when the report is written
    /// and some claim FAILs or is INCONCLUSIVE; 1 on any error (nothing or only part is written).
    Run {
        /// The spec file (.icl).
        spec: PathBuf,
        /// Output folder [default: reports/<spec file name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Threads per job, 1 to the core count [default: $RAYON_NUM_THREADS or 1; one is fastest for small models].
        #[arg(long)]
        threads: Option<usize>,
        /// Jobs run side by side, 1 to the core count [default: the core count]; the numbers do not depend on it.
        #[arg(long)]
        jobs: Option<usize>,
        /// Recompute every job instead of reusing cached results (not with --shard: shards read each other's results from the store).
        #[arg(long, conflicts_with = "shard")]
        fresh: bool,
        /// After a job fails, finish every job that does not need it; the report lists the failures.
        #[arg(long)]
        keep_going: bool,
        /// Run only shard i of K of the jobs (a task of a cluster job array, see `iclc slurm`) and
        /// write no report; shards share the out folder.
        #[arg(long, value_name = "i/K")]
        shard: Option<iclc::plan::Shard>,
        #[command(flatten)]
        compute: ComputeArgs,
    },
    /// Render the report from an out folder's store alone, computing nothing (after a cluster
    /// run); jobs not in the store are listed and the claims that read them are MISSING.
    ///
    /// Exit codes as `run`.
    Report {
        /// The spec file (.icl).
        spec: PathBuf,
        /// Output folder [default: reports/<spec file name>].
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        compute: ComputeArgs,
    },
    /// Say which jobs of a spec are done, running or missing in an out folder (exit 2 when not all are done).
    Status {
        /// The spec file (.icl).
        spec: PathBuf,
        /// Output folder [default: reports/<spec file name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: status::Format,
        #[command(flatten)]
        compute: ComputeArgs,
    },
    /// Write Slurm batch scripts that run a spec as a job array of K shards and then its report;
    /// `--submit` submits them.
    Slurm {
        /// The spec file (.icl).
        spec: PathBuf,
        /// Output folder, on a file system every node shares [default: reports/<spec file name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Tasks in the job array.
        #[arg(long)]
        shards: usize,
        /// CPUs per task; each task runs that many jobs side by side.
        #[arg(long, default_value_t = 1)]
        cpus: usize,
        /// The partition to submit to.
        #[arg(long)]
        partition: Option<String>,
        /// Time limit per task (Slurm's syntax) [default: twice the plan's estimate for the busiest shard, at least 10 minutes].
        #[arg(long)]
        time: Option<String>,
        /// Memory per task (Slurm's syntax, e.g. 8G) [default: the partition's].
        #[arg(long)]
        mem: Option<String>,
        /// GPUs per task (`#SBATCH --gres=gpu:N`); the shards then train on CUDA (`--device cuda`,
        /// stacked unless `--stack off`), with an iclc built with `--features cuda`.
        #[arg(long, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
        gpus_per_task: Option<usize>,
        /// Submit the scripts with sbatch (the report after the array).
        #[arg(long)]
        submit: bool,
        #[command(flatten)]
        compute: ComputeArgs,
    },
    /// Check specs and print their diagnostics.
    Check {
        /// Spec files.
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: check::Format,
    },
    /// Rewrite specs in the canonical layout (comments kept).
    Fmt {
        /// Spec files.
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        /// Change nothing; exit 1 and show a diff when a file is not formatted.
        #[arg(long)]
        check: bool,
    },
    /// Print the plan of jobs a spec expands to, each with its estimated seconds and memory.
    Plan {
        /// The spec file.
        spec: PathBuf,
        /// An out folder whose store marks the jobs already done (`cached`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: plan::Format,
        /// Jobs side by side, as `iclc run --jobs` [default: this machine's core count]: the run's wall time and peak memory.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
        jobs: Option<u64>,
        #[command(flatten)]
        compute: ComputeArgs,
    },
    /// Time parts of iclc and print the figures.
    Bench {
        /// What to time.
        #[arg(value_enum)]
        what: bench::What,
        /// Prompts to time on (baselines).
        #[arg(long, default_value_t = 1280)]
        prompts: usize,
        /// Extra models to time (train): a preset (tiny, small, flagship, standard) or
        /// `layers=4,width=64,heads=4,dim=5,points=11,batch=64`.
        #[arg(long)]
        model: Vec<String>,
        /// Stack sizes to time each model at (train): K models of the shape stepped as one
        /// (the graph backend for K > 1).
        #[arg(long, value_delimiter = ',', default_value = "1")]
        stack: Vec<usize>,
        /// Where the steps run (train).
        #[command(flatten)]
        device: DeviceArgs,
        /// Timed steps per model (train, lm), after a few warm-up steps.
        #[arg(long, default_value_t = 30, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
        steps: usize,
        /// Threads for candle's kernels.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// List the function classes a spec can call, with their parameters (a Markdown table, as in
    /// docs/language.md).
    Classes,
    /// Explain a diagnostic code such as E0101.
    Explain {
        /// The code.
        code: String,
    },
}

/// Prints a line to stdout; a closed pipe (`iclc plan x | head`) is not an error worth a panic.
pub fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Runs the command line; the exit code is 0 on success, 1 on any error, 2 when `run` wrote a
/// report whose claims do not all PASS.
pub fn main() -> ExitCode {
    // Usage errors exit 1 like every other error: 2 means "report written, a claim does not hold".
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::FAILURE } else { ExitCode::SUCCESS };
        }
    };
    match cli.command {
        Command::Run { spec, out, threads, jobs, fresh, keep_going, shard, compute } => {
            run::run(&spec, run::RunFlags { out, threads, jobs, fresh, keep_going, shard, compute })
        }
        Command::Report { spec, out, compute } => run::report(&spec, out, compute),
        Command::Status { spec, out, format, compute } => status::status(&spec, out, format, compute),
        Command::Slurm { spec, out, shards, cpus, partition, time, mem, gpus_per_task, submit, compute } => {
            let flags = slurm::SlurmFlags { out, shards, cpus, partition, time, mem, gpus_per_task, submit, compute };
            slurm::slurm(&spec, flags)
        }
        Command::Check { specs, format } => check::check(&specs, format),
        Command::Fmt { specs, check } => fmt::fmt(&specs, check),
        Command::Plan { spec, out, format, jobs, compute } => plan::plan(&spec, out, format, jobs, compute),
        Command::Bench { what, prompts, model, stack, device, steps, threads } => {
            let stacked = stack.iter().any(|&k| k > 1);
            let choice =
                device.choice(if stacked { iclc::spec::StackChoice::On } else { iclc::spec::StackChoice::Off });
            let settings = run::set_threads(threads).and_then(|t| Ok((t, iclc::model::resolve(choice, t)?)));
            let (threads, compute) = match settings {
                Ok(s) => s,
                Err(e) => {
                    diagnostics::print_plain(&e);
                    return ExitCode::FAILURE;
                }
            };
            if stack.contains(&0) {
                diagnostics::print_plain("--stack takes sizes of 1 or more");
                return ExitCode::FAILURE;
            }
            let options = bench::Options { prompts, models: model, steps, threads, compute, stacks: stack };
            bench::bench(what, &options)
        }
        Command::Classes => {
            say(iclc::tasks::class_table().trim_end());
            ExitCode::SUCCESS
        }
        Command::Explain { code } => explain::explain(&code),
    }
}
