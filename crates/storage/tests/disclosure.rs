//! A disclosure package after it is built, through the app's use cases on SQLite (and on a fresh
//! PostgreSQL database when `OASYS_TEST_POSTGRES_URL` is set): free-text review, approval by a
//! second person, release with its one disclosure audit row, withdrawal, and expiry with a clock
//! the test moves (sharing spec §3.3, §3.5, §3.6, §4.1). Also what a case administrator reads of
//! a request (identifiers only) and the decision's audit row naming the person.

mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone, Utc};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use oasys_app::{
    App, AppError, ApplyOptions, AuditEntry, AuditQuery, Clock, DisclosureRelease, DocumentKind,
    DocumentRepository, IdGenerator, NewAssessmentRequest, Operation, RequestContext, SharingView,
    StoreError,
};
use oasys_assessment_model::{
    AnswerValue, Command, CourtReportTemplate, Layer, OrgCode, Person, Purpose, Rank,
};
use oasys_sharing_policy::{
    Actor, DecisionDraft, DenyCode, DisclosurePackage, LegalBasis, Outcome, PackageStatus,
    RecipientCondition, RedactionReason, ReleaseChannel, RequestState, Role, SpanRedaction,
    SubjectInformed, TemplateSection, Urgency,
};
use oasys_storage::Database;
use uuid::Uuid;

use support::{example_person, request_draft};

/// A clock the test moves.
#[derive(Clone)]
struct MovingClock(Arc<Mutex<DateTime<Utc>>>);

impl MovingClock {
    fn advance(&self, by: Duration) {
        let mut now = self.0.lock().expect("clock");
        *now += by;
    }
}

impl Clock for MovingClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock")
    }
}

/// Ids in order.
struct Ids(AtomicU64);

impl IdGenerator for Ids {
    fn new_id(&self) -> Uuid {
        Uuid::from_u128(0x5000 + u128::from(self.0.fetch_add(1, Ordering::SeqCst)))
    }
}

static DATABASES: AtomicU64 = AtomicU64::new(0);

/// One backend's app with the example person allocated to PO1 in team T1.
struct World {
    app: App<Database, MovingClock, Ids>,
    clock: MovingClock,
    person: Person,
    pg: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some((base, name)) = &self.pg
            && let Ok(mut admin) = PgConnection::establish(base)
        {
            let _ =
                admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        }
    }
}

const AREA: &str = "AREA1";

fn staff(id: &str, role: Role, rank: u8) -> Actor {
    let mut actor = Actor::new(id, role, AREA);
    actor.teams.insert("T1".into());
    if matches!(role, Role::Practitioner) {
        actor.grade = Rank::new(rank).ok();
    }
    if matches!(role, Role::SeniorProbationOfficer) {
        actor.managed_teams.insert("T1".into());
    }
    actor
}

fn po1() -> Actor {
    staff("PO1", Role::Practitioner, 3)
}

fn spo(id: &str) -> Actor {
    staff(id, Role::SeniorProbationOfficer, 0)
}

fn ctx() -> RequestContext {
    RequestContext {
        correlation_id: Some("test".into()),
        justification: None,
    }
}

/// The app on SQLite, and on PostgreSQL too when `OASYS_TEST_POSTGRES_URL` is set.
fn worlds() -> Vec<World> {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("oasys.db").display());
    let mut out = vec![world(Database::open(&url).expect("open sqlite"), None, dir)];
    if let Ok(base) = std::env::var("OASYS_TEST_POSTGRES_URL")
        && !base.is_empty()
    {
        let name = format!(
            "oasys_disclosure_{}_{}",
            std::process::id(),
            DATABASES.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = PgConnection::establish(&base).expect("connect to PostgreSQL");
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create a database");
        let prefix = base.rsplit_once('/').map_or(base.as_str(), |(p, _)| p);
        let db = Database::open(&format!("{prefix}/{name}")).expect("open postgres");
        out.push(world(
            db,
            Some((base.clone(), name)),
            tempfile::tempdir().expect("temp dir"),
        ));
    }
    out
}

