//! Records the git commit (with `-dirty` when tracked files differ from it) so a report can say
//! which code produced it.
use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    // No optional locks: `git status` must not rewrite the index this script watches.
    let out =
        Command::new("git").args(args).env("GIT_OPTIONAL_LOCKS", "0").output().ok().filter(|o| o.status.success())?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Writes `$OUT_DIR/families.rs`: a module for every file of `src/tasks/families/` and the
/// registry that lists each one's `FAMILY`, so adding a function class is adding a file.
fn families() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tasks/families");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("src/tasks/families exists")
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".rs")).map(String::from))
        .filter(|n| n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
        .collect();
    names.sort();
    let mut code = String::new();
    for n in &names {
        code += &format!("#[path = {:?}]\npub mod {n};\n", dir.join(format!("{n}.rs")).display().to_string());
    }
    let list: Vec<String> = names.iter().map(|n| format!("{n}::FAMILY")).collect();
    code += &format!(
        "/// Every family, in file-name order.\npub static FAMILIES: &[&dyn Family] = &[{}];\n",
        list.join(", ")
    );
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("families.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
    println!("cargo:rerun-if-changed=src/tasks/families");
}

/// The versions a report names: the compiler's and candle's (from Cargo.lock, the one built).
fn versions() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=ICLC_RUSTC_VERSION={version}");
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    let candle = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"candle-core\""))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .map_or_else(|| "unknown".to_string(), |v| v.trim_matches('"').to_string());
    println!("cargo:rustc-env=ICLC_CANDLE_VERSION={candle}");
    println!("cargo:rerun-if-changed=Cargo.lock");
    // The CUDA toolkit a CUDA build compiles its kernels with: `nvcc --version`'s `release 13.0`.
    if std::env::var_os("CARGO_FEATURE_CUDA").is_some() {
        let nvcc = std::env::var("CUDA_HOME").map_or_else(|_| "nvcc".to_string(), |h| format!("{h}/bin/nvcc"));
        let text =
            Command::new(nvcc).arg("--version").output().ok().map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
        let release = text
            .as_deref()
            .and_then(|t| t.split("release ").nth(1))
            .and_then(|r| r.split(',').next())
            .map_or_else(|| "unknown".to_string(), |r| r.trim().to_string());
        println!("cargo:rustc-env=ICLC_CUDA_BUILD_VERSION={release}");
        println!("cargo:rerun-if-env-changed=CUDA_HOME");
    }
}

fn main() {
    families();
    versions();
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".to_string());
    let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    let stamp = if dirty { format!("{commit}-dirty") } else { commit };
    println!("cargo:rustc-env=ICLC_GIT_COMMIT={stamp}");
    // A new commit moves the branch's ref file (or packed-refs); staging moves the index; an edit
    // to the sources can make the tree dirty.
    let mut watch: Vec<String> =
        [".git/HEAD", ".git/index", ".git/packed-refs", "src", "grammar", "Cargo.toml"].map(String::from).to_vec();
    if let Some(r) =
        std::fs::read_to_string(".git/HEAD").ok().and_then(|h| h.strip_prefix("ref: ").map(|r| r.trim().to_string()))
    {
        watch.push(format!(".git/{r}"));
    }
    for path in watch.iter().filter(|p| Path::new(p).exists()) {
        println!("cargo:rerun-if-changed={path}");
    }
}
