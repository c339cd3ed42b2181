//! Training recipes: named defaults for a `train` block's model and optimisation settings, each
//! measured to do something specific on this project's hardware (see docs/language.md).
use crate::spec::{Arch, Curriculum, ModelSpec, Positions, Schedule, Stage};

/// A recipe: what a `train` block gets for every setting it does not write itself.
#[derive(Debug, Clone, Copy)]
pub struct Recipe {
    /// Its name in specs.
    pub name: &'static str,
    /// The model.
    pub model: ModelSpec,
    /// Optimiser steps.
    pub steps: i64,
    /// Prompts per step.
    pub batch: i64,
    /// Peak learning rate.
    pub lr: f64,
    /// Learning-rate schedule.
    pub schedule: Schedule,
    /// Gradient-norm clipping.
    pub clip: Option<f64>,
    /// AdamW's decoupled weight decay.
    pub weight_decay: f64,
    /// Steps between curriculum stages, if the recipe has a curriculum.
    pub curriculum_every: Option<u64>,
}

impl Recipe {
    /// The curriculum for an experiment of `dim` inputs and `points` points: active dimensions
    /// from 2 up by 1, points from 5 up by 2, to the experiment's values.
    pub fn curriculum(&self, dim: usize, points: usize) -> Option<Curriculum> {
        let every = self.curriculum_every?;
        Some(Curriculum {
            dims: Stage { start: dim.min(2), end: dim, inc: 1 },
            points: Stage { start: points.min(5), end: points, inc: 2 },
            every,
        })
    }
}

/// The built-in recipes.
pub const RECIPES: &[Recipe] = &[
    Recipe {
        // Dense linear regression, d = 5, 11 points: error/d 0.032 at k = 10 in about 3½ minutes on one
        // core (reports/quick/). Smaller batches and more steps beat larger batches here.
        name: "cpu_icl",
        model: ModelSpec::transformer(4, 64, 4),
        steps: 14_000,
        batch: 32,
        lr: 1e-3,
        schedule: Schedule::Cosine { warmup: 500, final_fraction: 0.1 },
        clip: Some(1.0),
        weight_decay: 0.01,
        curriculum_every: Some(500),
    },
    Recipe {
        // Mixtures of classes (dense + sparse, linear + sine) at d = 4, 9 points, about 3½ minutes of
        // one core: off the zero predictor's plateau and most of the way to least squares, not there
        // (reports/paper/: dense specialist 0.064 at k = 2d). Mixtures need larger batches than one
        // class: with 32 or 64 prompts per step they sat on the plateau for thousands of steps
        // (docs/performance.md, "Recipes for model selection").
        name: "cpu_selection",
        model: ModelSpec::transformer(4, 64, 4),
        steps: 2_000,
        batch: 128,
        lr: 2e-3,
        schedule: Schedule::Cosine { warmup: 100, final_fraction: 0.1 },
        clip: Some(1.0),
        weight_decay: 0.01,
        curriculum_every: Some(100),
    },
    Recipe {
        // Rule extrapolation on aⁿbⁿ (n ≤ 16, every word each step): the three variants reach the same
        // minimal test loss and extrapolate R1 differently (reports/rules/), about a minute per training
        // on one core; docs/rules.md has the search that led here. A context of 74 holds every
        // word up to n = 36 (SOS, 2n symbols, EOS).
        name: "cpu_rules",
        model: ModelSpec {
            layers: 3,
            width: 16,
            heads: 4,
            arch: Arch::CausalLm { context: 74, positions: Positions::Learned },
        },
        steps: 2_000,
        batch: 16,
        lr: 2e-3,
        schedule: Schedule::Cosine { warmup: 100, final_fraction: 0.1 },
        clip: Some(1.0),
        weight_decay: 0.0,
        curriculum_every: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    #[test]
    fn a_recipe_fills_what_the_block_leaves_out_and_written_settings_win() {
        let text = include_str!("../../tests/specs/ok/recipe_with_overrides.icl");
        let checked = crate::check::check_source(&Source::new("r.icl", text)).expect("parses");
        let spec = checked.spec.expect("checks");
        let (t, r) = (&spec.trainings[0].setup, &RECIPES[0]);
        assert_eq!((t.steps, t.batch), (200, 16), "written");
        assert_eq!((t.model, t.lr, t.schedule, t.clip), (r.model, r.lr, r.schedule, r.clip), "from the recipe");
        let c = t.curriculum.expect("the recipe's curriculum");
        assert_eq!((c.dims.start, c.dims.end, c.points.start, c.points.end), (2, 3, 5, 6), "fitted to dim and points");
    }

    #[test]
    fn the_rules_recipe_gives_a_language_training_its_model_and_optimiser() {
        let text = include_str!("../../tests/specs/ok/languages.icl");
        let spec = crate::check::check_source(&Source::new("l.icl", text)).expect("parses").spec.expect("checks");
        let t = &spec.trainings.iter().find(|t| t.name == "from_recipe").expect("trained").setup;
        let r = RECIPES.iter().find(|r| r.name == "cpu_rules").expect("a recipe");
        assert_eq!(t.steps, 200, "written");
        assert_eq!((t.model, t.batch as i64, t.lr, t.schedule, t.clip), (r.model, r.batch, r.lr, r.schedule, r.clip));
        assert_eq!((t.weight_decay, t.curriculum), (0.0, None), "no decay, no curriculum");
        assert!(matches!(t.model.arch, Arch::CausalLm { context: 74, positions: Positions::Learned }));
    }
}