fn world(db: Database, pg: Option<(String, String)>, dir: tempfile::TempDir) -> World {
    let clock = MovingClock(Arc::new(Mutex::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("time"),
    )));
    let app = App::new(db, clock.clone(), Ids(AtomicU64::new(0)));
    let person = example_person();
    let admin = staff("ADMIN", Role::Administrator, 0);
    app.register_person(&admin, &person, &ctx())
        .expect("register");
    app.set_team_area(&admin, "T1", AREA, &ctx())
        .expect("team area");
    app.allocate(
        &spo("SPO1"),
        person.id,
        "PO1",
        &OrgCode::parse("T1").expect("team"),
        &ctx(),
    )
    .expect("allocate");
    World {
        app,
        clock,
        person,
        pg,
        _dir: dir,
    }
}

const ANALYSIS: &str =
    "Analysis: he spoke about his neighbour Jo Bloggs and contact with children.";

/// A locked assessment whose 6.97 analysis is free text the decider must review.
fn lock_an_assessment(w: &World) {
    let a = w
        .app
        .create_assessment(
            &po1(),
            w.person.id,
            &NewAssessmentRequest {
                layer: Layer::Layer3Full,
                purpose: Purpose::StartOfCommunityOrder,
                court_report: CourtReportTemplate::None,
                clone_previous: false,
            },
            &ctx(),
        )
        .expect("create");
    let v = w
        .app
        .apply(
            &po1(),
            a.header().id,
            1,
            Command::Answer {
                code: "6.97".into(),
                value: AnswerValue::Text(ANALYSIS.into()),
            },
            &ApplyOptions::default(),
            &ctx(),
        )
        .expect("answer")
        .version();
    w.app
        .apply(
            &po1(),
            a.header().id,
            v,
            Command::LockIncomplete {
                reason: "court deadline".into(),
            },
            &ApplyOptions::default(),
            &ctx(),
        )
        .expect("lock");
}

fn share_in_full() -> DecisionDraft {
    DecisionDraft {
        id: Uuid::nil(),
        request_id: Uuid::nil(),
        outcome: Outcome::ShareFull,
        decided_at: Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("time"),
        legal_basis_confirmed: LegalBasis::Ca1989S47,
        basis_note: None,
        necessity:
            "The local authority needs the risk analysis to protect the child named in the request."
                .into(),
        proportionality:
            "Only the analysis relevant to children is shared; raw answers stay with probation."
                .into(),
        sections: TemplateSection::ALL.into_iter().collect(),
        exceptions: Vec::new(),
        conditions: RecipientCondition::standard(),
        subject_informed: SubjectInformed::No {
            reason: "Informing him could put the child at risk.".into(),
        },
        decline_reason: None,
    }
}

/// Records a request, has `decider` decide to share and build the package; returns the request id
/// and the draft package.
fn drafted(w: &World, decider: &Actor, urgency: Urgency) -> (Uuid, DisclosurePackage) {
    lock_an_assessment(w);
    let request = w
        .app
        .record_sharing_request(&po1(), w.person.id, request_draft(urgency), &ctx())
        .expect("record");
    let id = request.record.id;
    w.app
        .decide_sharing_request(decider, id, share_in_full(), &ctx())
        .expect("decide");
    let package = w.app.build_disclosure(decider, id, &ctx()).expect("build");
    (id, package)
}

/// Reviews every pending text block of the package, redacting nothing.
fn review_all(w: &World, by: &Actor, id: Uuid, package: &DisclosurePackage) -> DisclosurePackage {
    let mut last = package.clone();
    for element in &package.pending_review {
        last = w
            .app
            .review_disclosure_text(by, id, element, &[], &ctx())
            .expect("review");
    }
    last
}

fn release() -> DisclosureRelease {
    DisclosureRelease {
        channel: ReleaseChannel::SecureEmail,
        recipients: vec!["A Worker, Social worker, Anytown Children's Services".into()],
    }
}

/// The audit entries about the person (read by an auditor).
fn person_audit(w: &World) -> Vec<AuditEntry> {
    w.app
        .audit_entries(
            &staff("AUD1", Role::Auditor, 0),
            &AuditQuery {
                person: Some(w.person.id),
                limit: 500,
                ..AuditQuery::default()
            },
            &RequestContext {
                correlation_id: None,
                justification: Some("disclosure log check".into()),
            },
        )
        .expect("audit")
}

fn denied(result: Result<DisclosurePackage, AppError>) -> DenyCode {
    match result {
        Err(AppError::Denied(denial)) => denial.code,
        other => panic!("expected a denial, got {other:?}"),
    }
}

fn request_state(w: &World, id: Uuid) -> RequestState {
    match w.app.sharing_request(&po1(), id, &ctx()).expect("read") {
        SharingView::Full(case) => case.request.state,
        SharingView::Metadata(_) => panic!("the case manager sees the request in full"),
    }
}

