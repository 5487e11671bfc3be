//! The report rendered, with no I/O: HTML (a standalone page, or a fragment to place in a page)
//! with its charts drawn by plotters as inline SVG, and the numbers as CSV text. Used by
//! `oasys report what-works` (which writes files) and the web UI's What Works page (which
//! serves them); both therefore show exactly the same, already suppressed, numbers.

use std::fmt::Write as _;

use plotters::prelude::*;

use crate::discrimination::{Calibration, Validation};
use crate::interventions::{Exposure, InterventionCell, InterventionRow};
use crate::report::{PredictorReport, Report};

/// A chart could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartError(String);

impl std::fmt::Display for ChartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot draw a chart: {}", self.0)
    }
}

impl std::error::Error for ChartError {}

/// Escapes text for HTML.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn pct(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}

fn auc_text(v: &Validation) -> String {
    v.auc.map_or_else(
        || "not defined".to_owned(),
        |a| format!("{:.3} ({:.3}–{:.3})", a.value, a.lower, a.upper),
    )
}

fn ratio_text(c: &Calibration) -> String {
    c.ratio
        .map_or_else(|| "not defined".to_owned(), |r| format!("{r:.2}"))
}

const SUPPRESSED: &str = "suppressed (fewer than 10)";

const STYLE: &str = "body{font-family:Arial,Helvetica,sans-serif;margin:2em;color:#0b0c0c;max-width:70em}\
h1{font-size:1.8em}h2{margin-top:2em;border-top:2px solid #1d70b8;padding-top:.5em}\
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #b1b4b6;padding:.25em .6em;text-align:right}\
th:first-child,td:first-child{text-align:left}th{background:#f3f2f1}.s{color:#505a5f;font-style:italic}\
.charts{display:flex;flex-wrap:wrap;gap:1em}.note{background:#f3f2f1;padding:.6em 1em;border-left:4px solid #1d70b8}";

/// The cohort a report is about, in words: each filter as the user gave it (dates as
/// `YYYY-MM-DD`, categories as their snake_case codes). Empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CohortDescription {
    /// First assessment date included.
    pub from: Option<String>,
    /// Last assessment date included.
    pub to: Option<String>,
    /// Areas.
    pub areas: Vec<String>,
    /// Sexes.
    pub sexes: Vec<String>,
    /// Age bands.
    pub age_bands: Vec<String>,
    /// Ethnic groups.
    pub ethnicities: Vec<String>,
    /// Sentence type codes.
    pub sentence_types: Vec<String>,
}

impl std::fmt::Display for CohortDescription {
    /// ```
    /// use oasys_what_works::CohortDescription;
    /// let cohort = CohortDescription {
    ///     from: Some("2025-01-01".into()),
    ///     sexes: vec!["female".into()],
    ///     ..CohortDescription::default()
    /// };
    /// assert_eq!(cohort.to_string(), "assessed from 2025-01-01; sex: female");
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        match (&self.from, &self.to) {
            (Some(from), Some(to)) => parts.push(format!("assessed {from} to {to}")),
            (Some(from), None) => parts.push(format!("assessed from {from}")),
            (None, Some(to)) => parts.push(format!("assessed up to {to}")),
            (None, None) => parts.push("all assessment dates".to_owned()),
        }
        for (name, items) in [
            ("area", &self.areas),
            ("sex", &self.sexes),
            ("age band", &self.age_bands),
            ("ethnicity", &self.ethnicities),
            ("sentence type", &self.sentence_types),
        ] {
            if !items.is_empty() {
                parts.push(format!("{name}: {}", items.join(", ")));
            }
        }
        f.write_str(&parts.join("; "))
    }
}

/// What the opening lines of a report say: when it was made and about whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// When the report was generated, as shown (e.g. `2026-11-24 06:30 UTC`).
    pub generated: String,
    /// The cohort asked for.
    pub cohort: CohortDescription,
    /// People selected; `None` when suppressed.
    pub selected: Option<u64>,
    /// Of those, people validated (with a complete outcome); `None` when suppressed.
    pub with_outcome: Option<u64>,
}

