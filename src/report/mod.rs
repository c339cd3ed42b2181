//! Results → HTML and Markdown reports. Templates are real files embedded at build time; they
//! receive one typed, serialisable [`ReportContext`].
mod bars;
mod context;
mod figures;
mod svg;
mod tidy;

pub use context::{Figure, ReportContext, Repro, build_context};
pub use tidy::tidy_files;

use minijinja::Environment;

const HTML: &str = include_str!("templates/report.html.j2");
const MARKDOWN: &str = include_str!("templates/report.md.j2");

/// The rendered files of a report.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// `report.html`, self-contained.
    pub html: String,
    /// `report.md`, which links the figures.
    pub markdown: String,
    /// `(file name, svg)` for every figure the Markdown links.
    pub figures: Vec<(String, String)>,
}

/// Renders both reports from one context.
pub fn render(cx: &ReportContext) -> Result<Rendered, minijinja::Error> {
    let mut env = Environment::new();
    env.add_template("report.html", HTML)?;
    env.add_template("report.md", MARKDOWN)?;
    env.add_filter("num", format_number);
    env.add_filter("code", inline_code);
    let html = env.get_template("report.html")?.render(minijinja::value::Serde(cx))?;
    let markdown = env.get_template("report.md")?.render(minijinja::value::Serde(cx))?;
    let figures = cx.figures.iter().map(|f| (f.file.clone(), f.svg.clone())).collect();
    Ok(Rendered { html, markdown, figures })
}

/// HTML text with its `backticked` parts as `<code>`, as Markdown shows them.
fn inline_code(text: &str) -> minijinja::Value {
    let escaped = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let html: String = escaped
        .split('`')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { format!("<code>{part}</code>") } else { part.to_string() })
        .collect();
    minijinja::Value::from_safe_string(html)
}

/// Four significant digits, the way the tables show numbers (tests compare the tidy files with it).
pub fn format_number(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if !v.is_finite() {
        return if v.is_nan() {
            "n/a".into()
        } else if v > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    if v.abs() < 1e-4 || v.abs() >= 1e6 {
        return format!("{v:.2e}");
    }
    let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 8) as usize;
    format!("{v:.digits$}")
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn numbers_keep_four_significant_digits() {
        assert_eq!(format_number(0.012345), "0.01235");
        assert_eq!(format_number(1.5), "1.500");
        assert_eq!(format_number(1234.5), "1234");
        assert_eq!(format_number(0.0), "0");
        assert_eq!(super::inline_code("`a<b` on `x`").to_string(), "<code>a&lt;b</code> on <code>x</code>");
        assert_eq!(format_number(3.2e-13), "3.20e-13");
    }
}
