//! Writing files so that no reader, interruption or second process ever sees half of one: each
//! write goes to a temporary name of its own in the same folder, is flushed to the disk, and is
//! renamed over the target in one step.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `path` through `write`, which is given the temporary file's path to fill.
pub fn write_with(path: &Path, write: impl FnOnce(&Path) -> std::io::Result<()>) -> std::io::Result<()> {
    stage_with(path, write)?.commit()
}

/// Writes `bytes` to `path`.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    stage(path, bytes)?.commit()
}

/// A file written whole under its temporary name and flushed, not yet in place: files that belong
/// together (a report's) are all staged first and then renamed one after another, so a kill
/// leaves either the old set or the new one but for the few renames in between.
#[derive(Debug)]
#[must_use = "a staged file is in place only once committed"]
pub struct Staged {
    tmp: PathBuf,
    path: PathBuf,
}

impl Staged {
    /// Puts the file in place.
    pub fn commit(self) -> std::io::Result<()> {
        let result = std::fs::rename(&self.tmp, &self.path);
        if result.is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        std::mem::forget(self);
        result
    }
}

impl Drop for Staged {
    /// A staged file never committed (an error in between) leaves nothing behind.
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Stages `path` through `write`, which is given the temporary file's path to fill.
pub fn stage_with(path: &Path, write: impl FnOnce(&Path) -> std::io::Result<()>) -> std::io::Result<Staged> {
    let staged = Staged { tmp: temporary(path), path: path.to_path_buf() };
    write(&staged.tmp).and_then(|_| std::fs::File::open(&staged.tmp)?.sync_all())?;
    Ok(staged)
}

/// Stages `bytes` for `path`.
pub fn stage(path: &Path, bytes: &[u8]) -> std::io::Result<Staged> {
    stage_with(path, |tmp| {
        let mut f = std::fs::File::create(tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })
}

/// Bytes in lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of bytes, in hex: the one content hash of the project (store manifests, job ids,
/// weights files, spec texts).
pub fn sha256_hex(bytes: &[u8]) -> String {
    sha256_hex_of(&[bytes])
}

/// The SHA-256 of `parts` one after another, in hex, without joining them.
pub fn sha256_hex_of(parts: &[&[u8]]) -> String {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hex(&hasher.finalize())
}

/// The SHA-256 of a file's bytes, in hex, read a megabyte at a time (a weights file of gigabytes
/// is hashed without being held); a device or a pipe, which could be endless, is refused.
pub fn sha256(path: &Path) -> std::io::Result<String> {
    use sha2::Digest;
    use std::io::Read;
    let mut file = regular(path)?.0;
    let mut hasher = sha2::Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buffer)? {
            0 => return Ok(hex(&hasher.finalize())),
            n => hasher.update(&buffer[..n]),
        }
    }
}

/// The most bytes of a spec file.
pub const SPEC_LIMIT: u64 = 16 << 20;
/// The most bytes of a JSON record or manifest of the store.
pub const RECORD_LIMIT: u64 = 4 << 30;
/// The most bytes of a weights or checkpoint file.
pub const WEIGHTS_LIMIT: u64 = 16 << 30;

/// A file opened for reading, and its length, when it is a regular file.
fn regular(path: &Path) -> std::io::Result<(std::fs::File, u64)> {
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        let what = if meta.is_dir() { "a folder" } else { "not a regular file (a device or a pipe)" };
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("it is {what}")));
    }
    Ok((file, meta.len()))
}

/// A regular file opened for buffered reading when it has at most `limit` bytes; the error of a
/// larger one says its size and the limit, before anything is read. Reading stops after `limit`
/// bytes, so a file that grows meanwhile reads as truncated rather than without end.
pub fn open_limited(path: &Path, limit: u64) -> std::io::Result<std::io::BufReader<std::io::Take<std::fs::File>>> {
    use std::io::Read;
    let (file, len) = regular(path)?;
    if len > limit {
        return Err(too_large(len, limit));
    }
    Ok(std::io::BufReader::new(file.take(limit + 1)))
}

/// Reads a regular file whole when it has at most `limit` bytes (see [`open_limited`]).
pub fn read_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut reader = open_limited(path, limit)?;
    let len = reader.get_ref().get_ref().metadata()?.len();
    let mut bytes = Vec::with_capacity(len.min(limit) as usize);
    reader.read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit)); // it grew while read
    }
    Ok(bytes)
}

