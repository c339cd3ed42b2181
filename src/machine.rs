//! The machine a run is on, as the report's reproducibility block names it: the CPU and its
//! cores, the memory, and the GPU of the run's device with its driver.
use crate::model::{GpuInfo, Target};

/// What ran a report's jobs, or rendered it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hardware {
    /// `Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz`.
    pub cpu: String,
    /// Cores this process may use.
    pub cores: usize,
    /// The machine's memory, bytes.
    pub memory_bytes: Option<f64>,
    /// The run's GPU, when it has one.
    pub gpu: Option<GpuInfo>,
}

impl Hardware {
    /// This machine, with the GPU of `target` when it is one.
    pub fn of(target: Option<&Target>) -> Hardware {
        Hardware {
            cpu: cpu_model().unwrap_or_else(|| std::env::consts::ARCH.to_string()),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_bytes: crate::plan::machine_memory(),
            gpu: target.and_then(crate::model::gpu_info),
        }
    }

    /// `Intel Xeon … (2 cores, 25.3 GB)`, then `; NVIDIA H200 (150.1 GB), driver CUDA 13.0, built
    /// for CUDA 13.0, compute capability 9.0` when there is a GPU.
    pub fn describe(&self) -> String {
        let memory = self.memory_bytes.map_or_else(String::new, |b| format!(", {}", crate::files::size(b as u64)));
        let mut text = format!("{} ({} cores{memory})", self.cpu, self.cores);
        if let Some(g) = &self.gpu {
            text += &format!(
                "; {} ({}), driver CUDA {}, built for CUDA {}, compute capability {}",
                g.name,
                crate::files::size(g.memory_bytes),
                g.driver_cuda,
                g.built_cuda,
                g.capability
            );
        }
        text
    }
}

/// The CPU's model name from `/proc/cpuinfo` (Linux).
fn cpu_model() -> Option<String> {
    let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("model name"))?;
    Some(line.split_once(':')?.1.trim().to_string())
}
