//! How a run computes its models: which backend, on which device. Run options, not spec items; here
//! on the ground floor because the plan names them in the ids of jobs whose results they change.
use serde::{Deserialize, Serialize};

/// Which implementation computes a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum BackendChoice {
    /// The fused engine on a CPU, the graph elsewhere.
    Auto,
    /// The fused CPU engine.
    Fused,
    /// The candle graph.
    Graph,
}

/// Which device computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum DeviceChoice {
    /// CUDA, else Metal, else the CPU, as this build has them.
    Auto,
    /// The CPU.
    Cpu,
    /// The first CUDA GPU (a build with `--features cuda`).
    Cuda,
    /// The Metal GPU (a build with `--features metal`).
    Metal,
}

/// The arithmetic of the matrix products.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// IEEE single precision throughout.
    #[default]
    F32,
    /// f32 storage, products on TensorFloat-32 tensor cores (10-bit mantissa inputs, f32
    /// accumulation): CUDA GPUs of compute capability 8.0 or newer.
    Tf32,
}

/// Whether trainings of one shape train as one stacked model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum StackChoice {
    /// On for a GPU; off on a CPU, where `--jobs` already fills the cores.
    Auto,
    /// Stack (the graph backend).
    On,
    /// Every training alone.
    Off,
}

/// A run's compute choices as given (`auto` allowed), before [`crate::model::resolve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComputeChoice {
    /// `--backend`.
    pub backend: BackendChoice,
    /// `--device`.
    pub device: DeviceChoice,
    /// `--precision`.
    pub precision: Precision,
    /// `--stack`.
    pub stack: StackChoice,
}

/// Where and how models compute, resolved once per run: no `auto` left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compute {
    /// The implementation.
    pub backend: BackendChoice,
    /// The device.
    pub device: DeviceChoice,
    /// Threads for the CPU's matrix products.
    pub threads: usize,
    /// The arithmetic of the matrix products.
    #[serde(default)]
    pub precision: Precision,
    /// Whether trainings of one shape train as one stacked model. Not part of any job's id: a
    /// member's results are its training's alone.
    #[serde(default)]
    pub stack: bool,
}

impl Default for Compute {
    fn default() -> Self {
        Compute {
            backend: BackendChoice::Fused,
            device: DeviceChoice::Cpu,
            threads: 1,
            precision: Precision::F32,
            stack: false,
        }
    }
}

impl Compute {
    /// `fused on cpu`, `graph on cuda, tf32`: what changes a job's numbers, as its id and the
    /// report's reproducibility block say it.
    pub fn describe(&self) -> String {
        let precision =
            if self.precision == Precision::F32 { String::new() } else { format!(", {}", lower(&self.precision)) };
        format!("{} on {}{precision}", lower(&self.backend), lower(&self.device))
    }

    /// ` --backend graph --device cpu --precision f32 --stack off`: the flags that plan and run
    /// the same jobs the same way again (a rerun command, a cluster task).
    pub fn flags(&self) -> String {
        format!(
            " --backend {} --device {} --precision {} --stack {}",
            lower(&self.backend),
            lower(&self.device),
            lower(&self.precision),
            if self.stack { "on" } else { "off" }
        )
    }

    /// Whether results may differ from the default (fused on the CPU in f32) beyond nothing:
    /// the graph and other devices sum in other orders, so their jobs are stored apart.
    pub fn is_default(&self) -> bool {
        self.backend == BackendChoice::Fused && self.device == DeviceChoice::Cpu && self.precision == Precision::F32
    }
}

/// A choice as its flag value: the variant's name in lower case.
fn lower(v: &dyn std::fmt::Debug) -> String {
    format!("{v:?}").to_lowercase()
}
