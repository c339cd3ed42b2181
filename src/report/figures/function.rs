//! One function of a one-dimensional task and the models' in-context predictions along x.
use super::fmt;
use crate::report::Figure;
use crate::report::svg::{Chart, Series, Stroke};
use crate::results::PlottedFunction;

/// One function drawn from a task, the k examples shown, and each model's prediction along x.
pub fn function_figure(name: &str, p: &PlottedFunction) -> Figure {
    let f = &p.plot;
    let along = |ys: &[f32]| f.grid.iter().zip(ys).map(|(&x, &y)| (x as f64, y as f64)).collect();
    let mut series = vec![Series {
        label: format!("f, drawn from {}", p.task),
        points: along(&f.truth),
        band: vec![],
        stroke: Stroke::Dashed,
    }];
    series.extend(f.models.iter().map(|(m, ys)| Series {
        label: m.clone(),
        points: along(ys),
        band: vec![],
        stroke: Stroke::Solid,
    }));
    series.push(Series {
        label: format!("the {} examples", f.k),
        points: f.context.iter().map(|&(x, y)| (x as f64, y as f64)).collect(),
        band: vec![],
        stroke: Stroke::Markers,
    });
    let mut header = vec!["x".to_string(), "f(x)".to_string()];
    header.extend(f.models.iter().map(|(m, _)| m.clone()));
    // Every tenth grid point: the table shows the shape without 121 rows.
    let rows = (0..f.grid.len())
        .step_by(10)
        .map(|i| {
            let mut row = vec![fmt(f.grid[i] as f64), fmt(f.truth[i] as f64)];
            row.extend(f.models.iter().map(|(_, ys)| fmt(ys[i] as f64)));
            row
        })
        .collect();
    super::named(
        name,
        format!("In-context predictions of one function — `{}` on `{}`, k = {}", p.eval, p.task, f.k),
        format!(
            "One function drawn from `{}` (dashed), the {} examples the models saw (dots), and each model's prediction for a query at x after them.",
            p.task, f.k
        ),
        Chart {
            title: format!("{}: {} after {} examples", p.eval, p.task, f.k),
            x_label: "x".into(),
            y_label: "y".into(),
            series,
            y_max: None,
        },
        header,
        rows,
    )
}
