//! Training checkpoints: the weights (PyTorch names), AdamW's moments and step, the data stream's
//! position and the loss curve so far — everything a resumed run needs to continue bit for bit.
use super::adamw::AdamW;
use crate::rng::Rng;
use candle_core::{Device, Tensor};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where and how often a run checkpoints.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckpointPolicy {
    /// Whose checkpoints these are (the job id): written into every file and checked on resume,
    /// so a file copied from another job's folder is never taken for this one's.
    pub owner: String,
    /// The checkpoint file (rewritten atomically each time).
    pub path: PathBuf,
    /// Steps between checkpoints.
    pub every: u64,
    /// Weights to keep along the way: `(step, file)`, written once the step is done (step 0: the
    /// initial weights), for evaluations during training.
    pub snapshots: Vec<(u64, PathBuf)>,
}

/// A checkpoint's contents besides the tensors.
#[derive(Debug, Clone, PartialEq)]
pub struct Restored {
    /// The last step the checkpoint includes.
    pub step: u64,
    /// Losses of steps 1..=step.
    pub losses: Vec<f32>,
    /// Seconds of training up to `step`, over every segment of an interrupted run.
    pub elapsed_s: f64,
}

/// The metadata key of a file's own SHA-256 (of the whole file, this value written as zeros).
const CHECKSUM: &str = "checksum";
/// The metadata key of the job a checkpoint belongs to.
const OWNER: &str = "job";

/// Writes tensors and metadata as a safetensors file, atomically, with the same bytes for the same
/// contents (safetensors writes its metadata map in hash order, which would change a file's checksum —
/// and the id of a training that starts from it — between identical runs), readable by all like
/// every other file of the store, and carrying its own checksum, so that a damaged file is known
/// before it is used (see [`verified`]).
pub fn write_safetensors(
    path: &Path,
    tensors: Vec<(String, Tensor)>,
    meta: HashMap<String, String>,
) -> std::io::Result<()> {
    let bytes = safetensors::serialize(tensors, Some(meta)).map_err(std::io::Error::other)?;
    let (head, data) = sorted_header(&bytes)?;
    crate::files::write_with(path, |tmp| {
        let mut f = std::fs::File::create(tmp)?;
        f.write_all(&head)?;
        f.write_all(data)?;
        f.sync_all()
    })
}

/// A safetensors file's new head (length and JSON header, keys sorted as serde_json's maps are,
/// its checksum in the metadata) and its data, which stays where it is: the file is the two one
/// after another, written without a copy of the data (a resume file is 12 bytes a parameter).
fn sorted_header(bytes: &[u8]) -> std::io::Result<(Vec<u8>, &[u8])> {
    let bad = || std::io::Error::other("safetensors wrote a file it cannot read back");
    let n = u64::from_le_bytes(bytes.get(..8).ok_or_else(bad)?.try_into().map_err(|_| bad())?) as usize;
    let header = bytes.get(8..8 + n).ok_or_else(bad)?;
    let mut value: serde_json::Value = serde_json::from_slice(header).map_err(std::io::Error::other)?;
    let meta = value.get_mut("__metadata__").and_then(|m| m.as_object_mut()).ok_or_else(bad)?;
    meta.insert(CHECKSUM.into(), ZEROS.into());
    let mut text = serde_json::to_vec(&value).map_err(std::io::Error::other)?;
    // The format pads its header with spaces to a multiple of 8 bytes.
    text.resize(text.len().next_multiple_of(8), b' ');
    let mut head = Vec::with_capacity(8 + text.len());
    head.extend_from_slice(&(text.len() as u64).to_le_bytes());
    head.extend_from_slice(&text);
    let data = &bytes[8 + n..];
    let at = checksum_at(&head, ZEROS).ok_or_else(bad)?;
    let sum = crate::files::sha256_hex_of(&[&head, data]);
    head[at..at + sum.len()].copy_from_slice(sum.as_bytes());
    Ok((head, data))
}

