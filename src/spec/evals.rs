//! Evaluations: tasks, inputs, predictors and prompts, and the training steps read.
use super::*;
use serde::{Deserialize, Serialize};

/// An evaluation: models and baselines on fresh prompts of each task and input distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalSpec {
    /// Its name.
    pub name: String,
    /// Names of the trainings whose models it evaluates.
    pub models: Vec<String>,
    /// The tasks it prompts with, sweeps expanded.
    pub tasks: Vec<TaskSpec>,
    /// The input distributions.
    pub inputs: Vec<InputSpec>,
    /// The baselines on the same prompts.
    pub baselines: Vec<Baseline>,
    /// Prompts per (task, inputs).
    pub prompts: usize,
    /// Seed of its prompt stream.
    pub seed: u64,
    /// Training steps whose weights are evaluated besides the final ones.
    pub at: Option<AtSteps>,
    /// For an evaluation of language models: the prompts completed and how (`prompts` is then
    /// their number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completing: Option<Completing>,
    /// Classifiers evaluated with a share of their MLP neurons removed, besides whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pruned: Vec<Pruned>,
    /// The kind its tasks (and models) share, as the checker found it.
    pub kind: crate::spec::TaskKind,
}

/// `prune(model, rate = r, order = o)`: a trained classifier with the share `rate` of its MLP
/// neurons removed at evaluation time, in `order` of their W_O row's magnitude (no retraining).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pruned {
    /// The training whose model is pruned.
    pub model: String,
    /// The share of neurons removed, in [0, 1].
    pub rate: f64,
    /// Which neurons go first.
    pub order: PruneOrder,
}

impl Pruned {
    /// Its name as a predictor, as the spec writes it: `prune(net, rate = 0.3, order = smallest)`.
    pub fn name(&self) -> String {
        format!("prune({}, rate = {}, order = {})", self.model, fmt_num(self.rate), self.order.keyword())
    }

    /// The key of its random streams: the rate by its bits, so no change in how a number prints
    /// changes the neurons a random order draws.
    pub fn key(&self) -> String {
        format!("prune/{}/{:016x}/{}", self.model, self.rate.to_bits(), self.order.keyword())
    }
}

/// Which MLP neurons pruning removes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PruneOrder {
    /// Smallest ‖W_O row‖ first.
    Smallest,
    /// Largest first.
    Largest,
    /// Uniformly drawn.
    Random,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pruned_model_is_named_as_written_and_keyed_by_its_values() {
        let p = Pruned { model: "tasks(n = 6)".into(), rate: 0.3, order: PruneOrder::Largest };
        assert_eq!(p.name(), "prune(tasks(n = 6), rate = 0.3, order = largest)");
        // Pinned: a changed key changes the neurons a random order removes, and so the data.
        assert_eq!(p.key(), "prune/tasks(n = 6)/3fd3333333333333/largest");
        let q = Pruned { rate: 0.1 + 0.2, ..p.clone() };
        assert_ne!(q.key(), p.key(), "0.1 + 0.2 is not 0.3, however both print");
        let predictor = crate::spec::Predictor::Pruned(p);
        assert_eq!(predictor.trained(), Some("tasks(n = 6)"), "its weights and seeds are the training's");
    }
}

impl PruneOrder {
    /// Every order, as the spec writes them.
    pub const ALL: [(&'static str, PruneOrder); 3] =
        [("smallest", PruneOrder::Smallest), ("largest", PruneOrder::Largest), ("random", PruneOrder::Random)];

    /// As the spec writes it.
    pub fn keyword(&self) -> &'static str {
        PruneOrder::ALL.iter().find(|(_, o)| o == self).map_or("?", |(k, _)| k)
    }
}

/// How a language evaluation prompts its models: its prompts (split into in-distribution
/// prefixes and out-of-distribution strings), completed by `decode`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completing {
    /// The prompts.
    pub prompts: Prompts,
    /// How the next tokens are chosen.
    pub decode: Decode,
}

/// A language evaluation's prompts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "prompts", rename_all = "snake_case")]
pub enum Prompts {
    /// `all(length = L)`: every string of L symbols.
    All {
        /// Symbols per prompt, after SOS.
        length: usize,
    },
    /// `["aab", "ba"]`: these strings of the language's symbols.
    Listed {
        /// The prompts as written.
        words: Vec<String>,
    },
}

impl Prompts {
    /// As a report names them: `of length 8`, `listed in the spec`.
    pub fn describe(&self) -> String {
        match self {
            Prompts::All { length } => format!("of length {length}"),
            Prompts::Listed { .. } => "listed in the spec".into(),
        }
    }
}

/// How a language model's completion is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "decode", rename_all = "snake_case")]
pub enum Decode {
    /// The most likely token each step.
    Greedy {
        /// Tokens generated at most (stops at EOS).
        max_new: usize,
    },
    /// A token drawn from the softmax of the logits over `temperature`.
    Sample {
        /// Divides the logits.
        temperature: f64,
        /// Tokens generated at most (stops at EOS).
        max_new: usize,
    },
}

impl Decode {
    /// Tokens generated at most.
    pub fn max_new(&self) -> usize {
        match *self {
            Decode::Greedy { max_new } | Decode::Sample { max_new, .. } => max_new,
        }
    }

    /// As a spec writes it.
    pub fn describe(&self) -> String {
        match *self {
            Decode::Greedy { max_new } => format!("greedy(max_new = {max_new})"),
            Decode::Sample { temperature, max_new } => {
                format!("sample(temperature = {}, max_new = {max_new})", fmt_num(temperature))
            }
        }
    }
}

/// The training steps an evaluation reads a model at, besides its final weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum AtSteps {
    /// `every(n)`: steps n, 2n, … before the last.
    Every {
        /// Steps between evaluations.
        every: u64,
    },
    /// `[s, …]`: these steps (0: the initial weights).
    List {
        /// The steps, ascending.
        steps: Vec<u64>,
    },
}

impl AtSteps {
    /// The steps before `total` (the last step is the final model, read anyway), ascending.
    pub fn resolve(&self, total: u64) -> Vec<u64> {
        match self {
            AtSteps::Every { every } => (1..).map(|i| i * every).take_while(|s| *s < total).collect(),
            AtSteps::List { steps } => steps.iter().copied().filter(|s| *s < total).collect(),
        }
    }
}
