//! Sinusoids: f(x) = amp · sin(freq · u·x + phase), u uniform on the unit sphere of the live
//! coordinates (u = 1 when one is live); each parameter fixed or drawn per function.
use crate::rng::Rng;
use crate::spec::FamilyCall;
use crate::spec::Param;
use crate::tasks::{Family, FunctionClass, ParamDecl, sample_param};

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
    fn sample_and_apply(&self, rng: &mut Rng, xs: &[f32], d: usize, live: usize, ys: &mut [f32]) -> usize {
        let (amp, freq, phase) =
            (sample_param(&self.amp, rng), sample_param(&self.freq, rng), sample_param(&self.phase, rng));
        // A direction among the live coordinates only: one with weight on the curriculum's zeroed
        // coordinates would lower the frequency the prompt shows.
        let live = live.clamp(1, d);
        let mut u = vec![0f32; d];
        if live == 1 {
            u[0] = 1.0;
        } else {
            let g = crate::tasks::gaussian(rng, live);
            let norm = g.iter().map(|v| v * v).sum::<f32>().sqrt().max(f32::MIN_POSITIVE);
            for (u, g) in u.iter_mut().zip(&g) {
                *u = g / norm;
            }
        }
        for (x, y) in xs.chunks(d).zip(ys.iter_mut()) {
            let t: f64 = x.iter().zip(&u).map(|(a, b)| (a * b) as f64).sum();
            *y = (amp * (freq * t + phase).sin()) as f32;
        }
        0
    }
}

/// `sine(amp = 1, freq = 1, phase = 0)`.
pub static FAMILY: &dyn Family = &SineFamily;

struct SineFamily;

impl Family for SineFamily {
    fn name(&self) -> &'static str {
        "sine"
    }
    fn definition(&self) -> &'static str {
        "f(x) = amp · sin(freq · u·x + phase), u uniform on the unit sphere of the live coordinates (u = 1 when one is live)"
    }
    fn params(&self) -> &'static [ParamDecl] {
        const PARAMS: &[ParamDecl] =
            &[ParamDecl::drawable("amp", 1.0), ParamDecl::drawable("freq", 1.0), ParamDecl::drawable("phase", 0.0)];
        PARAMS
    }
    fn sampler(&self, call: &FamilyCall) -> Result<Box<dyn FunctionClass>, String> {
        Ok(Box::new(Sine { amp: call.param("amp")?, freq: call.param("freq")?, phase: call.param("phase")? }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::InputSpec;

    #[test]
    fn bounded_by_the_amplitude_with_mean_square_amp_squared_over_two() {
        let c = Sine {
            amp: Param::fixed(2.0),
            freq: Param::Uniform { lo: 0.5, hi: 2.0 },
            phase: Param::Uniform { lo: 0.0, hi: std::f64::consts::TAU },
        };
        let mut rng = crate::rng::stream(4, "t");
        let b = crate::tasks::sample_batch(&c, &InputSpec::Normal, &mut rng, 3000, 4, 3, 3);
        assert!(b.ys.iter().all(|y| y.abs() <= 2.0 + 1e-5));
        // A uniform phase makes sin² average 1/2: E[y²] = amp²/2 = 2.
        let ms = b.ys.iter().map(|y| (y * y) as f64).sum::<f64>() / b.ys.len() as f64;
        assert!((ms - 2.0).abs() < 0.1, "{ms}");
    }

    #[test]
    fn the_direction_lies_among_the_live_coordinates() {
        let c = Sine { amp: Param::fixed(1.0), freq: Param::fixed(1.0), phase: Param::fixed(0.0) };
        let mut rng = crate::rng::stream(5, "t");
        // Probes along each axis of d = 3 with two live coordinates: y = sin(0.1 u_i).
        let xs = [0.1f32, 0.0, 0.0, 0.0, 0.1, 0.0, 0.0, 0.0, 0.1];
        for _ in 0..100 {
            let mut ys = [0f32; 3];
            c.sample_and_apply(&mut rng, &xs, 3, 2, &mut ys);
            let u: Vec<f32> = ys.iter().map(|y| y.asin() / 0.1).collect();
            assert_eq!(u[2], 0.0, "a dead coordinate has no weight");
            assert!((u[0] * u[0] + u[1] * u[1] - 1.0).abs() < 1e-3, "a unit direction: {u:?}");
        }
        let mut ys = [0f32; 3];
        c.sample_and_apply(&mut rng, &xs, 3, 1, &mut ys);
        assert!((ys[0] - 0.1f32.sin()).abs() < 1e-6 && ys[1] == 0.0 && ys[2] == 0.0);
    }
}
