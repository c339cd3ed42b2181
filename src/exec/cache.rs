//! Job results on disk, one folder per job id. A job's files are written first (each atomically,
//! see [`crate::files`]) and its manifest last: the SHA-256 of every file. A job is complete when
//! its manifest is there and every file still has the manifest's checksum, so an interrupted job,
//! a damaged file or a missing one is never served. Records name their files relative to the job's
//! folder, so a moved or copied out folder is reused as it is.
use super::{ExecError, Observer};
use crate::files::Lock;
use crate::plan::JobId;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file that completes a job: its files' checksums.
const MANIFEST: &str = "manifest.json";

/// What a manifest holds: the job it completes (a folder copied under another job's id is not
/// that job) and the SHA-256 of each of its files.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    job: String,
    files: BTreeMap<String, String>,
}
/// The lock a process holds on a job's folder while it computes the job.
const CLAIM: &str = ".running.lock";

/// The cache folder of a run.
pub struct Cache {
    root: PathBuf,
    fresh: bool,
}

/// What a lookup found.
pub enum Lookup<T> {
    /// The job is complete and verified.
    Found(T),
    /// The job never finished here (or `--fresh`).
    Absent,
    /// The job finished once, but a file is now damaged or missing: recompute, and say so.
    Damaged(String),
}

impl Cache {
    /// Opens (creating) the cache; `fresh` makes every lookup miss.
    pub fn new(root: &Path, fresh: bool) -> Result<Self, ExecError> {
        std::fs::create_dir_all(root).map_err(|source| ExecError::Io {
            what: "cannot create the cache folder",
            path: root.to_path_buf(),
            source,
        })?;
        Ok(Cache { root: root.to_path_buf(), fresh })
    }

    /// The cache at `root` as it is, for lookups only (nothing is created).
    pub fn at(root: &Path) -> Self {
        Cache { root: root.to_path_buf(), fresh: false }
    }

    /// The folder of a job, created on demand.
    pub fn job_dir(&self, id: &JobId) -> Result<PathBuf, ExecError> {
        let dir = self.root.join(&id.0);
        std::fs::create_dir_all(&dir).map_err(|source| ExecError::Io {
            what: "cannot create the job folder",
            path: dir.clone(),
            source,
        })?;
        Ok(dir)
    }

    /// A file of a job's folder.
    pub fn path(&self, id: &JobId, file: &Path) -> PathBuf {
        self.root.join(&id.0).join(file)
    }

    /// A complete job's JSON record `file`, every file of its manifest verified.
    pub fn read<T: DeserializeOwned>(&self, id: &JobId, file: &str) -> Lookup<T> {
        if self.fresh {
            return Lookup::Absent;
        }
        let damaged = |why: String| Lookup::Damaged(format!("cached job {}: {why}; computing it again", id.0));
        let manifest = match self.verify(id) {
            None => return Lookup::Absent,
            Some(Err(why)) => return damaged(why),
            Some(Ok(m)) => m,
        };
        let path = self.root.join(&id.0).join(file);
        match crate::files::open_limited(&path, crate::files::RECORD_LIMIT)
            .ok()
            .and_then(|r| serde_json::from_reader(r).ok())
        {
            Some(record) if manifest.files.contains_key(file) => Lookup::Found(record),
            _ => damaged(format!("`{}` is missing from its manifest or unreadable", path.display())),
        }
    }

    /// A complete job's record, or `None` after warning `observer` of a damaged entry.
    pub fn found<T: DeserializeOwned>(&self, id: &JobId, file: &str, observer: &dyn Observer) -> Option<T> {
        match self.read(id, file) {
            Lookup::Found(record) => Some(record),
            Lookup::Damaged(why) => {
                observer.warning(&why);
                None
            }
            Lookup::Absent => None,
        }
    }