#[test]
fn a_package_is_reviewed_approved_by_a_second_person_released_and_logged_once() {
    for w in worlds() {
        let (id, package) = drafted(&w, &po1(), Urgency::Standard);
        assert_eq!(package.status, PackageStatus::Drafted);
        assert!(package.pending_review.contains("6.97"), "{package:?}");
        // Nothing is approved or released before every text block is reviewed.
        assert_eq!(
            denied(w.app.approve_disclosure(&spo("SPO1"), id, &ctx())),
            DenyCode::StateForbids
        );
        assert_eq!(
            denied(w.app.release_disclosure(&po1(), id, &release(), &ctx())),
            DenyCode::StateForbids
        );
        // The decider redacts the neighbour's name from the analysis.
        let start = ANALYSIS.find("Jo Bloggs").expect("name");
        let span = SpanRedaction {
            start,
            end: start + "Jo Bloggs".len(),
            reason: RedactionReason::ThirdParty,
        };
        let reviewed = w
            .app
            .review_disclosure_text(&po1(), id, "6.97", &[span], &ctx())
            .expect("review");
        let analysis = reviewed
            .items
            .iter()
            .find(|i| i.element == "6.97")
            .expect("6.97");
        assert!(
            !analysis.value.contains("Jo Bloggs")
                && analysis.value.contains("[redacted: third party]"),
            "{}",
            analysis.value
        );
        // A block cannot be reviewed twice (once all are reviewed, the drafting is over).
        assert!(matches!(
            w.app
                .review_disclosure_text(&po1(), id, "6.97", &[], &ctx()),
            Err(AppError::Invalid(_) | AppError::Denied(_))
        ));
        let reviewed = review_all(&w, &po1(), id, &reviewed);
        assert_eq!(reviewed.status, PackageStatus::RedactionReviewed);
        assert_eq!(request_state(&w, id), RequestState::RedactionReviewed);
        // A practitioner never approves; a manager who did not decide does.
        assert_eq!(
            denied(w.app.approve_disclosure(&po1(), id, &ctx())),
            DenyCode::NotPermittedForRole
        );
        let approved = w
            .app
            .approve_disclosure(&spo("SPO1"), id, &ctx())
            .expect("approve");
        assert_eq!(approved.approved_by.as_deref(), Some("SPO1"));
        assert!(!approved.retrospective_review_required);
        // Release needs a named recipient.
        let nobody = DisclosureRelease {
            channel: ReleaseChannel::SecureEmail,
            recipients: vec!["  ".into()],
        };
        assert!(matches!(
            w.app.release_disclosure(&po1(), id, &nobody, &ctx()),
            Err(AppError::Invalid(_))
        ));
        let released = w
            .app
            .release_disclosure(&po1(), id, &release(), &ctx())
            .expect("release");
        assert_eq!(released.status, PackageStatus::Released);
        assert_eq!(released.channel.as_deref(), Some("secure_email"));
        assert_eq!(request_state(&w, id), RequestState::Released);

        // Exactly one disclosure row: who, to whom, the hash of what was released.
        let audit = person_audit(&w);
        let disclosures: Vec<&AuditEntry> = audit
            .iter()
            .filter(|e| e.entry.operation == Operation::Disclosure)
            .collect();
        assert_eq!(disclosures.len(), 1, "{disclosures:?}");
        let row = &disclosures[0].entry;
        assert_eq!(row.actor, "PO1");
        assert_eq!(row.subject_person, Some(w.person.id));
        assert_eq!(row.recipients, release().recipients);
        assert_eq!(
            row.details["content_sha256"].as_str(),
            Some(released.content_sha256.as_str())
        );
        assert!(row.justification.as_deref().is_some_and(|j| !j.is_empty()));
        // The decision's row names the person, so a search of their trail finds it.
        assert!(
            audit
                .iter()
                .any(|e| e.entry.action == "decide_sharing_request"
                    && e.entry.subject_person == Some(w.person.id)),
            "no decision row about the person"
        );
        // The released package is served, and cannot be released again.
        let served = w
            .app
            .disclosure_package(&po1(), id, &ctx())
            .expect("served");
        assert_eq!(served.content_sha256, released.content_sha256);
        assert_eq!(
            denied(w.app.release_disclosure(&po1(), id, &release(), &ctx())),
            DenyCode::StateForbids
        );
        assert_eq!(
            person_audit(&w)
                .iter()
                .filter(|e| e.entry.operation == Operation::Disclosure)
                .count(),
            1
        );
    }
}