/// The report as one standalone HTML page: its own small style sheet, every chart inline SVG,
/// nothing loaded from elsewhere.
///
/// # Errors
///
/// [`ChartError`] when plotters cannot draw a chart.
pub fn standalone_html(report: &Report, heading: &Heading) -> Result<String, ChartError> {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>What Works report</title>\
         <style>{STYLE}</style></head><body>\n<h1>What Works: predictor validation and interventions</h1>\n"
    );
    h.push_str(&report_body(report, heading)?);
    h.push_str("</body></html>\n");
    Ok(h)
}

/// The report under its top-level heading, as an HTML fragment to place in a page: the cohort
/// and its counts, the summary table, one section (`id` = the predictor's key, headed `<h2>`) per
/// predictor with its ROC and calibration charts (inline SVG) and subgroup tables, and the
/// intervention section (`id="interventions"`). Plain elements with the classes `s` (a
/// suppressed cell), `note` and `charts`; no inline style or script.
///
/// # Errors
///
/// [`ChartError`] when plotters cannot draw a chart.
pub fn report_body(report: &Report, heading: &Heading) -> Result<String, ChartError> {
    let mut h = String::new();
    let count = |n: Option<u64>| n.map_or_else(|| SUPPRESSED.to_owned(), |n| n.to_string());
    let _ = write!(
        h,
        "<p>Generated {} · cohort: {}</p>\n<table><tr><th>People selected</th><td>{}</td></tr>\
         <tr><th>With a complete two-year outcome (validated)</th><td>{}</td></tr></table>\n",
        esc(&heading.generated),
        esc(&heading.cohort.to_string()),
        count(heading.selected),
        count(heading.with_outcome),
    );
    h.push_str(
        "<p class=\"note\">No count under 10 is shown: smaller subgroups, deciles, curve points and \
         intervention cells are suppressed, and where a suppressed part could be worked out from a \
         total another part is suppressed with it. AUC intervals are 95% (Hanley–McNeil). O/E is \
         observed reoffenders over the sum of predicted probabilities.</p>\n",
    );
    h.push_str("<h2>Summary</h2>\n<table><tr><th>Predictor</th><th>Outcome</th><th>People</th><th>Reoffenders</th><th>AUC (95% CI)</th><th>O/E</th></tr>\n");
    for p in &report.predictors {
        match &p.overall {
            Some(v) => {
                let _ = writeln!(
                    h,
                    "<tr><td><a href=\"#{k}\">{k}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    p.outcome.label(),
                    v.n,
                    v.events,
                    auc_text(v),
                    ratio_text(&v.calibration),
                    k = esc(&p.predictor),
                );
            }
            None => {
                let _ = writeln!(
                    h,
                    "<tr><td><a href=\"#{k}\">{k}</a></td><td>{}</td><td colspan=\"4\" class=\"s\">{SUPPRESSED}, or not calculated</td></tr>",
                    p.outcome.label(),
                    k = esc(&p.predictor),
                );
            }
        }
    }
    h.push_str("</table>\n");
    for p in &report.predictors {
        predictor_section(&mut h, p)?;
    }
    interventions_section(&mut h, &report.interventions)?;
    Ok(h)
}

