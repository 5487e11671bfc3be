//! Benchmark for `cargo xtask bench`: seeds an SQLite database with N assessments (default
//! 1,000,000; 5 per person, 100 cases per practitioner, 20 practitioners per team), then times
//! the caseload and reviews-due queries. Run with `--release`; prints one line per figure.

use std::time::Instant;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use oasys_app::{
    Allocation, AllocationRepository, AssessmentRepository, ReviewScope, Storage, StoreError,
};
use oasys_assessment_model::{
    Assessment, CaseIds, CourtReportTemplate, Crn, Gender, Layer, Location, Name, NewAssessment,
    OrgCode, Person, Purpose,
};
use oasys_storage::Database;
use uuid::Uuid;

const PER_PERSON: usize = 5;
const CASES_PER_PRACTITIONER: usize = 100;
const PRACTITIONERS_PER_TEAM: usize = 20;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: seed DATABASE_FILE [ASSESSMENTS]")?;
    let total: usize = args
        .next()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let db = Database::open(&format!("sqlite://{path}"))?;
    let start_time = Utc
        .with_ymd_and_hms(2025, 1, 1, 9, 0, 0)
        .single()
        .ok_or("time")?;
    let people = total / PER_PERSON;

    let started = Instant::now();
    for chunk in (0..people).collect::<Vec<_>>().chunks(1000) {
        db.in_transaction(|repos| -> Result<(), Box<dyn std::error::Error>> {
            for &i in chunk {
                let practitioner = i / CASES_PER_PRACTITIONER;
                let team = OrgCode::parse(&format!("T{}", practitioner / PRACTITIONERS_PER_TEAM))
                    .map_err(bad)?;
                let person = Person {
                    id: Uuid::from_u128(i as u128 + 1),
                    ids: CaseIds::new(
                        Crn::parse(&format!("X{:06}", i % 1_000_000)).ok(),
                        None,
                        None,
                    )
                    .map_err(bad)?,
                    family_name: Name::parse(&format!("Person{i}")).map_err(bad)?,
                    given_name: Name::parse("Sam").map_err(bad)?,
                    date_of_birth: NaiveDate::from_ymd_opt(1970 + (i % 30) as i32, 1, 1)
                        .ok_or_else(|| bad("dob"))?,
                    gender: Gender::Male,
                    location: Location::Community {
                        pdu: OrgCode::parse("PDU1").map_err(bad)?,
                        team: team.clone(),
                    },
                    ethnicity: None,
                    sexually_motivated_offence_history: None,
                    sentence: None,
                };
                repos.insert_person(&person)?;
                repos.allocate(&Allocation {
                    person_id: person.id,
                    practitioner: format!("PO{practitioner}"),
                    team: team.clone(),
                    allocated_at: start_time,
                    allocated_by: "seed".into(),
                })?;
                for k in 0..PER_PERSON {
                    let at = start_time + Duration::days((i % 365) as i64 + 120 * k as i64);
                    let assessment = Assessment::create(
                        NewAssessment {
                            id: Uuid::from_u128(((i * PER_PERSON + k) as u128) | (1 << 100)),
                            layer: Layer::Layer3Full,
                            purpose: Purpose::Review,
                            question_set_version: oasys_assessment_model::CURRENT_VERSION.into(),
                            predictor_set_version: "v4.11".into(),
                            team: team.clone(),
                            assessor: format!("PO{practitioner}"),
                            assessment_date: at.date_naive(),
                            court_report: CourtReportTemplate::None,
                        },
                        &person,
                        at,
                    )
                    .map_err(bad)?;
                    let due = (k == PER_PERSON - 1).then(|| at.date_naive() + Duration::weeks(16));
                    repos.insert_assessment(&assessment, due)?;
                }
            }
            Ok(())
        })?;
    }
    let seeded = started.elapsed().as_secs_f64();
    let inserted = people * PER_PERSON;
    println!(
        "inserted {inserted} assessments ({people} people) in {seeded:.1} s: {:.0} per second",
        inserted as f64 / seeded
    );

    let middle = (people / CASES_PER_PRACTITIONER) / 2;
    let practitioner = format!("PO{middle}");
    let timed =
        |label: &str, run: &dyn Fn() -> Result<usize, StoreError>| -> Result<(), StoreError> {
            run()?; // warm the cache once
            let rounds = 20;
            let started = Instant::now();
            let mut rows = 0;
            for _ in 0..rounds {
                rows = run()?;
            }
            let ms = started.elapsed().as_secs_f64() * 1000.0 / f64::from(rounds);
            println!("{label}: {rows} rows in {ms:.2} ms");
            Ok(())
        };
    timed("caseload", &|| db.caseload(&practitioner).map(|c| c.len()))?;
    let team = OrgCode::parse(&format!("T{}", middle / PRACTITIONERS_PER_TEAM)).map_err(bad)?;
    let before = NaiveDate::from_ymd_opt(2027, 1, 1).ok_or("date")?;
    timed("reviews due", &|| {
        db.reviews_due(&ReviewScope::Team(team.clone()), before, 500)
            .map(|r| r.len())
    })?;
    Ok(())
}

fn bad(error: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid {
        reason: error.to_string(),
    }
}
