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

/// Where and how models compute, resolved once per run: no `auto` left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compute {
    /// The implementation.
    pub backend: BackendChoice,
    /// The device.
    pub device: DeviceChoice,
    /// Threads for the CPU's matrix products.
    pub threads: usize,
}

impl Default for Compute {
    fn default() -> Self {
        Compute { backend: BackendChoice::Fused, device: DeviceChoice::Cpu, threads: 1 }
    }
}

impl Compute {
    /// `fused on cpu`, as the report's reproducibility block says it.
    pub fn describe(&self) -> String {
        format!("{} on {}", lower(&self.backend), lower(&self.device))
    }

    /// ` --backend graph --device cpu`: the flags that plan the same jobs again (a rerun command,
    /// a cluster task).
    pub fn flags(&self) -> String {
        format!(" --backend {} --device {}", lower(&self.backend), lower(&self.device))
    }

    /// Whether results may differ from the default (fused on the CPU) beyond nothing: the graph
    /// and other devices sum in other orders, so their jobs are stored apart.
    pub fn is_default(&self) -> bool {
        self.backend == BackendChoice::Fused && self.device == DeviceChoice::Cpu
    }
}

/// A choice as its flag value: the variant's name in lower case.
fn lower(v: &dyn std::fmt::Debug) -> String {
    format!("{v:?}").to_lowercase()
}
