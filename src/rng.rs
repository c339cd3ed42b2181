//! Seeded random streams: one ChaCha stream per (seed, purpose), so that adding a job or an
//! evaluation never shifts the numbers another one draws.
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

/// The generator every sampler uses.
pub type Rng = ChaCha8Rng;

/// A stream for `purpose` (e.g. `"train-data"`, `"init"`) under a master seed.
pub fn stream(seed: u64, purpose: &str) -> Rng {
    let mut h = Sha256::new();
    h.update(seed.to_le_bytes());
    h.update(purpose.as_bytes());
    Rng::from_seed(h.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng as _;

    #[test]
    fn streams_differ_by_purpose_and_repeat_by_seed() {
        let a: u64 = stream(1, "a").random();
        assert_eq!(a, stream(1, "a").random::<u64>());
        assert_ne!(a, stream(1, "b").random::<u64>());
        assert_ne!(a, stream(2, "a").random::<u64>());
    }
}
