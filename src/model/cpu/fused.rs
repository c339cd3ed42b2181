//! The training fast path: the ICL transformer's forward pass and its hand-derived backward pass
//! on flat f32 buffers that live across steps — the same function as [`crate::model::IclTransformer`]
//! (the golden tests hold both to the PyTorch reference), without a graph of small tensors.
use super::kernels::{self, Heads, Strided};
use crate::model::config::IclConfig;
use crate::model::flat::FlatLayout;
use crate::model::names::*;
use crate::spec::Objective;
use crate::tasks::PromptBatch;
use gemm::Parallelism;
use std::ops::Range;

/// Where a layer's weight and bias sit in the flat buffer (parameters and gradients alike).
struct Affine {
    w: Range<usize>,
    b: Range<usize>,
}

impl Affine {
    fn of(layout: &FlatLayout, prefix: &str) -> candle_core::Result<Self> {
        Ok(Affine { w: layout.range(&join(&[prefix, WEIGHT]))?, b: layout.range(&join(&[prefix, BIAS]))? })
    }

    fn w<'a>(&self, p: &'a [f32]) -> &'a [f32] {
        &p[self.w.clone()]
    }

    fn b<'a>(&self, p: &'a [f32]) -> &'a [f32] {
        &p[self.b.clone()]
    }

    /// The weight's and the bias's slots of a gradient buffer, both writable.
    fn grads<'a>(&self, grad: &'a mut [f32]) -> (&'a mut [f32], &'a mut [f32]) {
        let (w, b) = (&self.w, &self.b);
        assert!(w.end <= b.start || b.end <= w.start, "weight and bias overlap");
        if w.start < b.start {
            let (lo, hi) = grad.split_at_mut(b.start);
            (&mut lo[w.clone()], &mut hi[..b.len()])
        } else {
            let (lo, hi) = grad.split_at_mut(w.start);
            (&mut hi[..w.len()], &mut lo[b.clone()])
        }
    }
}

/// Where one block's parameters sit in the flat buffer.
struct BlockAt {
    ln_1: Affine,
    c_attn: Affine,
    attn_proj: Affine,
    ln_2: Affine,
    c_fc: Affine,
    mlp_proj: Affine,
}

/// What the backward pass needs from one block's forward pass.
#[derive(Default)]
struct BlockActs {
    xhat1: Vec<f32>, // (N, C)
    rstd1: Vec<f32>, // (N)
    a1: Vec<f32>,    // (N, C): ln_1's output
    qkv: Vec<f32>,   // (N, 3C)
    p: Vec<f32>,     // (B, H, T, T padded to lanes)
    att: Vec<f32>,   // (N, C)
    xhat2: Vec<f32>, // (N, C)
    rstd2: Vec<f32>, // (N)
    a2: Vec<f32>,    // (N, C)
    f: Vec<f32>,     // (N, 4C): before GELU
    g: Vec<f32>,     // (N, 4C): after GELU
}

/// Buffers reused from step to step (resized when the curriculum changes the prompt shape).
#[derive(Default)]
struct Work {
    zs: Vec<f32>, // (N, d)
    x: Vec<f32>,  // (N, C): the residual stream
    blocks: Vec<BlockActs>,
    xhat_f: Vec<f32>, // (N, C)
    rstd_f: Vec<f32>, // (N)
    a_f: Vec<f32>,    // (N, C)
    pred: Vec<f32>,   // (B, points)
    dx: Vec<f32>,     // (N, C)
    da: Vec<f32>,     // (N, C)
    datt: Vec<f32>,   // (N, C)
    dqkv: Vec<f32>,   // (N, 3C)
    dg: Vec<f32>,     // (N, 4C)
    heads: kernels::HeadBuffers,
}

/// The model's forward and backward passes over a flat parameter buffer.
pub struct Fused {
    cfg: IclConfig,
    read_in: Affine,
    wpe: Range<usize>,
    blocks: Vec<BlockAt>,
    ln_f: Affine,
    read_out: Affine,
    work: Work,
    par: Parallelism,
    objective: Objective,
}

fn resize(v: &mut Vec<f32>, n: usize) {
    v.resize(n, 0.0);
}

