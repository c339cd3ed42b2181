//! Job results on disk, one folder per job id; files are written to a temporary name and renamed,
//! so an interrupted run never leaves a result that looks complete.
use super::ExecError;
use crate::plan::JobId;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// The cache folder of a run.
pub struct Cache {
    root: PathBuf,
    fresh: bool,
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

    /// A cached JSON record, if present and readable (an unreadable one is recomputed).
    pub fn read<T: DeserializeOwned>(&self, id: &JobId, file: &str) -> Option<T> {
        if self.fresh {
            return None;
        }
        let text = std::fs::read(self.root.join(&id.0).join(file)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Stores a JSON record atomically.
    pub fn write<T: Serialize>(&self, id: &JobId, file: &str, value: &T) -> Result<(), ExecError> {
        let path = self.job_dir(id)?.join(file);
        let tmp = path.with_extension("tmp");
        let json = serde_json::to_vec(value).expect("results serialise");
        std::fs::write(&tmp, json).and_then(|_| std::fs::rename(&tmp, &path)).map_err(|source| ExecError::Io {
            what: "cannot write the result",
            path,
            source,
        })
    }
}
