//! `oasys report what-works`: the What Works report on a cohort as one standalone HTML file (every
//! chart inline SVG drawn with plotters, no external asset) and, on request, its numbers as CSV
//! files. Only an analyst may build it (`--as USERNAME`, checked by the sharing policy and
//! audited); every count under 10 is suppressed by the What Works crate before rendering.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use chrono::{NaiveDate, Utc};
use clap::Subcommand;
use oasys_app::{AccountRepository, App, CohortFilter, RequestContext, WhatWorksReport};
use oasys_assessment_model::{Ethnicity, Gender};
use oasys_scoring::OffenceCatalogue;
use oasys_sharing_policy::Actor;
use oasys_storage::Database;
use oasys_what_works::{CohortDescription, Heading, Table, csv, standalone_html};

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
    Ok(account.actor())
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

/// The cohort filter in words, as the report heads it.
pub(crate) fn describe(filter: &CohortFilter) -> CohortDescription {
    let snake = |v: serde_json::Result<serde_json::Value>| {
        v.ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    CohortDescription {
        from: filter.from.map(|d| d.to_string()),
        to: filter.to.map(|d| d.to_string()),
        areas: filter.areas.clone(),
        sexes: filter
            .sexes
            .iter()
            .map(|s| snake(serde_json::to_value(s)))
            .collect(),
        age_bands: filter.age_bands.clone(),
        ethnicities: filter
            .ethnicities
            .iter()
            .map(|e| snake(serde_json::to_value(e)))
            .collect(),
        sentence_types: filter.sentence_types.clone(),
    }
}

/// The standalone HTML page.
pub(crate) fn html(report: &WhatWorksReport) -> Result<String> {
    let heading = Heading {
        generated: Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        cohort: describe(&report.filter),
        selected: report.selected,
        with_outcome: report.with_outcome,
    };
    Ok(standalone_html(&report.report, &heading)?)
}

/// The numbers as CSV files; a suppressed value is written as `suppressed`.
pub(crate) fn write_csv(dir: &Path, report: &WhatWorksReport) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for table in Table::ALL {
        let path = dir.join(table.file_name());
        let mut file = std::fs::File::create(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        file.write_all(csv(&report.report, table).as_bytes())
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
