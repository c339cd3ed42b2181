//! Writing files so that no reader, interruption or second process ever sees half of one: each
//! write goes to a temporary name of its own in the same folder, is flushed to the disk, and is
//! renamed over the target in one step.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `path` through `write`, which is given the temporary file's path to fill.
pub fn write_with(path: &Path, write: impl FnOnce(&Path) -> std::io::Result<()>) -> std::io::Result<()> {
    let tmp = temporary(path);
    let result =
        write(&tmp).and_then(|_| std::fs::File::open(&tmp)?.sync_all()).and_then(|_| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes `bytes` to `path`.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_with(path, |tmp| {
        let mut f = std::fs::File::create(tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })
}

/// The SHA-256 of a file's bytes, in hex.
pub fn sha256(path: &Path) -> std::io::Result<String> {
    use sha2::Digest;
    let bytes = std::fs::read(path)?;
    Ok(sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect())
}

/// `.NAME.PID.N.tmp` beside `path`: unique to this process and write, hidden, and recognisable.
fn temporary(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

/// An exclusive claim on a folder for one process, released when dropped or when the process ends
/// (an operating-system file lock, so a crashed run leaves no stale lock).
#[derive(Debug)]
pub struct FolderLock {
    _file: std::fs::File,
}

impl FolderLock {
    /// The lock file inside a locked folder.
    pub const FILE: &'static str = ".iclc.lock";

    /// Takes the folder (creating it), or says who holds it.
    pub fn take(dir: &Path) -> Result<FolderLock, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
        let path = dir.join(Self::FILE);
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| format!("cannot open `{}`: {e}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {
                file.set_len(0).and_then(|_| write!(file, "{}", std::process::id())).ok();
                Ok(FolderLock { _file: file })
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                Err(format!(
                    "`{}` is in use by another iclc run (process {}); wait for it to finish or choose another --out",
                    dir.display(),
                    if holder.trim().is_empty() { "unknown" } else { holder.trim() }
                ))
            }
            Err(std::fs::TryLockError::Error(e)) => Err(format!("cannot lock `{}`: {e}", path.display())),
        }
    }
}
