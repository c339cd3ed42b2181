//! The fused engine's CPU kernels on flat row-major f32 buffers: matrix products (the `gemm`
//! crate candle itself uses), LayerNorm, GELU and causal softmax attention, each with its
//! analytic backward. Loops are written so the compiler vectorises them (lane accumulators for
//! sums, a branch-free `exp`).
pub use crate::lanes::Strided;
use crate::lanes::{L, copy, dot, product, sum};
use gemm::Parallelism;

/// `dst (m, n) = [dst +] a (m, k) · b (k, n)`, `dst` row-major.
#[allow(clippy::too_many_arguments)]
pub fn matmul(
    m: usize,
    n: usize,
    k: usize,
    dst: &mut [f32],
    accumulate: bool,
    a: Strided,
    b: Strided,
    par: Parallelism,
) {
    assert!(dst.len() >= m * n, "matmul destination too small");
    assert!(m == 0 || k == 0 || (m - 1) * a.rs + (k - 1) * a.cs < a.data.len(), "matmul lhs out of bounds");
    assert!(n == 0 || k == 0 || (k - 1) * b.rs + (n - 1) * b.cs < b.data.len(), "matmul rhs out of bounds");
    // SAFETY: the asserts above keep every element gemm touches inside the three slices, and
    // `dst` is borrowed mutably, so it aliases neither operand.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            a.data.as_ptr(),
            a.cs as isize,
            a.rs as isize,
            b.data.as_ptr(),
            b.cs as isize,
            b.rs as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            par,
        )
    }
}

/// Every row of `dst (rows, bias.len())` set to `bias`.
pub fn fill_rows(dst: &mut [f32], bias: &[f32]) {
    for row in dst.chunks_exact_mut(bias.len()) {
        row.copy_from_slice(bias);
    }
}

/// `x[row] += bias` for every row.
pub fn add_rows(x: &mut [f32], bias: &[f32]) {
    for row in x.chunks_exact_mut(bias.len()) {
        row.iter_mut().zip(bias).for_each(|(x, b)| *x += b);
    }
}

/// `out[j] = Σ_rows m[row, j]` (a bias's gradient).
pub fn column_sums(m: &[f32], out: &mut [f32]) {
    out.fill(0.0);
    for row in m.chunks_exact(out.len()) {
        for (o, v) in out.iter_mut().zip(row) {
            *o += v;
        }
    }
}

/// e^x, branch-free (Cephes' polynomial after range reduction); relative error about 2e-7.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.3, 88.0);
    let n = (x * std::f32::consts::LOG2_E + 0.5).floor();
    let r = x - n * 0.693_359_4 + n * 2.121_944_4e-4;
    let p = 1.987_569_1e-4f32;
    let p = p.mul_add(r, 1.398_199_9e-3);
    let p = p.mul_add(r, 8.333_452e-3);
    let p = p.mul_add(r, 4.166_579_6e-2);
    let p = p.mul_add(r, 1.666_666_5e-1);
    let p = p.mul_add(r, 0.5);
    let e = (p * r).mul_add(r, r) + 1.0;
    e * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

/// LayerNorm of each row of `x (rows, c)`: keeps `xhat` and `rstd` for the backward pass.
pub fn layer_norm(x: &[f32], w: &[f32], b: &[f32], eps: f32, xhat: &mut [f32], rstd: &mut [f32], out: &mut [f32]) {
    let c = w.len();
    for (((x, xh), r), o) in x.chunks_exact(c).zip(xhat.chunks_exact_mut(c)).zip(rstd).zip(out.chunks_exact_mut(c)) {
        let mean = sum(x) / c as f32;
        for (h, v) in xh.iter_mut().zip(x) {
            *h = v - mean;
        }
        let var = dot(xh, xh) / c as f32;
        *r = 1.0 / (var + eps).sqrt();
        for (((h, o), w), b) in xh.iter_mut().zip(o.iter_mut()).zip(w).zip(b) {
            *h *= *r;
            *o = h.mul_add(*w, *b);
        }
    }
}