#[test]
fn the_same_person_cannot_approve_their_own_decision_except_on_an_immediate_request() {
    for w in worlds() {
        let (id, package) = drafted(&w, &spo("SPO1"), Urgency::Standard);
        review_all(&w, &spo("SPO1"), id, &package);
        assert_eq!(
            denied(w.app.approve_disclosure(&spo("SPO1"), id, &ctx())),
            DenyCode::StateForbids
        );
        let approved = w
            .app
            .approve_disclosure(&spo("SPO2"), id, &ctx())
            .expect("a second manager approves");
        assert_eq!(approved.approved_by.as_deref(), Some("SPO2"));
    }
    // On an Immediate request one manager may decide, approve and release alone; the package is
    // flagged for retrospective review.
    for w in worlds() {
        let (id, package) = drafted(&w, &spo("SPO1"), Urgency::Immediate);
        review_all(&w, &spo("SPO1"), id, &package);
        let approved = w
            .app
            .approve_disclosure(&spo("SPO1"), id, &ctx())
            .expect("approve alone");
        assert!(approved.retrospective_review_required);
        w.app
            .release_disclosure(&spo("SPO1"), id, &release(), &ctx())
            .expect("release alone");
        // Another manager reviews it after the fact, once; not the one who acted alone.
        assert_eq!(
            denied(
                w.app
                    .review_disclosure_retrospectively(&spo("SPO1"), id, &ctx())
            ),
            DenyCode::StateForbids
        );
        assert_eq!(
            denied(w.app.review_disclosure_retrospectively(&po1(), id, &ctx())),
            DenyCode::NotPermittedForRole
        );
        let reviewed = w
            .app
            .review_disclosure_retrospectively(&spo("SPO2"), id, &ctx())
            .expect("another manager reviews it");
        assert_eq!(reviewed.retrospective_reviewed_by.as_deref(), Some("SPO2"));
        assert!(matches!(
            w.app
                .review_disclosure_retrospectively(&spo("SPO2"), id, &ctx()),
            Err(AppError::Invalid(_))
        ));
    }
}

#[test]
fn a_withdrawn_request_is_refused_and_its_package_no_longer_served() {
    for w in worlds() {
        let (id, package) = drafted(&w, &po1(), Urgency::Standard);
        review_all(&w, &po1(), id, &package);
        assert!(matches!(
            w.app.withdraw_sharing_request(&po1(), id, "  ", &ctx()),
            Err(AppError::Invalid(_))
        ));
        let withdrawn = w
            .app
            .withdraw_sharing_request(&po1(), id, "The enquiry was closed", &ctx())
            .expect("withdraw");
        assert_eq!(withdrawn.state, RequestState::Withdrawn);
        assert!(
            person_audit(&w)
                .iter()
                .any(|e| e.entry.action == "withdraw_sharing_request"
                    && e.entry.operation == Operation::Alteration),
            "the withdrawal is logged as an alteration"
        );
        assert_eq!(
            denied(w.app.approve_disclosure(&spo("SPO1"), id, &ctx())),
            DenyCode::StateForbids
        );
        assert!(matches!(
            w.app.disclosure_package(&po1(), id, &ctx()),
            Err(AppError::Gone(_))
        ));
        assert!(matches!(
            w.app.withdraw_sharing_request(&po1(), id, "again", &ctx()),
            Err(AppError::Denied(d)) if d.code == DenyCode::StateForbids
        ));
    }
    // A released request can no longer be withdrawn.
    for w in worlds() {
        let (id, package) = drafted(&w, &po1(), Urgency::Standard);
        review_all(&w, &po1(), id, &package);
        w.app
            .approve_disclosure(&spo("SPO1"), id, &ctx())
            .expect("approve");
        w.app
            .release_disclosure(&po1(), id, &release(), &ctx())
            .expect("release");
        assert!(matches!(
            w.app
                .withdraw_sharing_request(&po1(), id, "too late", &ctx()),
            Err(AppError::Denied(d)) if d.code == DenyCode::StateForbids
        ));
    }
}

