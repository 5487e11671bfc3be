//! `oasys sharing purge-expired` against the real binary: a package released long ago (seeded
//! through the app with a clock in the past) is purged by the sweep, once, and logged as an
//! erasure by the operator; the content leaves the package's history too.

mod support;

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use oasys_app::{
    App, ApplyOptions, AuditLog, AuditQuery, Clock, DisclosureRelease, DocumentKind,
    DocumentRepository, IdGenerator, NewAssessmentRequest, Operation, RequestContext,
};
use oasys_assessment_model::{
    AnswerValue, CaseIds, Command, CourtReportTemplate, Crn, Gender, Layer, Location, Name,
    OrgCode, Person, Purpose, Rank,
};
use oasys_sharing_policy::{
    Actor, Agency, AgencyKind, Channel, ChildAge, ChildConcerned, ChildRelationship, DecisionDraft,
    LegalBasis, Outcome, PackageStatus, PurposeKind, RecipientCondition, ReleaseChannel,
    RequestDraft, Requester, Role, SubjectInformed, TemplateSection, Urgency,
};
use oasys_storage::Database;
use support::{assert_code, oasys, stdout};
use uuid::Uuid;

/// 2 March 2020, 09:00 UTC: long enough ago that a package released then has expired.
struct Then;

impl Clock for Then {
    fn now(&self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2020, 3, 2, 9, 0, 0)
            .single()
            .expect("time")
    }
}

struct Ids(AtomicU64);

impl IdGenerator for Ids {
    fn new_id(&self) -> Uuid {
        Uuid::from_u128(0x9000 + u128::from(self.0.fetch_add(1, Ordering::SeqCst)))
    }
}

fn staff(id: &str, role: Role) -> Actor {
    let mut actor = Actor::new(id, role, "AREA1");
    actor.teams.insert("T1".into());
    if role == Role::Practitioner {
        actor.grade = Rank::new(3).ok();
    }
    if role == Role::SeniorProbationOfficer {
        actor.managed_teams.insert("T1".into());
    }
    actor
}

const ANALYSIS: &str = "Analysis: concerns about contact with children were discussed.";

