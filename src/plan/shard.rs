//! Splitting a plan's trainings among the K tasks of a cluster job array. Trainings are owned:
//! each is run by one shard only, the longest first to the least loaded shard (by the plan's
//! estimates), so the shards finish close together. Evaluations are not owned: any shard may run
//! one once its models are in the store, taking it with a lock on the job (see `exec`).
use super::{JobId, JobKind, Plan, job_estimate};
use std::collections::BTreeMap;

/// Part `index` (from 0) of a run split `count` ways.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which part, from 0.
    pub index: usize,
    /// How many parts.
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `i/K` with 0 ≤ i < K, as Slurm's `$SLURM_ARRAY_TASK_ID/K`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("--shard `{s}`: expected i/K with 0 <= i < K, as in 0/3");
        let (i, k) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) =
            (i.trim().parse::<usize>().map_err(|_| bad())?, k.trim().parse::<usize>().map_err(|_| bad())?);
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The lock file a running shard holds in the out folder, so others can tell it is alive.
    pub fn lock_file(&self) -> String {
        format!(".iclc.shard-{}-of-{}.lock", self.index, self.count)
    }
}

/// The shard that runs each training of `plan` when it is split `count` ways.
pub fn training_owners(plan: &Plan, count: usize) -> BTreeMap<JobId, usize> {
    let mut trainings: Vec<(usize, f64, &JobId)> = plan
        .jobs
        .iter()
        .enumerate()
        .filter(|(_, j)| matches!(j.kind, JobKind::Train(_)))
        .map(|(i, j)| (i, job_estimate(plan, j).seconds, &j.id))
        .collect();
    // Longest first, plan order among equals: deterministic, so every shard computes the same split.
    trainings.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut load = vec![0.0f64; count.max(1)];
    let mut owners = BTreeMap::new();
    for (_, seconds, id) in trainings {
        let least = (0..load.len()).min_by(|&a, &b| load[a].total_cmp(&load[b]).then(a.cmp(&b))).unwrap_or(0);
        load[least] += seconds;
        owners.insert(id.clone(), least);
    }
    owners
}

#[cfg(test)]
mod tests {
    use super::Shard;

    #[test]
    fn shards_parse_as_slurm_writes_them() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["3/3", "0/0", "1", "a/2", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