impl Fused {
    /// The engine for a model of shape `cfg` whose parameters are laid out as `layout`;
    /// matrix products use `threads` threads.
    pub fn new(cfg: &IclConfig, layout: &FlatLayout, threads: usize) -> candle_core::Result<Self> {
        let pair = |prefix: &str| Affine::of(layout, prefix);
        let blocks = (0..cfg.n_layer)
            .map(|i| {
                let h = block(i);
                let b = |parts: &[&str]| join(&[&[BACKBONE, h.as_str()], parts].concat());
                Ok(BlockAt {
                    ln_1: pair(&b(&[LN_1]))?,
                    c_attn: pair(&b(&[ATTN, C_ATTN]))?,
                    attn_proj: pair(&b(&[ATTN, C_PROJ]))?,
                    ln_2: pair(&b(&[LN_2]))?,
                    c_fc: pair(&b(&[MLP, C_FC]))?,
                    mlp_proj: pair(&b(&[MLP, C_PROJ]))?,
                })
            })
            .collect::<candle_core::Result<_>>()?;
        Ok(Fused {
            cfg: *cfg,
            read_in: pair(READ_IN)?,
            wpe: layout.range(&join(&[BACKBONE, WPE, WEIGHT]))?,
            blocks,
            ln_f: pair(&join(&[BACKBONE, LN_F]))?,
            work: Work::default(),
            par: if threads > 1 { Parallelism::Rayon(threads) } else { Parallelism::None },
            read_out: pair(READ_OUT)?,
            objective: Objective::SquaredError,
        })
    }

    /// The same engine minimising `objective` of every prediction (the squared error by default);
    /// an error for cross-entropy, which a real-valued prediction has none of.
    pub fn minimising(mut self, objective: Objective) -> candle_core::Result<Self> {
        self.objective = objective.of_real_predictions().map_err(candle_core::Error::Msg)?;
        Ok(self)
    }

    /// The predictions `(B, points)` of the last forward pass.
    pub fn predictions(&self) -> &[f32] {
        &self.work.pred
    }

    /// Mean squared error (or the engine's objective) of the predictions at every x position
    /// (the forward pass).
    pub fn loss(&mut self, p: &[f32], batch: &PromptBatch) -> f32 {
        self.forward(p, batch);
        let o = self.objective;
        let total: f64 = self.work.pred.iter().zip(&batch.ys).map(|(a, y)| o.pointwise(*a, *y).0).sum();
        (total / batch.ys.len() as f64) as f32
    }

    /// The loss and, in `grad` (laid out as `p`, overwritten), its gradient.
    pub fn loss_and_grad(&mut self, p: &[f32], batch: &PromptBatch, grad: &mut [f32]) -> f32 {
        let loss = self.loss(p, batch);
        self.backward(p, batch, grad);
        loss
    }