/// The checksum's placeholder while the file's hash is taken.
const ZEROS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Where the checksum `value` stands in a file's header, if it does.
fn checksum_at(bytes: &[u8], value: &str) -> Option<usize> {
    let n = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?) as usize;
    let header = bytes.get(8..8usize.checked_add(n)?)?;
    let needle = format!("\"{CHECKSUM}\":\"{value}\"");
    let at = header.windows(needle.len()).position(|w| w == needle.as_bytes())?;
    Some(8 + at + needle.len() - 1 - value.len())
}

/// The metadata of a safetensors file iclc wrote, after checking the file against its own
/// checksum; an error says what is wrong (damaged, truncated, or never checksummed).
pub fn verified(bytes: &[u8]) -> Result<HashMap<String, String>, String> {
    let (_, header) = safetensors::SafeTensors::read_metadata(bytes).map_err(|e| format!("unreadable ({e})"))?;
    let meta = header.metadata().clone().ok_or("it has no metadata")?;
    let sum = meta.get(CHECKSUM).ok_or("it has no checksum (written by another program or an older iclc)")?;
    let at = checksum_at(bytes, sum).ok_or("its header is damaged")?;
    // Hashed as it was written, the checksum's place zeroed, without a copy of the file.
    let zeroed = [&bytes[..at], ZEROS.as_bytes(), &bytes[at + sum.len()..]];
    if &crate::files::sha256_hex_of(&zeroed) != sum {
        return Err("its bytes do not have the checksum it was written with".into());
    }
    Ok(meta)
}

/// Checks a checkpoint or snapshot of job `owner` before it is used: its checksum and its owner;
/// its step and training seconds.
pub fn check(path: &Path, owner: &str) -> Result<(u64, f64), String> {
    let bytes = crate::files::read_limited(path, crate::files::WEIGHTS_LIMIT)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let bad = |what: &str| format!("`{}` is damaged: {what}", path.display());
    let meta = verified(&bytes).map_err(|e| bad(&e))?;
    match meta.get(OWNER) {
        Some(job) if job == owner => {}
        Some(job) => return Err(format!("`{}` belongs to job {job}, not to {owner}", path.display())),
        None => return Err(bad("it names no job")),
    }
    let step = meta.get("step").and_then(|v| v.parse().ok()).ok_or_else(|| bad("no step"))?;
    let elapsed = meta.get("elapsed_s").and_then(|v| v.parse().ok()).ok_or_else(|| bad("no elapsed_s"))?;
    Ok((step, elapsed))
}

/// Writes the weights alone (the flat parameters under PyTorch names), with the step, the
/// training seconds up to it and the job they belong to (when one does) in the metadata; via a
/// temporary file.
pub fn save_weights(
    path: &Path,
    params: &[f32],
    layout: &super::FlatLayout,
    step: u64,
    elapsed_s: f64,
    owner: Option<&str>,
) -> std::io::Result<()> {
    let tensors = layout.tensors(params, "").map_err(std::io::Error::other)?;
    let mut meta: HashMap<String, String> =
        [("step".to_string(), step.to_string()), ("elapsed_s".to_string(), elapsed_s.to_string())].into();
    if let Some(owner) = owner {
        meta.insert(OWNER.into(), owner.into());
    }
    write_safetensors(path, tensors, meta)
}

