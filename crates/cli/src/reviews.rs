//! `oasys reviews due`: the assessments whose next review falls before a date, for a team, a
//! practitioner or everyone; the read is audited as one consultation by the operator.

use anyhow::{Context, Result, anyhow, bail};
use chrono::{Days, NaiveDate, Utc};
use clap::Subcommand;
use oasys_app::{
    AssessmentRepository, Listings, Operation, PersonRepository, ReviewDueEntry, ReviewScope,
};
use oasys_assessment_model::OrgCode;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::Outcome;
use crate::config::Common;
use crate::operator::{self, Event};
use crate::output;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  oasys reviews due --team N1 --before 2026-03-01")]
pub(crate) struct ReviewsArgs {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: ReviewsCommand,
}

#[derive(Debug, Subcommand)]
enum ReviewsCommand {
    /// List reviews due before a date, earliest first
    #[command(after_help = "\
Examples:
  oasys reviews due                              every team, due in the next 28 days
  oasys reviews due --team N1 --before 2026-03-01
  oasys reviews due --practitioner jsmith --format json

Without --team or --practitioner every team is listed. The listing is audited (who ran it, how
many reviews it showed).")]
    Due {
        /// Only assessments owned by this team
        #[arg(long, conflicts_with = "practitioner")]
        team: Option<String>,
        /// Only assessments whose assessor is this username
        #[arg(long)]
        practitioner: Option<String>,
        /// Reviews due strictly before this date (YYYY-MM-DD) [default: 28 days from today]
        #[arg(long, value_name = "DATE")]
        before: Option<NaiveDate>,
        /// At most this many reviews
        #[arg(long, default_value_t = 1000)]
        limit: usize,
    },
}

/// One review as listed.
#[derive(Debug, Serialize)]
struct ReviewView {
    due: NaiveDate,
    crn: Option<String>,
    person_id: Uuid,
    assessment_id: Uuid,
    team: String,
    assessor: String,
    status: String,
}

pub(crate) fn run(args: &ReviewsArgs) -> Result<Outcome> {
    let (db, settings) = operator::open(&args.common)?;
    let ReviewsCommand::Due {
        team,
        practitioner,
        before,
        limit,
    } = &args.command;
    let before = match before {
        Some(date) => *date,
        None => Utc::now()
            .date_naive()
            .checked_add_days(Days::new(28))
            .context("the date 28 days from now is out of range")?,
    };
    if *limit == 0 {
        bail!("--limit must be at least 1");
    }
    let entries: Vec<ReviewDueEntry> = match (team, practitioner) {
        (Some(team), _) => {
            let code = OrgCode::parse(team).map_err(|e| anyhow!("--team {team:?}: {e}"))?;
            db.reviews_due(&ReviewScope::Team(code), before, *limit)
        }
        (None, Some(staff)) => {
            db.reviews_due(&ReviewScope::Practitioner(staff.clone()), before, *limit)
        }
        (None, None) => db.reviews_due_anywhere(before, *limit),
    }
    .context("cannot list the reviews due")?;
    let mut views = Vec::with_capacity(entries.len());
    for entry in &entries {
        let a = &entry.assessment;
        let crn = db
            .get_person(a.person_id)
            .context("cannot read a person")?
            .and_then(|p| p.ids.crn().map(|c| c.as_str().to_owned()));
        views.push(ReviewView {
            due: entry.due,
            crn,
            person_id: a.person_id,
            assessment_id: a.id,
            team: a.team.as_str().to_owned(),
            assessor: a.assessor.clone(),
            status: a.status.to_string(),
        });
    }
    operator::record_read(
        &db,
        &Event::new(Operation::Consultation, "reviews.due").details(json!({
            "team": team,
            "practitioner": practitioner,
            "before": before,
            "listed": views.len(),
        })),
        None,
    )?;
    let rows: Vec<Vec<String>> = views
        .iter()
        .map(|v| {
            vec![
                v.due.to_string(),
                v.crn.clone().unwrap_or_else(|| v.person_id.to_string()),
                v.assessment_id.to_string(),
                v.team.clone(),
                v.assessor.clone(),
                v.status.clone(),
            ]
        })
        .collect();
    output::print_columns(
        settings.format,
        &views,
        &["DUE", "PERSON", "ASSESSMENT", "TEAM", "ASSESSOR", "STATUS"],
        &rows,
        &format!("no reviews due before {before}"),
    )?;
    Ok(Outcome::Success)
}