    fn forward(&mut self, p: &[f32], batch: &PromptBatch) {
        let cfg = self.cfg;
        assert!(
            batch.dim == cfg.n_dims && batch.points <= cfg.points && batch.points > 0,
            "prompts of {} points in {} dimensions do not fit a model for {} points in {}",
            batch.points,
            batch.dim,
            cfg.points,
            cfg.n_dims
        );
        let (b, t, d, c) = (batch.batch, 2 * batch.points, batch.dim, cfg.n_embd);
        let n = b * t;
        let heads = Heads { batch: b, t, heads: cfg.n_head, hd: c / cfg.n_head };
        let par = self.par;
        let eps = cfg.layer_norm_eps as f32;
        let last = self.blocks.len() - 1;
        let w = &mut self.work;
        w.zs = batch.interleaved();
        resize(&mut w.x, n * c);
        // x = zs · read_inᵀ + bias + wpe[t]
        kernels::fill_rows(&mut w.x, self.read_in.b(p));
        kernels::matmul(n, c, d, &mut w.x, true, Strided::rows(&w.zs, d), Strided::t(self.read_in.w(p), d), par);
        let wpe = &p[self.wpe.clone()];
        for (i, row) in w.x.chunks_exact_mut(c).enumerate() {
            let pos = &wpe[(i % t) * c..(i % t + 1) * c];
            row.iter_mut().zip(pos).for_each(|(x, e)| *x += e);
        }
        w.blocks.resize_with(self.blocks.len(), BlockActs::default);
        for (i, (at, a)) in self.blocks.iter().zip(&mut w.blocks).enumerate() {
            for (v, len) in [(&mut a.xhat1, n * c), (&mut a.a1, n * c), (&mut a.att, n * c), (&mut a.rstd1, n)] {
                resize(v, len);
            }
            resize(&mut a.qkv, n * 3 * c);
            resize(&mut a.p, heads.weights_len());
            // Attention half: x += attn(ln_1(x)) · c_proj + bias
            let (lw, lb) = (at.ln_1.w(p), at.ln_1.b(p));
            kernels::layer_norm(&w.x, lw, lb, eps, &mut a.xhat1, &mut a.rstd1, &mut a.a1);
            kernels::fill_rows(&mut a.qkv, at.c_attn.b(p));
            let w_attn = Strided::rows(at.c_attn.w(p), 3 * c);
            kernels::matmul(n, 3 * c, c, &mut a.qkv, true, Strided::rows(&a.a1, c), w_attn, par);
            kernels::attention(&a.qkv, heads, &mut a.p, &mut a.att, &mut w.heads);
            // Past the last attention only the x positions (even rows) reach the loss: the rest of
            // the network runs on those rows alone.
            let m = if i == last { n / 2 } else { n };
            if i == last {
                keep_even_rows(&mut w.x, c);
                keep_even_rows(&mut a.att, c);
            }
            kernels::add_rows(&mut w.x, at.attn_proj.b(p));
            let w_proj = Strided::rows(at.attn_proj.w(p), c);
            kernels::matmul(m, c, c, &mut w.x, true, Strided::rows(&a.att, c), w_proj, par);
            // MLP half: x += gelu(ln_2(x) · c_fc + bias) · c_proj + bias
            for (v, len) in [(&mut a.xhat2, m * c), (&mut a.a2, m * c), (&mut a.rstd2, m)] {
                resize(v, len);
            }
            resize(&mut a.f, m * 4 * c);
            resize(&mut a.g, m * 4 * c);
            let (lw, lb) = (at.ln_2.w(p), at.ln_2.b(p));
            kernels::layer_norm(&w.x, lw, lb, eps, &mut a.xhat2, &mut a.rstd2, &mut a.a2);
            let w_fc = Strided::rows(at.c_fc.w(p), 4 * c);
            kernels::matmul(m, 4 * c, c, &mut a.f, false, Strided::rows(&a.a2, c), w_fc, par);
            kernels::bias_gelu(&mut a.f, at.c_fc.b(p), &mut a.g);
            kernels::add_rows(&mut w.x, at.mlp_proj.b(p));
            let w_out = Strided::rows(at.mlp_proj.w(p), c);
            kernels::matmul(m, c, 4 * c, &mut w.x, true, Strided::rows(&a.g, 4 * c), w_out, par);
        }
        // x now holds the x positions only: one row per prediction.
        let m = n / 2;
        for (v, len) in [(&mut w.xhat_f, m * c), (&mut w.a_f, m * c), (&mut w.rstd_f, m)] {
            resize(v, len);
        }
        let (lw, lb) = (self.ln_f.w(p), self.ln_f.b(p));
        kernels::layer_norm(&w.x, lw, lb, eps, &mut w.xhat_f, &mut w.rstd_f, &mut w.a_f);
        let (ro_w, ro_b) = (self.read_out.w(p), self.read_out.b(p)[0]);
        w.pred.clear();
        w.pred.extend(w.a_f.chunks_exact(c).map(|row| ro_b + crate::lanes::dot(row, ro_w)));
    }