fn predictor_section(h: &mut String, p: &PredictorReport) -> Result<(), ChartError> {
    let key = esc(&p.predictor);
    let _ = writeln!(
        h,
        "<h2 id=\"{key}\">{key}</h2>\n<p>Validated against: {}.</p>",
        p.outcome.label()
    );
    let Some(v) = &p.overall else {
        let _ = writeln!(
            h,
            "<p class=\"s\">Overall: {SUPPRESSED} people with either outcome, or the predictor was not calculated.</p>"
        );
        return Ok(());
    };
    let _ = writeln!(
        h,
        "<table><tr><th>People</th><td>{}</td></tr><tr><th>Reoffenders</th><td>{}</td></tr>\
         <tr><th>AUC (95% CI)</th><td>{}</td></tr><tr><th>Observed</th><td>{}</td></tr>\
         <tr><th>Expected</th><td>{:.1}</td></tr><tr><th>O/E</th><td>{}</td></tr></table>",
        v.n,
        v.events,
        auc_text(v),
        v.calibration.observed,
        v.calibration.expected,
        ratio_text(&v.calibration)
    );
    h.push_str("<div class=\"charts\">");
    h.push_str(&roc_svg(p)?);
    h.push_str(&calibration_svg(&p.predictor, &v.calibration)?);
    h.push_str("</div>\n<h3>Calibration by decile</h3>\n<table><tr><th>Decile</th><th>People</th><th>Mean predicted</th><th>Observed rate</th></tr>\n");
    for (i, bin) in v.calibration.bins.iter().enumerate() {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            bin.n,
            pct(bin.mean_predicted),
            bin.observed_rate
                .map_or_else(|| format!("<span class=\"s\">{SUPPRESSED}</span>"), pct)
        );
    }
    h.push_str("</table>\n");
    for breakdown in &p.subgroups {
        let _ = writeln!(
            h,
            "<h3>By {}</h3>\n<table><tr><th>Subgroup</th><th>People</th><th>Reoffenders</th><th>AUC (95% CI)</th><th>O/E</th></tr>",
            esc(&breakdown.dimension.replace('_', " "))
        );
        for row in &breakdown.rows {
            match &row.validation {
                Some(v) => {
                    let _ = writeln!(
                        h,
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(&row.subgroup),
                        v.n,
                        v.events,
                        auc_text(v),
                        ratio_text(&v.calibration)
                    );
                }
                None => {
                    let _ = writeln!(
                        h,
                        "<tr><td>{}</td><td colspan=\"4\" class=\"s\">{SUPPRESSED}</td></tr>",
                        esc(&row.subgroup)
                    );
                }
            }
        }
        h.push_str("</table>\n");
    }
    Ok(())
}

fn draw_error(e: impl std::fmt::Display) -> ChartError {
    ChartError(e.to_string())
}

fn roc_svg(p: &PredictorReport) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (380, 340)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("ROC curve: {}", p.predictor), ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(48)
            .build_cartesian_2d(0f64..1f64, 0f64..1f64)
            .map_err(draw_error)?;
        chart
            .configure_mesh()
            .x_desc("false positive rate (1 − specificity)")
            .y_desc("true positive rate")
            .draw()
            .map_err(draw_error)?;
        chart
            .draw_series(LineSeries::new([(0.0, 0.0), (1.0, 1.0)], BLACK.mix(0.35)))
            .map_err(draw_error)?;
        let points: Vec<(f64, f64)> = p
            .roc
            .iter()
            .map(|pt| (pt.false_positive_rate, pt.true_positive_rate))
            .collect();
        chart
            .draw_series(LineSeries::new(points, BLUE.stroke_width(2)))
            .map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

fn calibration_svg(predictor: &str, c: &Calibration) -> Result<String, ChartError> {
    let top = c
        .bins
        .iter()
        .map(|b| b.mean_predicted.max(b.observed_rate.unwrap_or(0.0)))
        .fold(0.1f64, f64::max)
        .min(1.0);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (380, 340)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("Calibration: {predictor}"), ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(48)
            .build_cartesian_2d(0f64..top, 0f64..top)
            .map_err(draw_error)?;
        chart
            .configure_mesh()
            .x_desc("mean predicted probability (decile)")
            .y_desc("observed rate")
            .draw()
            .map_err(draw_error)?;
        chart
            .draw_series(LineSeries::new([(0.0, 0.0), (top, top)], BLACK.mix(0.35)))
            .map_err(draw_error)?;
        let shown: Vec<(f64, f64)> = c
            .bins
            .iter()
            .filter_map(|b| b.observed_rate.map(|r| (b.mean_predicted, r)))
            .collect();
        chart
            .draw_series(LineSeries::new(shown.clone(), RED.mix(0.6)))
            .map_err(draw_error)?;
        chart
            .draw_series(PointSeries::of_element(
                shown,
                4,
                RED.filled(),
                &|c, s, st| EmptyElement::at(c) + Circle::new((0, 0), s, st),
            ))
            .map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

fn exposure_label(e: Exposure) -> &'static str {
    match e {
        Exposure::Completed => "completed",
        Exposure::Started => "started",
        Exposure::NotReceived => "not received",
    }
}

