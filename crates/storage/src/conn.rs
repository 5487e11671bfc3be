//! The connection enum over SQLite and PostgreSQL, the r2d2 pool manager that prepares every
//! connection (durability pragmas), write transactions, and the mapping of diesel errors.

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, MultiConnection};
use oasys_app::StoreError;

/// One connection to either backend (vaultwarden style: one enum, one portable schema).
#[derive(MultiConnection)]
pub enum DbConnection {
    /// An SQLite connection.
    Sqlite(SqliteConnection),
    /// A PostgreSQL connection.
    Pg(PgConnection),
}

impl std::fmt::Debug for DbConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(_) => f.write_str("DbConnection::Sqlite"),
            Self::Pg(_) => f.write_str("DbConnection::Pg"),
        }
    }
}

/// Runs a diesel query on the connection inside a `DbConnection`, so that the query is typed for
/// that backend at compile time.
///
/// Through the `DbConnection` enum a query is rendered to SQL on every call (its statement is then
/// found in the cache by that text, and an UPDATE is prepared again each time); on the concrete
/// connection a query of static shape is found by its type, with no SQL built. Used on the paths
/// every request takes (authentication, loading an assessment and its case, the audit append).
/// `concrete!(conn, |c| query.first::<Row>(c))` expands the closure body once per backend.
macro_rules! concrete {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::conn::DbConnection::Sqlite($c) => $body,
            $crate::conn::DbConnection::Pg($c) => $body,
        }
    };
}
pub(crate) use concrete;

/// Which database a `Database` talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file (the embedded default).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Milliseconds SQLite waits for a lock before giving up (R3: at least 5 s).
pub const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

/// Where to connect, parsed from the URL given to `Database::open`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Sqlite(String),
    Postgres(String),
}

impl Target {
    /// `sqlite://PATH`, `sqlite:PATH`, `postgres://…`, `postgresql://…` or a bare file path.
    pub(crate) fn parse(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() || path.contains('?') || path == ":memory:" {
            return Err(StoreError::Invalid {
                reason: format!("not a usable database location: {url}"),
            });
        }
        Ok(Self::Sqlite(path.to_owned()))
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Opens one prepared connection.
    pub(crate) fn connect(&self) -> Result<DbConnection, DieselError> {
        match self {
            Self::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path).map_err(connection_error)?;
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};\
                     PRAGMA synchronous = FULL;\
                     PRAGMA foreign_keys = ON;"
                ))?;
                Ok(DbConnection::Sqlite(conn))
            }
            Self::Postgres(url) => {
                let url = without_gss_encryption(url);
                let mut conn = PgConnection::establish(&url).map_err(connection_error)?;
                conn.batch_execute("SET synchronous_commit = on; SET TIME ZONE 'UTC';")?;
                Ok(DbConnection::Pg(conn))
            }
        }
    }
}

/// `url` with `gssencmode=disable` unless it says otherwise. libpq's default (`prefer`) sets up
/// Kerberos for every connection even where the server offers no GSSAPI encryption; a process
/// that exits while the pool opens a connection in the background (any short `oasys` command)
/// could then abort inside Kerberos's exit handlers (`k5_mutex_lock` assertion). Deployments that
/// want GSSAPI encryption say so in the URL.
fn without_gss_encryption(url: &str) -> String {
    if url.contains("gssencmode=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}gssencmode=disable")
}

fn connection_error(e: diesel::ConnectionError) -> DieselError {
    DieselError::QueryBuilderError(format!("could not connect: {e}").into())
}

/// The r2d2 manager: every pooled connection gets the pragmas / settings of `Target::connect`.
#[derive(Debug)]
pub(crate) struct Manager {
    pub(crate) target: Target,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = DieselError;

    fn connect(&self) -> Result<DbConnection, DieselError> {
        self.target.connect()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), DieselError> {
        conn.batch_execute("SELECT 1")
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        <DbConnection as Connection>::TransactionManager::is_broken_transaction_manager(conn)
    }
}

/// Pool settings per backend: SQLite has one writer at a time (WAL readers run alongside), so a
/// small pool; PostgreSQL handles more. Acquiring waits at most `ACQUIRE_TIMEOUT` (spec R10:
/// about 2 s, then 503), so a request fails fast while the database is down instead of waiting
/// out the whole 10 s request limit.
pub(crate) const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// Runs `work` in a write transaction: `BEGIN IMMEDIATE` on SQLite (the writer lock is taken at
/// once, so no read-to-write upgrade can fail with SQLITE_BUSY), `BEGIN` on PostgreSQL. Inside an
/// open transaction it nests as a savepoint.
pub(crate) fn write_tx<T, E>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<DieselError>,
{
    let depth =
        <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn)
            .transaction_depth()
            .map_err(E::from)?;
    if depth.is_some() {
        return conn.transaction(work);
    }
    match conn {
        DbConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
        }
        DbConnection::Pg(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN")?;
        }
    }
    match work(conn) {
        Ok(value) => {
            <DbConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            // The work's error is the one to report; a failed rollback marks the connection
            // broken and the pool discards it.
            let _ = <DbConnection as Connection>::TransactionManager::rollback_transaction(conn);
            Err(e)
        }
    }
}

/// Runs `work` in a read transaction, one snapshot of the committed state: `BEGIN` on SQLite (in
/// WAL mode the snapshot is taken at the first read and never waits for the writer), `REPEATABLE
/// READ READ ONLY` on PostgreSQL. The transaction is rolled back afterwards: it wrote nothing.
pub(crate) fn read_tx<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> T,
) -> Result<T, DieselError> {
    match conn {
        DbConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN")?;
        }
        DbConnection::Pg(inner) => {
            AnsiTransactionManager::begin_transaction_sql(
                inner,
                "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
            )?;
        }
    }
    let value = work(conn);
    <DbConnection as Connection>::TransactionManager::rollback_transaction(conn)?;
    Ok(value)
}

/// Maps a diesel error: unique violations are conflicts, the rest is an opaque backend failure.
pub(crate) fn store_error(entity: &'static str, e: DieselError) -> StoreError {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            StoreError::Conflict {
                entity,
                reason: format!(
                    "duplicate key ({})",
                    info.constraint_name().unwrap_or(info.message())
                ),
                current_version: None,
            }
        }
        DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
            StoreError::NotFound {
                entity: "person",
                id: "referenced record".to_owned(),
            }
        }
        DieselError::DatabaseError(_, info) if info.message().contains("oasys: ") => {
            StoreError::Immutable {
                entity,
                id: String::new(),
                reason: info.message().to_owned(),
            }
        }
        DieselError::NotFound => StoreError::NotFound {
            entity,
            id: String::new(),
        },
        other => StoreError::Backend(format!("{entity}: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::without_gss_encryption;

    #[test]
    fn gss_encryption_is_off_unless_the_url_asks_for_it() {
        assert_eq!(
            without_gss_encryption("postgres://u:p@h:5432/db"),
            "postgres://u:p@h:5432/db?gssencmode=disable"
        );
        assert_eq!(
            without_gss_encryption("postgres://h/db?sslmode=require"),
            "postgres://h/db?sslmode=require&gssencmode=disable"
        );
        assert_eq!(
            without_gss_encryption("postgres://h/db?gssencmode=require"),
            "postgres://h/db?gssencmode=require"
        );
    }
}
