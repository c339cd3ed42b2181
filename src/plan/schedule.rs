//! The run's schedule before it runs: each of N workers takes the first job, in plan order, whose
//! dependencies are done, and a stack's members train together — the rule the executor follows
//! (`exec::schedule`), written once in [`first_ready`] for both.
use super::{Job, JobId, Plan};
use std::collections::{BTreeMap, BTreeSet};

/// The position in `waiting` (indices into `jobs`) of the first job whose dependencies are done.
pub fn first_ready(jobs: &[Job], waiting: &[usize], done: &BTreeSet<JobId>) -> Option<usize> {
    waiting.iter().position(|&i| jobs[i].deps.iter().all(|d| done.contains(d)))
}

/// Wall seconds of `plan` with `workers` jobs side by side, job `i` taking `seconds[i]` (0 for one
/// already in the store); a stack's members start together and take the sum of their times.
pub fn wall_seconds(plan: &Plan, seconds: &[f64], workers: usize) -> f64 {
    let jobs = &plan.jobs;
    let stack_of: BTreeMap<&JobId, usize> =
        plan.stacks.iter().enumerate().flat_map(|(s, stack)| stack.members.iter().map(move |m| (m, s))).collect();
    let mut waiting: Vec<usize> = (0..jobs.len()).collect();
    let mut done = BTreeSet::new();
    let mut running: Vec<(f64, Vec<usize>)> = Vec::new();
    let mut now = 0.0;
    loop {
        while running.len() < workers.max(1) {
            let Some(pos) = first_ready(jobs, &waiting, &done) else { break };
            let mut members = vec![waiting.remove(pos)];
            if let Some(s) = stack_of.get(&jobs[members[0]].id) {
                waiting.retain(|&i| {
                    let with = stack_of.get(&jobs[i].id) == Some(s);
                    if with {
                        members.push(i);
                    }
                    !with
                });
            }
            let took: f64 = members.iter().map(|&i| seconds[i]).sum();
            running.push((now + took, members));
        }
        // The job that ends first frees its worker; nothing running means nothing left to start.
        let Some(next) = (0..running.len()).min_by(|&a, &b| running[a].0.total_cmp(&running[b].0)) else {
            return now;
        };
        let (end, members) = running.swap_remove(next);
        now = end;
        done.extend(members.into_iter().map(|i| jobs[i].id.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn plan_of(text: &str) -> Plan {
        let spec = crate::check::check_source(&Source::new("s.icl", text)).unwrap().spec.expect("checks");
        crate::plan::plan(&spec, std::path::Path::new("."), &Default::default()).unwrap()
    }

    #[test]
    fn workers_overlap_independent_jobs_and_wait_for_dependencies() {
        // Two trainings, then one evaluation of each (on one task): t1 t2 e1 e2 in plan order.
        let plan = plan_of(
            "experiment \"e\" { seed = 1  dim = 2  points = 3 }\nclass c = linear()\n\
             model m = transformer(layers = 1, width = 8, heads = 1)\n\
             train a { model = m  data = c  steps = 2 }\ntrain b { model = m  data = c  steps = 3 }\n\
             eval ea { models = [a]  tasks = [c] }\neval eb { models = [b]  tasks = [c] }\n",
        );
        let kinds: Vec<&str> = plan.jobs.iter().map(|j| j.kind_label()).collect();
        assert_eq!(kinds.len(), 4, "{kinds:?}");
        let seconds = [10.0, 4.0, 1.0, 1.0];
        assert_eq!(wall_seconds(&plan, &seconds, 1), 16.0, "one at a time: the sum");
        // Two workers: a (0–10) beside b (0–4), then b's evaluation (4–5) while a trains on; a's
        // evaluation waits for a (10–11).
        assert_eq!(wall_seconds(&plan, &seconds, 2), 11.0);
        assert_eq!(wall_seconds(&plan, &[0.0, 0.0, 1.0, 1.0], 2), 1.0, "trainings in the store take no time");
    }
}
