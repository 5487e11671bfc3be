//! Test databases (a temp SQLite file, or a fresh PostgreSQL database dropped on `Drop`) and
//! fixtures: people, assessments and audit entries.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};
use oasys_app::{AuditOutcome, NewAuditEntry, Operation};
use oasys_assessment_model::identifiers::pnc_check_letter;
use oasys_assessment_model::*;
use oasys_storage::{Backend, Database};
use uuid::Uuid;

/// The variable `cargo xtask ci` sets after starting PostgreSQL.
pub const PG_VAR: &str = "OASYS_TEST_POSTGRES_URL";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A database for one test; dropped (file or PostgreSQL database) at the end.
pub struct TestDb {
    db: Option<Database>,
    pub url: String,
    pub backend: Backend,
    admin_url: Option<String>,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("oasys_test_{}_{n}_{nanos}", std::process::id())
}

/// The base URL with its database name replaced.
pub fn with_database(base: &str, name: &str) -> String {
    let (before_query, query) = base.split_once('?').map_or((base, ""), |(b, q)| (b, q));
    let prefix = before_query
        .rsplit_once('/')
        .map_or(before_query, |(p, _)| p);
    if query.is_empty() {
        format!("{prefix}/{name}")
    } else {
        format!("{prefix}/{name}?{query}")
    }
}

/// The PostgreSQL server URL, or a failure telling how to get one.
pub fn pg_base_url() -> String {
    match std::env::var(PG_VAR) {
        Ok(url) if !url.is_empty() => url,
        _ => panic!(
            "{PG_VAR} is not set: the PostgreSQL half of the storage contract suite needs a server. \
             Run `cargo xtask ci` (it starts one on 127.0.0.1:54329), or \
             `export $(cargo xtask postgres)` and run cargo test again."
        ),
    }
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("oasys.db");
        let url = format!("sqlite://{}", path.display());
        let db = Database::open(&url).expect("open sqlite");
        Self {
            db: Some(db),
            url,
            backend: Backend::Sqlite,
            admin_url: None,
            name: String::new(),
            _dir: Some(dir),
        }
    }

    /// An empty PostgreSQL database (not migrated) and its URL.
    pub fn empty_postgres() -> (String, String, String) {
        let base = pg_base_url();
        let name = unique_name();
        let mut admin = PgConnection::establish(&base).expect("connect to the PostgreSQL server");
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create a test database");
        let url = with_database(&base, &name);
        (base, name, url)
    }

    pub fn postgres() -> Self {
        let (base, name, url) = Self::empty_postgres();
        let db = Database::open(&url).expect("open postgres");
        Self {
            db: Some(db),
            url,
            backend: Backend::Postgres,
            admin_url: Some(base),
            name,
            _dir: None,
        }
    }

    /// An empty target of the same backend (no schema), dropped the same way; for restores.
    pub fn empty_like(&self) -> Self {
        match self.backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("restored.db").display());
                Self {
                    db: None,
                    url,
                    backend: Backend::Sqlite,
                    admin_url: None,
                    name: String::new(),
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let (base, name, url) = Self::empty_postgres();
                Self {
                    db: None,
                    url,
                    backend: Backend::Postgres,
                    admin_url: Some(base),
                    name,
                    _dir: None,
                }
            }
        }
    }

    /// Holds a database opened elsewhere (e.g. by a restore).
    pub fn set(&mut self, db: Database) {
        self.db = Some(db);
    }

    pub fn db(&self) -> &Database {
        self.db.as_ref().expect("database is open")
    }

    /// Runs raw SQL on a separate connection, bypassing the repositories.
    pub fn raw(&self, sql: &str) -> Result<(), diesel::result::Error> {
        match self.backend {
            Backend::Sqlite => {
                let path = self.url.trim_start_matches("sqlite://");
                let mut c = SqliteConnection::establish(path).expect("raw sqlite connection");
                c.batch_execute(sql)
            }
            Backend::Postgres => {
                let mut c = PgConnection::establish(&self.url).expect("raw pg connection");
                c.batch_execute(sql)
            }
        }
    }

    /// Runs a raw query whose one row has one integer column `n`, on a separate connection.
    pub fn count(&self, sql: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let query = diesel::sql_query(sql);
        let row: Count = match self.backend {
            Backend::Sqlite => {
                let path = self.url.trim_start_matches("sqlite://");
                let mut c = SqliteConnection::establish(path).expect("raw sqlite connection");
                diesel::RunQueryDsl::get_result(query, &mut c)
            }
            Backend::Postgres => {
                let mut c = PgConnection::establish(&self.url).expect("raw pg connection");
                diesel::RunQueryDsl::get_result(query, &mut c)
            }
        }
        .expect("count query");
        row.n
    }

    /// Drops the audit triggers, as an attacker with database access would.
    pub fn disable_audit_triggers(&self) {
        let sql = match self.backend {
            Backend::Sqlite => {
                "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; \
                 DROP TRIGGER audit_chain_forward;"
            }
            Backend::Postgres => {
                "ALTER TABLE audit_log DISABLE TRIGGER USER; \
                 ALTER TABLE audit_chain DISABLE TRIGGER USER;"
            }
        };
        self.raw(sql).expect("disable triggers");
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        self.db = None;
        if let Some(admin) = &self.admin_url
            && let Ok(mut c) = PgConnection::establish(admin)
        {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}

pub fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day.clamp(1, 28), 9, 0, 0)
        .single()
        .expect("valid time")
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn pnc(n: u64) -> Pnc {
    let serial = 1_000_000 + n % 1_000_000;
    Pnc::parse(&format!("2012/{serial:07}{}", pnc_check_letter(12, serial))).expect("valid pnc")
}

