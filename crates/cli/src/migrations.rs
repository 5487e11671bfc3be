//! Migration state read over a plain connection, so `oasys db status` can show what is pending
//! without applying it (opening a `Database` runs every pending migration).

use anyhow::{Context, Result, anyhow};
use diesel::backend::Backend as DieselBackend;
use diesel::migration::MigrationSource;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection, sql_query};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};
use oasys_storage::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

use crate::config::{redact, sqlite_path};

/// Which of this binary's migrations a database has, by name, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MigrationState {
    pub(crate) applied: Vec<String>,
    pub(crate) pending: Vec<String>,
}

/// Reads the migration state of `url` without migrating (the SQLite file is created if absent).
pub(crate) fn state(url: &str) -> Result<MigrationState> {
    match sqlite_path(url) {
        Some(path) => {
            let mut conn = SqliteConnection::establish(path)
                .with_context(|| format!("cannot open the SQLite database {path}"))?;
            state_of(&mut conn, SQLITE_MIGRATIONS)
        }
        None => {
            let mut conn = PgConnection::establish(url)
                .with_context(|| format!("cannot connect to {}", redact(url)))?;
            state_of(&mut conn, POSTGRES_MIGRATIONS)
        }
    }
}

fn state_of<DB, C>(conn: &mut C, source: EmbeddedMigrations) -> Result<MigrationState>
where
    DB: DieselBackend,
    C: MigrationHarness<DB>,
    EmbeddedMigrations: MigrationSource<DB>,
{
    let mut known: Vec<String> = MigrationSource::<DB>::migrations(&source)
        .map_err(|e| anyhow!("cannot read the embedded migrations: {e}"))?
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    known.sort();
    let pending: Vec<String> = conn
        .pending_migrations(source)
        .map_err(|e| anyhow!("cannot read the applied migrations: {e}"))?
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    let applied = known.into_iter().filter(|n| !pending.contains(n)).collect();
    Ok(MigrationState { applied, pending })
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// The number of tables in a PostgreSQL database's current schema (0 for a fresh database).
pub(crate) fn pg_table_count(url: &str) -> Result<i64> {
    let mut conn = PgConnection::establish(url)
        .with_context(|| format!("cannot connect to {}", redact(url)))?;
    sql_query(
        "SELECT COUNT(*) AS n FROM information_schema.tables \
         WHERE table_schema = current_schema()",
    )
    .get_result::<Count>(&mut conn)
    .map(|c| c.n)
    .context("cannot list the target's tables")
}