    fn backward(&mut self, p: &[f32], batch: &PromptBatch, grad: &mut [f32]) {
        let cfg = self.cfg;
        let (b, t, d, c) = (batch.batch, 2 * batch.points, batch.dim, cfg.n_embd);
        let n = b * t;
        let heads = Heads { batch: b, t, heads: cfg.n_head, hd: c / cfg.n_head };
        let par = self.par;
        let last = self.blocks.len() - 1;
        let w = &mut self.work;
        grad.fill(0.0);
        for (v, len) in [(&mut w.dx, n * c), (&mut w.da, n * c), (&mut w.datt, n * c)] {
            resize(v, len);
        }
        resize(&mut w.dqkv, n * 3 * c);
        resize(&mut w.dg, n * 4 * c);
        // Loss → read_out → ln_f, on the rows of the x positions.
        let ro_w = self.read_out.w(p);
        let (g_w, g_b) = self.read_out.grads(grad);
        for ((pred, y), (da, af)) in
            w.pred.iter().zip(&batch.ys).zip(w.da.chunks_exact_mut(c).zip(w.a_f.chunks_exact(c)))
        {
            let e = self.objective.mean_slope(*pred, *y, w.pred.len());
            g_b[0] += e;
            for j in 0..c {
                da[j] = e * ro_w[j];
                g_w[j] = e.mul_add(af[j], g_w[j]);
            }
        }
        let m = n / 2;
        w.dx[..m * c].fill(0.0);
        let (gw, gb) = self.ln_f.grads(grad);
        let ln_f = self.ln_f.w(p);
        kernels::layer_norm_backward(&w.da[..m * c], &w.xhat_f, &w.rstd_f, ln_f, &mut w.dx[..m * c], gw, gb);
        for (i, (at, a)) in self.blocks.iter().zip(&w.blocks).enumerate().rev() {
            let rows = if i == last { m } else { n };
            let (dx, da, dg) = (&mut w.dx[..rows * c], &mut w.da[..rows * c], &mut w.dg[..rows * 4 * c]);
            // MLP half.
            let (gw, gb) = at.mlp_proj.grads(grad);
            kernels::matmul(4 * c, c, rows, gw, false, Strided::t(&a.g, 4 * c), Strided::rows(dx, c), par);
            kernels::column_sums(dx, gb);
            kernels::matmul(rows, 4 * c, c, dg, false, Strided::rows(dx, c), Strided::t(at.mlp_proj.w(p), c), par);
            kernels::gelu_backward(&a.f, dg);
            let (gw, gb) = at.c_fc.grads(grad);
            kernels::matmul(c, 4 * c, rows, gw, false, Strided::t(&a.a2, c), Strided::rows(dg, 4 * c), par);
            kernels::column_sums(dg, gb);
            kernels::matmul(rows, c, 4 * c, da, false, Strided::rows(dg, 4 * c), Strided::t(at.c_fc.w(p), 4 * c), par);
            let (gw, gb) = at.ln_2.grads(grad);
            kernels::layer_norm_backward(da, &a.xhat2, &a.rstd2, at.ln_2.w(p), dx, gw, gb);
            // Attention half.
            let (gw, gb) = at.attn_proj.grads(grad);
            kernels::matmul(c, c, rows, gw, false, Strided::t(&a.att, c), Strided::rows(dx, c), par);
            kernels::column_sums(dx, gb);
            let w_proj = Strided::t(at.attn_proj.w(p), c);
            kernels::matmul(rows, c, c, &mut w.datt[..rows * c], false, Strided::rows(dx, c), w_proj, par);
            if rows < n {
                // Back to every position: the y rows got no gradient from above.
                spread_even_rows(&mut w.datt, rows, c);
                spread_even_rows(&mut w.dx, rows, c);
            }
            kernels::attention_backward(&a.qkv, heads, &a.p, &w.datt, &mut w.dqkv, &mut w.heads);
            let (gw, gb) = at.c_attn.grads(grad);
            kernels::matmul(c, 3 * c, n, gw, false, Strided::t(&a.a1, c), Strided::rows(&w.dqkv, 3 * c), par);
            kernels::column_sums(&w.dqkv, gb);
            let w_attn = Strided::t(at.c_attn.w(p), 3 * c);
            kernels::matmul(n, c, 3 * c, &mut w.da, false, Strided::rows(&w.dqkv, 3 * c), w_attn, par);
            let (gw, gb) = at.ln_1.grads(grad);
            kernels::layer_norm_backward(&w.da, &a.xhat1, &a.rstd1, at.ln_1.w(p), &mut w.dx, gw, gb);
        }
        // Positions and read_in.
        let gpe = &mut grad[self.wpe.clone()];
        for (i, row) in w.dx.chunks_exact(c).enumerate() {
            let g = &mut gpe[(i % t) * c..(i % t + 1) * c];
            g.iter_mut().zip(row).for_each(|(g, v)| *g += v);
        }
        let (gw, gb) = self.read_in.grads(grad);
        kernels::matmul(c, d, n, gw, false, Strided::t(&w.dx, c), Strided::rows(&w.zs, d), par);
        kernels::column_sums(&w.dx, gb);
    }
}

/// Keeps rows 0, 2, 4, … of `v (rows, c)`, in order, and drops the rest.
fn keep_even_rows(v: &mut Vec<f32>, c: usize) {
    let rows = v.len() / c;
    for i in 1..rows.div_ceil(2) {
        v.copy_within(2 * i * c..(2 * i + 1) * c, i * c);
    }
    v.truncate(rows.div_ceil(2) * c);
}

