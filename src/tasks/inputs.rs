//! Input distributions for x: N(0, I_d) and the out-of-distribution variants of Garg et al.'s
//! Figure 4. Per-prompt variants (orthants, half subspace) draw their structure per prompt; the
//! skewed covariance is drawn once per sampler (one evaluation job), as in the reference code.
//! The query variants change the last point of each prompt, the query at k = points − 1.
use crate::rng::Rng;
use crate::spec::InputSpec;
use rand::Rng as _;

/// Draws the xs of prompts from one input distribution.
pub struct InputSampler {
    spec: InputSpec,
    d: usize,
    /// Skewed: rows are the columns of Q scaled by sqrt(λ), so x = Σ_i z_i · row_i.
    skew: Vec<Vec<f32>>,
}

/// `k` orthonormal vectors in R^d (Gram–Schmidt on Gaussian vectors).
pub fn random_orthonormal(rng: &mut Rng, d: usize, k: usize) -> Vec<Vec<f32>> {
    let mut basis: Vec<Vec<f32>> = Vec::with_capacity(k);
    while basis.len() < k {
        let mut v = super::gaussian(rng, d);
        project_out(&mut v, &basis);
        let norm = v.iter().map(|a| a * a).sum::<f32>().sqrt();
        if norm > 1e-4 {
            basis.push(v.iter().map(|a| a / norm).collect());
        }
    }
    basis
}

/// v ← v − Σ (v·b) b for orthonormal `basis`.
fn project_out(v: &mut [f32], basis: &[Vec<f32>]) {
    for b in basis {
        let dot: f32 = v.iter().zip(b).map(|(a, c)| a * c).sum();
        for (a, c) in v.iter_mut().zip(b) {
            *a -= dot * c;
        }
    }
}

impl InputSampler {
    /// A sampler for `spec` in `d` dimensions; the skewed covariance is drawn here.
    pub fn new(spec: &InputSpec, d: usize, rng: &mut Rng) -> Self {
        let skew = if *spec == InputSpec::Skewed {
            let raw: Vec<f64> = (1..=d).map(|i| 1.0 / (i * i) as f64).collect();
            let total: f64 = raw.iter().sum();
            let basis = random_orthonormal(rng, d, d);
            basis
                .into_iter()
                .zip(raw)
                .map(|(q, l)| q.iter().map(|v| v * (l * d as f64 / total).sqrt() as f32).collect())
                .collect()
        } else {
            vec![]
        };
        InputSampler { spec: *spec, d, skew }
    }

    /// The scaled eigenvectors of the skewed covariance (empty for other inputs).
    pub fn skew_axes(&self) -> &[Vec<f32>] {
        &self.skew
    }