fn interventions_section(h: &mut String, rows: &[InterventionRow]) -> Result<(), ChartError> {
    h.push_str("<h2 id=\"interventions\">Reoffending by intervention and risk band</h2>\n");
    if rows.is_empty() {
        h.push_str("<p class=\"s\">No catalogue intervention appears in the cohort's sentence plans.</p>\n");
        return Ok(());
    }
    h.push_str(
        "<p>Any proven reoffence within two years, for people who completed, started or did not \
         receive each intervention, within the same predicted-risk band (ARP, else OGP, else \
         OGRS3).</p>\n",
    );
    let mut interventions: Vec<&str> = rows.iter().map(|r| r.intervention.as_str()).collect();
    interventions.dedup();
    for code in interventions {
        let mine: Vec<&InterventionRow> = rows.iter().filter(|r| r.intervention == code).collect();
        let _ = writeln!(
            h,
            "<h3>{}</h3>\n<table><tr><th>Band</th><th>Exposure</th><th>People</th><th>Reoffenders</th><th>Rate</th></tr>",
            esc(code)
        );
        for r in &mine {
            let cells = match r.cell {
                InterventionCell::Suppressed => {
                    format!("<td colspan=\"3\" class=\"s\">{SUPPRESSED}</td>")
                }
                InterventionCell::Count {
                    n,
                    reoffended,
                    rate,
                } => format!(
                    "<td>{n}</td><td>{}</td><td>{}</td>",
                    reoffended.map_or_else(|| "suppressed".to_owned(), |r| r.to_string()),
                    rate.map_or_else(|| "suppressed".to_owned(), pct)
                ),
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td>{cells}</tr>",
                esc(&r.band),
                exposure_label(r.exposure)
            );
        }
        h.push_str("</table>\n");
        h.push_str(&rates_svg(code, &mine)?);
    }
    Ok(())
}

fn rates_svg(code: &str, rows: &[&InterventionRow]) -> Result<String, ChartError> {
    let mut bands: Vec<&str> = rows.iter().map(|r| r.band.as_str()).collect();
    bands.sort_by_key(|b| band_order(b));
    bands.dedup();
    let exposures = [
        Exposure::Completed,
        Exposure::Started,
        Exposure::NotReceived,
    ];
    let colours = [GREEN, BLUE, RED];
    let mut svg = String::new();
    {
        let width = (140 * bands.len() as u32).clamp(380, 900);
        let root = SVGBackend::with_string(&mut svg, (width, 320)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("Reoffending rate by band: {code}"),
                ("sans-serif", 16),
            )
            .margin(12)
            .x_label_area_size(10)
            .y_label_area_size(48)
            .build_cartesian_2d(0f64..bands.len() as f64, -0.12f64..1f64)
            .map_err(draw_error)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_desc("reoffending rate")
            .y_label_formatter(&|y| {
                if *y < 0.0 {
                    String::new()
                } else {
                    format!("{:.0}%", y * 100.0)
                }
            })
            .draw()
            .map_err(draw_error)?;
        for (i, band) in bands.iter().enumerate() {
            chart
                .draw_series(std::iter::once(Text::new(
                    (*band).to_owned(),
                    (i as f64 + 0.35, -0.05),
                    ("sans-serif", 13),
                )))
                .map_err(draw_error)?;
        }
        for (k, (exposure, colour)) in exposures.iter().zip(colours).enumerate() {
            let bars: Vec<Rectangle<(f64, f64)>> = bands
                .iter()
                .enumerate()
                .filter_map(|(i, band)| {
                    let rate = rows.iter().find_map(|r| match r.cell {
                        InterventionCell::Count {
                            rate: Some(rate), ..
                        } if r.band == *band && r.exposure == *exposure => Some(rate),
                        _ => None,
                    })?;
                    let x0 = i as f64 + 0.15 + 0.23 * k as f64;
                    Some(Rectangle::new(
                        [(x0, 0.0), (x0 + 0.2, rate)],
                        colour.filled(),
                    ))
                })
                .collect();
            chart
                .draw_series(bars)
                .map_err(draw_error)?
                .label(exposure_label(*exposure))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled())
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

fn band_order(band: &str) -> u8 {
    match band {
        "low" => 0,
        "medium" => 1,
        "high" => 2,
        "very_high" => 3,
        _ => 4,
    }
}

/// One of the CSV tables of the report's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    /// One row per predictor: people, reoffenders, AUC with its interval, observed, expected, O/E.
    Predictors,
    /// Calibration bins, overall (`all`) and per subgroup.
    Calibration,
    /// Every predictor's validation within each subgroup.
    Subgroups,
    /// ROC curve points.
    Roc,
    /// Reoffending by intervention, band and exposure.
    Interventions,
}

impl Table {
    /// Every table, in the order the report shows them.
    pub const ALL: [Self; 5] = [
        Self::Predictors,
        Self::Calibration,
        Self::Subgroups,
        Self::Roc,
        Self::Interventions,
    ];

    /// The table's name: `predictors`, `calibration`, `subgroups`, `roc` or `interventions`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Predictors => "predictors",
            Self::Calibration => "calibration",
            Self::Subgroups => "subgroups",
            Self::Roc => "roc",
            Self::Interventions => "interventions",
        }
    }

    /// The table's file name, e.g. `predictors.csv`.
    #[must_use]
    pub fn file_name(self) -> String {
        format!("{}.csv", self.name())
    }

    /// The table of a name as [`Table::name`] gives it.
    ///
    /// ```
    /// use oasys_what_works::Table;
    /// assert_eq!(Table::from_name("roc"), Some(Table::Roc));
    /// assert_eq!(Table::from_name("people"), None);
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// CSV text written a record at a time: comma-separated, `\n`-terminated, a field quoted (quotes
/// doubled) only when it holds a comma, a quote or a line break.
#[derive(Debug, Default)]
struct CsvText(String);

