//! `oasys report what-works`: the What Works report on a cohort as one standalone HTML file (every
//! chart inline SVG drawn with plotters, no external asset) and, on request, its numbers as CSV
//! files. Only an analyst may build it (`--as USERNAME`, checked by the sharing policy and
//! audited); every count under 10 is suppressed by the What Works crate before rendering.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use chrono::{NaiveDate, Utc};
use clap::Subcommand;
use oasys_app::{AccountRepository, App, CohortFilter, RequestContext, WhatWorksReport};
use oasys_assessment_model::{Ethnicity, Gender};
use oasys_scoring::OffenceCatalogue;
use oasys_sharing_policy::Actor;
use oasys_storage::Database;
use oasys_what_works::{
    Calibration, Exposure, InterventionCell, InterventionRow, PredictorReport, Validation,
};
use plotters::prelude::*;

use crate::Outcome;
use crate::config::Common;
use crate::operator::open;
use crate::serve::{RandomIds, SystemClock};

#[derive(Debug, clap::Args)]
pub(crate) struct ReportArgs {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: ReportCommand,
}

/// Who asks, and which people: the options shared by the report and the research extract.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct CohortArgs {
    /// The analyst's username; the sharing policy checks their role (analysts only)
    #[arg(long = "as", value_name = "USERNAME")]
    pub(crate) username: String,
    /// Assessments dated on or after this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    from: Option<NaiveDate>,
    /// Assessments dated on or before this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    to: Option<NaiveDate>,
    /// Area of the assessing team (repeatable)
    #[arg(long = "area", value_name = "AREA")]
    areas: Vec<String>,
    /// Sex: male, female, other, not_known (repeatable)
    #[arg(long = "sex", value_name = "SEX")]
    sexes: Vec<String>,
    /// Age band at the assessment: under 18, 18-20, 21-24, 25-29 … 60-64, 65+ (repeatable)
    #[arg(long = "age-band", value_name = "BAND")]
    age_bands: Vec<String>,
    /// Ethnic group, e.g. white_british, black_caribbean (repeatable)
    #[arg(long = "ethnicity", value_name = "GROUP")]
    ethnicities: Vec<String>,
    /// Sentence type code (repeatable)
    #[arg(long = "sentence-type", value_name = "CODE")]
    sentence_types: Vec<String>,
    /// Offence catalogue CSV (offence_categories.csv format) for assessments that give offence codes
    #[arg(long, value_name = "FILE")]
    pub(crate) offence_catalogue: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// What Works: every predictor's AUC, calibration and subgroup breakdowns, and reoffending by
    /// intervention and risk band, on a cohort (analysts only)
    #[command(after_help = "\
Examples:
  oasys report what-works --as analyst1 --output what-works.html
  oasys report what-works --as analyst1 --from 2025-01-01 --to 2025-12-31 --area North \\
      --sex female --output north-women-2025.html --csv-dir north-women-2025/

The cohort is everyone with a complete or locked-incomplete assessment in the period (their
earliest), narrowed by every filter given; people are validated when an outcome with a complete
two-year follow-up has been imported (`oasys outcomes import`). No count under 10 is shown.
The HTML file is standalone (charts are inline SVG). --csv-dir writes predictors.csv,
calibration.csv, subgroups.csv, roc.csv and interventions.csv.")]
    WhatWorks {
        #[command(flatten)]
        cohort: CohortArgs,
        /// Where to write the HTML report
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
        /// Also write the numbers as CSV files in this directory (created if missing)
        #[arg(long, value_name = "DIR")]
        csv_dir: Option<PathBuf>,
    },
}

pub(crate) fn run(args: &ReportArgs) -> Result<Outcome> {
    match &args.command {
        ReportCommand::WhatWorks {
            cohort,
            output,
            csv_dir,
        } => {
            let filter = cohort.filter()?;
            let catalogue = cohort.catalogue()?;
            let (db, _) = open(&args.common)?;
            let actor = actor(&db, &cohort.username)?;
            let app = App::new(db, SystemClock, RandomIds);
            let report = app
                .what_works_report(&actor, &filter, catalogue.as_ref(), &context())
                .map_err(|e| anyhow!("cannot build the report: {e}"))?;
            let html = html(&report)?;
            std::fs::write(output, html)
                .with_context(|| format!("cannot write {}", output.display()))?;
            if let Some(dir) = csv_dir {
                write_csv(dir, &report)?;
            }
            eprintln!(
                "wrote {}{}",
                output.display(),
                csv_dir
                    .as_ref()
                    .map(|d| format!(" and the CSV files in {}", d.display()))
                    .unwrap_or_default()
            );
            Ok(Outcome::Success)
        }
    }
}

