//! Sharing spec S14 (ASVS 2.3.5, 2.3.1) on the use cases themselves: random sequences of
//! workflow steps (decide, build, review, approve, release, withdraw) by random staff, on a real
//! SQLite database. Whatever the order and whoever acts, no package is released without every
//! text block reviewed and an approver who is not the decider (except the Immediate path, which
//! is then flagged for retrospective review); a withdrawn request is never released; a release
//! writes exactly one disclosure audit row; no step fails as an outage.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use oasys_app::{
    App, AppError, ApplyOptions, AuditQuery, Clock, DisclosureRelease, IdGenerator,
    NewAssessmentRequest, Operation, RequestContext, SharingView,
};
use oasys_assessment_model::{
    AnswerValue, CaseIds, Command, CourtReportTemplate, Crn, Gender, Layer, Location, Name,
    OrgCode, Person, Purpose, Rank,
};
use oasys_sharing_policy::{
    Actor, Agency, AgencyKind, Channel, ChildAge, ChildConcerned, ChildRelationship, DecisionDraft,
    LegalBasis, Outcome, PackageStatus, PurposeKind, RecipientCondition, ReleaseChannel,
    RequestDraft, RequestState, Requester, Role, SubjectInformed, TemplateSection, Urgency,
};
use oasys_storage::Database;
use proptest::prelude::*;
use uuid::Uuid;

struct Fixed;

impl Clock for Fixed {
    fn now(&self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("time")
    }
}

struct Ids(AtomicU64);

impl IdGenerator for Ids {
    fn new_id(&self) -> Uuid {
        Uuid::from_u128(0x7000 + u128::from(self.0.fetch_add(1, Ordering::SeqCst)))
    }
}

type TestApp = App<Database, Fixed, Ids>;

/// The staff who may try any step: the allocated practitioner (rank 3), an unallocated
/// practitioner of the team, and two managers of the team.
fn staff(index: usize) -> Actor {
    let (id, role) = [
        ("PO1", Role::Practitioner),
        ("PO2", Role::Practitioner),
        ("SPO1", Role::SeniorProbationOfficer),
        ("SPO2", Role::SeniorProbationOfficer),
    ][index % 4];
    let mut actor = Actor::new(id, role, "AREA1");
    actor.teams.insert("T1".into());
    if role == Role::Practitioner {
        actor.grade = Rank::new(3).ok();
    } else {
        actor.managed_teams.insert("T1".into());
    }
    actor
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Decide,
    Build,
    Review,
    Approve,
    Release,
    Withdraw,
}

fn ctx() -> RequestContext {
    RequestContext::default()
}

const PERSON: Uuid = Uuid::from_u128(1);

/// A fresh database with the person allocated to PO1, a locked assessment with free text, and a
/// recorded request: the request id.
fn setup(dir: &tempfile::TempDir, urgency: Urgency) -> (TestApp, Uuid) {
    let url = format!("sqlite://{}", dir.path().join("oasys.db").display());
    let app = App::new(
        Database::open(&url).expect("open"),
        Fixed,
        Ids(AtomicU64::new(0)),
    );
    let admin = Actor::new("ADMIN", Role::Administrator, "AREA1");
    let person = Person {
        id: PERSON,
        ids: CaseIds::new(Crn::parse("X123456").ok(), None, None).expect("ids"),
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
    };
    app.register_person(&admin, &person, &ctx())
        .expect("register");
    app.set_team_area(&admin, "T1", "AREA1", &ctx())
        .expect("area");
    app.allocate(
        &staff(2),
        PERSON,
        "PO1",
        &OrgCode::parse("T1").expect("team"),
        &ctx(),
    )
    .expect("allocate");
    let po = staff(0);
    let assessment = app
        .create_assessment(
            &po,
            PERSON,
            &NewAssessmentRequest {
                layer: Layer::Layer3Full,
                purpose: Purpose::StartOfCommunityOrder,
                court_report: CourtReportTemplate::None,
                clone_previous: false,
            },
            &ctx(),
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
                value: AnswerValue::Text("Analysis: contact with children was discussed.".into()),
            },
            &ApplyOptions::default(),
            &ctx(),
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
        &ctx(),
    )
    .expect("lock");
    let request = app
        .record_sharing_request(
            &po,
            PERSON,
            RequestDraft {
                id: Uuid::nil(),
                received_at: Fixed.now(),
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
                purpose: "Section 47 enquiry".into(),
                subject_crn: "X123456".into(),
                children: vec![ChildConcerned {
                    name: "Child One".into(),
                    age: ChildAge::ApproximateYears(6),
                    relationship: ChildRelationship::PartnersChild,
                    la_reference: None,
                }],
                scope_requested: TemplateSection::ALL.into_iter().collect(),
                urgency,
                due_override: None,
            },
            &ctx(),
        )
        .expect("record");
    (app, request.record.id)
}

fn decision(request_id: Uuid) -> DecisionDraft {
    DecisionDraft {
        id: Uuid::nil(),
        request_id,
        outcome: Outcome::ShareFull,
        decided_at: Fixed.now(),
        legal_basis_confirmed: LegalBasis::Ca1989S47,
        basis_note: None,
        necessity: "The local authority needs the risk analysis to protect the child.".into(),
        proportionality: "Only the analysis relevant to children is shared, nothing raw.".into(),
        sections: TemplateSection::ALL.into_iter().collect(),
        exceptions: Vec::new(),
        conditions: RecipientCondition::standard(),
        subject_informed: SubjectInformed::Yes,
        decline_reason: None,
    }
}

