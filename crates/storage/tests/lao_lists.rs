//! Limited access cases in the lists of people (search, caseload, reviews due), through the app's
//! use cases on this storage (SQLite): a placeholder row (CRN only) for an actor with a team or
//! area relation who is excluded, restricted or has not said why; the full row once a reason is
//! given; nothing for an actor with no relation; every row shown audited (sharing spec §2.6, §4).

mod support;

use chrono::NaiveDate;
use oasys_app::{
    ApplyOptions, AuditEntry, AuditOutcome, AuditQuery, Listed, NewAssessmentRequest, Operation,
    PersonQuery, REASON_NEEDED_MESSAGE, RequestContext, RestrictedRow, RestrictionReason,
    ReviewScope,
};
use oasys_assessment_model::{
    Command, CourtReportTemplate, Crn, Layer, OrgCode, Person, Purpose, Rank,
};
use oasys_sharing_policy::{Actor, LaoLists, Role};
use uuid::Uuid;

use support::{TestApp, example_person, sqlite_app};

struct World {
    app: TestApp,
    _dir: tempfile::TempDir,
    person: Person,
}

const AREA: &str = "AREA1";
const EXCLUSION: &str = "You are excluded from this record; contact SPO1.";
const RESTRICTION: &str = "This record is restricted to its case manager; contact SPO1.";

fn staff(id: &str, role: Role, area: &str, team: &str) -> Actor {
    let mut actor = Actor::new(id, role, area);
    actor.teams.insert(team.into());
    if matches!(role, Role::Practitioner) {
        actor.grade = Rank::new(3).ok();
    }
    if matches!(role, Role::SeniorProbationOfficer) {
        actor.managed_teams.insert(team.into());
    }
    actor
}

fn po1() -> Actor {
    staff("PO1", Role::Practitioner, AREA, "T1")
}

fn spo() -> Actor {
    staff("SPO1", Role::SeniorProbationOfficer, AREA, "T1")
}

/// A practitioner of another area and team: no relation to the case at all.
fn stranger() -> Actor {
    staff("PO9", Role::Practitioner, "AREA9", "T9")
}

fn ctx() -> RequestContext {
    RequestContext {
        correlation_id: Some("test".into()),
        justification: None,
    }
}

fn with_reason() -> RequestContext {
    RequestContext {
        correlation_id: Some("test".into()),
        justification: Some("preparing the court report due tomorrow".into()),
    }
}

/// One person in team T1 (area AREA1) allocated to PO1, with a locked assessment whose review
/// falls due, and the given LAO lists.
fn world(lao: &LaoLists) -> World {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = sqlite_app(&dir);
    let person = example_person();
    let admin = staff("ADMIN", Role::Administrator, AREA, "T1");
    app.register_person(&admin, &person, &ctx())
        .expect("register");
    app.set_team_area(&admin, "T1", AREA, &ctx())
        .expect("team area");
    let team = OrgCode::parse("T1").expect("team");
    app.allocate(&spo(), person.id, "PO1", &team, &ctx())
        .expect("allocate");
    let request = NewAssessmentRequest {
        layer: Layer::Layer3Full,
        purpose: Purpose::StartOfCommunityOrder,
        court_report: CourtReportTemplate::None,
        clone_previous: false,
    };
    let assessment = app
        .create_assessment(&po1(), person.id, &request, &ctx())
        .expect("create");
    app.apply(
        &po1(),
        assessment.header().id,
        assessment.version(),
        Command::LockIncomplete {
            reason: "sentence started".into(),
        },
        &ApplyOptions::default(),
        &ctx(),
    )
    .expect("lock");
    app.set_lao(&spo(), person.id, lao, None, &ctx())
        .expect("lao");
    World {
        app,
        _dir: dir,
        person,
    }
}

fn excluding_po1() -> LaoLists {
    LaoLists {
        excluded: ["PO1".to_owned()].into(),
        exclusion_message: Some(EXCLUSION.into()),
        ..LaoLists::default()
    }
}

fn restricted_to_po1() -> LaoLists {
    LaoLists {
        restricted_to: ["PO1".to_owned()].into(),
        restriction_message: Some(RESTRICTION.into()),
        ..LaoLists::default()
    }
}

fn search(w: &World, actor: &Actor, ctx: &RequestContext) -> Vec<Listed<Person>> {
    w.app
        .search_people(
            actor,
            &PersonQuery::Crn(Crn::parse("X123456").expect("crn")),
            10,
            ctx,
        )
        .expect("search")
}

