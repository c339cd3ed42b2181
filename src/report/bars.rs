//! Grouped bar charts as standalone SVG: one group per category (a metric), one bar per series (a
//! model) with its interval as a whisker and each replicate (training seed) as a dot.
use super::svg::{BOTTOM, COLOURS, H, LEFT, TOP, W, esc, open};
use std::fmt::Write as _;

/// One bar: a mean, its interval, and the replicates it averages.
pub struct Bar {
    /// Height.
    pub mean: f64,
    /// The interval's ends.
    pub lo: f64,
    /// The interval's upper end.
    pub hi: f64,
    /// Each replicate's value, drawn as a dot.
    pub dots: Vec<f64>,
}

/// A series: one bar per category, one colour.
pub struct BarSeries {
    /// Legend text.
    pub label: String,
    /// One per category, in order.
    pub bars: Vec<Bar>,
}

/// A grouped bar chart with values in `[0, y_max]`.
pub struct BarChart {
    /// Caption above the plot area.
    pub title: String,
    /// Vertical axis label.
    pub y_label: String,
    /// The categories, left to right.
    pub groups: Vec<String>,
    /// The series, drawn side by side within each group.
    pub series: Vec<BarSeries>,
    /// The top of the y axis.
    pub y_max: f64,
}

/// The legend beside the bars.
const LEGEND: f64 = 170.0;

impl BarChart {
    /// Renders the chart as an `<svg>` element.
    pub fn render(&self) -> String {
        let (pw, ph) = (W - LEFT - LEGEND, H - TOP - BOTTOM);
        let y1 = self.y_max.max(1e-9);
        let sy = |y: f64| TOP + ph - (y.clamp(0.0, y1) / y1) * ph;
        let mut s = open(&self.title, pw, (0.0, y1), &sy);
        let groups = self.groups.len().max(1) as f64;
        let group_w = pw / groups;
        let bar_w = group_w * 0.8 / self.series.len().max(1) as f64;
        for (g, name) in self.groups.iter().enumerate() {
            let x = LEFT + group_w * (g as f64 + 0.5);
            let _ = write!(s, r#"<text x="{x:.1}" y="{}" text-anchor="middle">{}</text>"#, TOP + ph + 18.0, esc(name));
        }
        for (i, series) in self.series.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            for (g, bar) in series.bars.iter().enumerate() {
                let x = LEFT + group_w * (g as f64 + 0.1) + bar_w * i as f64;
                let mid = x + bar_w / 2.0;
                if bar.mean.is_finite() {
                    let top = sy(bar.mean);
                    let _ = write!(
                        s,
                        r#"<rect x="{x:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="{colour}" fill-opacity="0.75"><title>{}: {}</title></rect>"#,
                        (bar_w - 2.0).max(1.0),
                        TOP + ph - top,
                        esc(&series.label),
                        bar.mean
                    );
                }
                if bar.lo.is_finite() && bar.hi.is_finite() {
                    let (lo, hi) = (sy(bar.lo), sy(bar.hi));
                    let _ = write!(
                        s,
                        r##"<path d="M{mid:.1},{lo:.1}V{hi:.1}M{:.1},{lo:.1}h8M{:.1},{hi:.1}h8" stroke="#222" fill="none"/>"##,
                        mid - 4.0,
                        mid - 4.0
                    );
                }
                for d in bar.dots.iter().filter(|d| d.is_finite()) {
                    let _ = write!(
                        s,
                        r##"<circle cx="{mid:.1}" cy="{:.1}" r="2.5" fill="#ffffff" stroke="#222"/>"##,
                        sy(*d)
                    );
                }
            }
            let (lx, ly) = (LEFT + pw + 14.0, TOP + 10.0 + 20.0 * i as f64);
            let _ = write!(
                s,
                r#"<rect x="{lx}" y="{}" width="18" height="10" fill="{colour}" fill-opacity="0.75"/>"#,
                ly - 5.0
            );
            let _ = write!(s, r#"<text x="{}" y="{}">{}</text>"#, lx + 24.0, ly + 4.0, esc(&series.label));
        }
        super::svg::frame(&mut s, (pw, ph), None, &self.y_label);
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_its_whisker_and_its_seeds_are_drawn() {
        let bar = Bar { mean: 0.5, lo: 0.25, hi: 0.75, dots: vec![0.2, 0.8] };
        let c = BarChart {
            title: "t".into(),
            y_label: "rate".into(),
            groups: vec!["r1".into()],
            series: vec![BarSeries { label: "normal".into(), bars: vec![bar] }],
            y_max: 1.0,
        };
        let svg = c.render();
        assert_eq!(svg.matches("<circle").count(), 2, "one dot per seed");
        assert!(svg.contains("normal: 0.5") && svg.contains(">r1<"));
    }
}