    /// Takes the job for this process while it computes it, or `None` when another process (a
    /// shard of the same run) is computing it now. What interrupted writes of the job left behind
    /// goes: no other process can be writing its files now.
    pub fn claim(&self, id: &JobId) -> Result<Option<Lock>, ExecError> {
        let dir = self.job_dir(id)?;
        let path = dir.join(CLAIM);
        let lock =
            Lock::try_exclusive(&path).map_err(|source| ExecError::Io { what: "cannot lock the job", path, source })?;
        if lock.is_some() {
            crate::files::remove_temporaries(&dir).map_err(|source| ExecError::Io {
                what: "cannot remove the temporaries of interrupted writes in",
                path: dir,
                source,
            })?;
        }
        Ok(lock)
    }

    /// Whether every lookup misses (`--fresh`): nothing an earlier run left is used.
    pub fn is_fresh(&self) -> bool {
        self.fresh
    }

    /// Whether some process is computing the job now.
    pub fn is_running(&self, id: &JobId) -> bool {
        Lock::is_held(&self.root.join(&id.0).join(CLAIM))
    }

    /// The cache folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A job's manifest with every file checked against it; `None` without a manifest.
    fn verify(&self, id: &JobId) -> Option<Result<Manifest, String>> {
        let dir = self.root.join(&id.0);
        let path = dir.join(MANIFEST);
        let text = match crate::files::read_limited(&path, crate::files::RECORD_LIMIT) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => return Some(Err(format!("cannot read `{}`: {e}", path.display()))),
            Ok(text) => text,
        };
        let Ok(manifest) = serde_json::from_slice::<Manifest>(&text) else {
            return Some(Err(format!("`{}` is not a manifest (or one of an older iclc)", path.display())));
        };
        if manifest.job != id.0 {
            let why = format!(
                "`{}` completes job {}, not this one (a folder copied under another id?)",
                path.display(),
                manifest.job
            );
            return Some(Err(why));
        }
        for (name, want) in &manifest.files {
            let path = dir.join(name);
            match crate::files::sha256(&path) {
                Err(e) => return Some(Err(format!("cannot read `{}`: {e}", path.display()))),
                Ok(got) if &got != want => {
                    return Some(Err(format!("`{}` does not have the checksum it was written with", path.display())));
                }
                Ok(_) => {}
            }
        }
        Some(Ok(manifest))
    }

    /// Whether a job is complete: its manifest is there and every file has its checksum.
    pub fn is_complete(&self, id: &JobId) -> bool {
        matches!(self.verify(id), Some(Ok(_)))
    }

    /// Forgets a job's completion, before it is computed again.
    pub fn unseal(&self, id: &JobId) -> Result<(), ExecError> {
        let path = self.root.join(&id.0).join(MANIFEST);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(ExecError::Io { what: "cannot remove the manifest", path, source: e })
            }
            _ => Ok(()),
        }
    }

    /// Stores a JSON record atomically.
    pub fn write<T: Serialize>(&self, id: &JobId, file: &str, value: &T) -> Result<(), ExecError> {
        let path = self.job_dir(id)?.join(file);
        // Streamed: a record of millions of errors would otherwise sit in memory twice.
        let stream = |tmp: &std::path::Path| {
            let mut out = std::io::BufWriter::new(std::fs::File::create(tmp)?);
            serde_json::to_writer(&mut out, value).map_err(std::io::Error::other)?;
            std::io::Write::flush(&mut out)
        };
        crate::files::write_with(&path, stream).map_err(|source| ExecError::Io {
            what: "cannot write the result",
            path,
            source,
        })
    }

    /// Completes a job: writes the manifest of its `files`, last.
    pub fn seal(&self, id: &JobId, files: &[&str]) -> Result<(), ExecError> {
        let dir = self.job_dir(id)?;
        let mut manifest = Manifest { job: id.0.clone(), files: BTreeMap::new() };
        for &name in files {
            let path = dir.join(name);
            let sha = crate::files::sha256(&path).map_err(|source| ExecError::Io {
                what: "cannot read back",
                path: path.clone(),
                source,
            })?;
            manifest.files.insert(name.to_string(), sha);
        }
        let path = dir.join(MANIFEST);
        let json = serde_json::to_vec_pretty(&manifest).expect("manifests serialise");
        crate::files::write(&path, &json).map_err(|source| ExecError::Io { what: "cannot write", path, source })
    }
}
