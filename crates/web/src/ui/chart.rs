//! A line chart of scores over time, laid out here and drawn as inline SVG by the template (the
//! same numbers are always in a table beside it, for screen readers and print).

use chrono::NaiveDate;

/// One line: a predictor's percentages by assessment date.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub label: &'static str,
    pub points: Vec<(NaiveDate, f64)>,
}

/// A drawn line: its label, colour and SVG points.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub label: &'static str,
    pub colour: &'static str,
    pub points: String,
    pub dots: Vec<(f64, f64)>,
}

/// An axis tick: position and label.
#[derive(Debug, Clone)]
pub(crate) struct Tick {
    pub at: f64,
    pub label: String,
}

/// The chart, in SVG user units.
#[derive(Debug, Clone)]
pub(crate) struct Chart {
    pub title: &'static str,
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub bottom: f64,
    pub lines: Vec<Line>,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
}

/// Colours from the GOV.UK palette that stay apart for common colour-vision differences.
const COLOURS: [&str; 3] = ["#1d70b8", "#f47738", "#0b0c0c"];

impl Chart {
    /// Lays out the series on a 0–100% axis against time; `None` when there are fewer than two
    /// dated points in all (a chart of one point says nothing).
    pub(crate) fn new(title: &'static str, series: Vec<Series>) -> Option<Self> {
        let dates: Vec<NaiveDate> = series
            .iter()
            .flat_map(|s| s.points.iter().map(|(d, _)| *d))
            .collect();
        let first = *dates.iter().min()?;
        let last = *dates.iter().max()?;
        if dates.len() < 2 {
            return None;
        }
        let (width, height) = (640.0, 300.0);
        let (left, right, top, bottom) = (48.0, 620.0, 16.0, 260.0);
        let span = (last - first).num_days().max(1) as f64;
        let x = |d: NaiveDate| {
            if first == last {
                (left + right) / 2.0
            } else {
                left + (d - first).num_days() as f64 / span * (right - left)
            }
        };
        let y = |p: f64| bottom - p.clamp(0.0, 100.0) / 100.0 * (bottom - top);
        let lines = series
            .iter()
            .zip(COLOURS.iter().cycle())
            .filter(|(s, _)| !s.points.is_empty())
            .map(|(s, colour)| {
                let dots: Vec<(f64, f64)> = s.points.iter().map(|(d, p)| (x(*d), y(*p))).collect();
                Line {
                    label: s.label,
                    colour,
                    points: dots
                        .iter()
                        .map(|(a, b)| format!("{a:.1},{b:.1}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                    dots,
                }
            })
            .collect();
        let y_ticks = (0..=4)
            .map(|i| {
                let p = f64::from(i) * 25.0;
                Tick {
                    at: y(p),
                    label: format!("{p:.0}%"),
                }
            })
            .collect();
        let mut x_ticks = vec![Tick {
            at: x(first),
            label: first.format("%b %Y").to_string(),
        }];
        if last != first {
            x_ticks.push(Tick {
                at: x(last),
                label: last.format("%b %Y").to_string(),
            });
        }
        Some(Self {
            title,
            width,
            height,
            left,
            right,
            bottom,
            lines,
            y_ticks,
            x_ticks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn points_span_the_plot_area_and_percentages_map_to_height() {
        let chart = Chart::new(
            "t",
            vec![Series {
                label: "OGRS3",
                points: vec![(date(2025, 1, 1), 0.0), (date(2026, 1, 1), 100.0)],
            }],
        )
        .expect("two points make a chart");
        let line = &chart.lines[0];
        assert_eq!(line.dots[0], (chart.left, chart.bottom));
        assert_eq!(line.dots[1], (chart.right, 16.0));
        assert_eq!(chart.x_ticks.len(), 2);
    }

    #[test]
    fn a_single_point_is_no_chart() {
        let one = vec![Series {
            label: "OGRS3",
            points: vec![(date(2025, 1, 1), 40.0)],
        }];
        assert!(Chart::new("t", one).is_none());
    }
}
