//! Sinusoids: f(x) = amp · sin(freq · u·x + phase), u uniform on the unit sphere (u = 1 when
//! d = 1); each parameter fixed or drawn per function.
use super::{FunctionClass, sample_param};
use crate::check::Param;
use crate::rng::Rng;

/// The sinusoid class.
#[derive(Debug, Clone)]
pub struct Sine {
    /// Amplitude.
    pub amp: Param,
    /// Frequency.
    pub freq: Param,
    /// Phase.
    pub phase: Param,
}

impl FunctionClass for Sine {
    fn sample_and_apply(&self, rng: &mut Rng, xs: &[f32], d: usize, ys: &mut [f32]) -> usize {
        let (amp, freq, phase) =
            (sample_param(&self.amp, rng), sample_param(&self.freq, rng), sample_param(&self.phase, rng));
        let u = if d == 1 {
            vec![1f32]
        } else {
            let g = super::gaussian(rng, d);
            let norm = g.iter().map(|v| v * v).sum::<f32>().sqrt().max(f32::MIN_POSITIVE);
            g.iter().map(|v| v / norm).collect()
        };
        for (x, y) in xs.chunks(d).zip(ys.iter_mut()) {
            let t: f64 = x.iter().zip(&u).map(|(a, b)| (a * b) as f64).sum();
            *y = (amp * (freq * t + phase).sin()) as f32;
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::InputSpec;

    #[test]
    fn bounded_by_the_amplitude_with_mean_square_amp_squared_over_two() {
        let c = Sine {
            amp: Param::fixed(2.0),
            freq: Param::Uniform { lo: 0.5, hi: 2.0 },
            phase: Param::Uniform { lo: 0.0, hi: std::f64::consts::TAU },
        };
        let mut rng = crate::rng::stream(4, "t");
        let b = super::super::sample_batch(&c, &InputSpec::Normal, &mut rng, 3000, 4, 3, 3);
        assert!(b.ys.iter().all(|y| y.abs() <= 2.0 + 1e-5));
        // A uniform phase makes sin² average 1/2: E[y²] = amp²/2 = 2.
        let ms = b.ys.iter().map(|y| (y * y) as f64).sum::<f64>() / b.ys.len() as f64;
        assert!((ms - 2.0).abs() < 0.1, "{ms}");
    }
}
