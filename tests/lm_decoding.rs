//! Decoding a language model: greedy decoding stops at EOS, else at max_new or the context; a
//! sampled completion depends on its own random stream only.
use candle_core::{Device, Tensor};
use iclc::model::{CausalLm, Decoding, LmConfig, Positions};
use iclc::tasks::languages::{Anbn, Language};

const CFG: LmConfig =
    LmConfig { vocab: 5, context: 8, n_embd: 4, n_layer: 2, n_head: 2, positions: Positions::Learned };

/// A model whose every logit is zero but `favoured`'s: ln_f's bias 1, that row of lm_head 1.
fn always(favoured: u32) -> CausalLm {
    let lm = CausalLm::zeros(&CFG, &Device::Cpu).unwrap();
    for (name, var) in lm.named() {
        let dims = var.dims().to_vec();
        let n: usize = dims.iter().product();
        let values: Vec<f32> = match name.as_str() {
            "transformer.ln_f.bias" => vec![1.0; n],
            "lm_head.weight" => (0..n).map(|i| f32::from(i / CFG.n_embd == favoured as usize)).collect(),
            _ => continue,
        };
        var.set(&Tensor::from_vec(values, dims, &Device::Cpu).unwrap()).unwrap();
    }
    lm
}

/// One decoding stream per prompt.
fn rngs(prompts: &[Vec<u32>]) -> Vec<iclc::rng::Rng> {
    (0..prompts.len()).map(|i| iclc::rng::stream(1, &format!("decode/{i}"))).collect()
}

#[test]
fn a_sampled_completion_depends_on_its_own_stream_not_on_its_batch() {
    let lang = Anbn { max_n: 3 };
    // Nearly uniform over the vocabulary: the draws decide every token.
    let hot = Decoding::Sample { temperature: 100.0 };
    let (a, b) = (vec![lang.sos(), 0], vec![lang.sos(), 1]);
    let stream = |key: &str| iclc::rng::stream(7, key);
    let model = always(0);
    let alone =
        iclc::model::generate(&model, std::slice::from_ref(&a), 6, lang.eos(), hot, &mut [stream("a")], &Device::Cpu)
            .unwrap();
    let batched =
        iclc::model::generate(&model, &[b, a], 6, lang.eos(), hot, &mut [stream("b"), stream("a")], &Device::Cpu)
            .unwrap();
    assert_eq!(alone[0], batched[1]);
    let other =
        iclc::model::generate(&model, &[vec![lang.sos(), 0]], 6, lang.eos(), hot, &mut [stream("c")], &Device::Cpu)
            .unwrap();
    assert_ne!(alone[0], other[0], "another stream draws other tokens");
}

#[test]
fn greedy_decoding_stops_at_eos_and_otherwise_at_the_limit() {
    let lang = Anbn { max_n: 3 };
    let prompts = vec![vec![lang.sos(), 0, 0], vec![lang.sos(), 1, 0]];
    let out = iclc::model::generate(
        &always(lang.eos()),
        &prompts,
        4,
        lang.eos(),
        Decoding::Greedy,
        &mut rngs(&prompts),
        &Device::Cpu,
    )
    .unwrap();
    assert_eq!(out, vec![vec![lang.eos()], vec![lang.eos()]], "EOS first: nothing after it");
    let out =
        iclc::model::generate(&always(0), &prompts, 4, lang.eos(), Decoding::Greedy, &mut rngs(&prompts), &Device::Cpu)
            .unwrap();
    assert_eq!(out, vec![vec![0; 4], vec![0; 4]], "no EOS: up to max_new");
    // The context (8) bounds a generation too: 3 prompt tokens leave room for 5.
    let out = iclc::model::generate(
        &always(0),
        &prompts,
        50,
        lang.eos(),
        Decoding::Greedy,
        &mut rngs(&prompts),
        &Device::Cpu,
    )
    .unwrap();
    assert_eq!(out[0].len(), 5);
}
