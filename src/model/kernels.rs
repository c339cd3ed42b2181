//! The fused engine's CPU kernels on flat row-major f32 buffers: matrix products (the `gemm`
//! crate candle itself uses), LayerNorm, GELU and causal softmax attention, each with its
//! analytic backward. Loops are written so the compiler vectorises them (lane accumulators for
//! sums, a branch-free `exp`).
use gemm::Parallelism;

/// A matrix operand read through strides: element (i, j) is `data[i * rs + j * cs]`.
#[derive(Clone, Copy)]
pub struct Mat<'a> {
    data: &'a [f32],
    rs: usize,
    cs: usize,
}

impl<'a> Mat<'a> {
    /// A row-major matrix with `cols` columns.
    pub fn rows(data: &'a [f32], cols: usize) -> Self {
        Mat { data, rs: cols, cs: 1 }
    }

    /// The transpose of a row-major matrix with `cols` columns.
    pub fn t(data: &'a [f32], cols: usize) -> Self {
        Mat { data, rs: 1, cs: cols }
    }
}

/// `dst (m, n) = [dst +] a (m, k) · b (k, n)`, `dst` row-major.
#[allow(clippy::too_many_arguments)]
pub fn matmul(m: usize, n: usize, k: usize, dst: &mut [f32], accumulate: bool, a: Mat, b: Mat, par: Parallelism) {
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

/// `out[j] = Σ_rows m[row, j]` (a bias's gradient).
pub fn column_sums(m: &[f32], out: &mut [f32]) {
    out.fill(0.0);
    for row in m.chunks_exact(out.len()) {
        for (o, v) in out.iter_mut().zip(row) {
            *o += v;
        }
    }
}

const LANES: usize = 16;

/// Σ a with independent lane sums, so the compiler vectorises it.
pub fn sum(a: &[f32]) -> f32 {
    let mut acc = [0f32; LANES];
    let chunks = a.chunks_exact(LANES);
    let tail: f32 = chunks.remainder().iter().sum();
    for c in chunks {
        for l in 0..LANES {
            acc[l] += c[l];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// Σ a·b with independent lane sums.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        for l in 0..LANES {
            acc[l] = x[l].mul_add(y[l], acc[l]);
        }
    }
    acc.iter().sum::<f32>() + tail
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

/// GPT-2's `gelu_new` (tanh approximation), elementwise.
pub fn gelu(f: &[f32], g: &mut [f32]) {
    for (g, &x) in g.iter_mut().zip(f) {
        *g = 0.5 * x * (1.0 + tanh(GELU_C * x.mul_add(GELU_A * x * x, x)));
    }
}

/// `df = dg · gelu'(f)`, elementwise, in place on `dg`.
pub fn gelu_backward(f: &[f32], dg: &mut [f32]) {
    for (d, &x) in dg.iter_mut().zip(f) {
        let t = tanh(GELU_C * x.mul_add(GELU_A * x * x, x));
        let grad = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * GELU_A * x * x);
        *d *= grad;
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
}

/// Causal softmax attention: `p (B, H, T, T)` the attention weights (zero above the diagonal),
/// `y (B·T, C)` the heads' outputs side by side.
pub fn attention(qkv: &[f32], s: Heads, p: &mut [f32], y: &mut [f32]) {
    let (t, hd, c) = (s.t, s.hd, s.c());
    let scale = 1.0 / (hd as f32).sqrt();
    let mut kt = vec![0f32; hd * t]; // (hd, T): one head's keys, transposed
    for b in 0..s.batch {
        for h in 0..s.heads {
            for j in 0..t {
                let k = &qkv[s.at(b * t + j, 1, h)..][..hd];
                for (cc, &kv) in k.iter().enumerate() {
                    kt[cc * t + j] = kv;
                }
            }
            let base = (b * s.heads + h) * t * t;
            for i in 0..t {
                let row = &mut p[base + i * t..base + (i + 1) * t];
                row.fill(0.0);
                let q = &qkv[s.at(b * t + i, 0, h)..][..hd];
                let sc = &mut row[..=i];
                for (cc, &qv) in q.iter().enumerate() {
                    let qv = qv * scale;
                    for (sv, &kv) in sc.iter_mut().zip(&kt[cc * t..cc * t + i + 1]) {
                        *sv = qv.mul_add(kv, *sv);
                    }
                }
                let max = sc.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
                for v in sc.iter_mut() {
                    *v = exp(*v - max);
                }
                let inv = 1.0 / sum(sc);
                sc.iter_mut().for_each(|v| *v *= inv);
                let out = &mut y[(b * t + i) * c + h * hd..][..hd];
                out.fill(0.0);
                for (j, &pj) in sc.iter().enumerate() {
                    let v = &qkv[s.at(b * t + j, 2, h)..][..hd];
                    for (o, &vv) in out.iter_mut().zip(v) {
                        *o = pj.mul_add(vv, *o);
                    }
                }
            }
        }
    }
}

/// Attention's backward: from `dy (B·T, C)` to `dqkv (B·T, 3C)` (overwritten).
pub fn attention_backward(qkv: &[f32], s: Heads, p: &[f32], dy: &[f32], dqkv: &mut [f32]) {
    let (t, hd, c) = (s.t, s.hd, s.c());
    let scale = 1.0 / (hd as f32).sqrt();
    dqkv.fill(0.0);
    let mut vt = vec![0f32; hd * t]; // (hd, T): one head's values, transposed
    let mut ds = vec![0f32; t];
    for b in 0..s.batch {
        for h in 0..s.heads {
            for j in 0..t {
                let v = &qkv[s.at(b * t + j, 2, h)..][..hd];
                for (cc, &vv) in v.iter().enumerate() {
                    vt[cc * t + j] = vv;
                }
            }
            let base = (b * s.heads + h) * t * t;
            for i in 0..t {
                let pr = &p[base + i * t..base + i * t + i + 1];
                let d = &dy[(b * t + i) * c + h * hd..][..hd];
                // dP (i, ·) = dy_i · Vᵀ, then the softmax's backward.
                let dp = &mut ds[..=i];
                dp.fill(0.0);
                for (cc, &dv) in d.iter().enumerate() {
                    for (x, &vv) in dp.iter_mut().zip(&vt[cc * t..cc * t + i + 1]) {
                        *x = dv.mul_add(vv, *x);
                    }
                }
                let along = dot(pr, dp);
                for (x, &pv) in dp.iter_mut().zip(pr) {
                    *x = pv * (*x - along) * scale;
                }
                let q = s.at(b * t + i, 0, h);
                for j in 0..=i {
                    let (dsj, pj) = (dp[j], pr[j]);
                    let (k, dk, dv) = (s.at(b * t + j, 1, h), s.at(b * t + j, 1, h), s.at(b * t + j, 2, h));
                    for cc in 0..hd {
                        dqkv[q + cc] = dsj.mul_add(qkv[k + cc], dqkv[q + cc]);
                        dqkv[dk + cc] = dsj.mul_add(qkv[q + cc], dqkv[dk + cc]);
                        dqkv[dv + cc] = pj.mul_add(d[cc], dqkv[dv + cc]);
                    }
                }
            }
        }
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
        matmul(2, 2, 3, &mut dst, true, Mat::rows(&a, 3), Mat::t(&bt, 3), Parallelism::None);
        assert_eq!(dst, [1.0 - 2.0, 1.0 + 4.0, 1.0 - 2.0, 1.0 + 13.0]);
    }
}
