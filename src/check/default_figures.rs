//! The figures a report draws besides the spec's own `figure` items: what every evaluation of its
//! kind shows, and the trainings'. Decided here, once, so that the report renders the list it is
//! given and a claim's figure is one of them.
use crate::spec::{ClassSpec, EvalSpec, FigureRef, InputSpec, TaskKind, TrainingFigure};

/// In the report's order: each language's rates (and its first rule against the test loss when
/// read at steps), each classification evaluation's attention, each pruned task's 0-1 error and
/// hinge loss against the share pruned, every other task's error against k (a mixture's also on
/// the prompts of each component), and the training figures when anything trains.
pub fn default_figures(evals: &[EvalSpec], trains: bool) -> Vec<FigureRef> {
    let mut out = Vec::new();
    let of = |kind: TaskKind| evals.iter().filter(move |e| e.kind == kind);
    for e in of(TaskKind::Tokens) {
        for t in &e.tasks {
            let (eval, task) = (e.name.clone(), t.name.clone());
            out.push(FigureRef::Curves { eval: eval.clone(), task: task.clone(), inputs: InputSpec::Normal });
            if e.at.is_some() {
                out.push(FigureRef::RatesOverTraining { eval, task });
            }
        }
    }
    out.extend(of(TaskKind::Classification).map(|e| FigureRef::Attention { eval: e.name.clone() }));
    for e in evals.iter().filter(|e| !e.pruned.is_empty()) {
        for t in &e.tasks {
            for hinge in [false, true] {
                out.push(FigureRef::Pruning { eval: e.name.clone(), task: t.name.clone(), hinge });
            }
        }
    }
    for e in evals.iter().filter(|e| e.kind != TaskKind::Tokens) {
        for (t, &inputs) in e.tasks.iter().flat_map(|t| e.inputs.iter().map(move |i| (t, i))) {
            let (eval, task) = (e.name.clone(), t.name.clone());
            out.push(FigureRef::Curves { eval: eval.clone(), task: task.clone(), inputs });
            if let ClassSpec::Mixture { components } = &t.class {
                out.extend(components.iter().map(|c| FigureRef::Component {
                    eval: eval.clone(),
                    task: task.clone(),
                    inputs,
                    component: c.name.clone(),
                }));
            }
        }
    }
    if trains {
        let each = [TrainingFigure::Loss, TrainingFigure::LearningRate, TrainingFigure::Curriculum];
        out.extend(each.map(FigureRef::Training));
    }
    out
}