/// LayerNorm's backward: `dx += ∂L/∂x`, `dw`, `db` set from `dout`.
pub fn layer_norm_backward(
    dout: &[f32],
    xhat: &[f32],
    rstd: &[f32],
    w: &[f32],
    dx: &mut [f32],
    dw: &mut [f32],
    db: &mut [f32],
) {
    let c = w.len();
    dw.fill(0.0);
    db.fill(0.0);
    let mut dxhat = vec![0f32; c];
    for (((d, xh), r), dx) in dout.chunks_exact(c).zip(xhat.chunks_exact(c)).zip(rstd).zip(dx.chunks_exact_mut(c)) {
        for j in 0..c {
            dxhat[j] = d[j] * w[j];
            dw[j] = d[j].mul_add(xh[j], dw[j]);
            db[j] += d[j];
        }
        let m1 = sum(&dxhat) / c as f32;
        let m2 = dot(&dxhat, xh) / c as f32;
        for j in 0..c {
            dx[j] += r * (dxhat[j] - m1 - xh[j] * m2);
        }
    }
}

const GELU_C: f32 = 0.797_884_6; // sqrt(2 / π)
const GELU_A: f32 = 0.044_715;

#[inline(always)]
fn tanh(u: f32) -> f32 {
    1.0 - 2.0 / (exp(2.0 * u) + 1.0)
}

/// GPT-2's `gelu_new`, the tanh approximation: the one GELU formula of the project (the graph's
/// custom op calls it too).
#[inline(always)]
pub fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + tanh(GELU_C * x.mul_add(GELU_A * x * x, x)))
}

/// The derivative of [`gelu`].
#[inline(always)]
pub fn gelu_grad(x: f32) -> f32 {
    let t = tanh(GELU_C * x.mul_add(GELU_A * x * x, x));
    0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * GELU_A * x * x)
}

/// Adds `bias` to every row of `f (rows, bias.len())` and sets `g = gelu(f)`: the bias rides along
/// the pass GELU makes anyway.
pub fn bias_gelu(f: &mut [f32], bias: &[f32], g: &mut [f32]) {
    for (f, g) in f.chunks_exact_mut(bias.len()).zip(g.chunks_exact_mut(bias.len())) {
        for ((x, g), b) in f.iter_mut().zip(g).zip(bias) {
            *x += b;
            *g = gelu(*x);
        }
    }
}

/// `df = dg · gelu'(f)`, elementwise, in place on `dg`.
pub fn gelu_backward(f: &[f32], dg: &mut [f32]) {
    for (d, &x) in dg.iter_mut().zip(f) {
        *d *= gelu_grad(x);
    }
}

/// The shape of causal self-attention over `qkv (B·T, 3C)` with `C = heads · head_dim`.
#[derive(Debug, Clone, Copy)]
pub struct Heads {
    /// Prompts.
    pub batch: usize,
    /// Sequence length.
    pub t: usize,
    /// Heads.
    pub heads: usize,
    /// Width of one head.
    pub hd: usize,
}

impl Heads {
    fn c(&self) -> usize {
        self.heads * self.hd
    }

    /// Offset of head `h`'s slice of part `part` (0 q, 1 k, 2 v) in row `row` of qkv.
    fn at(&self, row: usize, part: usize, h: usize) -> usize {
        row * 3 * self.c() + part * self.c() + h * self.hd
    }

    /// Sequence length and head width rounded up to whole lanes.
    fn padded(&self) -> (usize, usize) {
        (self.t.next_multiple_of(L), self.hd.next_multiple_of(L))
    }

    /// Length of the attention-weight buffer: `(B, H, T, T padded to lanes)`.
    pub fn weights_len(&self) -> usize {
        self.batch * self.heads * self.t * self.padded().0
    }
}

