//! The test world: a real SQLite database with one allocated person, staff in every role the
//! matrix needs (each with a stored session), and helpers that drive the router in-process.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use oasys_app::{
    AccountProfile, AccountRepository, App, Clock, IdGenerator, RequestContext, Session,
    UserAccount,
};
use oasys_assessment_model::{CaseIds, Crn, Gender, Location, Name, OrgCode, Person, Rank};
use oasys_sharing_policy::{
    Actor, Agency, AgencyKind, Channel, ChildAge, ChildConcerned, ChildRelationship, LaoLists,
    LegalBasis, PurposeKind, RequestDraft, Requester, Role, TemplateSection, Urgency,
};
use oasys_storage::Database;
use oasys_web::{AppState, SECURE_COOKIE, WebConfig, router, secret_hash};
use serde_json::Value;
use tower::ServiceExt;
use uuid::Uuid;

/// A clock tests can move.
#[derive(Clone)]
pub struct TestClock(pub Arc<Mutex<DateTime<Utc>>>);

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock")
    }
}

/// Ids from a counter.
pub struct Sequence(AtomicU64);

impl IdGenerator for Sequence {
    fn new_id(&self) -> Uuid {
        Uuid::from_u128(0x1_0000 + u128::from(self.0.fetch_add(1, Ordering::SeqCst)))
    }
}

pub const AREA: &str = "AREA1";
pub const TEAM: &str = "T1";
pub const PERSON: Uuid = Uuid::from_u128(1);
/// The person whose LAO exclusion list names `PO_EXCLUDED`.
pub const LAO_PERSON: Uuid = Uuid::from_u128(2);

/// Staff: allocated practitioner, same-area practitioner, other-area practitioner, a
/// practitioner allocated to the LAO case but excluded from it, case admin, analyst.
pub const PO: &str = "PO1";
pub const PO_SAME_AREA: &str = "PO2";
pub const PO_OTHER_AREA: &str = "PO3";
pub const PO_EXCLUDED: &str = "PO4";
pub const CASE_ADMIN: &str = "CA1";
pub const ANALYST: &str = "AN1";
/// An administrator and an auditor (outside the case matrix).
pub const ADMIN: &str = "ADM1";
pub const AUDITOR: &str = "AUD1";

pub struct World {
    pub router: Router,
    pub db: Database,
    pub clock: TestClock,
    /// The database's URL (to open more handles).
    pub url: String,
    _dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

/// A PostgreSQL database made for one test, dropped with it.
pub struct PgDatabase {
    base: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        use diesel::connection::SimpleConnection;
        use diesel::{Connection, PgConnection};
        if let Ok(mut admin) = PgConnection::establish(&self.base) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// The variable naming a PostgreSQL server for tests (`cargo xtask ci` sets it; `cargo xtask
/// postgres` prints it for local runs).
pub const PG_VAR: &str = "OASYS_TEST_POSTGRES_URL";

static PG_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh, empty PostgreSQL database on the server `base` names: its URL and its guard.
fn postgres_database(base: &str) -> (String, PgDatabase) {
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, PgConnection};
    let n = PG_COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let name = format!("oasys_web_test_{}_{n}_{nanos}", std::process::id());
    let mut admin = PgConnection::establish(base).expect("connect to the PostgreSQL server");
    admin
        .batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .expect("create a test database");
    let (before_query, query) = base.split_once('?').unwrap_or((base, ""));
    let prefix = before_query
        .rsplit_once('/')
        .map_or(before_query, |(p, _)| p);
    let url = if query.is_empty() {
        format!("{prefix}/{name}")
    } else {
        format!("{prefix}/{name}?{query}")
    };
    (
        url,
        PgDatabase {
            base: base.to_owned(),
            name,
        },
    )
}

/// The test world on SQLite, then on PostgreSQL when `OASYS_TEST_POSTGRES_URL` is set.
pub fn worlds() -> Vec<(&'static str, World)> {
    let mut out = vec![("sqlite", world())];
    if let Ok(base) = std::env::var(PG_VAR)
        && !base.is_empty()
    {
        let (url, guard) = postgres_database(&base);
        out.push((
            "postgresql",
            world_on(url, Some(guard), WebConfig::default()),
        ));
    }
    out
}

pub fn person(id: Uuid, crn: &str, family: &str) -> Person {
    Person {
        id,
        ids: CaseIds::new(Crn::parse(crn).ok(), None, None).expect("ids"),
        family_name: Name::parse(family).expect("name"),
        given_name: Name::parse("Sam").expect("name"),
        date_of_birth: NaiveDate::from_ymd_opt(1990, 1, 1).expect("date"),
        gender: Gender::Male,
        location: Location::Community {
            pdu: OrgCode::parse("PDU1").expect("pdu"),
            team: OrgCode::parse(TEAM).expect("team"),
        },
        ethnicity: None,
        sexually_motivated_offence_history: Some(false),
        sentence: None,
    }
}

pub fn profile(role: Role, area: &str) -> AccountProfile {
    AccountProfile {
        role,
        grade: Rank::new(3).ok().filter(|_| role.is_case_worker()),
        area: area.to_owned(),
        // Staff of another area work in another team.
        teams: BTreeSet::from([if area == AREA { TEAM } else { "T9" }.to_owned()]),
        managed_teams: BTreeSet::new(),
    }
}

/// The cookie header of `user`'s stored session.
pub fn cookie(user: &str) -> String {
    format!("{SECURE_COOKIE}=session-of-{user}")
}

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("time")
}