    /// Fills one prompt's xs, `(points, d)`.
    pub fn fill(&self, rng: &mut Rng, xs: &mut [f32], points: usize) {
        let d = self.d;
        match self.spec {
            InputSpec::Normal => xs.copy_from_slice(&super::gaussian(rng, xs.len())),
            InputSpec::Scaled { factor } => {
                for (x, z) in xs.iter_mut().zip(super::gaussian(rng, points * d)) {
                    *x = factor as f32 * z;
                }
            }
            InputSpec::Skewed => {
                for row in xs.chunks_mut(d) {
                    row.fill(0.0);
                    for (z, axis) in super::gaussian(rng, d).into_iter().zip(&self.skew) {
                        for (x, a) in row.iter_mut().zip(axis) {
                            *x += z * a;
                        }
                    }
                }
            }
            InputSpec::Orthants => {
                let signs: Vec<f32> = (0..d).map(|_| if rng.random_bool(0.5) { 1.0 } else { -1.0 }).collect();
                for (i, (x, z)) in xs.iter_mut().zip(super::gaussian(rng, points * d)).enumerate() {
                    *x = z.abs() * signs[i % d];
                }
            }
            InputSpec::HalfSubspace => {
                let basis = random_orthonormal(rng, d, (d / 2).max(1));
                for row in xs.chunks_mut(d) {
                    row.fill(0.0);
                    for (z, b) in super::gaussian(rng, basis.len()).into_iter().zip(&basis) {
                        for (x, c) in row.iter_mut().zip(b) {
                            *x += z * c;
                        }
                    }
                }
            }
            InputSpec::OrthogonalQuery => {
                xs.copy_from_slice(&super::gaussian(rng, xs.len()));
                let (context, query) = xs.split_at_mut((points - 1) * d);
                let norm = query.iter().map(|a| a * a).sum::<f32>().sqrt();
                // An orthonormal basis of the context's span, then the query without it.
                let mut basis: Vec<Vec<f32>> = Vec::new();
                for row in context.chunks(d) {
                    let mut v = row.to_vec();
                    project_out(&mut v, &basis);
                    let n = v.iter().map(|a| a * a).sum::<f32>().sqrt();
                    if n > 1e-4 {
                        basis.push(v.iter().map(|a| a / n).collect());
                    }
                }
                project_out(query, &basis);
                let left = query.iter().map(|a| a * a).sum::<f32>().sqrt();
                if left > 1e-6 {
                    query.iter_mut().for_each(|a| *a *= norm / left);
                }
            }
            InputSpec::RepeatedQuery => {
                xs.copy_from_slice(&super::gaussian(rng, xs.len()));
                if points > 1 {
                    let j = rng.random_range(0..points - 1);
                    let (context, query) = xs.split_at_mut((points - 1) * d);
                    query.copy_from_slice(&context[j * d..(j + 1) * d]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(spec: InputSpec, prompts: usize, points: usize, d: usize) -> (InputSampler, Vec<f32>) {
        let mut rng = crate::rng::stream(11, "inputs");
        let s = InputSampler::new(&spec, d, &mut rng);
        let mut xs = vec![0f32; prompts * points * d];
        for p in xs.chunks_mut(points * d) {
            s.fill(&mut rng, p, points);
        }
        (s, xs)
    }

    #[test]
    fn skewed_covariance_has_the_stated_spectrum() {
        let d = 4;
        let (s, xs) = sample(InputSpec::Skewed, 2000, 5, d);
        let raw: Vec<f64> = (1..=d).map(|i| 1.0 / (i * i) as f64).collect();
        let total: f64 = raw.iter().sum();
        for (axis, l) in s.skew_axes().iter().zip(&raw) {
            let len = axis.iter().map(|a| (a * a) as f64).sum::<f64>().sqrt();
            let unit: Vec<f64> = axis.iter().map(|a| *a as f64 / len).collect();
            let var =
                xs.chunks(d).map(|x| x.iter().zip(&unit).map(|(a, u)| *a as f64 * u).sum::<f64>().powi(2)).sum::<f64>()
                    / (xs.len() / d) as f64;
            let want = l * d as f64 / total;
            assert!((var - want).abs() < 0.06 * want.max(0.2), "variance {var} along an axis, want {want}");
        }
        let trace = xs.iter().map(|a| (a * a) as f64).sum::<f64>() / (xs.len() / d) as f64;
        assert!((trace - d as f64).abs() < 0.2, "trace {trace}");
    }

    #[test]
    fn orthants_share_signs_within_a_prompt() {
        let (_, xs) = sample(InputSpec::Orthants, 50, 6, 3);
        for p in xs.chunks(18) {
            for c in 0..3 {
                let signs: Vec<bool> = p.chunks(3).map(|x| x[c] >= 0.0).collect();
                assert!(signs.iter().all(|s| *s == signs[0]));
            }
        }
    }

    #[test]
    fn orthogonal_query_is_orthogonal_to_its_context() {
        let (_, xs) = sample(InputSpec::OrthogonalQuery, 20, 4, 6);
        for p in xs.chunks(24) {
            let q = &p[18..];
            for x in p[..18].chunks(6) {
                let dot: f32 = x.iter().zip(q).map(|(a, b)| a * b).sum();
                assert!(dot.abs() < 1e-4, "{dot}");
            }
        }
    }

    #[test]
    fn repeated_query_equals_a_context_point() {
        let (_, xs) = sample(InputSpec::RepeatedQuery, 20, 5, 3);
        for p in xs.chunks(15) {
            assert!(p[..12].chunks(3).any(|x| x == &p[12..]));
        }
    }

    #[test]
    fn half_subspace_has_rank_half_d() {
        let (_, xs) = sample(InputSpec::HalfSubspace, 1, 8, 4);
        let mut basis: Vec<Vec<f32>> = Vec::new();
        for row in xs.chunks(4) {
            let mut v = row.to_vec();
            project_out(&mut v, &basis);
            let n = v.iter().map(|a| a * a).sum::<f32>().sqrt();
            if n > 1e-3 {
                basis.push(v.iter().map(|a| a / n).collect());
            }
        }
        assert_eq!(basis.len(), 2);
    }
}