fn reviews(w: &World, actor: &Actor, scope: ReviewScope, ctx: &RequestContext) -> usize {
    let rows = w
        .app
        .reviews_due(
            actor,
            &scope,
            NaiveDate::from_ymd_opt(2028, 1, 1).expect("date"),
            10,
            ctx,
        )
        .expect("reviews due");
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows.iter().filter(|row| row.visible().is_some()).count()
}

/// The one placeholder of a list, checked to carry nothing but the id, the CRN and why.
fn only_placeholder<T: std::fmt::Debug + serde::Serialize>(
    w: &World,
    rows: &[Listed<T>],
) -> RestrictedRow {
    let [Listed::Restricted(row)] = rows else {
        panic!("expected one placeholder row, got {rows:?}");
    };
    assert_eq!(row.person_id, w.person.id);
    assert_eq!(row.crn.as_ref().map(Crn::as_str), Some("X123456"));
    let json = serde_json::to_string(&rows).expect("json");
    for personal in ["Example", "Sam", "1990", "date_of_birth", "gender", "PDU1"] {
        assert!(!json.contains(personal), "{personal} in {json}");
    }
    row.clone()
}

/// The audit log as an auditor reads it (stating why).
fn audit(w: &World) -> Vec<AuditEntry> {
    let auditor = staff("AUD1", Role::Auditor, AREA, "T1");
    let query = AuditQuery {
        limit: 1000,
        ..AuditQuery::default()
    };
    w.app
        .audit_entries(&auditor, &query, &with_reason())
        .expect("audit")
}

fn denials(entries: &[AuditEntry], actor: &str, code: &str) -> usize {
    entries
        .iter()
        .filter(|e| {
            e.entry.actor == actor
                && e.entry.operation == Operation::Security
                && e.entry.outcome
                    == AuditOutcome::Denied {
                        code: code.to_owned(),
                    }
        })
        .count()
}

#[test]
fn an_excluded_user_of_the_team_sees_a_placeholder_in_search_caseload_and_reviews() {
    let w = world(&excluding_po1());
    let before = audit(&w);
    let rows = search(&w, &po1(), &with_reason());
    let placeholder = only_placeholder(&w, &rows);
    assert_eq!(placeholder.reason, RestrictionReason::Excluded);
    assert_eq!(placeholder.message, EXCLUSION);

    let caseload = w.app.caseload(&po1(), &ctx()).expect("caseload");
    let placeholder = only_placeholder(&w, &caseload);
    assert_eq!(placeholder.reason, RestrictionReason::Excluded);
    // A stated reason does not lift an exclusion.
    assert_eq!(
        reviews(
            &w,
            &po1(),
            ReviewScope::Practitioner("PO1".into()),
            &with_reason()
        ),
        0
    );

    // Each placeholder is audited as the denial a direct read would be.
    let after = audit(&w);
    assert_eq!(
        denials(&after, "PO1", "excluded") - denials(&before, "PO1", "excluded"),
        3
    );
    assert!(
        after
            .iter()
            .filter(|e| e.entry.actor == "PO1")
            .all(|e| e.entry.operation != Operation::Consultation
                || e.seq <= before.last().map_or(0, |l| l.seq))
    );
}

#[test]
fn a_manager_outside_the_restriction_list_sees_a_placeholder() {
    let w = world(&restricted_to_po1());
    let rows = search(&w, &spo(), &with_reason());
    let placeholder = only_placeholder(&w, &rows);
    assert_eq!(placeholder.reason, RestrictionReason::Restricted);
    assert_eq!(placeholder.message, RESTRICTION);
    assert_eq!(
        reviews(
            &w,
            &spo(),
            ReviewScope::Team(OrgCode::parse("T1").expect("team")),
            &with_reason()
        ),
        0
    );
    // Another practitioner of the team, not on the list, likewise.
    let colleague = staff("PO2", Role::Practitioner, AREA, "T1");
    let rows = search(&w, &colleague, &ctx());
    assert_eq!(
        only_placeholder(&w, &rows).reason,
        RestrictionReason::Restricted
    );
    let entries = audit(&w);
    assert_eq!(denials(&entries, "SPO1", "restricted"), 2);
    assert_eq!(denials(&entries, "PO2", "restricted"), 1);
}

