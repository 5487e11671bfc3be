//! What the use-case tests share: a clock and ids they control, the app on a fresh SQLite file,
//! and the example person they register. Each test crate uses the part it needs.
#![allow(dead_code)]

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use oasys_app::{App, Clock, IdGenerator};
use oasys_assessment_model::{CaseIds, Crn, Gender, Location, Name, OrgCode, Person};
use oasys_sharing_policy::{
    Agency, AgencyKind, Channel, ChildAge, ChildConcerned, ChildRelationship, LegalBasis,
    PurposeKind, RequestDraft, Requester, TemplateSection, Urgency,
};
use oasys_storage::Database;
use uuid::Uuid;

/// A clock that stands still.
pub struct TestClock(Mutex<DateTime<Utc>>);

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock")
    }
}

/// Ids in order: 0x1000, 0x1001, …
pub struct Sequence(AtomicU64);

impl IdGenerator for Sequence {
    fn new_id(&self) -> Uuid {
        Uuid::from_u128(0x1000 + u128::from(self.0.fetch_add(1, Ordering::SeqCst)))
    }
}

/// The app as the tests run it.
pub type TestApp = App<Database, TestClock, Sequence>;

/// The app on a new SQLite file in `dir` (see [`app_on`]).
pub fn sqlite_app(dir: &tempfile::TempDir) -> TestApp {
    let url = format!("sqlite://{}", dir.path().join("oasys.db").display());
    app_on(Database::open(&url).expect("open sqlite"))
}

/// The app on `db`, its clock at 09:00 UTC on 2 March 2026.
pub fn app_on(db: Database) -> TestApp {
    let now = Utc
        .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("time");
    App::new(db, TestClock(Mutex::new(now)), Sequence(AtomicU64::new(0)))
}

/// Sam Example (CRN X123456), in the community in team T1 of PDU1.
pub fn example_person() -> Person {
    person_with(1, "X123456")
}

/// Sam Example with this id and CRN, in the community in team T1 of PDU1.
pub fn person_with(id: u128, crn: &str) -> Person {
    Person {
        id: Uuid::from_u128(id),
        ids: CaseIds::new(Crn::parse(crn).ok(), None, None).expect("ids"),
        family_name: Name::parse("Example").expect("name"),
        given_name: Name::parse("Sam").expect("name"),
        date_of_birth: NaiveDate::from_ymd_opt(1990, 1, 1).expect("date"),
        gender: Gender::Male,
        location: Location::Community {
            pdu: OrgCode::parse("PDU1").expect("pdu"),
            team: OrgCode::parse("T1").expect("team"),
        },
        ethnicity: None,
        sexually_motivated_offence_history: Some(false),
        sentence: None,
    }
}

/// A children's services request (a section 47 enquiry) about the example person, received at
/// 08:00 on 2 March 2026.
pub fn request_draft(urgency: Urgency) -> RequestDraft {
    RequestDraft {
        id: Uuid::nil(),
        received_at: Utc
            .with_ymd_and_hms(2026, 3, 2, 8, 0, 0)
            .single()
            .expect("time"),
        channel: Channel::Email,
        agency: Agency {
            name: "Anytown Children's Services".into(),
            kind: AgencyKind::ChildrensSocialCare,
        },
        requester: Requester {
            name: "A Worker".into(),
            role: "Social worker".into(),
            contact: "aw@example.invalid".into(),
        },
        legal_basis: LegalBasis::Ca1989S47,
        external_reference: "LA-2026-001".into(),
        meeting_date: None,
        purpose_kind: PurposeKind::ChildSafeguarding,
        purpose: "Section 47 enquiry about the subject's partner's child".into(),
        subject_crn: "X123456".into(),
        children: vec![ChildConcerned {
            name: "Child One".into(),
            age: ChildAge::ApproximateYears(6),
            relationship: ChildRelationship::PartnersChild,
            la_reference: Some("C-1".into()),
        }],
        scope_requested: TemplateSection::ALL.into_iter().collect(),
        urgency,
        due_override: None,
    }
}
