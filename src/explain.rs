//! `iclc explain CODE`: what each diagnostic code means, with a spec that makes it and the same
//! spec fixed. The examples are files under explain/, checked by this module's test.
use crate::diag::Code;

/// The long explanation of one code.
#[derive(Debug, Clone, Copy)]
pub struct Explanation {
    /// What it means, every use of the code covered.
    pub meaning: &'static str,
    /// A spec that gives the code.
    pub wrong: &'static str,
    /// The same spec, fixed.
    pub fixed: &'static str,
}

/// The explanation of `code`.
pub fn explain(code: Code) -> Explanation {
    macro_rules! example {
        ($code:literal, $meaning:expr) => {
            Explanation {
                meaning: $meaning,
                wrong: include_str!(concat!("../explain/", $code, ".wrong.icl")),
                fixed: include_str!(concat!("../explain/", $code, ".fixed.icl")),
            }
        };
    }
    match code {
        Code::Io => example!(
            "E0001",
            "A file the spec or the command line names could not be read or written: the spec itself, a checkpoint named by `init = checkpoint(\"…\")` (hashed when the run is planned), or a file of the store (the output folder, a resume file, a record). The message gives the path and the system's reason; paths in a spec are relative to the spec's folder. Check that the file exists, that its name is spelled as on disk, and that the folder is writable."
        ),
        Code::Syntax => example!(
            "E0002",
            "The text does not follow the grammar of the .icl language at the marked place. The message says what the parser could accept there (a value, an operator, a closing bracket) and what it found instead; a bracket or brace opened earlier and never closed is the most common cause, and the error then points at the next item or at the end of the file. A keyword (`and`, `or`, `not`, `for`, `in`, `step`) used as a name is also a syntax error, named as such. docs/language.md shows every construct."
        ),
        Code::UnknownKeyword => example!(
            "E0003",
            "Every top-level item of a spec starts with one of the item keywords: experiment, let, class, model, train, eval, figure, claim. The marked word is none of them, so the parser cannot tell what kind of item starts there; usually it is a misspelling, and the help offers the nearest keywords. A setting written outside its block's braces gives this error too."
        ),
        Code::NumberOverflow => example!(
            "E0004",
            "A number is too large to be represented: integer literals must fit in 64 bits (at most 9 223 372 036 854 775 807), float literals must be finite, and arithmetic on constants (`let n = 10 ** …`, products in `let`) must not overflow either. Such a number is never meant; it is usually a few digits too many. Write the value the experiment needs; settings have ranges of their own that the checker reports next (E0106)."
        ),
        Code::TooDeep => example!(
            "E0005",
            "Brackets nested more than 64 deep, or an expression with more than 512 operators. Such input is rejected before it is parsed, so that no phase of iclc (the parser, the checker, the formatter) can run out of stack on a hostile or generated file. No experiment needs this depth: name the parts of a long expression with `let`, or generate the values as a sweep (`for n in 1..=8`)."
        ),
        Code::UnknownName => example!(
            "E0101",
            "The marked name is not defined anywhere in the spec, or is not one of the built-in names allowed at that place: a function class (`linear`, `sine`, `anbn`, …), a baseline, a recipe, a distribution, a sweep variable used outside its sweep, or one run of a swept training. Define it with `let`, `class`, `model`, `train` or `eval`, or fix its spelling: the help lists the nearest names of the expected kind. A `let` or `class` defined in terms of itself, directly or through others, is reported here too."
        ),
        Code::Duplicate => example!(
            "E0102",
            "Two definitions share one name, or one construct is given the same thing twice: a setting set twice in a block, an argument given twice, a model, task, baseline or input distribution listed twice in an evaluation, a repeated seed. Names of classes, models, trainings, evaluations, figures and constants share one namespace, because claims and evaluations refer to them by name alone; rename one of them or remove the repetition."
        ),
        Code::WrongKind => example!(
            "E0103",
            "The marked name is defined, but as something of another kind than the place expects: a model where a function class is expected (`data = m`), a class where a training is expected (`models = [dense]`), a constant where a model is expected. Each place takes one kind of definition; the message says which one it found and which it expected. Refer to a definition of the right kind."
        ),
        Code::UnknownParameter => example!(
            "E0104",
            "The construct does not take the marked setting or argument: a `train`, `eval` or `experiment` block's setting, a function class's, model's or baseline's argument, or a positional argument beyond the ones the construct takes. Usually it is a misspelling, and the help names the nearest parameter and lists all those the construct takes; a required setting that the misspelling was meant to give is then not reported missing as well."
        ),
        Code::MissingParameter => example!(
            "E0105",
            "The construct needs a setting or argument that is absent: `steps` and `model` of a training without a recipe, `data` of a training, `tasks` of an evaluation, a function class's required argument (`sparse_linear` needs `nnz`, `anbn` needs `max_n`), an evaluation with neither models nor baselines, or the experiment's `dim` and `points` in a spec whose function classes or `patterns` draw real-valued prompts (a spec of languages alone needs neither). The help lists the construct's parameters. Give the missing value, or name a recipe (`recipe = cpu_icl`) that supplies a training's model and optimiser settings."
        ),
        Code::OutOfRange => example!(
            "E0106",
            "The value is outside the range the construct accepts, or does not fit with the other values: zero training steps, a mixing weight outside [0, 1], a head count that does not divide the width, a prompt longer than the model's context, more patterns than the dimension holds, an empty or too long sweep, a curriculum beyond the experiment's dimension, warmup longer than training. The label gives the allowed range; choose a value inside it."
        ),
        Code::WrongType => example!(
            "E0107",
            "The value has the wrong type for its place: a string where a number is expected (`steps = \"10\"`), a fraction where a whole number is expected (`max_n = 8.5`), a single number where a list is expected (`seeds = 3`), a keyword that is not one of the setting's choices (`optimizer = adam`), a parameter drawn with `~` that cannot be drawn. The message names the setting and the help shows the expected form."
        ),
        Code::BadClaimReference => example!(
            "E0108",
            "A claim or figure reads a number its evaluation does not produce: a model or baseline that is not in the evaluation, a task it does not run, a position k beyond the prompt, a sweep variable the evaluation does not sweep, a rate or metric its kind of evaluation does not measure (an error of a language evaluation, a rule the language lacks), or a step it does not read. Add what the claim reads to the evaluation, or make the claim read what the evaluation produces."
        ),
        Code::Experiment => example!(
            "E0109",
            "A spec has exactly one `experiment \"name\" { seed = … dim = … points = … }` block: its seed is the root of every random stream, `dim` is the input dimension of regression tasks and `points` the number of (x, y) pairs per prompt. A spec without the block, or with two of them, cannot say which experiment it is; start the spec with one block and merge any second one into it."
        ),
        Code::NotApplicable => example!(
            "E0110",
            "The marked construct does not apply to what it is used with. The exact `bayes` baseline exists only for Gaussian linear priors (dense or sparse, with or without noise) and mixtures of them; a model reads one kind of data (regression pairs, tokens or pattern prompts) and cannot train on another; `decode` completes language models' prompts only; `lowest_loss`, completions and `loss` belong to their kinds of training; only a regression transformer starts from a checkpoint; a curriculum grows regression prompts only; a rule's `_completion` rate exists only for a rule the new tokens alone keep or break (an order such as R2 of `anbn`, not a count or a bracket matching). Give such a task or model an evaluation or training of its own."
        ),
        Code::BaselineName => example!(
            "E0111",
            "A training, model or evaluation has the name of a baseline (least_squares, ridge, lasso, knn, averaging, zero, bayes, relu_gd, tree). An evaluation lists trained models and baselines side by side in its results, and a claim reads either by name alone, so the two could not be told apart in the report or in a claim. Rename the definition, for instance with a `_model` suffix."
        ),
        Code::TooLarge => example!(
            "E0112",
            "The spec's sweeps multiply into a plan larger than a run can hold: more than 20 000 jobs (trainings, and evaluations of each task and input distribution), or more than 2e9 predictions (prompts × predictors × positions k × snapshots) to keep for the intervals. The message names the lists that multiply and their lengths, and the place of the largest. Sweep fewer values, split the experiment into several specs, or evaluate fewer prompts."
        ),
        Code::Unused => example!(
            "W0001",
            "A warning: a constant, function class, model or training that nothing in the spec refers to. It is harmless, since nothing is trained or evaluated for it, but it is often the sign of a typo elsewhere (a training meant to be evaluated, a class meant as a task). It is reported only when the spec has no errors, because a use that had an error does not count. Remove it or refer to it."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    /// Every diagnostic of checking and planning `text`.
    fn diagnostics(text: &str) -> Vec<crate::diag::Diagnostic> {
        let source = Source::new("example.icl", text);
        let checked = match crate::check::check_source(&source) {
            Err(d) => return d,
            Ok(c) => c,
        };
        match checked.spec {
            Some(spec) => crate::plan::plan(&spec, std::path::Path::new("explain"), &Default::default())
                .err()
                .into_iter()
                .flatten()
                .chain(checked.diagnostics)
                .collect(),
            None => checked.diagnostics,
        }
    }

    #[test]
    fn every_code_is_explained_with_a_wrong_spec_that_gives_it_and_a_fixed_one_that_checks_clean() {
        for code in Code::ALL {
            let e = explain(code);
            let words = e.meaning.split_whitespace().count();
            assert!(words >= 40, "{}: {words} words", code.as_str());
            let wrong: Vec<&str> = diagnostics(e.wrong).iter().map(|d| d.code.as_str()).collect();
            assert_eq!(wrong, [code.as_str()], "{}: the wrong example gives exactly this code", code.as_str());
            let fixed = diagnostics(e.fixed);
            assert!(fixed.is_empty(), "{}: the fixed example: {fixed:?}", code.as_str());
        }
    }
}
