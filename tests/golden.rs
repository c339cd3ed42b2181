//! Parity with the PyTorch reference (tests/data/golden/gpt2_*.safetensors): forward predictions
//! and loss, every parameter's gradient, and the state after one AdamW step.
mod common;
use candle_core::{Device, Tensor};
use iclc::model::{AdamW, AdamWSettings, FlatLayout, Fused, IclConfig, IclParams, loss};
use iclc::tasks::PromptBatch;
use std::collections::HashMap;

struct Golden {
    cfg: IclConfig,
    tensors: HashMap<String, Tensor>,
}

impl Golden {
    fn load(path: &std::path::Path) -> Golden {
        let bytes = std::fs::read(path).unwrap();
        let (_, meta) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
        let meta = meta.metadata().clone().expect("golden files carry metadata");
        let num = |k: &str| meta[k].parse::<usize>().unwrap_or_else(|_| panic!("metadata {k}"));
        let cfg = IclConfig::new(num("n_dims"), num("points"), num("n_embd"), num("n_layer"), num("n_head"));
        let tensors = candle_core::safetensors::load(path, &Device::Cpu).unwrap();
        Golden { cfg, tensors }
    }

    fn get(&self, name: &str) -> &Tensor {
        self.tensors.get(name).unwrap_or_else(|| panic!("golden file lacks {name}"))
    }

    fn values(&self, name: &str) -> Vec<f32> {
        self.get(name).flatten_all().unwrap().to_vec1::<f32>().unwrap()
    }

    fn params(&self) -> IclParams {
        let params: HashMap<String, Tensor> = self
            .tensors
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("param.").map(|n| (n.to_string(), v.clone())))
            .collect();
        IclParams::from_tensors(&self.cfg, &params, &Device::Cpu).unwrap()
    }

    fn batch(&self) -> PromptBatch {
        let (b, points, dim) = self.get("input.xs").dims3().unwrap();
        PromptBatch {
            xs: self.values("input.xs"),
            ys: self.values("input.ys"),
            batch: b,
            points,
            dim,
            components: vec![0; b],
        }
    }
}

fn assert_close(what: &str, got: &[f32], want: &[f32], abs: f32, rel: f32) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= abs.max(rel * w.abs()), "{what}[{i}]: got {g}, want {w}");
    }
}

fn scalar(t: &Tensor) -> f32 {
    t.flatten_all().unwrap().to_vec1::<f32>().unwrap()[0]
}

#[test]
fn every_golden_file_matches_forward_gradients_and_adamw_step() {
    for path in common::golden_files("gpt2_", ".safetensors") {
        let name = path.display().to_string();
        let g = Golden::load(&path);
        let params = g.params();
        let batch = g.batch();
        let (want_pred, want_loss) = (g.values("output.pred"), scalar(g.get("output.loss")));

        // The candle graph (evaluation's path) and the fused engine (training's path) both.
        let (l, pred) = loss(&params, &batch, &Device::Cpu).unwrap();
        assert_close(&format!("{name} pred"), &pred.flatten_all().unwrap().to_vec1().unwrap(), &want_pred, 1e-4, 0.0);
        assert_close(&format!("{name} loss"), &[l.to_scalar::<f32>().unwrap()], &[want_loss], 1e-4, 0.0);

        let layout = FlatLayout::of(&params);
        let mut flat = layout.gather(&params).unwrap();
        let mut engine = Fused::new(&g.cfg, &layout, 1).unwrap();
        let mut grad = vec![0f32; layout.len()];
        let fused_loss = engine.loss_and_grad(&flat, &batch, &mut grad);
        assert_close(&format!("{name} fused pred"), engine.predictions(), &want_pred, 1e-4, 0.0);
        assert_close(&format!("{name} fused loss"), &[fused_loss], &[want_loss], 1e-4, 0.0);

        let graph_grads = l.backward().unwrap();
        let mut checked = 0;
        for ((pname, var), (_, _, range)) in params.named().iter().zip(layout.entries()) {
            let want = g.values(&format!("grad.{pname}"));
            let graph = graph_grads.get(var.as_tensor()).unwrap_or_else(|| panic!("{name}: no gradient for {pname}"));
            let graph: Vec<f32> = graph.flatten_all().unwrap().to_vec1().unwrap();
            assert_close(&format!("{name} grad {pname}"), &graph, &want, 1e-5, 1e-3);
            assert_close(&format!("{name} fused grad {pname}"), &grad[range], &want, 1e-5, 1e-3);
            checked += 1;
        }
        let expected = g.tensors.keys().filter(|k| k.starts_with("grad.")).count();
        assert_eq!(checked, expected, "{name}: every gradient in the file is checked");

        let settings = AdamWSettings {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.01,
            ..AdamWSettings::default()
        };
        let mut opt = AdamW::new(&layout, settings);
        opt.step(&mut flat, &grad, None);
        let l2 = engine.loss(&flat, &batch);
        let (want_pred2, want_loss2) =
            (g.values("output.pred_after_adamw_step"), scalar(g.get("output.loss_after_adamw_step")));
        assert_close(&format!("{name} pred after AdamW"), engine.predictions(), &want_pred2, 1e-4, 0.0);
        assert_close(&format!("{name} loss after AdamW"), &[l2], &[want_loss2], 1e-4, 0.0);
        // The stepped weights written back give the graph the same predictions.
        layout.scatter(&flat, &params).unwrap();
        let (_, pred2) = loss(&params, &batch, &Device::Cpu).unwrap();
        let pred2: Vec<f32> = pred2.flatten_all().unwrap().to_vec1().unwrap();
        assert_close(&format!("{name} graph pred after AdamW"), &pred2, &want_pred2, 1e-4, 0.0);
    }
}

#[test]
fn a_checkpoint_round_trips_through_safetensors() {
    let path = common::golden_files("gpt2_", ".safetensors").remove(0);
    let g = Golden::load(&path);
    let params = g.params();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.safetensors");
    params.save(&file, HashMap::new()).unwrap();
    let back = IclParams::load(&g.cfg, &file, &Device::Cpu).unwrap();
    let batch = g.batch();
    let a = loss(&params, &batch, &Device::Cpu).unwrap().1.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    let b = loss(&back, &batch, &Device::Cpu).unwrap().1.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    assert_eq!(a, b);
}
