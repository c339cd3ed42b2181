//! An orthonormal dictionary of patterns in ℝ^d: M1 relevant (they decide the label) and M2
//! irrelevant ones (noise added to every input), and out-of-domain relevant patterns built from
//! the in-domain ones.
use crate::rng::Rng;
use rand::Rng as _;

/// The patterns, each a unit vector of length `dim`, all mutually orthogonal.
#[derive(Debug, Clone, PartialEq)]
pub struct Dictionary {
    /// The space's dimension d.
    pub dim: usize,
    /// In-domain relevant patterns (M1 of them).
    pub relevant: Vec<Vec<f32>>,
    /// In-domain irrelevant patterns (M2 of them).
    pub irrelevant: Vec<Vec<f32>>,
}

impl Dictionary {
    /// M1 + M2 orthonormal patterns drawn uniformly (the skewed inputs' Gram–Schmidt); an error
    /// when they do not fit in `dim` dimensions.
    pub fn draw(dim: usize, m1: usize, m2: usize, rng: &mut Rng) -> Result<Dictionary, String> {
        if m1 + m2 > dim {
            return Err(format!(
                "{m1} relevant and {m2} irrelevant orthonormal patterns need d ≥ {}, not {dim}",
                m1 + m2
            ));
        }
        let mut basis = crate::tasks::random_orthonormal(rng, dim, m1 + m2);
        let irrelevant = basis.split_off(m1);
        Ok(Dictionary { dim, relevant: basis, irrelevant })
    }

    /// Out-of-domain relevant patterns: one per in-domain one, each a combination Σ_j w_j μ_j of
    /// the in-domain relevant patterns with non-negative weights summing to `sum`, most of the
    /// weight on its own pattern (so the shifted patterns stay distinct).
    pub fn shifted(&self, sum: f64, rng: &mut Rng) -> Vec<Vec<f32>> {
        let m1 = self.relevant.len();
        (0..m1)
            .map(|k| {
                let mut w: Vec<f64> = (0..m1).map(|j| if j == k { 1.0 } else { 0.25 * rng.random::<f64>() }).collect();
                let total: f64 = w.iter().sum();
                w.iter_mut().for_each(|x| *x *= sum / total);
                (0..self.dim)
                    .map(|i| w.iter().zip(&self.relevant).map(|(wj, mu)| wj * f64::from(mu[i])).sum::<f64>() as f32)
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dot(a: &[f32], b: &[f32]) -> f64 {
        a.iter().zip(b).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum()
    }

    #[test]
    fn the_dictionary_is_orthonormal() {
        let d = Dictionary::draw(30, 6, 24, &mut crate::rng::stream(1, "dict")).unwrap();
        let all: Vec<&Vec<f32>> = d.relevant.iter().chain(&d.irrelevant).collect();
        assert_eq!(all.len(), 30);
        for (i, a) in all.iter().enumerate() {
            for (j, b) in all.iter().enumerate() {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((dot(a, b) - want).abs() < 1e-5, "⟨p{i}, p{j}⟩ = {}", dot(a, b));
            }
        }
        assert!(Dictionary::draw(8, 6, 3, &mut crate::rng::stream(1, "dict")).unwrap_err().contains("d ≥ 9"));
    }

    #[test]
    fn shifted_patterns_combine_the_relevant_ones_with_the_chosen_sum() {
        let d = Dictionary::draw(12, 4, 6, &mut crate::rng::stream(2, "dict")).unwrap();
        for sum in [0.5, 1.0, 1.5] {
            for s in d.shifted(sum, &mut crate::rng::stream(2, "shift")) {
                // Coordinates on the relevant patterns: non-negative, summing to `sum`; none on the others.
                let coords: Vec<f64> = d.relevant.iter().map(|mu| dot(&s, mu)).collect();
                assert!(coords.iter().all(|c| *c >= -1e-6), "{coords:?}");
                assert!((coords.iter().sum::<f64>() - sum).abs() < 1e-5);
                assert!(d.irrelevant.iter().all(|nu| dot(&s, nu).abs() < 1e-5));
            }
        }
    }
}