fn unhex(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if s.len() != 64 {
        return None;
    }
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// Writes a checkpoint of the flat parameters `params` via a temporary file, so an interruption
/// never leaves a torn one.
pub fn save(
    policy: &CheckpointPolicy,
    params: &[f32],
    opt: &AdamW,
    rng: &Rng,
    step: u64,
    losses: &[f32],
    elapsed_s: f64,
) -> std::io::Result<()> {
    let layout = opt.layout();
    let (m, v) = opt.moments();
    let tensors = || -> candle_core::Result<Vec<(String, Tensor)>> {
        let mut all = layout.tensors(params, "")?;
        if !m.is_empty() {
            all.extend(layout.tensors(m, "optim.m.")?);
            all.extend(layout.tensors(v, "optim.v.")?);
        }
        Ok(all)
    };
    let tensors = tensors().map_err(std::io::Error::other)?;
    let meta: HashMap<String, String> = [
        ("step", step.to_string()),
        ("optim_step", opt.step_count().to_string()),
        ("rng_seed", crate::files::hex(&rng.get_seed())),
        ("rng_stream", rng.get_stream().to_string()),
        ("rng_word_pos", rng.get_word_pos().to_string()),
        ("losses", serde_json::to_string(losses).expect("losses serialise")),
        ("elapsed_s", elapsed_s.to_string()),
        (OWNER, policy.owner.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    write_safetensors(&policy.path, tensors, meta)
}

/// What a safetensors file's header says, read without its data.
#[derive(Debug)]
pub struct Header {
    /// Each tensor's dtype and shape.
    pub tensors: std::collections::BTreeMap<String, (String, Vec<usize>)>,
    /// The bytes of the data the header describes.
    pub data_bytes: u64,
}

/// The longest header read (the format's own limit is 100 MB).
const HEADER_LIMIT: u64 = 100_000_000;

/// Reads a safetensors file's header alone and checks that the file is as long as it says, so
/// that a file of the wrong model or a damaged one is refused before its data is read.
pub fn header(path: &Path) -> Result<Header, String> {
    use std::io::Read;
    let bad = |what: String| format!("`{}` is not a whole safetensors file: {what}", path.display());
    let len = std::fs::metadata(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?.len();
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let mut n = [0u8; 8];
    file.read_exact(&mut n).map_err(|e| bad(e.to_string()))?;
    let n = u64::from_le_bytes(n);
    if n > HEADER_LIMIT || 8 + n > len {
        return Err(bad(format!("a header of {n} bytes in a file of {}", crate::files::size(len))));
    }
    let mut text = vec![0u8; n as usize];
    file.read_exact(&mut text).map_err(|e| bad(e.to_string()))?;
    let value: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&text).map_err(|e| bad(format!("its header is not JSON ({e})")))?;
    let (mut tensors, mut data_bytes) = (std::collections::BTreeMap::new(), 0u64);
    for (name, t) in value.iter().filter(|(k, _)| *k != "__metadata__") {
        let dtype = t["dtype"].as_str().unwrap_or_default().to_string();
        let shape: Vec<usize> = t["shape"]
            .as_array()
            .map(|a| a.iter().filter_map(|d| d.as_u64()).map(|d| d as usize).collect())
            .unwrap_or_default();
        let end = t["data_offsets"][1].as_u64().ok_or_else(|| bad(format!("`{name}` has no data offsets")))?;
        data_bytes = data_bytes.max(end);
        tensors.insert(name.clone(), (dtype, shape));
    }
    if 8 + n + data_bytes != len {
        return Err(bad(format!(
            "it is {} long where its header describes {}",
            crate::files::size(len),
            crate::files::size(8 + n + data_bytes)
        )));
    }
    Ok(Header { tensors, data_bytes })
}

/// The step and training seconds recorded in a weights file written by [`save_weights`].
pub fn weights_step(path: &Path) -> Result<(u64, f64), String> {
    let bytes = crate::files::read_limited(path, crate::files::WEIGHTS_LIMIT)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let bad = |what: &str| format!("weights file `{}` is damaged: {what}", path.display());
    let (_, header) = safetensors::SafeTensors::read_metadata(&bytes).map_err(|e| bad(&e.to_string()))?;
    let meta = header.metadata().clone().ok_or_else(|| bad("no metadata"))?;
    let step = meta.get("step").and_then(|v| v.parse().ok()).ok_or_else(|| bad("no step"))?;
    let elapsed = meta.get("elapsed_s").and_then(|v| v.parse().ok()).ok_or_else(|| bad("no elapsed_s"))?;
    Ok((step, elapsed))
}

/// Restores the checkpoint of `policy` into the flat `params`, `opt` and `rng`, after checking it
/// against its checksum and its owner.
pub fn load(policy: &CheckpointPolicy, params: &mut [f32], opt: &mut AdamW, rng: &mut Rng) -> Result<Restored, String> {
    let path = &policy.path;
    let bytes = crate::files::read_limited(path, crate::files::WEIGHTS_LIMIT)
        .map_err(|e| format!("cannot read checkpoint `{}`: {e}", path.display()))?;
    let bad = |what: &str| format!("checkpoint `{}` is damaged: {what}", path.display());
    let meta = verified(&bytes).map_err(|e| bad(&e))?;
    if meta.get(OWNER) != Some(&policy.owner) {
        return Err(format!("checkpoint `{}` does not belong to job {}", path.display(), policy.owner));
    }
    let get = |k: &str| meta.get(k).cloned().ok_or_else(|| bad(&format!("no `{k}`")));
    let step: u64 = get("step")?.parse().map_err(|_| bad("step"))?;
    let optim_step: u64 = get("optim_step")?.parse().map_err(|_| bad("optim_step"))?;
    let seed = unhex(&get("rng_seed")?).ok_or_else(|| bad("rng_seed"))?;
    let stream: u64 = get("rng_stream")?.parse().map_err(|_| bad("rng_stream"))?;
    let word_pos: u128 = get("rng_word_pos")?.parse().map_err(|_| bad("rng_word_pos"))?;
    let losses: Vec<f32> = serde_json::from_str(&get("losses")?).map_err(|_| bad("losses"))?;
    let elapsed_s: f64 = get("elapsed_s")?.parse().map_err(|_| bad("elapsed_s"))?;
    let tensors = candle_core::safetensors::load_buffer(&bytes, &Device::Cpu).map_err(|e| bad(&e.to_string()))?;
    let layout = opt.layout().clone();
    let read = |prefix: &str, into: &mut [f32]| -> Result<(), String> {
        for (name, shape, range) in layout.entries() {
            let key = format!("{prefix}{name}");
            let t = tensors.get(&key).ok_or_else(|| bad(&format!("no `{key}`")))?;
            if t.dims() != shape {
                return Err(bad(&format!("`{key}` has shape {:?}, expected {shape:?}", t.dims())));
            }
            let values = t.flatten_all().and_then(|t| t.to_vec1::<f32>()).map_err(|e| bad(&e.to_string()))?;
            into[range].copy_from_slice(&values);
        }
        Ok(())
    };
    read("", params)?;
    // As many moments as the optimiser keeps: none for SGD (a file that has some is read past).
    let n = opt.moments().0.len();
    let (mut m, mut v) = (vec![0f32; n], vec![0f32; n]);
    if n > 0 {
        read("optim.m.", &mut m)?;
        read("optim.v.", &mut v)?;
    }
    opt.restore(optim_step, m, v);
    let mut restored = <Rng as rand::SeedableRng>::from_seed(seed);
    restored.set_stream(stream);
    restored.set_word_pos(word_pos);
    *rng = restored;
    Ok(Restored { step, losses, elapsed_s })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_contents_make_the_same_bytes_readable_by_all() {
        let t = Tensor::arange(0f32, 6.0, &Device::Cpu).unwrap();
        let dir = tempfile::tempdir().unwrap();
        // Each map hashes with its own random state: the order safetensors would write differs.
        let meta = || -> HashMap<String, String> { (0..16).map(|k| (format!("key{k}"), k.to_string())).collect() };
        let files: Vec<PathBuf> = (0..4).map(|i| dir.path().join(format!("w{i}"))).collect();
        for f in &files {
            write_safetensors(f, vec![("w".into(), t.clone())], meta()).unwrap();
        }
        let first = std::fs::read(&files[0]).unwrap();
        assert!(files.iter().all(|f| std::fs::read(f).unwrap() == first));
        let back = candle_core::safetensors::load(&files[0], &Device::Cpu).unwrap();
        assert_eq!(back["w"].to_vec1::<f32>().unwrap(), t.to_vec1::<f32>().unwrap());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o044, 0o044, "readable by group and others: {mode:o}");
    }
}
