//! The `iclc` command as a user meets it: a fluent builder runs it on a spec in a fresh folder.
#![allow(dead_code)]
use std::path::PathBuf;
use std::process::Command;

/// One run of the command.
pub struct Test {
    dir: tempfile::TempDir,
    spec: Option<String>,
    args: Vec<String>,
    status: i32,
    stdout: Vec<String>,
    stderr: Vec<String>,
}

/// What a run left.
pub struct Outcome {
    pub dir: PathBuf,
    pub stdout: String,
    pub stderr: String,
    _keep: tempfile::TempDir,
}

impl Test {
    /// A fresh folder, no spec, expecting exit status 0.
    pub fn new() -> Self {
        Test { dir: tempfile::tempdir().unwrap(), spec: None, args: vec![], status: 0, stdout: vec![], stderr: vec![] }
    }

    /// Puts a file into the test folder.
    pub fn file(self, name: &str, bytes: &[u8]) -> Self {
        std::fs::write(self.dir.path().join(name), bytes).unwrap();
        self
    }

    /// Writes `spec.icl` into the test folder.
    pub fn spec(mut self, text: &str) -> Self {
        self.spec = Some(text.to_string());
        self
    }

    pub fn args(mut self, args: &[&str]) -> Self {
        self.args = args.iter().map(|s| s.to_string()).collect();
        self
    }

    pub fn status(mut self, code: i32) -> Self {
        self.status = code;
        self
    }

    pub fn stdout(mut self, needle: &str) -> Self {
        self.stdout.push(needle.to_string());
        self
    }

    pub fn stderr(mut self, needle: &str) -> Self {
        self.stderr.push(needle.to_string());
        self
    }

    pub fn run(self) -> Outcome {
        if let Some(text) = &self.spec {
            std::fs::write(self.dir.path().join("spec.icl"), text).unwrap();
        }
        let out =
            Command::new(env!("CARGO_BIN_EXE_iclc")).args(&self.args).current_dir(self.dir.path()).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(self.status), "exit status\nstdout:\n{stdout}\nstderr:\n{stderr}");
        for n in &self.stdout {
            assert!(stdout.contains(n), "stdout lacks {n:?}:\n{stdout}");
        }
        for n in &self.stderr {
            assert!(stderr.contains(n), "stderr lacks {n:?}:\n{stderr}");
        }
        assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "a panic:\n{stderr}");
        Outcome { dir: self.dir.path().to_path_buf(), stdout, stderr, _keep: self.dir }
    }
}