/// The request context of a command-line request.
pub(crate) fn context() -> RequestContext {
    RequestContext {
        correlation_id: Some(format!("cli:{}", uuid::Uuid::new_v4())),
        justification: None,
    }
}

/// The policy actor of a stored account (a disabled account is an inactive actor, which the
/// policy refuses).
pub(crate) fn actor(db: &Database, username: &str) -> Result<Actor> {
    let account = db
        .user(username)
        .map_err(|e| anyhow!("cannot read the account {username}: {e}"))?
        .ok_or_else(|| anyhow!("no account {username:?}; see `oasys user list`"))?;
    let profile = &account.profile;
    let mut actor = Actor::new(account.username.clone(), profile.role, profile.area.clone());
    actor.grade = profile.grade;
    actor.teams = profile.teams.clone();
    actor.managed_teams = profile.managed_teams.clone();
    actor.active = !account.disabled;
    Ok(actor)
}

fn snake_value<T: serde::de::DeserializeOwned>(what: &str, text: &str, known: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_owned()))
        .map_err(|_| anyhow!("unknown {what} {text:?}; use one of: {known}"))
}

impl CohortArgs {
    /// The cohort filter the options describe.
    pub(crate) fn filter(&self) -> Result<CohortFilter> {
        if let (Some(from), Some(to)) = (self.from, self.to)
            && to < from
        {
            bail!("--to {to} is before --from {from}");
        }
        let sexes = self
            .sexes
            .iter()
            .map(|s| snake_value::<Gender>("sex", s, "male, female, other, not_known"))
            .collect::<Result<Vec<_>>>()?;
        let ethnicities = self
            .ethnicities
            .iter()
            .map(|e| {
                snake_value::<Ethnicity>(
                    "ethnic group",
                    e,
                    "the ONS 2021 groups in snake_case, e.g. white_british, black_african, \
                     asian_indian, mixed_other, prefer_not_to_say",
                )
            })
            .collect::<Result<Vec<_>>>()?;
        for band in &self.age_bands {
            if !valid_band(band) {
                bail!(
                    "unknown age band {band:?}; use under 18, 18-20, 21-24, 25-29, 30-34, … 60-64 or 65+"
                );
            }
        }
        Ok(CohortFilter {
            from: self.from,
            to: self.to,
            areas: self.areas.clone(),
            sexes,
            age_bands: self.age_bands.clone(),
            ethnicities,
            sentence_types: self.sentence_types.clone(),
        })
    }

    /// The offence catalogue, when one is given.
    pub(crate) fn catalogue(&self) -> Result<Option<OffenceCatalogue>> {
        self.offence_catalogue
            .as_deref()
            .map(crate::catalogue::load)
            .transpose()
    }
}

fn valid_band(band: &str) -> bool {
    let mut known = vec![
        "under 18".to_owned(),
        "18-20".to_owned(),
        "21-24".to_owned(),
        "65+".to_owned(),
    ];
    known.extend((25..65).step_by(5).map(|low| format!("{low}-{}", low + 4)));
    known.iter().any(|k| k == band)
}

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

