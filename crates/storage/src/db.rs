//! `Database`: opening a store from a URL (pool, durability checks, migrations on open), and the
//! read / write helpers every repository method goes through.

use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel::sqlite::Sqlite;
use diesel::{QueryableByName, RunQueryDsl, sql_query};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use oasys_app::StoreError;

use crate::conn::{ACQUIRE_TIMEOUT, Backend, DbConnection, Manager, Target, store_error, write_tx};
use crate::group::GroupWriter;

/// The SQLite migrations (same names as the PostgreSQL ones).
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
/// The PostgreSQL migrations (same names as the SQLite ones).
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A pooled connection.
pub(crate) type Pooled = r2d2::PooledConnection<Manager>;

/// An open store: a connection pool to SQLite or PostgreSQL with the schema migrated.
pub struct Database {
    pub(crate) pool: r2d2::Pool<Manager>,
    pub(crate) target: Target,
    /// SQLite: the one connection every write goes through, with group commit (the pool then
    /// serves reads only). PostgreSQL commits concurrently, so writes use the pool.
    pub(crate) writer: Option<GroupWriter>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

pub(crate) fn backend_error(context: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("{context}: {e}"))
}

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = diesel::sql_types::Text)]
    value: String,
}

impl Database {
    /// Opens `sqlite://PATH` (or a bare path; the file is created) or `postgres://…`, checks the
    /// durability settings, and runs pending migrations.
    ///
    /// SQLite: `journal_mode=WAL` is set before the pool is built; every pooled connection gets
    /// `synchronous=FULL`, `foreign_keys=ON` and a 5 s `busy_timeout`. PostgreSQL: refuses to open
    /// when `fsync`, `full_page_writes` or `synchronous_commit` is off.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let target = Target::parse(url)?;
        let mut first = target
            .connect()
            .map_err(|e| backend_error("could not open the database", e))?;
        let pool_size = match &target {
            Target::Sqlite(_) => {
                first
                    .batch_execute("PRAGMA journal_mode = WAL;")
                    .map_err(|e| backend_error("could not enable WAL", e))?;
                4
            }
            Target::Postgres(_) => {
                check_pg_durability(&mut first)?;
                8
            }
        };
        run_migrations(&mut first)?;
        drop(first);
        // A PostgreSQL connection can be cut by the server (a restart, a failover), so it is tested
        // before each use; an SQLite connection is a file handle that stays good, and testing it
        // was a statement more on every call.
        let test_on_check_out = matches!(target, Target::Postgres(_));
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .test_on_check_out(test_on_check_out)
            .min_idle(Some(1))
            .connection_timeout(ACQUIRE_TIMEOUT)
            .build(Manager {
                target: target.clone(),
            })
            .map_err(|e| backend_error("could not build the connection pool", e))?;
        let writer = match &target {
            Target::Sqlite(_) => Some(GroupWriter::new(target.clone())),
            Target::Postgres(_) => None,
        };
        Ok(Self {
            pool,
            target,
            writer,
        })
    }

    /// Which backend this store uses.
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.target.backend()
    }

    /// Reverts every migration (tests and development only: it drops every table).
    pub fn revert_all_migrations(&self) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let result = match &mut *conn {
            DbConnection::Sqlite(c) => {
                MigrationHarness::<Sqlite>::revert_all_migrations(c, SQLITE_MIGRATIONS).map(|_| ())
            }
            DbConnection::Pg(c) => {
                MigrationHarness::<Pg>::revert_all_migrations(c, POSTGRES_MIGRATIONS).map(|_| ())
            }
        };
        result.map_err(|e| backend_error("could not revert migrations", e))
    }

    /// Reverts the newest applied migration (tests and development only: the data migrations'
    /// down and up again are checked with it).
    pub fn revert_last_migration(&self) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let result = match &mut *conn {
            DbConnection::Sqlite(c) => {
                MigrationHarness::<Sqlite>::revert_last_migration(c, SQLITE_MIGRATIONS).map(|_| ())
            }
            DbConnection::Pg(c) => {
                MigrationHarness::<Pg>::revert_last_migration(c, POSTGRES_MIGRATIONS).map(|_| ())
            }
        };
        result.map_err(|e| backend_error("could not revert a migration", e))
    }

    /// Runs pending migrations (done by `open`; exposed for the up / down / up check).
    pub fn run_pending_migrations(&self) -> Result<(), StoreError> {
        run_migrations(&mut *self.conn()?)
    }

    /// The names of the migrations applied, oldest first.
    pub fn applied_migrations(&self) -> Result<Vec<String>, StoreError> {
        let mut conn = self.conn()?;
        let applied = match &mut *conn {
            DbConnection::Sqlite(c) => MigrationHarness::<Sqlite>::applied_migrations(c),
            DbConnection::Pg(c) => MigrationHarness::<Pg>::applied_migrations(c),
        }
        .map_err(|e| backend_error("could not list migrations", e))?;
        let mut names: Vec<String> = applied.iter().map(ToString::to_string).collect();
        names.sort();
        Ok(names)
    }

    /// The names of the embedded migrations for this backend.
    pub fn known_migrations(&self) -> Result<Vec<String>, StoreError> {
        let migrations = match self.backend() {
            Backend::Sqlite => MigrationSource::<Sqlite>::migrations(&SQLITE_MIGRATIONS)
                .map(|m| m.iter().map(|m| m.name().to_string()).collect::<Vec<_>>()),
            Backend::Postgres => MigrationSource::<Pg>::migrations(&POSTGRES_MIGRATIONS)
                .map(|m| m.iter().map(|m| m.name().to_string()).collect::<Vec<_>>()),
        };
        migrations.map_err(|e| backend_error("could not read embedded migrations", e))
    }

    /// A pooled connection.
    pub(crate) fn conn(&self) -> Result<Pooled, StoreError> {
        self.pool
            .get()
            .map_err(|e| backend_error("no database connection available", e))
    }

    /// Runs a read on a pooled connection.
    pub(crate) fn read<T>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn()?;
        work(&mut conn)
    }

    /// Runs a write in its own transaction (on SQLite a savepoint of the writer's group commit).
    pub(crate) fn write<T>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if let Some(writer) = &self.writer {
            return writer.run(work);
        }
        let mut conn = self.conn()?;
        write_tx(&mut conn, |c| work(c).map_err(TxError::Store)).map_err(TxError::into_store)
    }

    /// Reads back the SQLite pragmas of one pooled connection: (journal_mode, synchronous,
    /// foreign_keys, busy_timeout); `None` on PostgreSQL.
    pub fn sqlite_pragmas(&self) -> Result<Option<(String, i64, i64, i64)>, StoreError> {
        let mut conn = self.conn()?;
        let DbConnection::Sqlite(c) = &mut *conn else {
            return Ok(None);
        };
        let mut read = |name: &str| -> Result<String, StoreError> {
            sql_query(format!(
                "SELECT CAST({name} AS TEXT) AS value FROM pragma_{name}"
            ))
            .get_result::<Setting>(c)
            .map(|s| s.value)
            .map_err(|e| backend_error("could not read a pragma", e))
        };
        let number = |s: String| s.parse::<i64>().unwrap_or(-1);
        let journal = read("journal_mode")?;
        let synchronous = number(read("synchronous")?);
        let foreign_keys = number(read("foreign_keys")?);
        let busy = sql_query("SELECT CAST(timeout AS TEXT) AS value FROM pragma_busy_timeout")
            .get_result::<Setting>(c)
            .map(|s| number(s.value))
            .map_err(|e| backend_error("could not read busy_timeout", e))?;
        Ok(Some((journal, synchronous, foreign_keys, busy)))
    }
}