impl CsvText {
    fn record<S: AsRef<str>>(&mut self, fields: impl IntoIterator<Item = S>) {
        for (i, field) in fields.into_iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            let field = field.as_ref();
            if field.contains([',', '"', '\n', '\r']) {
                self.0.push('"');
                self.0.push_str(&field.replace('"', "\"\""));
                self.0.push('"');
            } else {
                self.0.push_str(field);
            }
        }
        self.0.push('\n');
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "suppressed".to_owned(), |v| v.to_string())
}

fn outcome_code(p: &PredictorReport) -> &'static str {
    match p.outcome {
        crate::Outcome::Any => "any",
        crate::Outcome::Violent => "violent",
        crate::Outcome::Sexual => "sexual",
        crate::Outcome::Serious => "serious",
    }
}

fn calibration_rows(
    w: &mut CsvText,
    predictor: &str,
    dimension: &str,
    subgroup: &str,
    c: &Calibration,
) {
    for (i, b) in c.bins.iter().enumerate() {
        w.record([
            predictor.to_owned(),
            dimension.to_owned(),
            subgroup.to_owned(),
            (i + 1).to_string(),
            b.n.to_string(),
            format!("{:.6}", b.mean_predicted),
            opt(b.events),
            opt(b.observed_rate.map(|r| format!("{r:.6}"))),
        ]);
    }
}

