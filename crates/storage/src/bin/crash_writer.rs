//! Test helper for the crash-safety test: writes assessments (each with its audit event, in one
//! transaction) to an SQLite file and prints `ack <n>` after each commit, until killed.

use std::io::Write;

use chrono::{TimeZone, Utc};
use oasys_app::{
    AuditError, AuditOutcome, NewAuditEntry, Operation, PersonRepository, Storage, StoreError,
};
use oasys_assessment_model::*;
use oasys_storage::Database;
use uuid::Uuid;

/// Why the writer stopped (printed on stderr).
#[derive(Debug)]
struct Failure(String);

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Self(e.to_string())
    }
}

impl From<AuditError> for Failure {
    fn from(e: AuditError) -> Self {
        Self(e.to_string())
    }
}

fn other(e: impl std::fmt::Display) -> Failure {
    Failure(e.to_string())
}

fn person(n: u64) -> Result<Person, Failure> {
    Ok(Person {
        id: Uuid::from_u128(u128::from(n)),
        ids: CaseIds::new(
            Some(Crn::parse(&format!("C{:06}", n % 1_000_000)).map_err(other)?),
            None,
            None,
        )
        .map_err(other)?,
        family_name: Name::parse("Crash").map_err(other)?,
        given_name: Name::parse("Test").map_err(other)?,
        date_of_birth: chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default(),
        gender: Gender::Female,
        location: Location::Community {
            pdu: OrgCode::parse("PDU1").map_err(other)?,
            team: OrgCode::parse("TEAM1").map_err(other)?,
        },
        ethnicity: None,
        sexually_motivated_offence_history: None,
        sentence: None,
    })
}

fn run(path: &str, start: u64) -> Result<(), Failure> {
    let db = Database::open(path)?;
    let now = Utc
        .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .unwrap_or_default();
    let who = person(start)?;
    db.insert_person(&who)?;
    let stdout = std::io::stdout();
    for n in start.. {
        let assessment = Assessment::create(
            NewAssessment {
                id: Uuid::from_u128(u128::from(n) + (1 << 64)),
                layer: Layer::Layer3Full,
                purpose: Purpose::StartOfCommunityOrder,
                question_set_version: CURRENT_VERSION.to_owned(),
                predictor_set_version: "v4.11".to_owned(),
                team: OrgCode::parse("TEAM1").map_err(other)?,
                assessor: "PO1".to_owned(),
                assessment_date: now.date_naive(),
                court_report: CourtReportTemplate::None,
            },
            &who,
            now,
        )
        .map_err(other)?;
        db.in_transaction(|tx| -> Result<(), Failure> {
            tx.insert_assessment(&assessment, None)?;
            tx.append(&NewAuditEntry {
                event_id: assessment.header().id,
                occurred_at: now,
                actor: "PO1".to_owned(),
                actor_role: "practitioner".to_owned(),
                correlation_id: None,
                operation: Operation::Collection,
                action: "assessment.create".to_owned(),
                subject_person: Some(who.id),
                subject_ref: Some(assessment.header().id.to_string()),
                recipients: Vec::new(),
                justification: None,
                outcome: AuditOutcome::Allowed,
                details: serde_json::json!({}),
            })?;
            Ok(())
        })?;
        let mut out = stdout.lock();
        writeln!(out, "ack {}", assessment.header().id).map_err(other)?;
        out.flush().map_err(other)?;
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(start)) = (args.get(1), args.get(2).and_then(|s| s.parse().ok())) else {
        eprintln!("usage: crash-writer SQLITE_PATH START_NUMBER");
        return std::process::ExitCode::from(2);
    };
    match run(path, start) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crash-writer: {}", e.0);
            std::process::ExitCode::FAILURE
        }
    }
}
