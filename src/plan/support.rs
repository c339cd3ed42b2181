//! What this version can execute. The language (check) may run ahead of the executor: a spec may
//! be valid but use a class whose sampler is still to come. Such a spec is stopped here, before
//! any training, with a diagnostic naming each one.
use crate::check::{CheckedSpec, ClassSpec};
use crate::diag::{Code, Diagnostic};

fn class_runs(c: &ClassSpec) -> bool {
    crate::tasks::class_for(c).is_some()
}

fn not_yet(what: String) -> Diagnostic {
    Diagnostic::error(Code::Unsupported, format!("`iclc run` cannot execute {what} yet"))
        .help("`iclc check` accepts the spec; remove or replace this construct to run it with this version")
}

/// A diagnostic per construct the executor cannot run.
pub fn unsupported(spec: &CheckedSpec) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for t in &spec.trainings {
        if !class_runs(&t.data.class) {
            out.push(not_yet(format!("the class `{}` (training `{}`)", t.data.class.describe(), t.name)));
        }
    }
    for e in &spec.evals {
        for task in e.tasks.iter().filter(|t| !class_runs(&t.class)) {
            out.push(not_yet(format!("the class `{}` (eval `{}`)", task.class.describe(), e.name)));
        }
    }
    out
}
