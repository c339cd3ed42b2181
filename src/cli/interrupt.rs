//! A run stopped by SIGINT (Ctrl-C) or SIGTERM (a cluster's time limit, `kill`) says so, names
//! what was running and how to go on, and exits 130 or 143 as a shell expects. Nothing needs
//! saving first: every file of the store is written whole or not at all, and a rerun resumes from
//! the finished jobs and the trainings' last checkpoints.
use super::progress::Bars;
use signal_hook::consts::{SIGINT, SIGTERM};
use std::path::PathBuf;
use std::sync::Arc;

/// Watches for the signals for the rest of the process, on a thread of its own.
pub fn watch(bars: Arc<Bars>, out_dir: PathBuf) {
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else { return };
    std::thread::spawn(move || {
        let Some(signal) = signals.forever().next() else { return };
        bars.clear();
        let name = if signal == SIGINT { "SIGINT" } else { "SIGTERM" };
        let running = bars.running();
        if running.is_empty() {
            eprintln!("iclc: interrupted by {name}");
        } else {
            eprintln!("iclc: interrupted by {name} while running");
            for line in running {
                eprintln!("  {line}");
            }
        }
        eprintln!(
            "the finished jobs and the trainings' last checkpoints are kept in `{}`; rerun the same command to resume",
            out_dir.display()
        );
        std::process::exit(128 + signal);
    });
}
