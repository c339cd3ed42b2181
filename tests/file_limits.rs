//! Every file iclc reads has a bound: a device, a pipe or a file far larger than it may be is
//! refused with its size before it is read, never read until memory runs out.
mod common;
use common::builder::Test;
use std::process::Command;

const SPEC: &str = r#"
experiment "limits" { seed = 3  dim = 3  points = 6 }
class dense = linear()
model m = transformer(layers = 1, width = 16, heads = 2)
train t { model = m  data = dense  steps = 20  batch = 8 }
eval curve { models = [t]  tasks = [dense]  baselines = [least_squares]  prompts = 64 }
"#;

/// Runs iclc under a 1 GB address-space limit, so that reading a huge file whole would fail loudly.
fn limited(dir: &std::path::Path, args: &str) -> std::process::Output {
    let iclc = env!("CARGO_BIN_EXE_iclc");
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v 1000000; exec {iclc} {args}"))
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn a_spec_that_is_a_device_or_too_large_is_refused_with_its_size() {
    let t = Test::new().spec(SPEC).args(&["check", "spec.icl"]).run();
    let out = limited(&t.dir, "check /dev/zero");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot read spec file `/dev/zero`") && stderr.contains("not a regular file"), "{stderr}");
    // A sparse file of 3 GB: no disk is used, and it must not be read.
    let big = std::fs::File::create(t.dir.join("big.icl")).unwrap();
    big.set_len(3_000_000_000).unwrap();
    let out = limited(&t.dir, "check big.icl");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("it is 3.0 GB, more than the 16.8 MB such a file may have"), "{stderr}");
}

#[test]
fn an_init_file_that_is_a_device_or_not_these_weights_is_refused_unread() {
    let t = Test::new().spec(SPEC).args(&["check", "spec.icl"]).run();
    let with_init = |file: &str| SPEC.replace("steps = 20", &format!("init = checkpoint(\"{file}\")  steps = 20"));
    std::fs::write(t.dir.join("dev.icl"), with_init("/dev/zero")).unwrap();
    let out = limited(&t.dir, "run dev.icl --out dev");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("/dev/zero") && stderr.contains("not a regular file"), "{stderr}");

    // 3 GB whose header says 8 bytes of data: refused from its header.
    let header = br#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}  "#;
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header);
    bytes.extend_from_slice(&[0u8; 8]);
    std::fs::write(t.dir.join("big.safetensors"), &bytes).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(t.dir.join("big.safetensors"))
        .unwrap()
        .set_len(3_000_000_000)
        .unwrap();
    std::fs::write(t.dir.join("big.icl"), with_init("big.safetensors")).unwrap();
    let out = limited(&t.dir, "run big.icl --out big");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("it is 3.0 GB long where its header describes"), "{stderr}");

    // A whole file of other weights: refused by name, before its data is read.
    std::fs::OpenOptions::new()
        .write(true)
        .open(t.dir.join("big.safetensors"))
        .unwrap()
        .set_len(bytes.len() as u64)
        .unwrap();
    let out = limited(&t.dir, "run big.icl --out other");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the weights of another model?"), "{stderr}");
}

#[test]
fn a_store_file_that_is_a_device_is_named_and_the_job_computed_again() {
    let t = Test::new().spec(SPEC).args(&["run", "spec.icl", "--out", "out"]).run();
    let clean = std::fs::read_to_string(t.dir.join("out/results.csv")).unwrap();
    let eval = std::fs::read_dir(t.dir.join("out/cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("eval.json").exists())
        .unwrap();
    std::fs::remove_file(eval.join("manifest.json")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", eval.join("manifest.json")).unwrap();
    let out = limited(&t.dir, "run spec.icl --out out");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("manifest.json") && stderr.contains("not a regular file"), "{stderr}");
    assert_eq!(std::fs::read_to_string(t.dir.join("out/results.csv")).unwrap(), clean);
}