pub fn world() -> World {
    world_with(WebConfig::default())
}

/// The test world served with `config`.
pub fn world_with(config: WebConfig) -> World {
    world_on(String::new(), None, config)
}

/// The test world on the database at `url` (an empty string: a new SQLite file).
pub fn world_on(url: String, pg: Option<PgDatabase>, config: WebConfig) -> World {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = if url.is_empty() {
        format!("sqlite://{}", dir.path().join("oasys.db").display())
    } else {
        url
    };
    let store = Database::open(&url).expect("open sqlite");
    let clock = TestClock(Arc::new(Mutex::new(now())));
    let app = App::new(store, clock.clone(), Sequence(AtomicU64::new(0)));
    let ctx = RequestContext::default();
    let admin = Actor::new("ADMIN", Role::Administrator, AREA);
    let spo = {
        let mut a = Actor::new("SPO1", Role::SeniorProbationOfficer, AREA);
        a.managed_teams.insert(TEAM.to_owned());
        a.teams.insert(TEAM.to_owned());
        a
    };
    let team = OrgCode::parse(TEAM).expect("team");
    app.set_team_area(&admin, TEAM, AREA, &ctx)
        .expect("team area");
    for (id, crn, family, allocated) in [
        (PERSON, "X123456", "Example", PO),
        (LAO_PERSON, "X654321", "Sample", PO_EXCLUDED),
    ] {
        app.register_person(&admin, &person(id, crn, family), &ctx)
            .expect("register");
        app.allocate(&spo, id, allocated, &team, &ctx)
            .expect("allocate");
    }
    let lao = LaoLists {
        excluded: BTreeSet::from([PO_EXCLUDED.to_owned()]),
        restricted_to: BTreeSet::new(),
        exclusion_message: Some("You are excluded from this record".to_owned()),
        restriction_message: None,
    };
    app.set_lao(&admin, LAO_PERSON, &lao, None, &ctx)
        .expect("lao");
    let users = [
        (PO, Role::Practitioner, AREA),
        (PO_SAME_AREA, Role::Practitioner, AREA),
        (PO_OTHER_AREA, Role::Practitioner, "AREA9"),
        (PO_EXCLUDED, Role::Practitioner, AREA),
        (CASE_ADMIN, Role::CaseAdministrator, AREA),
        (ANALYST, Role::Analyst, AREA),
        (ADMIN, Role::Administrator, AREA),
        (AUDITOR, Role::Auditor, AREA),
    ];
    let store = app.store();
    for (user, role, area) in users {
        store
            .create_user(&UserAccount {
                username: user.to_owned(),
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$unusable".to_owned(),
                profile: profile(role, area),
                disabled: false,
                created_at: now(),
            })
            .expect("user");
        store
            .create_session(&Session {
                token_hash: secret_hash(&format!("session-of-{user}")),
                username: user.to_owned(),
                created_at: now(),
                last_seen_at: now(),
            })
            .expect("session");
    }
    let db = Database::open(&url).expect("second handle");
    let state = AppState::new(app, Arc::new(clock.clone()), config);
    World {
        router: router(state),
        db,
        clock,
        url,
        _dir: dir,
        _pg: pg,
    }
}

