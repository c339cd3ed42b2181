//! The files of a report as a reader and a shell meet them: one figure file per figure, however
//! alike two tasks' names print, and a rerun command that runs exactly the run it describes.
mod common;
use common::builder::Test;
use std::process::Command;

#[test]
fn tasks_whose_names_print_alike_get_figure_files_of_their_own() {
    let spec = r#"
experiment "figures" { seed = 1  dim = 2  points = 4 }
eval curve {
  tasks = [linear(scale = 1), linear(scale = -1), linear(scale = 1/2), linear(scale = 1*2)]
  baselines = [least_squares]
  prompts = 16
}
"#;
    let t = Test::new().spec(spec).args(&["run", "spec.icl", "--out", "out"]).run();
    let md = std::fs::read_to_string(t.dir.join("out/report.md")).unwrap();
    let files: std::collections::BTreeSet<&str> =
        md.split("](").skip(1).filter_map(|s| s.split(')').next()).filter(|f| f.ends_with(".svg")).collect();
    assert_eq!(files.len(), 4, "one figure file per task: {files:?}");
    for f in &files {
        let svg = std::fs::read_to_string(t.dir.join("out").join(f)).unwrap();
        assert!(svg.starts_with("<svg"), "{f}");
    }
    // Each file shows its own task: the scales' least-squares errors differ, so do the files.
    let bodies: std::collections::BTreeSet<String> =
        files.iter().map(|f| std::fs::read_to_string(t.dir.join("out").join(f)).unwrap()).collect();
    assert_eq!(bodies.len(), 4);
}

#[test]
fn the_rerun_command_is_one_shell_command_even_for_names_with_shell_characters() {
    let spec = r#"
experiment "rerun" { seed = 1  dim = 2  points = 4 }
eval curve { tasks = [linear()]  baselines = [least_squares]  prompts = 16 }
"#;
    let name = "a b;echo X.icl";
    let t = Test::new().file(name, spec.as_bytes()).args(&["run", name, "--out", "out dir"]).run();
    let md = std::fs::read_to_string(t.dir.join("out dir/report.md")).unwrap();
    let command = md.lines().find(|l| l.starts_with("iclc run ")).expect("a rerun command");
    assert!(command.starts_with("iclc run 'a b;echo X.icl' --out 'out dir'"), "{command}");
    // Pasted into a shell (iclc on its PATH), it reruns the same report and runs nothing else.
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_iclc")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let rerun = Command::new("sh").arg("-c").arg(command).env("PATH", path).current_dir(&t.dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&rerun.stdout);
    assert!(rerun.status.success(), "{}", String::from_utf8_lossy(&rerun.stderr));
    assert!(!stdout.lines().any(|l| l.trim() == "X"), "a second command ran: {stdout}");
    assert_eq!(std::fs::read_to_string(t.dir.join("out dir/report.md")).unwrap().lines().count(), md.lines().count());
}
