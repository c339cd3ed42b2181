//! Small dense f32 products and reductions written so the compiler turns them into FMA vector
//! code (the build targets the host CPU): fixed-size lane accumulators instead of serial sums, and
//! a register-blocked product for matrices too small for `gemm`'s packing to pay off.

/// Lanes of one accumulator block; a multiple of every x86/ARM f32 vector width.
pub const L: usize = 16;
/// Rows processed together, so that enough independent FMA chains hide their latency.
const R: usize = 4;

/// A matrix read through strides: element (i, j) is `data[i * rs + j * cs]`. The one strided
/// view of the CPU kernels: `gemm` and the lane products both read their operands through it.
#[derive(Debug, Clone, Copy)]
pub struct Strided<'a> {
    /// The elements.
    pub data: &'a [f32],
    /// Distance between consecutive rows.
    pub rs: usize,
    /// Distance between consecutive columns.
    pub cs: usize,
}

impl<'a> Strided<'a> {
    /// A row-major matrix with `cols` columns.
    pub fn rows(data: &'a [f32], cols: usize) -> Self {
        Strided { data, rs: cols, cs: 1 }
    }

    /// The transpose of a row-major matrix with `cols` columns.
    pub fn t(data: &'a [f32], cols: usize) -> Self {
        Strided { data, rs: 1, cs: cols }
    }
}

/// `out (m, hp) = init + Σ_s A(s, ·)ᵀ B(s, ·)` over `s < inner`, with `B (inner, hp)` row-major and
/// `hp` a multiple of `L`; `R` rows × `L` lanes at a time stay in registers.
pub fn product(a: &Strided, inner: usize, m: usize, b: &[f32], hp: usize, init: Option<&[f32]>, out: &mut [f32]) {
    let full = m / R * R;
    for r0 in (0..full).step_by(R) {
        product_rows::<R>(a, inner, r0, b, hp, init, out);
    }
    for r0 in full..m {
        product_rows::<1>(a, inner, r0, b, hp, init, out);
    }
}

#[inline(always)]
fn product_rows<const ROWS: usize>(
    a: &Strided,
    inner: usize,
    r0: usize,
    b: &[f32],
    hp: usize,
    init: Option<&[f32]>,
    out: &mut [f32],
) {
    // Two lane blocks per pass where they fit: twice the independent FMA chains per loaded `a`.
    let wide = hp / (2 * L) * (2 * L);
    for j0 in (0..wide).step_by(2 * L) {
        product_block::<ROWS, 2>(a, inner, r0, j0, b, hp, init, out);
    }
    for j0 in (wide..hp).step_by(L) {
        product_block::<ROWS, 1>(a, inner, r0, j0, b, hp, init, out);
    }
}

/// `ROWS` rows × `W·L` columns of the product, starting at column `j0`, in registers.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn product_block<const ROWS: usize, const W: usize>(
    a: &Strided,
    inner: usize,
    r0: usize,
    j0: usize,
    b: &[f32],
    hp: usize,
    init: Option<&[f32]>,
    out: &mut [f32],
) {
    let mut acc = [[[0f32; L]; W]; ROWS];
    if let Some(c) = init {
        for acc in acc.iter_mut() {
            for (w, lanes) in acc.iter_mut().enumerate() {
                lanes.copy_from_slice(&c[j0 + w * L..j0 + (w + 1) * L]);
            }
        }
    }
    for s in 0..inner {
        let row = &b[s * hp + j0..s * hp + j0 + W * L];
        for (r, acc) in acc.iter_mut().enumerate() {
            let av = a.data[s * a.rs + (r0 + r) * a.cs];
            for (w, lanes) in acc.iter_mut().enumerate() {
                for l in 0..L {
                    lanes[l] = av.mul_add(row[w * L + l], lanes[l]);
                }
            }
        }
    }
    for (r, acc) in acc.iter().enumerate() {
        for (w, lanes) in acc.iter().enumerate() {
            let at = (r0 + r) * hp + j0 + w * L;
            out[at..at + L].copy_from_slice(lanes);
        }
    }
}

/// Σ a·b with `L` independent partial sums (a plain fold would be one serial chain).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; L];
    let (ca, cb) = (a.chunks_exact(L), b.chunks_exact(L));
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        for l in 0..L {
            acc[l] = x[l].mul_add(y[l], acc[l]);
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// Σ a with `L` independent partial sums.
pub fn sum(a: &[f32]) -> f32 {
    let mut acc = [0f32; L];
    let chunks = a.chunks_exact(L);
    let tail: f32 = chunks.remainder().iter().sum();
    for c in chunks {
        for l in 0..L {
            acc[l] += c[l];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// `dst.copy_from_slice(src)` in whole-lane moves: rows of a head (16 or 32 floats) are copied
/// many thousand times a step, and a `memcpy` call each costs more than the copy.
#[inline(always)]
pub fn copy(dst: &mut [f32], src: &[f32]) {
    assert_eq!(dst.len(), src.len(), "copy between slices of different lengths");
    let (mut d, s) = (dst.chunks_exact_mut(L), src.chunks_exact(L));
    let tail = s.remainder();
    for (d, s) in d.by_ref().zip(s) {
        let lanes: [f32; L] = s.try_into().expect("L lanes");
        d.copy_from_slice(&lanes);
    }
    for (d, s) in d.into_remainder().iter_mut().zip(tail) {
        *d = *s;
    }
}