/// The standalone HTML page.
pub(crate) fn html(report: &WhatWorksReport) -> Result<String> {
    let mut h = String::new();
    let count = |n: Option<u64>| n.map_or_else(|| SUPPRESSED.to_owned(), |n| n.to_string());
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>What Works report</title>\
         <style>{STYLE}</style></head><body>\n<h1>What Works: predictor validation and interventions</h1>\n"
    );
    let _ = write!(
        h,
        "<p>Generated {} · cohort: {}</p>\n<table><tr><th>People selected</th><td>{}</td></tr>\
         <tr><th>With a complete two-year outcome (validated)</th><td>{}</td></tr></table>\n",
        Utc::now().format("%Y-%m-%d %H:%M UTC"),
        esc(&describe(&report.filter)),
        count(report.selected),
        count(report.with_outcome),
    );
    h.push_str(
        "<p class=\"note\">No count under 10 is shown: smaller subgroups, deciles, curve points and \
         intervention cells are suppressed, and where a suppressed part could be worked out from a \
         total another part is suppressed with it. AUC intervals are 95% (Hanley–McNeil). O/E is \
         observed reoffenders over the sum of predicted probabilities.</p>\n",
    );
    h.push_str("<h2>Summary</h2>\n<table><tr><th>Predictor</th><th>Outcome</th><th>People</th><th>Reoffenders</th><th>AUC (95% CI)</th><th>O/E</th></tr>\n");
    for p in &report.report.predictors {
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
    for p in &report.report.predictors {
        predictor_section(&mut h, p)?;
    }
    interventions_section(&mut h, &report.report.interventions)?;
    h.push_str("</body></html>\n");
    Ok(h)
}

