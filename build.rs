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

fn main() {
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