fn too_large(len: u64, limit: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!("it is {}, more than the {} such a file may have", size(len), size(limit)),
    )
}

/// Bytes as people read them: `512 B`, `3.2 GB`.
pub fn size(bytes: u64) -> String {
    let b = bytes as f64;
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{:.1} kB", b / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", b / 1e6),
        1_000_000_000..1_000_000_000_000 => format!("{:.1} GB", b / 1e9),
        _ => format!("{:.1} TB", b / 1e12),
    }
}

/// Removes the temporaries of interrupted writes in `dir` (see [`temporary`]); the caller holds the
/// lock that keeps every other writer out of it. How many went.
pub fn remove_temporaries(dir: &Path) -> std::io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if is_temporary(&name.to_string_lossy()) && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Whether a file name is one [`temporary`] makes: `.NAME.PID.N.tmp`.
fn is_temporary(name: &str) -> bool {
    let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else { return false };
    let mut parts = inner.rsplitn(3, '.');
    let numeric = |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    numeric(parts.next()) && numeric(parts.next()) && parts.next().is_some_and(|n| !n.is_empty())
}

/// `.NAME.PID.N.tmp` beside `path`: unique to this process and write, hidden, and recognisable.
fn temporary(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

/// An operating-system lock on a file, released when dropped or when the process ends, so a
/// crashed process leaves no stale lock.
#[derive(Debug)]
pub struct Lock {
    _file: std::fs::File,
}

impl Lock {
    /// Takes `path` (creating it) for this process alone, or `None` when another holds it.
    pub fn try_exclusive(path: &Path) -> std::io::Result<Option<Lock>> {
        Self::try_take(path, false)
    }

    /// Takes `path` shared with other shared holders, or `None` when an exclusive holder has it.
    pub fn try_shared(path: &Path) -> std::io::Result<Option<Lock>> {
        Self::try_take(path, true)
    }

    /// Whether some process holds `path` now (exclusively or shared).
    pub fn is_held(path: &Path) -> bool {
        path.exists() && matches!(Self::try_exclusive(path), Ok(None))
    }

    fn try_take(path: &Path, shared: bool) -> std::io::Result<Option<Lock>> {
        let file = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)?;
        let taken = if shared { file.try_lock_shared() } else { file.try_lock() };
        match taken {
            Ok(()) => Ok(Some(Lock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(e),
        }
    }
}

/// A claim on an out folder: exclusive for a run or a report, shared among the shards of one
/// sharded run (each of which also holds its own shard lock).
#[derive(Debug)]
pub struct FolderLock {
    _lock: Lock,
}

impl FolderLock {
    /// The lock file inside a locked folder.
    pub const FILE: &'static str = ".iclc.lock";

    /// Takes the folder (creating it) for this process alone, or says that it is in use; removes
    /// the temporaries a killed run left in it.
    pub fn take(dir: &Path) -> Result<FolderLock, String> {
        Self::claim(dir, false)
    }

    /// Takes the folder shared with the other shards of a run, or says that a whole run holds it.
    pub fn share(dir: &Path) -> Result<FolderLock, String> {
        Self::claim(dir, true)
    }

    fn claim(dir: &Path, shared: bool) -> Result<FolderLock, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
        let path = dir.join(Self::FILE);
        let taken = if shared { Lock::try_shared(&path) } else { Lock::try_exclusive(&path) };
        match taken {
            // A whole run holds the folder alone: the report's temporaries of a killed one go.
            Ok(Some(lock)) if !shared => match remove_temporaries(dir) {
                Ok(_) => Ok(FolderLock { _lock: lock }),
                Err(e) => {
                    Err(format!("cannot remove the temporaries of interrupted writes in `{}`: {e}", dir.display()))
                }
            },
            Ok(Some(lock)) => Ok(FolderLock { _lock: lock }),
            Ok(None) => Err(format!(
                "`{}` is in use by another iclc run{}; wait for it to finish or choose another --out",
                dir.display(),
                if shared { "" } else { " or shard" }
            )),
            Err(e) => Err(format!("cannot lock `{}`: {e}", path.display())),
        }
    }
}