#[test]
fn an_expired_package_is_gone_its_content_purged_and_its_record_kept() {
    for w in worlds() {
        let (id, package) = drafted(&w, &po1(), Urgency::Standard);
        review_all(&w, &po1(), id, &package);
        w.app
            .approve_disclosure(&spo("SPO1"), id, &ctx())
            .expect("approve");
        let released = w
            .app
            .release_disclosure(&po1(), id, &release(), &ctx())
            .expect("release");
        // The history cannot be rewritten while the package is live, nor any other document's.
        let store = w.app.store();
        assert!(
            store
                .purge_document_history(DocumentKind::DisclosurePackage, released.id)
                .is_err()
        );
        assert!(
            store
                .purge_document_history(DocumentKind::SharingRequest, id)
                .is_err()
        );
        assert!(matches!(
            store.purge_document_history(DocumentKind::DisclosurePackage, Uuid::from_u128(9)),
            Err(StoreError::NotFound { .. })
        ));
        let before = store
            .document_history(DocumentKind::DisclosurePackage, released.id)
            .expect("history");
        assert!(before.len() >= 3, "{before:?}");
        assert!(
            before
                .iter()
                .any(|r| r.body.to_string().contains("Analysis"))
        );
        // Served until the moment it expires.
        w.clock.advance(Duration::days(29));
        assert!(w.app.disclosure_package(&po1(), id, &ctx()).is_ok());
        w.clock.advance(Duration::days(1));
        let gone = w.app.disclosure_package(&po1(), id, &ctx());
        assert!(matches!(gone, Err(AppError::Gone(_))), "{gone:?}");
        // The manifest and hash stay; the content is gone; the request is Expired.
        let SharingView::Full(case) = w.app.sharing_request(&po1(), id, &ctx()).expect("read")
        else {
            panic!("the case manager sees the request in full");
        };
        assert_eq!(case.request.state, RequestState::Expired);
        let kept = case.package.expect("manifest kept");
        assert_eq!(kept.status, PackageStatus::Expired);
        assert_eq!(kept.content_sha256, released.content_sha256);
        assert!(kept.items.iter().all(|i| i.value.is_empty()));
        assert_eq!(kept.included_elements(), released.included_elements());
        // No earlier revision keeps the content either; the revisions themselves remain.
        let after = w
            .app
            .store()
            .document_history(DocumentKind::DisclosurePackage, released.id)
            .expect("history");
        assert_eq!(after.len(), before.len() + 1);
        for revision in &after {
            let purged: DisclosurePackage =
                serde_json::from_value(revision.body.clone()).expect("package");
            assert!(purged.items.iter().all(|i| i.value.is_empty()));
            assert_eq!(purged.content_sha256, released.content_sha256);
        }
        // Still gone on the next read; the purge is logged once and the disclosure row remains.
        assert!(matches!(
            w.app.disclosure_package(&po1(), id, &ctx()),
            Err(AppError::Gone(_))
        ));
        let audit = person_audit(&w);
        assert_eq!(
            audit
                .iter()
                .filter(|e| e.entry.operation == Operation::Erasure)
                .count(),
            1
        );
        assert_eq!(
            audit
                .iter()
                .filter(|e| e.entry.operation == Operation::Disclosure)
                .count(),
            1
        );
    }
}

#[test]
fn a_case_administrator_reads_only_a_requests_identifiers() {
    for w in worlds() {
        let admin = staff("CA1", Role::CaseAdministrator, 0);
        let request = w
            .app
            .record_sharing_request(
                &admin,
                w.person.id,
                request_draft(Urgency::Standard),
                &ctx(),
            )
            .expect("a case administrator records a request");
        let id = request.record.id;
        match w.app.sharing_request(&admin, id, &ctx()).expect("read") {
            SharingView::Metadata(summary) => {
                assert_eq!(summary.id, id);
                assert_eq!(summary.crn, "X123456");
                assert_eq!(summary.state, RequestState::Received);
                let json = serde_json::to_string(&summary).expect("json");
                assert!(
                    !json.contains("Section 47") && !json.contains("Child One"),
                    "{json}"
                );
            }
            SharingView::Full(_) => panic!("a case administrator sees identifiers only"),
        }
        let inbox = w.app.sharing_inbox(&admin, 10, &ctx()).expect("inbox");
        assert!(matches!(inbox.as_slice(), [SharingView::Metadata(_)]));
        assert!(matches!(
            w.app.sharing_request(&po1(), id, &ctx()).expect("read"),
            SharingView::Full(_)
        ));
        // Each read is a consultation of the person, logged as such.
        let audit = person_audit(&w);
        assert!(audit.iter().any(|e| e.entry.actor == "CA1"
            && e.entry.operation == Operation::Consultation
            && e.entry.action == "view_identifiers"));
        assert!(audit.iter().any(|e| e.entry.actor == "PO1"
            && e.entry.operation == Operation::Consultation
            && e.entry.action == "view_sharing_request"));
        // An unrelated practitioner is refused.
        let mut stranger = Actor::new("PO9", Role::Practitioner, "AREA9");
        stranger.grade = Rank::new(3).ok();
        assert!(matches!(
            w.app.sharing_request(&stranger, id, &ctx()),
            Err(AppError::Denied(_))
        ));
    }
}