/// The inverse of [`keep_even_rows`] on the first `m` rows of `v`: row i moves to row 2i, odd rows
/// become zero.
fn spread_even_rows(v: &mut [f32], m: usize, c: usize) {
    for i in (0..m).rev() {
        v.copy_within(i * c..(i + 1) * c, 2 * i * c);
        v[(2 * i + 1) * c..(2 * i + 2) * c].fill(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{IclParams, loss};
    use candle_core::Device;

    /// The fused engine's loss, predictions and gradient against the graph's on one batch.
    fn agrees_with_the_graph(cfg: &IclConfig, batch: &PromptBatch, objective: Objective) {
        let params = IclParams::init(cfg, 7, &Device::Cpu).unwrap();
        let (l, pred) = crate::model::train::loss_of(&params, batch, objective, &Device::Cpu).unwrap();
        let graph = l.backward().unwrap();
        let layout = FlatLayout::of(&params);
        let flat = layout.gather(&params).unwrap();
        let mut engine = Fused::new(cfg, &layout, 1).unwrap().minimising(objective).unwrap();
        let mut grad = vec![0f32; layout.len()];
        let fused_loss = engine.loss_and_grad(&flat, batch, &mut grad);
        assert!((fused_loss - l.to_scalar::<f32>().unwrap()).abs() < 1e-5, "{objective:?}");
        let pred: Vec<f32> = pred.flatten_all().unwrap().to_vec1().unwrap();
        for (a, b) in engine.predictions().iter().zip(&pred) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
        for ((name, var), (_, _, range)) in params.named().iter().zip(layout.entries()) {
            let want: Vec<f32> = graph.get(var.as_tensor()).unwrap().flatten_all().unwrap().to_vec1().unwrap();
            for (a, b) in grad[range].iter().zip(&want) {
                assert!((a - b).abs() <= 1e-5f32.max(1e-3 * b.abs()), "{objective:?} {name}: {a} vs {b}");
            }
        }
    }

    /// Heads 8 wide and a sequence of 10: neither fills a lane block, unlike the golden shapes.
    #[test]
    fn matches_the_graph_on_shapes_that_do_not_fill_whole_lanes() {
        let cfg = IclConfig::new(3, 5, 24, 2, 3);
        let mut rng = crate::rng::stream(3, "fused-test");
        let class = crate::tasks::class_for(&crate::spec::ClassSpec::call("linear", [("scale", 1.0.into())])).unwrap();
        let batch = crate::tasks::sample_batch(class.as_ref(), &crate::spec::InputSpec::Normal, &mut rng, 4, 5, 3, 3);
        agrees_with_the_graph(&cfg, &batch, Objective::SquaredError);
        // The plain `loss` is the squared error.
        let params = IclParams::init(&cfg, 7, &Device::Cpu).unwrap();
        let (plain, _) = loss(&params, &batch, &Device::Cpu).unwrap();
        let (squared, _) =
            crate::model::train::loss_of(&params, &batch, Objective::SquaredError, &Device::Cpu).unwrap();
        assert_eq!(plain.to_scalar::<f32>().unwrap(), squared.to_scalar::<f32>().unwrap());
    }

    /// The transformer classifying pattern prompts: ±1 labels, the hinge or logistic loss of
    /// every prediction, as the graph's autograd has them.
    #[test]
    fn matches_the_graph_on_the_classification_losses() {
        use crate::tasks::patterns::{Part, PatternData, PatternSettings};
        let s = PatternSettings {
            relevant: 3,
            irrelevant: 3,
            train_tasks: 4,
            alpha: 0.6,
            noise: 0.5,
            shift: 0.0,
            label: 1.0,
            seed: 2,
            whole_pairs: false,
        };
        let data = PatternData::new(s, 6).unwrap();
        let prompts = data.prompts(Part::Train, 4, 5, &mut crate::rng::stream(3, "fused-test"));
        let batch = PatternData::batch(&prompts, 6);
        let cfg = IclConfig::new(6, 5, 24, 2, 3);
        for objective in [Objective::Hinge, Objective::Logistic] {
            agrees_with_the_graph(&cfg, &batch, objective);
        }
    }

    #[test]
    fn neither_engine_takes_a_token_models_objective() {
        let cfg = IclConfig::new(2, 4, 8, 1, 2);
        let layout = FlatLayout::of(&IclParams::zeros(&cfg, &Device::Cpu).unwrap());
        let fused = Fused::new(&cfg, &layout, 1).unwrap().minimising(Objective::CrossEntropy);
        assert!(fused.is_err_and(|e| e.to_string().contains("cross-entropy is a token model's objective")));
        let target = crate::model::Target::open(&crate::spec::Compute::default()).unwrap();
        let graph = crate::model::graphs::Graph::new(&cfg, &layout, &target, Objective::CrossEntropy);
        assert!(graph.is_err(), "the graph refuses it before a step, as the fused engine does");
    }
}