/// One head's local buffers, padded to whole lanes with zeros; kept from call to call (the
/// attention kernels run for every head of every prompt, every step).
#[derive(Debug, Default)]
pub struct HeadBuffers {
    shape: (usize, usize), // (T, hd) the buffers are laid out for
    q: Vec<f32>,           // (T, hdp)
    k: Vec<f32>,           // (T, hdp)
    v: Vec<f32>,           // (T, hdp)
    d: Vec<f32>,           // (T, hdp): gradient of the output
    mt: Vec<f32>,          // (hdp, Tp): k or v transposed
    ds: Vec<f32>,          // (T, Tp): gradient of the scores
    out: [Vec<f32>; 3],
}

impl HeadBuffers {
    /// Lays the buffers out for `s`, zeroed, unless they already are (the padding must be zero).
    fn fit(&mut self, s: Heads) {
        if self.shape == (s.t, s.hd) {
            return;
        }
        let (tp, hdp) = s.padded();
        let rows = || vec![0f32; s.t * hdp];
        *self = HeadBuffers {
            shape: (s.t, s.hd),
            q: rows(),
            k: rows(),
            v: rows(),
            d: rows(),
            mt: vec![0f32; hdp * tp],
            ds: vec![0f32; s.t * tp],
            out: [rows(), rows(), rows()],
        };
    }

    /// Copies head `h`'s q, k and v of prompt `b` out of `qkv`.
    fn load(&mut self, qkv: &[f32], s: Heads, b: usize, h: usize) {
        let hdp = s.padded().1;
        for (part, dst) in [&mut self.q, &mut self.k, &mut self.v].into_iter().enumerate() {
            copy_rows(dst, hdp, s.hd, |j| s.at(b * s.t + j, part, h), qkv);
        }
    }
}

/// `mt (hdp, Tp)` = the transpose of `m (T, hdp)`.
fn transpose(m: &[f32], hdp: usize, tp: usize, mt: &mut [f32]) {
    for (j, row) in m.chunks_exact(hdp).enumerate() {
        for (cc, &v) in row.iter().enumerate() {
            mt[cc * tp + j] = v;
        }
    }
}

/// Causal softmax attention: `p (B, H, T, Tp)` the attention weights (zero right of the
/// diagonal), `y (B·T, C)` the heads' outputs side by side.
pub fn attention(qkv: &[f32], s: Heads, p: &mut [f32], y: &mut [f32], hb: &mut HeadBuffers) {
    let (t, hd, c) = (s.t, s.hd, s.c());
    let (tp, hdp) = s.padded();
    let scale = 1.0 / (hd as f32).sqrt();
    hb.fit(s);
    for b in 0..s.batch {
        for h in 0..s.heads {
            hb.load(qkv, s, b, h);
            hb.q.iter_mut().for_each(|x| *x *= scale);
            transpose(&hb.k, hdp, tp, &mut hb.mt);
            // S (T, Tp) = (q · scale) Kᵀ, then a causal softmax per row.
            let w = &mut p[(b * s.heads + h) * t * tp..][..t * tp];
            product(&Strided::t(&hb.q, hdp), hdp, t, &hb.mt, tp, None, w);
            for (i, row) in w.chunks_exact_mut(tp).enumerate() {
                row[i + 1..].fill(0.0);
                let sc = &mut row[..=i];
                let max = sc.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
                sc.iter_mut().for_each(|v| *v = exp(*v - max));
                let inv = 1.0 / sum(sc);
                sc.iter_mut().for_each(|v| *v *= inv);
            }
            // Y (T, hdp) = P V
            let out = &mut hb.out[0];
            product(&Strided::t(w, tp), t, t, &hb.v, hdp, None, out);
            scatter_rows(out, hdp, hd, |i| (b * t + i) * c + h * hd, y);
        }
    }
}

