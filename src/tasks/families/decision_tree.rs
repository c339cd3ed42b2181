//! Garg et al.'s random decision trees: a complete binary tree of the given depth; every internal
//! node tests one uniformly chosen coordinate (go right when x_c > 0); leaves hold N(0, 1) values.
use crate::rng::Rng;
use crate::spec::FamilyCall;
use crate::tasks::{Bound, Family, FunctionClass, ParamDecl};
use rand::Rng as _;

/// The decision tree class.
#[derive(Debug, Clone, Copy)]
pub struct DecisionTree {
    /// Depth (levels of tests).
    pub depth: usize,
}

impl FunctionClass for DecisionTree {
    fn sample_and_apply(&self, rng: &mut Rng, xs: &[f32], d: usize, _live: usize, ys: &mut [f32]) -> usize {
        let nodes = (1usize << (self.depth + 1)) - 1;
        // As the reference code: a coordinate and a value for every node, leaves read at the end.
        // Its training loop passes the live coordinates to sparse tasks only, so a tree tests
        // any coordinate, live or not (a dead one always reads x_c = 0, "go left").
        let coords: Vec<usize> = (0..nodes).map(|_| rng.random_range(0..d)).collect();
        let values = crate::tasks::gaussian(rng, nodes);
        for (x, y) in xs.chunks(d).zip(ys.iter_mut()) {
            let mut node = 0;
            for _ in 0..self.depth {
                node = 2 * node + 1 + usize::from(x[coords[node]] > 0.0);
            }
            *y = values[node];
        }
        0
    }
}

/// `decision_tree(depth = 4)`.
pub static FAMILY: &dyn Family = &DecisionTreeFamily;

struct DecisionTreeFamily;

impl Family for DecisionTreeFamily {
    fn name(&self) -> &'static str {
        "decision_tree"
    }
    fn definition(&self) -> &'static str {
        "Garg's tree: each node's coordinate uniform, leaf values N(0, 1), branch on x_c > 0"
    }
    fn params(&self) -> &'static [ParamDecl] {
        const PARAMS: &[ParamDecl] = &[ParamDecl::int("depth", Some(4.0), 1.0, Bound::Value(16.0))];
        PARAMS
    }
    fn sampler(&self, call: &FamilyCall) -> Result<Box<dyn FunctionClass>, String> {
        Ok(Box::new(DecisionTree { depth: call.int("depth")? }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::InputSpec;

    #[test]
    fn takes_at_most_two_to_the_depth_values() {
        let mut rng = crate::rng::stream(5, "t");
        let b = crate::tasks::sample_batch(&DecisionTree { depth: 3 }, &InputSpec::Normal, &mut rng, 1, 400, 5, 5);
        let mut distinct: Vec<u32> = b.ys.iter().map(|y| y.to_bits()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        assert!(distinct.len() <= 8 && distinct.len() >= 2, "{}", distinct.len());
    }
}
