//! The `iclc` command: parse arguments, call the library, print, exit.
mod cli;

// Training allocates and frees many mid-sized tensors per step; glibc's malloc returns them to
// the kernel and pays for fresh zeroed pages every step, mimalloc keeps them. `--features
// system-alloc` keeps the system's malloc, which heap profilers such as heaptrack can follow.
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