/// Attention's backward: from `dy (B·T, C)` to `dqkv (B·T, 3C)` (every element written).
pub fn attention_backward(qkv: &[f32], s: Heads, p: &[f32], dy: &[f32], dqkv: &mut [f32], hb: &mut HeadBuffers) {
    let (t, hd, c) = (s.t, s.hd, s.c());
    let (tp, hdp) = s.padded();
    let scale = 1.0 / (hd as f32).sqrt();
    hb.fit(s);
    for b in 0..s.batch {
        for h in 0..s.heads {
            hb.load(qkv, s, b, h);
            copy_rows(&mut hb.d, hdp, hd, |j| (b * t + j) * c + h * hd, dy);
            transpose(&hb.v, hdp, tp, &mut hb.mt);
            let w = &p[(b * s.heads + h) * t * tp..][..t * tp];
            // dP (T, Tp) = dY Vᵀ, then the softmax's backward, scaled as S was.
            product(&Strided::t(&hb.d, hdp), hdp, t, &hb.mt, tp, None, &mut hb.ds);
            for (dsr, pr) in hb.ds.chunks_exact_mut(tp).zip(w.chunks_exact(tp)) {
                let along = dot(pr, dsr);
                for (x, &pv) in dsr.iter_mut().zip(pr) {
                    *x = pv * (*x - along) * scale;
                }
            }
            let [dq, dk, dv] = &mut hb.out;
            let by_row = |data| Strided::t(data, tp);
            let by_col = |data| Strided::rows(data, tp);
            product(&by_row(&hb.ds), t, t, &hb.k, hdp, None, dq); // dQ = dS K
            product(&by_col(&hb.ds), t, t, &hb.q, hdp, None, dk); // dK = dSᵀ Q
            product(&by_col(w), t, t, &hb.d, hdp, None, dv); // dV = Pᵀ dY
            for (part, local) in hb.out.iter().enumerate() {
                scatter_rows(local, hdp, hd, |j| s.at(b * t + j, part, h), dqkv);
            }
        }
    }
}

/// The inverse of [`copy_rows`]: the first `hd` columns of each row of `src (T, hdp)` into `dst`
/// at `at(j)`.
fn scatter_rows(src: &[f32], hdp: usize, hd: usize, at: impl Fn(usize) -> usize, dst: &mut [f32]) {
    for (j, row) in src.chunks_exact(hdp).enumerate() {
        copy(&mut dst[at(j)..][..hd], &row[..hd]);
    }
}

/// Copies rows `hd` wide from `src` (row j at `at(j)`) into `dst (T, hdp)`, whose padding stays zero.
fn copy_rows(dst: &mut [f32], hdp: usize, hd: usize, at: impl Fn(usize) -> usize, src: &[f32]) {
    for (j, row) in dst.chunks_exact_mut(hdp).enumerate() {
        copy(&mut row[..hd], &src[at(j)..][..hd]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_accurate_over_the_range_softmax_and_gelu_use() {
        for i in -2000..=2000 {
            let x = i as f32 * 0.04;
            let (got, want) = (exp(x), x.exp());
            assert!((got - want).abs() <= 4e-7 * want, "exp({x}) = {got}, want {want}");
        }
        assert_eq!(exp(-1e4), exp(-87.3));
        assert!(exp(1e4).is_finite());
    }

    #[test]
    fn matmul_handles_transposed_operands_and_accumulation() {
        // a (2, 3), b (3, 2) stored transposed as (2, 3).
        let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let bt = [1.0, 0.0, -1.0, 2.0, 1.0, 0.0];
        let mut dst = [1.0; 4];
        matmul(2, 2, 3, &mut dst, true, Strided::rows(&a, 3), Strided::t(&bt, 3), Parallelism::None);
        assert_eq!(dst, [1.0 - 2.0, 1.0 + 4.0, 1.0 - 2.0, 1.0 + 13.0]);
    }
}
