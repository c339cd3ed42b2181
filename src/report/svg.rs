//! Line charts as standalone SVG: axes, ticks, lines, interval bands and a legend.
use std::fmt::Write as _;

/// One series of a chart.
pub struct Series {
    /// Legend text.
    pub label: String,
    /// `(x, y)` points.
    pub points: Vec<(f64, f64)>,
    /// Optional `(x, lo, hi)` band drawn under the line.
    pub band: Vec<(f64, f64, f64)>,
    /// How the points are drawn.
    pub stroke: Stroke,
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stroke {
    /// A solid line through the points.
    Solid,
    /// A dashed line (reference curves such as the zero predictor).
    Dashed,
    /// Markers only, no line (observed points).
    Markers,
}

/// A chart: title, axis labels and series.
pub struct Chart {
    /// Caption above the plot area.
    pub title: String,
    /// Horizontal axis label.
    pub x_label: String,
    /// Vertical axis label.
    pub y_label: String,
    /// The lines.
    pub series: Vec<Series>,
    /// Upper limit of the y axis, if fixed.
    pub y_max: Option<f64>,
}

pub(super) const W: f64 = 760.0;
pub(super) const H: f64 = 400.0;
pub(super) const LEFT: f64 = 64.0;
/// The widest legend beside the plot.
const MAX_LEGEND: f64 = 250.0;
pub(super) const TOP: f64 = 36.0;
pub(super) const BOTTOM: f64 = 52.0;
/// Colour-blind-safe palette (Okabe–Ito).
pub(super) const COLOURS: [&str; 7] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

pub(super) fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// An `<svg>` opened with its background, title, and the horizontal grid and labels of a y axis
/// over `ys` (mapped to pixels by `sy`) across a plot `plot_width` wide.
pub(super) fn open(title: &str, plot_width: f64, ys: (f64, f64), sy: &dyn Fn(f64) -> f64) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" font-family="Helvetica, Arial, sans-serif" font-size="12" role="img" aria-label="{}">"#,
        esc(title)
    );
    let _ = write!(s, r##"<rect width="{W}" height="{H}" fill="#ffffff"/>"##);
    let _ = write!(s, r#"<text x="{LEFT}" y="22" font-size="14" font-weight="bold">{}</text>"#, esc(title));
    let step = tick_step(ys.0, ys.1);
    for t in ticks(ys.0, ys.1) {
        let y = sy(t);
        let _ =
            write!(s, r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#e5e5e5"/>"##, LEFT + plot_width);
        let _ =
            write!(s, r#"<text x="{}" y="{:.1}" text-anchor="end">{}</text>"#, LEFT - 6.0, y + 4.0, fmt_tick(t, step));
    }
    s
}

/// The plot's frame, `pw` × `ph` at the margins, and its axes' labels (a bar chart has no x label).
pub(super) fn frame(s: &mut String, (pw, ph): (f64, f64), x_label: Option<&str>, y_label: &str) {
    let _ = write!(s, r##"<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>"##);
    if let Some(x_label) = x_label {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            LEFT + pw / 2.0,
            H - 12.0,
            esc(x_label)
        );
    }
    let _ = write!(
        s,
        r#"<text transform="translate(16 {:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
        TOP + ph / 2.0,
        esc(y_label)
    );
}

/// About five round tick values covering `[lo, hi]`.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let step = tick_step(lo, hi);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// The distance between ticks: 1, 2, 2.5 or 5 times a power of ten, at most six ticks.
fn tick_step(lo: f64, hi: f64) -> f64 {
    let span = (hi - lo).max(1e-12);
    let mag = 10f64.powf((span / 5.0).log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| span / s <= 6.0).unwrap_or(10.0 * mag)
}

/// A tick label with as many decimals as the step needs, so neighbours never print alike
/// (a learning-rate axis reads 0.0005, 0.0010, …, not 0.001, 0.001, 0, 0).
fn fmt_tick(v: f64, step: f64) -> String {
    if v.abs() < step * 1e-9 {
        return "0".into();
    }
    if step < 1e-5 || v.abs() >= 1e6 {
        return format!("{v:.1e}");
    }
    let decimals = (0..=8)
        .find(|&d| {
            let m = step * 10f64.powi(d);
            (m - m.round()).abs() < 1e-6 * m.max(1.0)
        })
        .unwrap_or(8) as usize;
    format!("{v:.decimals$}")
}

/// The width the legend needs: its longest label (cut at 34 characters), at about 6.6 px a character.
fn legend_width(series: &[Series]) -> f64 {
    let longest = series.iter().map(|s| s.label.chars().count().min(34)).max().unwrap_or(0);
    (longest as f64 * 6.6 + 56.0).clamp(90.0, MAX_LEGEND)
}

impl Chart {
    /// Renders the chart as an `<svg>` element.
    pub fn render(&self) -> String {
        let all = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| (p.0, p.1)).chain(s.band.iter().map(|b| (b.0, b.2))));
        let (mut x0, mut x1, mut y_lo, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, 0f64, 0f64);
        for (x, y) in all {
            if x.is_finite() && y.is_finite() {
                x0 = x0.min(x);
                x1 = x1.max(x);
                y_lo = y_lo.min(y);
                y1 = y1.max(y);
            }
        }
        if !x0.is_finite() {
            (x0, x1) = (0.0, 1.0);
        }
        if x1 <= x0 {
            x1 = x0 + 1.0;
        }
        // Errors start at 0; function values may go below it.
        let y0 = y_lo * 1.05;
        let y1 = self.y_max.unwrap_or(y1 * 1.05).max(y0 + 1e-9);
        // The plot takes the width the legend leaves.
        let (pw, ph) = (W - LEFT - legend_width(&self.series), H - TOP - BOTTOM);
        let sx = |x: f64| LEFT + (x - x0) / (x1 - x0) * pw;
        let sy = |y: f64| TOP + ph - (y.clamp(y0, y1) - y0) / (y1 - y0) * ph;
        let mut s = open(&self.title, pw, (y0, y1), &sy);
        let x_step = tick_step(x0, x1);
        for t in ticks(x0, x1) {
            let x = sx(t);
            let _ = write!(
                s,
                r##"<line x1="{x:.1}" x2="{x:.1}" y1="{}" y2="{}" stroke="#999"/>"##,
                TOP + ph,
                TOP + ph + 4.0
            );
            let _ = write!(
                s,
                r#"<text x="{x:.1}" y="{}" text-anchor="middle">{}</text>"#,
                TOP + ph + 18.0,
                fmt_tick(t, x_step)
            );
        }
        frame(&mut s, (pw, ph), Some(&self.x_label), &self.y_label);
        for (i, series) in self.series.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            // Past the palette, a dot pattern keeps series apart.
            let pattern = if i >= COLOURS.len() { Some("2 3") } else { None };
            if !series.band.is_empty() {
                let upper = series.band.iter().map(|(x, _, hi)| format!("{:.1},{:.1}", sx(*x), sy(*hi)));
                let lower = series.band.iter().rev().map(|(x, lo, _)| format!("{:.1},{:.1}", sx(*x), sy(*lo)));
                let pts: Vec<String> = upper.chain(lower).collect();
                let _ = write!(
                    s,
                    r#"<polygon points="{}" fill="{colour}" fill-opacity="0.18" stroke="none"/>"#,
                    pts.join(" ")
                );
            }
            let pts: Vec<String> = series.points.iter().map(|(x, y)| format!("{:.1},{:.1}", sx(*x), sy(*y))).collect();
            let dash = match (series.stroke, pattern) {
                (Stroke::Dashed, _) => r#" stroke-dasharray="6 4""#,
                (Stroke::Markers, _) => "",
                (Stroke::Solid, Some(_)) => r#" stroke-dasharray="2 3""#,
                (Stroke::Solid, None) => "",
            };
            if series.stroke != Stroke::Markers {
                let _ = write!(
                    s,
                    r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>"#,
                    pts.join(" ")
                );
            }
            if series.points.len() <= 64 || series.stroke == Stroke::Markers {
                let r = if series.stroke == Stroke::Markers { 4.5 } else { 2.5 };
                for (x, y) in &series.points {
                    let _ = write!(s, r#"<circle cx="{:.1}" cy="{:.1}" r="{r}" fill="{colour}"/>"#, sx(*x), sy(*y));
                }
            }
            let ly = TOP + 10.0 + 20.0 * i as f64;
            let lx = LEFT + pw + 14.0;
            if series.stroke == Stroke::Markers {
                let _ = write!(s, r#"<circle cx="{}" cy="{ly}" r="4.5" fill="{colour}"/>"#, lx + 11.0);
            } else {
                let _ = write!(
                    s,
                    r#"<line x1="{lx}" x2="{}" y1="{ly}" y2="{ly}" stroke="{colour}" stroke-width="2"{dash}/>"#,
                    lx + 22.0
                );
            }
            let label: String = if series.label.chars().count() > 34 {
                series.label.chars().take(33).chain(std::iter::once('…')).collect()
            } else {
                series.label.clone()
            };
            let _ = write!(
                s,
                r#"<text x="{}" y="{}">{}<title>{}</title></text>"#,
                lx + 28.0,
                ly + 4.0,
                esc(&label),
                esc(&series.label)
            );
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(0.0, 1.0), vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
        assert_eq!(ticks(0.0, 10.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
    }

    #[test]
    fn tick_labels_have_the_decimals_their_step_needs() {
        let labels = |lo, hi| ticks(lo, hi).into_iter().map(|t| fmt_tick(t, tick_step(lo, hi))).collect::<Vec<_>>();
        assert_eq!(labels(0.0, 0.002), ["0", "0.0005", "0.0010", "0.0015", "0.0020"]);
        assert_eq!(labels(0.0, 10.0), ["0", "2", "4", "6", "8", "10"]);
        assert_eq!(labels(0.0, 1.0), ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        assert_eq!(labels(0.0, 2.5e-6)[1], "5.0e-7");
    }

    #[test]
    fn escapes_labels() {
        let c = Chart { title: "a<b".into(), x_label: "k".into(), y_label: "e".into(), series: vec![], y_max: None };
        assert!(c.render().contains("a&lt;b"));
    }
}