/// Person number `n` (ids, CRN, NOMIS id and PNC derived from `n`).
pub fn person(n: u64, family: &str, given: &str) -> Person {
    let crn = Crn::parse(&format!("X{:06}", n % 1_000_000)).expect("crn");
    let nomis = NomisId::parse(&format!("A{:04}BC", n % 10_000)).expect("nomis");
    Person {
        id: Uuid::from_u128(u128::from(n) + 1_000),
        ids: CaseIds::new(Some(crn), Some(nomis), Some(pnc(n))).expect("ids"),
        family_name: Name::parse(family).expect("family"),
        given_name: Name::parse(given).expect("given"),
        date_of_birth: date(1990, 5, 1),
        gender: Gender::Male,
        location: Location::Community {
            pdu: OrgCode::parse("PDU1").expect("pdu"),
            team: OrgCode::parse("TEAM1").expect("team"),
        },
        ethnicity: None,
        sexually_motivated_offence_history: Some(false),
        sentence: None,
    }
}

pub fn team(code: &str) -> OrgCode {
    OrgCode::parse(code).expect("team code")
}

/// An Open assessment `n` of `person` by `assessor` in `team_code`, created on `day`.
pub fn assessment(
    n: u64,
    person: &Person,
    assessor: &str,
    team_code: &str,
    day: u32,
) -> Assessment {
    Assessment::create(
        NewAssessment {
            id: Uuid::from_u128(u128::from(n) + 1_000_000),
            layer: Layer::Layer3Full,
            purpose: Purpose::StartOfCommunityOrder,
            question_set_version: CURRENT_VERSION.to_owned(),
            predictor_set_version: "v4.11".to_owned(),
            team: team(team_code),
            assessor: assessor.to_owned(),
            assessment_date: at(day).date_naive(),
            court_report: CourtReportTemplate::None,
        },
        person,
        at(day),
    )
    .expect("create assessment")
}

pub fn actor(id: &str) -> Actor {
    Actor {
        id: id.to_owned(),
        rank: Rank::new(3).expect("rank"),
        signing_level: None,
    }
}

/// The next version: one answer changed through the domain.
pub fn answered(a: &Assessment, value: u8) -> Assessment {
    let mut next = a.clone();
    let by = actor(&a.header().assessor);
    next.apply(
        &by,
        at(10),
        Command::Answer {
            code: "3.4".into(),
            value: AnswerValue::Problems(value % 3),
        },
    )
    .expect("answer");
    next
}

/// The same document moved to `state` with the version bumped (a stand-in for signing).
pub fn with_state(a: &Assessment, state: &State) -> Assessment {
    let mut doc = serde_json::to_value(a).expect("to json");
    doc["state"] = serde_json::to_value(state).expect("state");
    doc["version"] = serde_json::json!(a.version() + 1);
    serde_json::from_value(doc).expect("from json")
}

pub fn entry(n: u128, person: Option<Uuid>, day: u32) -> NewAuditEntry {
    NewAuditEntry {
        event_id: Uuid::from_u128(n + 9_000_000),
        occurred_at: at(day),
        actor: "PO1".to_owned(),
        actor_role: "practitioner".to_owned(),
        correlation_id: Some(format!("req-{n}")),
        operation: Operation::Consultation,
        action: "person.view".to_owned(),
        subject_person: person,
        subject_ref: None,
        recipients: Vec::new(),
        justification: None,
        outcome: AuditOutcome::Allowed,
        details: serde_json::json!({ "page": "summary", "n": n as u64 }),
    }
}