#[test]
fn the_operators_sweep_purges_the_expired_packages_nobody_asked_for() {
    for w in worlds() {
        let (id, package) = drafted(&w, &po1(), Urgency::Standard);
        review_all(&w, &po1(), id, &package);
        w.app
            .approve_disclosure(&spo("SPO1"), id, &ctx())
            .expect("approve");
        let released = w
            .app
            .release_disclosure(&po1(), id, &release(), &ctx())
            .expect("release");
        let operator = Actor::new("operator:test", Role::Administrator, "");
        assert_eq!(
            w.app
                .purge_expired_disclosures(&operator, &ctx())
                .expect("sweep"),
            0,
            "nothing has expired yet"
        );
        w.clock.advance(Duration::days(30));
        assert_eq!(
            w.app
                .purge_expired_disclosures(&operator, &ctx())
                .expect("sweep"),
            1
        );
        assert_eq!(
            w.app
                .purge_expired_disclosures(&operator, &ctx())
                .expect("sweep again"),
            0,
            "a package is purged once"
        );
        assert_eq!(request_state(&w, id), RequestState::Expired);
        let history = w
            .app
            .store()
            .document_history(DocumentKind::DisclosurePackage, released.id)
            .expect("history");
        assert!(
            history
                .iter()
                .all(|r| !r.body.to_string().contains("Analysis")),
            "{history:?}"
        );
        let erasures: Vec<AuditEntry> = person_audit(&w)
            .into_iter()
            .filter(|e| e.entry.operation == Operation::Erasure)
            .collect();
        assert_eq!(erasures.len(), 1);
        assert_eq!(erasures[0].entry.actor, "operator:test");
        assert!(matches!(
            w.app.disclosure_package(&po1(), id, &ctx()),
            Err(AppError::Gone(_))
        ));
    }
}

#[test]
fn a_release_whose_disclosure_row_cannot_be_written_does_not_happen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("oasys.db");
    let url = format!("sqlite://{}", path.display());
    let w = world(Database::open(&url).expect("open sqlite"), None, dir);
    let (id, package) = drafted(&w, &po1(), Urgency::Standard);
    review_all(&w, &po1(), id, &package);
    w.app
        .approve_disclosure(&spo("SPO1"), id, &ctx())
        .expect("approve");
    // Failure injection: the audit log refuses the disclosure row.
    let mut side = diesel::SqliteConnection::establish(&path.display().to_string())
        .expect("second connection");
    side.batch_execute(
        "CREATE TRIGGER inject_disclosure_failure BEFORE INSERT ON audit_log \
         WHEN NEW.operation = 'disclosure' BEGIN SELECT RAISE(ABORT, 'injected'); END;",
    )
    .expect("inject");
    let failed = w.app.release_disclosure(&po1(), id, &release(), &ctx());
    assert!(failed.is_err(), "{failed:?}");
    // Nothing changed: the package is still approved and the request too.
    let SharingView::Full(case) = w.app.sharing_request(&po1(), id, &ctx()).expect("read") else {
        panic!("the case manager sees the request in full");
    };
    assert_eq!(case.request.state, RequestState::Approved);
    let kept = case.package.expect("package");
    assert_eq!(kept.status, PackageStatus::Approved);
    assert!(kept.released_at.is_none() && kept.released_to.is_empty());
    side.batch_execute("DROP TRIGGER inject_disclosure_failure;")
        .expect("remove the injection");
    w.app
        .release_disclosure(&po1(), id, &release(), &ctx())
        .expect("release once the log works");
    assert_eq!(
        person_audit(&w)
            .iter()
            .filter(|e| e.entry.operation == Operation::Disclosure)
            .count(),
        1
    );
}