/// One table of the report's numbers as CSV text with a header row; a suppressed value is
/// written as `suppressed`.
///
/// ```
/// use oasys_what_works::{analyse, csv, Table};
/// let report = analyse(&[], &["ogrs3"], &["sex"]);
/// assert_eq!(
///     csv(&report, Table::Predictors),
///     "predictor,outcome,people,reoffenders,auc,auc_lower,auc_upper,observed,expected,oe_ratio\n\
///      ogrs3,any,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed\n"
/// );
/// ```
#[must_use]
pub fn csv(report: &Report, table: Table) -> String {
    let mut w = CsvText::default();
    match table {
        Table::Predictors => {
            w.record([
                "predictor",
                "outcome",
                "people",
                "reoffenders",
                "auc",
                "auc_lower",
                "auc_upper",
                "observed",
                "expected",
                "oe_ratio",
            ]);
            for p in &report.predictors {
                match &p.overall {
                    Some(v) => w.record([
                        p.predictor.clone(),
                        outcome_code(p).to_owned(),
                        v.n.to_string(),
                        v.events.to_string(),
                        opt(v.auc.map(|a| format!("{:.6}", a.value))),
                        opt(v.auc.map(|a| format!("{:.6}", a.lower))),
                        opt(v.auc.map(|a| format!("{:.6}", a.upper))),
                        v.calibration.observed.to_string(),
                        format!("{:.6}", v.calibration.expected),
                        opt(v.calibration.ratio.map(|r| format!("{r:.6}"))),
                    ]),
                    None => {
                        let mut record = vec![p.predictor.clone(), outcome_code(p).to_owned()];
                        record.extend(std::iter::repeat_n("suppressed".to_owned(), 8));
                        w.record(record);
                    }
                }
            }
        }
        Table::Calibration => {
            w.record([
                "predictor",
                "dimension",
                "subgroup",
                "bin",
                "people",
                "mean_predicted",
                "reoffenders",
                "observed_rate",
            ]);
            for p in &report.predictors {
                if let Some(v) = &p.overall {
                    calibration_rows(&mut w, &p.predictor, "all", "all", &v.calibration);
                }
                for b in &p.subgroups {
                    for row in &b.rows {
                        if let Some(v) = &row.validation {
                            calibration_rows(
                                &mut w,
                                &p.predictor,
                                &b.dimension,
                                &row.subgroup,
                                &v.calibration,
                            );
                        }
                    }
                }
            }
        }
        Table::Subgroups => {
            w.record([
                "predictor",
                "dimension",
                "subgroup",
                "people",
                "reoffenders",
                "auc",
                "auc_lower",
                "auc_upper",
                "oe_ratio",
            ]);
            for p in &report.predictors {
                for b in &p.subgroups {
                    for row in &b.rows {
                        match &row.validation {
                            Some(v) => w.record([
                                p.predictor.clone(),
                                b.dimension.clone(),
                                row.subgroup.clone(),
                                v.n.to_string(),
                                v.events.to_string(),
                                opt(v.auc.map(|a| format!("{:.6}", a.value))),
                                opt(v.auc.map(|a| format!("{:.6}", a.lower))),
                                opt(v.auc.map(|a| format!("{:.6}", a.upper))),
                                opt(v.calibration.ratio.map(|r| format!("{r:.6}"))),
                            ]),
                            None => {
                                let mut record = vec![
                                    p.predictor.clone(),
                                    b.dimension.clone(),
                                    row.subgroup.clone(),
                                ];
                                record.extend(std::iter::repeat_n("suppressed".to_owned(), 6));
                                w.record(record);
                            }
                        }
                    }
                }
            }
        }
        Table::Roc => {
            w.record([
                "predictor",
                "threshold",
                "false_positive_rate",
                "true_positive_rate",
            ]);
            for p in &report.predictors {
                for point in &p.roc {
                    w.record([
                        p.predictor.clone(),
                        point
                            .threshold
                            .map(|t| format!("{t:.6}"))
                            .unwrap_or_default(),
                        format!("{:.6}", point.false_positive_rate),
                        format!("{:.6}", point.true_positive_rate),
                    ]);
                }
            }
        }
        Table::Interventions => {
            w.record([
                "intervention",
                "band",
                "exposure",
                "people",
                "reoffenders",
                "rate",
            ]);
            for r in &report.interventions {
                let (n, reoffended, rate) = match r.cell {
                    InterventionCell::Suppressed => (None, None, None),
                    InterventionCell::Count {
                        n,
                        reoffended,
                        rate,
                    } => (Some(n), reoffended, rate),
                };
                w.record([
                    r.intervention.clone(),
                    r.band.clone(),
                    exposure_label(r.exposure).replace(' ', "_"),
                    opt(n),
                    opt(reoffended),
                    opt(rate.map(|r| format!("{r:.6}"))),
                ]);
            }
        }
    }
    w.0
}