fn describe(filter: &CohortFilter) -> String {
    let mut parts = Vec::new();
    match (filter.from, filter.to) {
        (Some(f), Some(t)) => parts.push(format!("assessed {f} to {t}")),
        (Some(f), None) => parts.push(format!("assessed from {f}")),
        (None, Some(t)) => parts.push(format!("assessed up to {t}")),
        (None, None) => parts.push("all assessment dates".to_owned()),
    }
    let list = |name: &str, items: Vec<String>, parts: &mut Vec<String>| {
        if !items.is_empty() {
            parts.push(format!("{name}: {}", items.join(", ")));
        }
    };
    let snake = |v: serde_json::Result<serde_json::Value>| {
        v.ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    list("area", filter.areas.clone(), &mut parts);
    list(
        "sex",
        filter
            .sexes
            .iter()
            .map(|s| snake(serde_json::to_value(s)))
            .collect(),
        &mut parts,
    );
    list("age band", filter.age_bands.clone(), &mut parts);
    list(
        "ethnicity",
        filter
            .ethnicities
            .iter()
            .map(|e| snake(serde_json::to_value(e)))
            .collect(),
        &mut parts,
    );
    list("sentence type", filter.sentence_types.clone(), &mut parts);
    parts.join("; ")
}

fn predictor_section(h: &mut String, p: &PredictorReport) -> Result<()> {
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

fn draw_error(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("cannot draw a chart: {e}")
}

fn roc_svg(p: &PredictorReport) -> Result<String> {
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

fn calibration_svg(predictor: &str, c: &Calibration) -> Result<String> {
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

fn interventions_section(h: &mut String, rows: &[InterventionRow]) -> Result<()> {
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

fn rates_svg(code: &str, rows: &[&InterventionRow]) -> Result<String> {
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

fn csv_writer(dir: &Path, name: &str) -> Result<csv::Writer<std::fs::File>> {
    let path = dir.join(name);
    csv::Writer::from_path(&path).with_context(|| format!("cannot write {}", path.display()))
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "suppressed".to_owned(), |v| v.to_string())
}

/// The numbers as CSV files; a suppressed value is written as `suppressed`.
pub(crate) fn write_csv(dir: &Path, report: &WhatWorksReport) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let io = |e: csv::Error| anyhow!("cannot write a CSV file: {e}");
    let mut predictors = csv_writer(dir, "predictors.csv")?;
    predictors
        .write_record([
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
        ])
        .map_err(io)?;
    let mut calibration = csv_writer(dir, "calibration.csv")?;
    calibration
        .write_record([
            "predictor",
            "dimension",
            "subgroup",
            "bin",
            "people",
            "mean_predicted",
            "reoffenders",
            "observed_rate",
        ])
        .map_err(io)?;
    let mut subgroups = csv_writer(dir, "subgroups.csv")?;
    subgroups
        .write_record([
            "predictor",
            "dimension",
            "subgroup",
            "people",
            "reoffenders",
            "auc",
            "auc_lower",
            "auc_upper",
            "oe_ratio",
        ])
        .map_err(io)?;
    let mut roc = csv_writer(dir, "roc.csv")?;
    roc.write_record([
        "predictor",
        "threshold",
        "false_positive_rate",
        "true_positive_rate",
    ])
    .map_err(io)?;
    let outcome_code = |p: &PredictorReport| {
        serde_json::to_value(p.outcome)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    let cal_rows = |w: &mut csv::Writer<std::fs::File>,
                    predictor: &str,
                    dimension: &str,
                    subgroup: &str,
                    c: &Calibration|
     -> Result<()> {
        for (i, b) in c.bins.iter().enumerate() {
            w.write_record([
                predictor.to_owned(),
                dimension.to_owned(),
                subgroup.to_owned(),
                (i + 1).to_string(),
                b.n.to_string(),
                format!("{:.6}", b.mean_predicted),
                opt(b.events),
                opt(b.observed_rate.map(|r| format!("{r:.6}"))),
            ])
            .map_err(io)?;
        }
        Ok(())
    };
    for p in &report.report.predictors {
        match &p.overall {
            Some(v) => {
                predictors
                    .write_record([
                        p.predictor.clone(),
                        outcome_code(p),
                        v.n.to_string(),
                        v.events.to_string(),
                        opt(v.auc.map(|a| format!("{:.6}", a.value))),
                        opt(v.auc.map(|a| format!("{:.6}", a.lower))),
                        opt(v.auc.map(|a| format!("{:.6}", a.upper))),
                        v.calibration.observed.to_string(),
                        format!("{:.6}", v.calibration.expected),
                        opt(v.calibration.ratio.map(|r| format!("{r:.6}"))),
                    ])
                    .map_err(io)?;
                cal_rows(&mut calibration, &p.predictor, "all", "all", &v.calibration)?;
            }
            None => {
                let mut record = vec![p.predictor.clone(), outcome_code(p)];
                record.extend(std::iter::repeat_n("suppressed".to_owned(), 8));
                predictors.write_record(record).map_err(io)?;
            }
        }
        for point in &p.roc {
            roc.write_record([
                p.predictor.clone(),
                point
                    .threshold
                    .map(|t| format!("{t:.6}"))
                    .unwrap_or_default(),
                format!("{:.6}", point.false_positive_rate),
                format!("{:.6}", point.true_positive_rate),
            ])
            .map_err(io)?;
        }
        for b in &p.subgroups {
            for row in &b.rows {
                match &row.validation {
                    Some(v) => {
                        subgroups
                            .write_record([
                                p.predictor.clone(),
                                b.dimension.clone(),
                                row.subgroup.clone(),
                                v.n.to_string(),
                                v.events.to_string(),
                                opt(v.auc.map(|a| format!("{:.6}", a.value))),
                                opt(v.auc.map(|a| format!("{:.6}", a.lower))),
                                opt(v.auc.map(|a| format!("{:.6}", a.upper))),
                                opt(v.calibration.ratio.map(|r| format!("{r:.6}"))),
                            ])
                            .map_err(io)?;
                        cal_rows(
                            &mut calibration,
                            &p.predictor,
                            &b.dimension,
                            &row.subgroup,
                            &v.calibration,
                        )?;
                    }
                    None => {
                        let mut record = vec![
                            p.predictor.clone(),
                            b.dimension.clone(),
                            row.subgroup.clone(),
                        ];
                        record.extend(std::iter::repeat_n("suppressed".to_owned(), 6));
                        subgroups.write_record(record).map_err(io)?;
                    }
                }
            }
        }
    }
    let mut interventions = csv_writer(dir, "interventions.csv")?;
    interventions
        .write_record([
            "intervention",
            "band",
            "exposure",
            "people",
            "reoffenders",
            "rate",
        ])
        .map_err(io)?;
    for r in &report.report.interventions {
        let (n, reoffended, rate) = match r.cell {
            InterventionCell::Suppressed => (None, None, None),
            InterventionCell::Count {
                n,
                reoffended,
                rate,
            } => (Some(n), reoffended, rate),
        };
        interventions
            .write_record([
                r.intervention.clone(),
                r.band.clone(),
                exposure_label(r.exposure).replace(' ', "_"),
                opt(n),
                opt(reoffended),
                opt(rate.map(|r| format!("{r:.6}"))),
            ])
            .map_err(io)?;
    }
    for w in [predictors, calibration, subgroups, roc, interventions] {
        w.into_inner()
            .map_err(|e| anyhow!("cannot write a CSV file: {e}"))?
            .sync_all()
            .context("cannot write a CSV file")?;
    }
    Ok(())
}