impl World {
    /// Another server instance over the same database and clock (what a second process behind
    /// the load balancer would be): it shares nothing with the first but the database.
    pub fn another_instance(&self) -> Router {
        let store = Database::open(&self.url).expect("open sqlite");
        let app = App::new(
            store,
            self.clock.clone(),
            Sequence(AtomicU64::new(1_000_000)),
        );
        router(AppState::new(
            app,
            Arc::new(self.clock.clone()),
            WebConfig::default(),
        ))
    }
}

/// A response, its headers and its JSON body (`Value::Null` when empty or not JSON).
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl World {
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }

    /// A request as `user` (None: anonymous) with an optional JSON body and extra headers.
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        user: Option<&str>,
        body: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(user) = user {
            builder = builder.header(header::COOKIE, cookie(user));
        }
        if body.is_some() {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
        }
        for (name, value) in extra {
            builder = builder.header(*name, *value);
        }
        let body = body.map_or_else(Body::empty, |b| Body::from(b.to_owned()));
        self.send(builder.body(body).expect("request")).await
    }

    pub async fn get(&self, uri: &str, user: &str) -> Reply {
        self.call(Method::GET, uri, Some(user), None, &[]).await
    }

    pub async fn put(&self, uri: &str, user: &str, body: &str, extra: &[(&str, &str)]) -> Reply {
        self.call(Method::PUT, uri, Some(user), Some(body), extra)
            .await
    }

    pub async fn post(&self, uri: &str, user: &str, body: &str, extra: &[(&str, &str)]) -> Reply {
        self.call(Method::POST, uri, Some(user), Some(body), extra)
            .await
    }

    /// Adds a senior probation officer managing `TEAM` (with a stored session, see `cookie`).
    pub fn add_spo(&self, username: &str) {
        let mut profile = profile(Role::SeniorProbationOfficer, AREA);
        profile.grade = None;
        profile.managed_teams.insert(TEAM.to_owned());
        self.db
            .create_user(&UserAccount {
                username: username.to_owned(),
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$unusable".to_owned(),
                profile,
                disabled: false,
                created_at: now(),
            })
            .expect("user");
        self.db
            .create_session(&Session {
                token_hash: secret_hash(&format!("session-of-{username}")),
                username: username.to_owned(),
                created_at: now(),
                last_seen_at: now(),
            })
            .expect("session");
    }

    /// Starts an assessment on `PERSON` as the allocated practitioner; returns its id and ETag.
    pub async fn new_assessment(&self) -> (Uuid, String) {
        let reply = self
            .post(
                &format!("/api/v1/people/{PERSON}/assessments"),
                PO,
                r#"{"layer":"layer3_full","purpose":"start_of_community_order"}"#,
                &[],
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        let etag = reply.headers[header::ETAG]
            .to_str()
            .expect("etag")
            .to_owned();
        let id = reply.body["header"]["id"]
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .expect("assessment id");
        (id, etag)
    }
}

/// A validator of `#/components/schemas/{name}` of the served OpenAPI document.
pub fn schema_of(name: &str) -> jsonschema::Validator {
    let document: serde_json::Value =
        serde_json::from_str(&oasys_web::openapi_json()).expect("document");
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{name}"),
        "components": document["components"],
    });
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

/// Asserts that `body` conforms to the named schema of the served OpenAPI document.
pub fn assert_conforms(name: &str, body: &serde_json::Value) {
    let errors: Vec<String> = schema_of(name)
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:?}\n{body}");
}

/// A children's services request (a section 47 enquiry about the subject's partner's child)
/// about the person with this CRN, received an hour before `now()`.
pub fn sharing_draft(crn: &str) -> RequestDraft {
    RequestDraft {
        id: Uuid::nil(),
        received_at: now() - chrono::Duration::hours(1),
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
        subject_crn: crn.to_owned(),
        children: vec![ChildConcerned {
            name: "Child One".into(),
            age: ChildAge::ApproximateYears(6),
            relationship: ChildRelationship::PartnersChild,
            la_reference: Some("C-1".into()),
        }],
        scope_requested: TemplateSection::ALL.into_iter().collect(),
        urgency: Urgency::Standard,
        due_override: None,
    }
}

/// [`sharing_draft`] as a client posts it: JSON without the id the server gives.
pub fn sharing_request_json(crn: &str) -> String {
    let mut value = serde_json::to_value(sharing_draft(crn)).expect("json");
    if let Some(object) = value.as_object_mut() {
        object.remove("id");
    }
    value.to_string()
}
