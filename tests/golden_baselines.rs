//! The classical estimators against scikit-learn and numpy (tests/data/golden/baselines_*.json):
//! least squares, ridge, averaging and 3-NN to 1e-6; lasso coefficients and predictions to 1e-3.
mod common;
use iclc::baselines::{averaging, knn_predict, lasso, lstsq_min_norm, ridge};
use serde_json::Value;

fn vec_of(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn close(what: &str, got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol * (1.0 + w.abs()), "{what}[{i}]: got {g}, want {w}");
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn every_golden_case_matches() {
    let mut cases = 0;
    for path in common::golden_files("baselines_", ".json") {
        let json: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for (ci, case) in json["cases"].as_array().unwrap().iter().enumerate() {
            let name = format!("{} case {ci}", path.display());
            let (d, n) = (case["d"].as_u64().unwrap() as usize, case["n"].as_u64().unwrap() as usize);
            let x: Vec<f64> = case["X"].as_array().unwrap().iter().flat_map(vec_of).collect();
            let y = vec_of(&case["y"]);
            let q = vec_of(&case["x_query"]);

            let ls = lstsq_min_norm(&x, n, d, &y);
            close(&format!("{name} least squares coef"), &ls, &vec_of(&case["least_squares"]["coef"]), 1e-6);
            close(
                &format!("{name} least squares pred"),
                &[dot(&q, &ls)],
                &[case["least_squares"]["pred"].as_f64().unwrap()],
                1e-6,
            );

            let av = averaging(&x, n, d, &y);
            close(&format!("{name} averaging coef"), &av, &vec_of(&case["averaging"]["coef"]), 1e-6);
            close(
                &format!("{name} averaging pred"),
                &[dot(&q, &av)],
                &[case["averaging"]["pred"].as_f64().unwrap()],
                1e-6,
            );

            let knn = knn_predict(&x, n, d, &y, &q, 3);
            close(&format!("{name} knn3"), &[knn], &[case["knn3"]["pred"].as_f64().unwrap()], 1e-6);

            for r in case["ridge"].as_array().unwrap() {
                let alpha = r["alpha"].as_f64().unwrap();
                let w = ridge(&x, n, d, &y, alpha);
                close(&format!("{name} ridge({alpha}) coef"), &w, &vec_of(&r["coef"]), 1e-6);
                close(&format!("{name} ridge({alpha}) pred"), &[dot(&q, &w)], &[r["pred"].as_f64().unwrap()], 1e-6);
            }
            for l in case["lasso"].as_array().unwrap() {
                let alpha = l["alpha"].as_f64().unwrap();
                // scikit-learn ran with tol = 1e-10.
                let w = lasso(&x, n, d, &y, alpha, None, 1e-10);
                close(&format!("{name} lasso({alpha}) coef"), &w, &vec_of(&l["coef"]), 1e-3);
                close(&format!("{name} lasso({alpha}) pred"), &[dot(&q, &w)], &[l["pred"].as_f64().unwrap()], 1e-3);
            }
            cases += 1;
        }
    }
    assert!(cases > 0);
}