/// A write's error: a repository error, or diesel failing to begin or commit.
pub(crate) enum TxError {
    Store(StoreError),
    Diesel(diesel::result::Error),
}

impl From<diesel::result::Error> for TxError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Diesel(e)
    }
}

impl TxError {
    pub(crate) fn into_store(self) -> StoreError {
        match self {
            Self::Store(e) => e,
            Self::Diesel(e) => store_error("transaction", e),
        }
    }
}

fn run_migrations(conn: &mut DbConnection) -> Result<(), StoreError> {
    let result = match conn {
        DbConnection::Sqlite(c) => {
            MigrationHarness::<Sqlite>::run_pending_migrations(c, SQLITE_MIGRATIONS).map(|_| ())
        }
        DbConnection::Pg(c) => {
            MigrationHarness::<Pg>::run_pending_migrations(c, POSTGRES_MIGRATIONS).map(|_| ())
        }
    };
    result.map_err(|e| backend_error("could not run migrations", e))
}

fn check_pg_durability(conn: &mut DbConnection) -> Result<(), StoreError> {
    let DbConnection::Pg(c) = conn else {
        return Ok(());
    };
    // `reset_val` is the server's (or role's, or database's) value, not the `SET` every pooled
    // connection makes, so a server configured with `synchronous_commit = off` is caught too.
    for name in ["fsync", "full_page_writes", "synchronous_commit"] {
        let value = sql_query("SELECT reset_val AS value FROM pg_settings WHERE name = $1")
            .bind::<diesel::sql_types::Text, _>(name)
            .get_result::<Setting>(c)
            .map_err(|e| backend_error("could not read a server setting", e))?
            .value;
        if value == "off" {
            return Err(StoreError::Backend(format!(
                "refusing to open: PostgreSQL {name} is off (acknowledged writes could be lost)"
            )));
        }
    }
    Ok(())
}
