//! Every spec under tests/specs/ok checks clean; every spec under tests/specs/err fails with exactly
//! the diagnostics written in its leading lines, one per line: `// expect: E0104 at 5:3`.
use std::path::{Path, PathBuf};

fn specs(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs").join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "icl"))
        .collect();
    v.sort();
    v
}

#[test]
fn good_specs_check_clean() {
    let mut all = specs("ok");
    all.extend(
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("specs")).unwrap().map(|e| e.unwrap().path()),
    );
    assert!(!all.is_empty());
    for path in all {
        let source = iclc::diag::read_source(&path).unwrap();
        let checked = iclc::check::check_source(&source).unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
        assert!(
            checked.spec.is_some() && checked.diagnostics.is_empty(),
            "{}: {:?}",
            path.display(),
            checked.diagnostics
        );
        let spec = checked.spec.unwrap();
        // Every claim shows in a figure the report draws: one of the spec's or of the defaults
        // the checker gave, each with an anchor of its own.
        let drawn: Vec<iclc::spec::FigureRef> = spec
            .figures
            .iter()
            .map(|f| iclc::spec::FigureRef::Named { name: f.name().to_string() })
            .chain(spec.default_figures.iter().cloned())
            .collect();
        for claim in &spec.claims {
            let figure =
                claim.figure.as_ref().unwrap_or_else(|| panic!("{}: `{}` has no figure", path.display(), claim.name));
            assert!(
                drawn.contains(figure),
                "{}: `{}` shows in {figure:?}, which is not drawn",
                path.display(),
                claim.name
            );
        }
        // The report's order: languages, attention, pruning, every other task's curves (a
        // mixture's components after it), the trainings'; every task of every evaluation drawn.
        use iclc::spec::{FigureRef, TaskKind};
        let group = |f: &FigureRef| match f {
            FigureRef::Named { .. } => 0,
            FigureRef::Curves { eval, .. }
                if spec.evals.iter().any(|e| &e.name == eval && e.kind == TaskKind::Tokens) =>
            {
                1
            }
            FigureRef::RatesOverTraining { .. } => 1,
            FigureRef::Attention { .. } => 2,
            FigureRef::Pruning { .. } => 3,
            FigureRef::Curves { .. } | FigureRef::Component { .. } => 4,
            FigureRef::Training(_) => 5,
        };
        let groups: Vec<u8> = spec.default_figures.iter().map(group).collect();
        assert!(groups.windows(2).all(|w| w[0] <= w[1]), "{}: figures out of order: {groups:?}", path.display());
        for e in &spec.evals {
            for t in &e.tasks {
                let drawn_here = |f: &FigureRef| matches!(f, FigureRef::Curves { eval, task, .. } if *eval == e.name && *task == t.name);
                assert!(
                    spec.default_figures.iter().any(drawn_here),
                    "{}: {}/{} not drawn",
                    path.display(),
                    e.name,
                    t.name
                );
            }
        }
        let ids: std::collections::BTreeSet<String> = drawn.iter().map(|f| f.id()).collect();
        assert_eq!(ids.len(), drawn.len(), "{}: two figures share an anchor", path.display());
        let plan = iclc::plan::plan(&spec, path.parent().unwrap(), &Default::default())
            .unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
        assert!(plan.jobs.len() > 1, "{}", path.display());
    }
}

#[test]
fn the_full_scale_paper_spec_plans_as_a_gpu_experiment() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/paper-full.icl");
    let spec = iclc::check::check_source(&iclc::diag::read_source(&path).unwrap()).unwrap().spec.expect("checks");
    let plan = iclc::plan::plan(&spec, path.parent().unwrap(), &Default::default()).expect("plans");
    let cost = iclc::plan::estimate(&plan);
    // 17 trainings of the standard model, 500k steps each: thousands of CPU-core days.
    assert_eq!(cost.trainings, 17);
    assert!(cost.cpu_core_s > 100.0 * 86_400.0, "{cost:?}");
}

#[test]
fn bad_specs_give_exactly_the_expected_diagnostics() {
    let all = specs("err");
    assert!(all.len() >= 40, "the error corpus is small: {}", all.len());
    let mut failures = Vec::new();
    for path in all {
        let source = iclc::diag::read_source(&path).unwrap();
        // Every diagnostic, warnings included, is listed in the leading `// expect:` lines: one
        // mistake gives one error (or one per place it is made) and nothing else.
        let mut expected: Vec<String> =
            source.text.lines().map_while(|l| l.strip_prefix("// expect: ")).map(|e| e.trim().to_string()).collect();
        assert!(!expected.is_empty(), "{}: first line must be `// expect: CODE at L:C`", path.display());
        let diags = match iclc::check::check_source(&source) {
            Err(d) => d,
            Ok(c) => c.diagnostics,
        };
        assert!(diags.iter().any(|d| d.is_error()), "{}: checks without an error", path.display());
        let mut got: Vec<String> = diags
            .iter()
            .map(|d| {
                let (l, c) = source.line_col(d.span.map_or(0, |s| s.start));
                format!("{} at {l}:{c}", d.code.as_str())
            })
            .collect();
        expected.sort();
        got.sort();
        if got != expected {
            let messages: Vec<String> = diags
                .iter()
                .map(|d| {
                    let (l, c) = source.line_col(d.span.map_or(0, |s| s.start));
                    format!("{} at {l}:{c} {}", d.code.as_str(), d.message)
                })
                .collect();
            failures.push(format!("{}: expected {expected:?}, got {messages:#?}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{} specs:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_registered_family_checks_and_plans_as_a_task_and_as_training_data() {
    for family in iclc::tasks::families().iter().filter(|f| f.kind() == iclc::spec::TaskKind::Regression) {
        // Required parameters at their least value; the others at their defaults.
        let args: Vec<String> = family
            .params()
            .iter()
            .filter(|p| p.default.is_none())
            .map(|p| format!("{} = {}", p.name, iclc::spec::fmt_num(p.min.max(1.0))))
            .collect();
        let call = format!("{}({})", family.name(), args.join(", "));
        let text = format!(
            "experiment \"f\" {{ seed = 1  dim = 3  points = 5 }}\n\
             class c = {call}\n\
             model m = transformer(layers = 1, width = 8, heads = 1)\n\
             train t {{ model = m  data = 0.5 * c + 0.5 * linear()  steps = 2 }}\n\
             eval e {{ models = [t]  tasks = [c, {call}]  baselines = [least_squares]  prompts = 4 }}\n"
        );
        let source = iclc::source::Source::new(format!("{}.icl", family.name()), text);
        let checked = iclc::check::check_source(&source).unwrap_or_else(|d| panic!("{call}: {d:?}"));
        let spec = checked.spec.unwrap_or_else(|| panic!("{call}: {:?}", checked.diagnostics));
        let plan = iclc::plan::plan(&spec, Path::new("."), &Default::default()).unwrap();
        assert_eq!(plan.jobs.len(), 3, "{call}: one training, one evaluation per task");
    }
}
