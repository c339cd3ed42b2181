//! The checkpoint key schema, written once: the PyTorch parameter names of Garg et al.'s
//! `TransformerModel` (a Hugging Face GPT-2 as `_backbone` between the `_read_in` and `_read_out`
//! linear maps). The graph builds its variables under them, the fused engine finds its slices by
//! them, the init policy chooses by them, and every checkpoint is keyed by them — so a checkpoint
//! moves between iclc and the reference code unchanged.

/// The input map d → C.
pub const READ_IN: &str = "_read_in";
/// The output map C → 1.
pub const READ_OUT: &str = "_read_out";
/// The GPT-2 backbone.
pub const BACKBONE: &str = "_backbone";
/// Learned positions, under the backbone.
pub const WPE: &str = "wpe";
/// The final LayerNorm, under the backbone.
pub const LN_F: &str = "ln_f";
/// A block's LayerNorm before attention.
pub const LN_1: &str = "ln_1";
/// A block's attention.
pub const ATTN: &str = "attn";
/// A block's LayerNorm before the MLP.
pub const LN_2: &str = "ln_2";
/// A block's MLP.
pub const MLP: &str = "mlp";
/// Attention's fused q|k|v projection.
pub const C_ATTN: &str = "c_attn";
/// The output projection of attention and of the MLP (the residual projections).
pub const C_PROJ: &str = "c_proj";
/// The MLP's widening map.
pub const C_FC: &str = "c_fc";
/// A weight matrix or LayerNorm scale.
pub const WEIGHT: &str = "weight";
/// A bias.
pub const BIAS: &str = "bias";

/// Block `i` under the backbone: `h.i`.
pub fn block(i: usize) -> String {
    format!("h.{i}")
}

/// A dotted name from its parts, as PyTorch's `state_dict` writes it.
pub fn join(parts: &[&str]) -> String {
    parts.join(".")
}

/// The language model's backbone (Hugging Face `GPT2LMHeadModel.transformer`).
pub const TRANSFORMER: &str = "transformer";
/// The token table, under the backbone.
pub const WTE: &str = "wte";
/// The language model's logits map C → vocabulary.
pub const LM_HEAD: &str = "lm_head";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_pytorchs() {
        assert_eq!(join(&[BACKBONE, &block(3), ATTN, C_PROJ, WEIGHT]), "_backbone.h.3.attn.c_proj.weight");
        assert_eq!(join(&[BACKBONE, WPE, WEIGHT]), "_backbone.wpe.weight");
    }
}
