//! `oasys audit verify` (the hash chain's tamper check) and `oasys audit search` (an s.62-style
//! access report: who consulted, changed or disclosed what about one person, and when). Reading
//! the audit log states its purpose (DPA 2018 s.62(4)) and is itself audited.

use anyhow::{Result, anyhow, bail};
use chrono::{DateTime, NaiveDate, Utc};
use clap::Subcommand;
use oasys_app::{AuditEntry, AuditLog, AuditOutcome, AuditQuery, ChainReport, Operation};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::Outcome;
use crate::config::Common;
use crate::db::chain_problem;
use crate::operator::{self, Event, find_person};
use crate::output::{self, row};

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  oasys audit verify
  oasys audit search --person X123456 --since 2026-01-01 --reason \"SAR 2026/14\"")]
pub(crate) struct AuditArgs {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Recompute the audit log's hash chain and report the first altered, missing, reordered or
    /// truncated entry
    #[command(after_help = "\
Examples:
  oasys audit verify
  oasys audit verify --format json

Exit status: 0 intact, 1 the chain is broken (the first bad entry is printed), 2 error.
`oasys db verify` checks the rest of the database as well.")]
    Verify,
    /// Who accessed, changed or disclosed what about a person, and when (an s.62 access report)
    #[command(after_help = "\
Examples:
  oasys audit search --person X123456 --since 2026-01-01 --reason \"SAR 2026/14\"
  oasys audit search --person X123456 --since 2026-01-01 --until 2026-02-01 --reason \"ICO request\" --format json

Audit logs may be read only to check lawfulness, for self-monitoring, integrity and security, or
criminal proceedings (DPA 2018 s.62(4)): --reason is recorded with the search in the audit log.")]
    Search {
        /// The person: CRN or person id
        #[arg(long)]
        person: String,
        /// From this date (YYYY-MM-DD, UTC midnight)
        #[arg(long, value_name = "DATE")]
        since: NaiveDate,
        /// Before this date (YYYY-MM-DD, UTC midnight) [default: now]
        #[arg(long, value_name = "DATE")]
        until: Option<NaiveDate>,
        /// Why the log is read (recorded in the audit log)
        #[arg(long)]
        reason: String,
        /// At most this many entries
        #[arg(long, default_value_t = 10_000)]
        limit: usize,
    },
}

/// One entry of the access report.
#[derive(Debug, Serialize)]
struct AccessView<'a> {
    seq: u64,
    at: DateTime<Utc>,
    actor: &'a str,
    role: &'a str,
    operation: &'static str,
    action: &'a str,
    outcome: String,
    recipients: &'a [String],
    justification: Option<&'a str>,
    details: &'a serde_json::Value,
}

fn outcome(o: &AuditOutcome) -> String {
    match o {
        AuditOutcome::Allowed => "allowed".to_owned(),
        AuditOutcome::Denied { code } => format!("denied ({code})"),
    }
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
}

pub(crate) fn run(args: &AuditArgs) -> Result<Outcome> {
    let (db, settings) = operator::open(&args.common)?;
    match &args.command {
        AuditCommand::Verify => {
            let report = db
                .verify()
                .map_err(|e| anyhow!("cannot read the audit log: {e}"))?;
            let (text, problem) = match &report {
                ChainReport::Intact { entries, head_hash } => {
                    (format!("intact: {entries} entries, head {head_hash}"), None)
                }
                ChainReport::Broken(chain) => {
                    let problem = chain_problem(chain);
                    (format!("broken: {problem}"), Some(problem))
                }
            };
            output::print(
                settings.format,
                &json!({ "ok": problem.is_none(), "audit": report }),
                &[row("audit chain", &text)],
            )?;
            match problem {
                None => Ok(Outcome::Success),
                Some(problem) => {
                    eprintln!(
                        "audit chain check failed: {problem}; keep this database as evidence and \
                         investigate (see `oasys db verify`)"
                    );
                    Ok(Outcome::ProblemsFound)
                }
            }
        }
        AuditCommand::Search {
            person,
            since,
            until,
            reason,
            limit,
        } => {
            if reason.trim().is_empty() {
                bail!("say why the audit log is read: --reason must not be empty");
            }
            let from = midnight(*since);
            let to = until.map(midnight);
            if to.is_some_and(|to| to <= from) {
                bail!("--until must be after --since");
            }
            let subject = find_person(&db, person).map_err(|e| anyhow!("{e}"))?;
            let entries: Vec<AuditEntry> = db
                .query(&AuditQuery {
                    person: Some(subject.id),
                    from: Some(from),
                    to,
                    limit: *limit,
                })
                .map_err(|e| anyhow!("cannot read the audit log: {e}"))?;
            operator::record_read(
                &db,
                &Event::new(Operation::Consultation, "audit.search")
                    .person(subject.id)
                    .details(json!({
                        "since": since,
                        "until": until,
                        "entries": entries.len(),
                    })),
                Some(reason),
            )?;
            print_access(settings.format, subject.id, &entries)?;
            Ok(Outcome::Success)
        }
    }
}

fn print_access(
    format: crate::config::OutputFormat,
    person: Uuid,
    entries: &[AuditEntry],
) -> Result<()> {
    let views: Vec<AccessView<'_>> = entries
        .iter()
        .map(|e| AccessView {
            seq: e.seq,
            at: e.entry.occurred_at,
            actor: &e.entry.actor,
            role: &e.entry.actor_role,
            operation: e.entry.operation.code(),
            action: &e.entry.action,
            outcome: outcome(&e.entry.outcome),
            recipients: &e.entry.recipients,
            justification: e.entry.justification.as_deref(),
            details: &e.entry.details,
        })
        .collect();
    let rows: Vec<Vec<String>> = views
        .iter()
        .map(|v| {
            vec![
                v.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                v.actor.to_owned(),
                v.role.to_owned(),
                v.operation.to_owned(),
                v.action.to_owned(),
                v.outcome.clone(),
                if v.recipients.is_empty() {
                    "-".to_owned()
                } else {
                    v.recipients.join(",")
                },
                v.justification.unwrap_or("-").to_owned(),
            ]
        })
        .collect();
    output::print_columns(
        format,
        &json!({ "person_id": person, "entries": views }),
        &[
            "WHEN (UTC)",
            "WHO",
            "ROLE",
            "OPERATION",
            "ACTION",
            "OUTCOME",
            "RECIPIENTS",
            "WHY",
        ],
        &rows,
        "no audit entries about this person in that period",
    )
}