/// Registers a person and takes a request about them from record to release in 2020; returns
/// the person's id and the package id.
fn released_in_2020(url: &str) -> (Uuid, Uuid) {
    let app = App::new(
        Database::open(url).expect("open"),
        Then,
        Ids(AtomicU64::new(0)),
    );
    let ctx = RequestContext::default();
    let admin = staff("ADMIN", Role::Administrator);
    let spo = staff("SPO1", Role::SeniorProbationOfficer);
    let po = staff("PO1", Role::Practitioner);
    let person = Person {
        id: Uuid::from_u128(1),
        ids: CaseIds::new(Crn::parse("X123456").ok(), None, None).expect("ids"),
        family_name: Name::parse("Example").expect("name"),
        given_name: Name::parse("Sam").expect("name"),
        date_of_birth: chrono::NaiveDate::from_ymd_opt(1990, 1, 1).expect("date"),
        gender: Gender::Male,
        location: Location::Community {
            pdu: OrgCode::parse("PDU1").expect("pdu"),
            team: OrgCode::parse("T1").expect("team"),
        },
        ethnicity: None,
        sexually_motivated_offence_history: Some(false),
        sentence: None,
    };
    app.register_person(&admin, &person, &ctx)
        .expect("register");
    app.set_team_area(&admin, "T1", "AREA1", &ctx)
        .expect("area");
    app.allocate(
        &spo,
        person.id,
        "PO1",
        &OrgCode::parse("T1").expect("team"),
        &ctx,
    )
    .expect("allocate");
    let assessment = app
        .create_assessment(
            &po,
            person.id,
            &NewAssessmentRequest {
                layer: Layer::Layer3Full,
                purpose: Purpose::StartOfCommunityOrder,
                court_report: CourtReportTemplate::None,
                clone_previous: false,
            },
            &ctx,
        )
        .expect("create");
    let id = assessment.header().id;
    let v = app
        .apply(
            &po,
            id,
            1,
            Command::Answer {
                code: "6.97".into(),
                value: AnswerValue::Text(ANALYSIS.into()),
            },
            &ApplyOptions::default(),
            &ctx,
        )
        .expect("answer")
        .version();
    app.apply(
        &po,
        id,
        v,
        Command::LockIncomplete {
            reason: "court deadline".into(),
        },
        &ApplyOptions::default(),
        &ctx,
    )
    .expect("lock");
    let request = app
        .record_sharing_request(
            &po,
            person.id,
            RequestDraft {
                id: Uuid::nil(),
                received_at: Then.now(),
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
                external_reference: "LA-2020-001".into(),
                meeting_date: None,
                purpose_kind: PurposeKind::ChildSafeguarding,
                purpose: "Section 47 enquiry".into(),
                subject_crn: "X123456".into(),
                children: vec![ChildConcerned {
                    name: "Child One".into(),
                    age: ChildAge::ApproximateYears(6),
                    relationship: ChildRelationship::PartnersChild,
                    la_reference: None,
                }],
                scope_requested: TemplateSection::ALL.into_iter().collect(),
                urgency: Urgency::Standard,
                due_override: None,
            },
            &ctx,
        )
        .expect("record");
    let request_id = request.record.id;
    app.decide_sharing_request(
        &po,
        request_id,
        DecisionDraft {
            id: Uuid::nil(),
            request_id,
            outcome: Outcome::ShareFull,
            decided_at: Then.now(),
            legal_basis_confirmed: LegalBasis::Ca1989S47,
            basis_note: None,
            necessity: "The local authority needs the risk analysis to protect the child.".into(),
            proportionality: "Only the analysis relevant to children is shared, nothing raw."
                .into(),
            sections: TemplateSection::ALL.into_iter().collect(),
            exceptions: Vec::new(),
            conditions: RecipientCondition::standard(),
            subject_informed: SubjectInformed::Yes,
            decline_reason: None,
        },
        &ctx,
    )
    .expect("decide");
    let package = app.build_disclosure(&po, request_id, &ctx).expect("build");
    for element in &package.pending_review {
        app.review_disclosure_text(&po, request_id, element, &[], &ctx)
            .expect("review");
    }
    app.approve_disclosure(&spo, request_id, &ctx)
        .expect("approve");
    let released = app
        .release_disclosure(
            &po,
            request_id,
            &DisclosureRelease {
                channel: ReleaseChannel::Post,
                recipients: vec!["A Worker, Anytown Children's Services".into()],
            },
            &ctx,
        )
        .expect("release");
    assert_eq!(released.status, PackageStatus::Released);
    (person.id, released.id)
}

#[test]
fn the_sweep_purges_an_expired_package_once_and_logs_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("oasys.db").display());
    let (person, package) = released_in_2020(&url);

    let out = oasys(
        dir.path(),
        &["sharing", "purge-expired", "--database", &url],
    );
    assert_code(&out, 0);
    assert!(stdout(&out).contains("purged 1 "), "{}", stdout(&out));
    let again = oasys(
        dir.path(),
        &["sharing", "purge-expired", "--database", &url],
    );
    assert_code(&again, 0);
    assert!(stdout(&again).contains("purged 0 "), "{}", stdout(&again));

    let db = Database::open(&url).expect("open");
    let history = db
        .document_history(DocumentKind::DisclosurePackage, package)
        .expect("history");
    assert!(history.len() > 2);
    assert!(
        history
            .iter()
            .all(|r| !r.body.to_string().contains("Analysis") && r.body["status"] == "expired"),
        "{history:?}"
    );
    let erasures: Vec<_> = db
        .query(&AuditQuery {
            person: Some(person),
            limit: 1000,
            ..AuditQuery::default()
        })
        .expect("audit")
        .into_iter()
        .filter(|e| e.entry.operation == Operation::Erasure)
        .collect();
    assert_eq!(erasures.len(), 1, "{erasures:?}");
    assert!(erasures[0].entry.actor.starts_with("operator:"));

    let help = oasys(dir.path(), &["sharing", "purge-expired", "--help"]);
    assert_code(&help, 0);
    assert!(stdout(&help).contains("Examples:"), "{}", stdout(&help));
}
