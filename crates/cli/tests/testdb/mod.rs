//! Databases for the operator tests: a temporary SQLite file always, and a fresh PostgreSQL
//! database per test as well when `OASYS_TEST_POSTGRES_URL` is set (`cargo xtask ci` sets it).
//! Fixtures (people, accounts) go straight through the storage crate.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{NaiveDate, Utc};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use oasys_app::{AccountProfile, AccountRepository, PersonRepository, UserAccount};
use oasys_assessment_model::{CaseIds, Crn, Gender, Location, Name, OrgCode, Person};
use oasys_sharing_policy::Role;
use oasys_storage::Database;
use uuid::Uuid;

/// The variable naming a PostgreSQL server for tests.
pub const PG_VAR: &str = "OASYS_TEST_POSTGRES_URL";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// One test's database: its URL, and what to drop at the end.
pub struct TestDb {
    pub url: String,
    pub backend: &'static str,
    dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl TestDb {
    /// A new SQLite file in a temporary directory (not created yet).
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("oasys.db").display());
        Self {
            url,
            backend: "sqlite",
            dir,
            pg: None,
        }
    }

    /// A new, empty PostgreSQL database on the server `base` names.
    pub fn postgres(base: &str) -> Self {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!("oasys_cli_test_{}_{n}_{nanos}", std::process::id());
        let mut admin = PgConnection::establish(base).expect("connect to the PostgreSQL server");
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create a test database");
        Self {
            url: with_database(base, &name),
            backend: "postgresql",
            dir: tempfile::tempdir().expect("temp dir"),
            pg: Some((base.to_owned(), name)),
        }
    }

    /// A scratch directory for files (and the working directory of the commands).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Opens (and migrates) the database.
    pub fn open(&self) -> Database {
        Database::open(&self.url).expect("open the test database")
    }

    /// Runs `oasys ARGS --database URL` with a clean environment.
    pub fn oasys(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_oasys"))
            .current_dir(self.dir())
            .args(args)
            .args(["--database", &self.url])
            .env_remove("OASYS_DATABASE_URL")
            .env_remove("OASYS_CONFIG")
            .env_remove("OASYS_FORMAT")
            .env("USER", "tester")
            .output()
            .expect("run oasys")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = &self.pg
            && let Ok(mut admin) = PgConnection::establish(base)
        {
            let _ =
                admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        }
    }
}

/// The base URL with its database name replaced.
fn with_database(base: &str, name: &str) -> String {
    let (before_query, query) = base.split_once('?').unwrap_or((base, ""));
    let prefix = before_query
        .rsplit_once('/')
        .map_or(before_query, |(p, _)| p);
    if query.is_empty() {
        format!("{prefix}/{name}")
    } else {
        format!("{prefix}/{name}?{query}")
    }
}

/// SQLite, then PostgreSQL when `OASYS_TEST_POSTGRES_URL` is set.
pub fn backends() -> Vec<TestDb> {
    let mut out = vec![TestDb::sqlite()];
    if let Ok(base) = std::env::var(PG_VAR)
        && !base.is_empty()
    {
        out.push(TestDb::postgres(&base));
    }
    out
}

/// A fictional person in a community team.
pub fn person(n: u32, team: &str) -> Person {
    Person {
        id: Uuid::from_u128(0x1000 + u128::from(n)),
        ids: CaseIds::new(
            Some(Crn::parse(&format!("T{n:06}")).expect("crn")),
            None,
            None,
        )
        .expect("ids"),
        family_name: Name::parse(&format!("Testperson{n}")).expect("name"),
        given_name: Name::parse("Alex").expect("name"),
        date_of_birth: NaiveDate::from_ymd_opt(1980, 1, 1 + n % 28).expect("date"),
        gender: Gender::Male,
        location: Location::Community {
            pdu: OrgCode::parse("PDU1").expect("org"),
            team: OrgCode::parse(team).expect("org"),
        },
        ethnicity: None,
        sexually_motivated_offence_history: Some(false),
        sentence: None,
    }
}

/// Stores people straight through the storage crate.
pub fn add_people(db: &Database, people: &[Person]) {
    for p in people {
        db.insert_person(p).expect("insert a person");
    }
}

/// Stores an account (with a placeholder hash: these tests never log in).
pub fn add_user(
    db: &Database,
    username: &str,
    role: Role,
    area: &str,
    teams: &[&str],
    manages: &[&str],
) {
    db.create_user(&UserAccount {
        username: username.to_owned(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$placeholder".to_owned(),
        profile: AccountProfile {
            role,
            grade: None,
            area: area.to_owned(),
            teams: teams
                .iter()
                .map(|t| (*t).to_owned())
                .collect::<BTreeSet<_>>(),
            managed_teams: manages.iter().map(|t| (*t).to_owned()).collect(),
        },
        disabled: false,
        created_at: Utc::now(),
    })
    .expect("create a user");
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The exit code, with stdout and stderr shown when it differs from `expected`.
pub fn assert_code(out: &Output, expected: i32) {
    assert_eq!(
        out.status.code(),
        Some(expected),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
}

/// Parses the JSON report on stdout.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(out)))
}