/// Takes one step; a refusal is fine, an outage is not.
fn take(app: &TestApp, request_id: Uuid, step: Step, actor: &Actor) -> Result<(), TestCaseError> {
    let result: Result<(), AppError> = match step {
        Step::Decide => app
            .decide_sharing_request(actor, request_id, decision(request_id), &ctx())
            .map(drop),
        Step::Build => app.build_disclosure(actor, request_id, &ctx()).map(drop),
        Step::Review => (|| {
            let pending = app
                .disclosure_package(&staff(0), request_id, &ctx())?
                .pending_review;
            for element in &pending {
                app.review_disclosure_text(actor, request_id, element, &[], &ctx())?;
            }
            Ok(())
        })(),
        Step::Approve => app.approve_disclosure(actor, request_id, &ctx()).map(drop),
        Step::Release => app
            .release_disclosure(
                actor,
                request_id,
                &DisclosureRelease {
                    channel: ReleaseChannel::SecureEmail,
                    recipients: vec!["A Worker".into()],
                },
                &ctx(),
            )
            .map(drop),
        Step::Withdraw => app
            .withdraw_sharing_request(actor, request_id, "The enquiry closed", &ctx())
            .map(drop),
    };
    if let Err(AppError::Unavailable(message)) = &result {
        return Err(TestCaseError::fail(format!(
            "{step:?} by {}: outage {message}",
            actor.id
        )));
    }
    Ok(())
}

fn disclosures(app: &TestApp) -> usize {
    app.audit_entries(
        &Actor::new("AUD1", Role::Auditor, "AREA1"),
        &AuditQuery {
            person: Some(PERSON),
            limit: 1000,
            ..AuditQuery::default()
        },
        &RequestContext {
            correlation_id: None,
            justification: Some("S14 property".into()),
        },
    )
    .expect("audit")
    .iter()
    .filter(|e| e.entry.operation == Operation::Disclosure)
    .count()
}

/// The workflow's stages in order, each tried one to three times by random staff, with random
/// steps by random staff mixed in: so that many sequences get as far as a release, and many go
/// wrong on the way.
fn sequence_strategy() -> impl Strategy<Value = Vec<(Step, usize)>> {
    let stage = |step: Step| proptest::collection::vec((Just(step), 0usize..4), 1..3);
    (
        stage(Step::Decide),
        stage(Step::Build),
        stage(Step::Review),
        stage(Step::Approve),
        stage(Step::Release),
        proptest::collection::vec(step_strategy(), 0..4),
        proptest::collection::vec(0usize..20, 0..4),
    )
        .prop_map(|(d, b, r, a, l, noise, at)| {
            let mut steps: Vec<(Step, usize)> = [d, b, r, a, l].concat();
            for (step, position) in noise
                .into_iter()
                .zip(at.into_iter().chain(std::iter::repeat(0)))
            {
                let position = position.min(steps.len());
                steps.insert(position, step);
            }
            steps
        })
}

fn step_strategy() -> impl Strategy<Value = (Step, usize)> {
    (
        prop_oneof![
            Just(Step::Decide),
            Just(Step::Build),
            Just(Step::Review),
            Just(Step::Approve),
            Just(Step::Release),
            Just(Step::Withdraw),
        ],
        0usize..4,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn no_path_reaches_release_without_review_and_a_second_person(
        immediate in any::<bool>(),
        steps in prop_oneof![
            sequence_strategy(),
            proptest::collection::vec(step_strategy(), 1..14),
        ],
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let urgency = if immediate { Urgency::Immediate } else { Urgency::Standard };
        let (app, request_id) = setup(&dir, urgency);
        let mut withdrawn = false;
        for (step, who) in steps {
            take(&app, request_id, step, &staff(who))?;
            let SharingView::Full(case) = app
                .sharing_request(&staff(0), request_id, &ctx())
                .expect("the case manager reads the request")
            else {
                return Err(TestCaseError::fail("the case manager sees the request in full"));
            };
            if case.request.state == RequestState::Withdrawn {
                withdrawn = true;
            }
            let released = case.request.state == RequestState::Released;
            prop_assert!(!(withdrawn && released), "a withdrawn request was released");
            prop_assert_eq!(disclosures(&app), usize::from(released));
            if let Some(package) = &case.package {
                prop_assert_eq!(
                    package.status == PackageStatus::Released,
                    released,
                    "the package and the request disagree"
                );
                if released {
                    let decided_by = case.decision.as_ref().map(|d| d.decided_by.clone());
                    prop_assert!(package.pending_review.is_empty());
                    prop_assert!(package.approved_by.is_some());
                    if package.approved_by == decided_by {
                        prop_assert!(immediate && package.retrospective_review_required);
                    }
                }
            } else {
                prop_assert!(!released);
            }
        }
    }
}

/// The sequences above can reach a release: the ordinary path (PO1 decides, SPO1 approves) and
/// the Immediate path (SPO1 alone, flagged) both end released, with one disclosure row.
#[test]
fn the_steps_reach_a_release_on_both_paths() {
    for (urgency, decider, approver) in [(Urgency::Standard, 0, 2), (Urgency::Immediate, 2, 2)] {
        let dir = tempfile::tempdir().expect("temp dir");
        let (app, request_id) = setup(&dir, urgency);
        for (step, who) in [
            (Step::Decide, decider),
            (Step::Build, decider),
            (Step::Review, decider),
            (Step::Approve, approver),
            (Step::Release, 0),
        ] {
            take(&app, request_id, step, &staff(who)).expect("step");
        }
        let package = app
            .disclosure_package(&staff(0), request_id, &ctx())
            .expect("package");
        assert_eq!(package.status, PackageStatus::Released);
        assert_eq!(
            package.retrospective_review_required,
            urgency == Urgency::Immediate
        );
        assert_eq!(disclosures(&app), 1);
    }
}