#[test]
fn a_listed_user_sees_the_row_only_once_they_say_why() {
    let w = world(&restricted_to_po1());
    let rows = search(&w, &po1(), &ctx());
    let placeholder = only_placeholder(&w, &rows);
    assert_eq!(placeholder.reason, RestrictionReason::ReasonNeeded);
    assert_eq!(placeholder.message, REASON_NEEDED_MESSAGE);
    let caseload = w.app.caseload(&po1(), &ctx()).expect("caseload");
    assert_eq!(
        only_placeholder(&w, &caseload).reason,
        RestrictionReason::ReasonNeeded
    );
    assert_eq!(
        reviews(&w, &po1(), ReviewScope::Practitioner("PO1".into()), &ctx()),
        0
    );
    let missing = audit(&w)
        .iter()
        .filter(|e| {
            e.entry.actor == "PO1"
                && e.entry.operation == Operation::Security
                && e.entry.subject_person == Some(w.person.id)
                && e.entry.justification.is_none()
        })
        .count();
    assert_eq!(missing, 3, "each reason-needed row is audited");

    // With a reason, the full rows, each consultation audited with the reason.
    let rows = search(&w, &po1(), &with_reason());
    let [Listed::Visible(person)] = rows.as_slice() else {
        panic!("expected the full row, got {rows:?}");
    };
    assert_eq!(person, &w.person);
    let caseload = w.app.caseload(&po1(), &with_reason()).expect("caseload");
    assert_eq!(
        caseload[0].visible().map(|entry| entry.person.id),
        Some(w.person.id)
    );
    assert_eq!(
        reviews(
            &w,
            &po1(),
            ReviewScope::Practitioner("PO1".into()),
            &with_reason()
        ),
        1
    );
    let consulted = audit(&w)
        .iter()
        .filter(|e| {
            e.entry.actor == "PO1"
                && e.entry.operation == Operation::Consultation
                && e.entry.subject_person == Some(w.person.id)
                && e.entry.justification.as_deref()
                    == Some("preparing the court report due tomorrow")
        })
        .count();
    assert_eq!(consulted, 3);
}

#[test]
fn a_user_with_no_relation_sees_nothing_and_nothing_is_consulted() {
    for lao in [excluding_po1(), restricted_to_po1()] {
        let w = world(&lao);
        assert!(search(&w, &stranger(), &with_reason()).is_empty());
        let due = w
            .app
            .reviews_due(
                &stranger(),
                &ReviewScope::Team(OrgCode::parse("T1").expect("team")),
                NaiveDate::from_ymd_opt(2028, 1, 1).expect("date"),
                10,
                &with_reason(),
            )
            .expect("reviews due");
        assert!(due.is_empty(), "{due:?}");
        assert!(
            !audit(&w)
                .iter()
                .any(|e| e.entry.actor == "PO9" && e.entry.subject_person.is_some()),
            "an omitted row is not a consultation"
        );
    }
}

#[test]
fn a_case_that_is_not_limited_is_listed_in_full_without_a_reason() {
    let w = world(&LaoLists::default());
    let rows = search(&w, &po1(), &ctx());
    assert_eq!(rows, vec![Listed::Visible(w.person.clone())]);
    // Someone in the area but not in the caseload is left out, as before.
    let colleague = staff("PO2", Role::Practitioner, AREA, "T2");
    assert!(search(&w, &colleague, &ctx()).is_empty());
}

#[test]
fn a_reason_stated_earlier_for_the_person_opens_their_row() {
    let w = world(&restricted_to_po1());
    let reasons = oasys_app::StatedReasons::from([(
        w.person.id,
        "preparing the court report due tomorrow".to_owned(),
    )]);
    let query = PersonQuery::Crn(Crn::parse("X123456").expect("crn"));
    let rows = w
        .app
        .search_people_stating(&po1(), &query, 10, &ctx(), &reasons)
        .expect("search");
    assert_eq!(rows, vec![Listed::Visible(w.person.clone())]);
    let caseload = w
        .app
        .caseload_stating(&po1(), &ctx(), &reasons)
        .expect("caseload");
    assert!(caseload[0].visible().is_some(), "{caseload:?}");
    // A reason for someone else opens nothing.
    let elsewhere =
        oasys_app::StatedReasons::from([(Uuid::from_u128(99), "another case".to_owned())]);
    let rows = w
        .app
        .search_people_stating(&po1(), &query, 10, &ctx(), &elsewhere)
        .expect("search");
    assert_eq!(
        only_placeholder(&w, &rows).reason,
        RestrictionReason::ReasonNeeded
    );
    let consulted = audit(&w)
        .iter()
        .filter(|e| {
            e.entry.actor == "PO1"
                && e.entry.operation == Operation::Consultation
                && e.entry.justification.as_deref()
                    == Some("preparing the court report due tomorrow")
        })
        .count();
    assert_eq!(consulted, 2);
}
