//! Operator functions: integrity check (SQLite `integrity_check` + `foreign_key_check`, portable
//! consistency queries, the audit chain), online backup and restore for both backends.

use std::path::{Path, PathBuf};
use std::process::Command;

use diesel::connection::SimpleConnection;
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection, sql_query};
use oasys_app::{AuditLog, ChainReport, StoreError};
use sha2::{Digest, Sha256};

use crate::assessments::hex;
use crate::conn::{Backend, DbConnection, Target};
use crate::db::{Database, backend_error};

/// What `integrity_check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrityReport {
    /// Storage-level problems (empty when none).
    pub problems: Vec<String>,
    /// The audit chain's verdict.
    pub audit: ChainReport,
}

impl IntegrityReport {
    /// No problem and an intact audit chain.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty() && matches!(self.audit, ChainReport::Intact { .. })
    }
}

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupManifest {
    /// The backend it came from.
    pub backend: Backend,
    /// The backup file (SQLite database file or `pg_dump` custom-format archive), mode 0600.
    pub path: PathBuf,
    /// SHA-256 of the file (hex).
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

#[derive(QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    value: String,
}

/// Runs a query returning one text column named `value`, on either backend.
fn texts(conn: &mut DbConnection, sql: &str) -> Result<Vec<String>, StoreError> {
    let rows = match conn {
        DbConnection::Sqlite(c) => sql_query(sql).load::<Text>(c),
        DbConnection::Pg(c) => sql_query(sql).load::<Text>(c),
    };
    rows.map(|r| r.into_iter().map(|t| t.value).collect())
        .map_err(|e| backend_error("integrity query failed", e))
}

/// Portable consistency checks: each names what it found, by table and id only.
const CHECKS: &[(&str, &str)] = &[
    (
        "assessment without its person",
        "SELECT a.id AS value FROM assessments a LEFT JOIN people p ON p.id = a.person_id \
         WHERE p.id IS NULL",
    ),
    (
        "assessment whose current version is not in its history",
        "SELECT a.id AS value FROM assessments a LEFT JOIN assessment_versions v \
         ON v.assessment_id = a.id AND v.version = a.version WHERE v.assessment_id IS NULL",
    ),
    (
        "history newer than the current version",
        "SELECT v.assessment_id AS value FROM assessment_versions v JOIN assessments a \
         ON a.id = v.assessment_id WHERE v.version > a.version",
    ),
    (
        "assessment event newer than the current version",
        "SELECT DISTINCT e.assessment_id AS value FROM assessment_events e JOIN assessments a \
         ON a.id = e.assessment_id WHERE e.version > a.version",
    ),
    (
        "person with more than one current allocation",
        "SELECT person_id AS value FROM allocations WHERE ended_at IS NULL \
         GROUP BY person_id HAVING COUNT(*) > 1",
    ),
    (
        "document whose current revision is not in its history",
        "SELECT d.id AS value FROM documents d LEFT JOIN document_revisions r \
         ON r.document_id = d.id AND r.revision = d.revision WHERE r.document_id IS NULL",
    ),
    (
        "document history newer than the current revision",
        "SELECT r.document_id AS value FROM document_revisions r JOIN documents d \
         ON d.id = r.document_id WHERE r.revision > d.revision",
    ),
];

fn sha256_file(path: &Path) -> Result<(String, u64), StoreError> {
    let bytes = std::fs::read(path).map_err(|e| backend_error("could not read the backup", e))?;
    Ok((hex(&Sha256::digest(&bytes)), bytes.len() as u64))
}

fn private(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| backend_error("could not restrict the backup's permissions", e))
}

fn sql_string(path: &Path) -> Result<String, StoreError> {
    let text = path.to_str().ok_or_else(|| StoreError::Invalid {
        reason: "the backup path is not UTF-8".to_owned(),
    })?;
    Ok(format!("'{}'", text.replace('\'', "''")))
}

/// A PostgreSQL client program: on PATH, else the newest under /usr/lib/postgresql.
fn pg_program(name: &str) -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let p = e.path().join("bin").join(name);
            p.exists().then_some((v, p))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map_or_else(|| PathBuf::from(name), |(_, p)| p)
}

/// Points a PostgreSQL client tool at the database of `url`. The password travels in the
/// child's environment (`PGPASSWORD`), never on its command line where `ps` would show it.
fn pg_connection(cmd: &mut Command, url: &str) -> Result<(), StoreError> {
    let mut parsed = url::Url::parse(url)
        .map_err(|e| StoreError::Backend(format!("not a PostgreSQL URL: {e}")))?;
    if let Some(password) = parsed.password() {
        let password = percent_encoding::percent_decode_str(password)
            .decode_utf8()
            .map_err(|e| StoreError::Backend(format!("the URL's password is not UTF-8: {e}")))?
            .into_owned();
        cmd.env("PGPASSWORD", password);
        parsed.set_password(None).map_err(|()| {
            StoreError::Backend("cannot remove the password from the URL".to_owned())
        })?;
    }
    cmd.arg("--dbname").arg(parsed.as_str());
    Ok(())
}

fn run_tool(mut cmd: Command, what: &str) -> Result<(), StoreError> {
    let out = cmd
        .output()
        .map_err(|e| backend_error(&format!("could not run {what}"), e))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(StoreError::Backend(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// The main tables `row_counts` reports: the case records, then the imported reoffending
/// outcomes, then the audit log.
const COUNTED: &[&str] = &[
    "people",
    "allocations",
    "assessments",
    "assessment_versions",
    "assessment_events",
    "documents",
    "document_revisions",
    "outcomes",
    "audit_log",
];

impl Database {
    /// Rows in each main table (name, count), in schema order: what `oasys db status` shows.
    pub fn row_counts(&self) -> Result<Vec<(&'static str, u64)>, StoreError> {
        let mut conn = self.conn()?;
        COUNTED
            .iter()
            .map(|table| {
                let sql = format!("SELECT CAST(COUNT(*) AS TEXT) AS value FROM {table}");
                let count = texts(&mut conn, &sql)?
                    .first()
                    .and_then(|n| n.parse::<u64>().ok())
                    .unwrap_or(0);
                Ok((*table, count))
            })
            .collect()
    }

    /// Checks the storage (SQLite page and foreign-key checks; portable consistency queries on
    /// both) and verifies the audit chain.
    pub fn integrity_check(&self) -> Result<IntegrityReport, StoreError> {
        let mut problems = Vec::new();
        {
            let mut conn = self.conn()?;
            if let DbConnection::Sqlite(_) = &mut *conn {
                let pages = texts(
                    &mut conn,
                    "SELECT integrity_check AS value FROM pragma_integrity_check",
                )?;
                problems.extend(
                    pages
                        .into_iter()
                        .filter(|r| r != "ok")
                        .map(|r| format!("integrity: {r}")),
                );
                let keys = texts(
                    &mut conn,
                    "SELECT \"table\" AS value FROM pragma_foreign_key_check",
                )?;
                problems.extend(
                    keys.into_iter()
                        .map(|t| format!("foreign key broken in {t}")),
                );
            }
            for (what, sql) in CHECKS {
                problems.extend(
                    texts(&mut conn, sql)?
                        .into_iter()
                        .map(|id| format!("{what}: {id}")),
                );
            }
        }
        let audit = self
            .verify()
            .map_err(|e| backend_error("audit verification failed", e))?;
        Ok(IntegrityReport { problems, audit })
    }

    /// Writes a consistent online backup to `dest` (which must not exist): SQLite `VACUUM INTO`
    /// (one read snapshot), PostgreSQL `pg_dump --format=custom` (one snapshot).
    pub fn backup(&self, dest: &Path) -> Result<BackupManifest, StoreError> {
        if dest.exists() {
            return Err(StoreError::Invalid {
                reason: format!("{} already exists", dest.display()),
            });
        }
        match &self.target {
            Target::Sqlite(_) => {
                let mut conn = self.conn()?;
                conn.batch_execute(&format!("VACUUM INTO {}", sql_string(dest)?))
                    .map_err(|e| backend_error("VACUUM INTO failed", e))?;
            }
            Target::Postgres(url) => {
                let mut cmd = Command::new(pg_program("pg_dump"));
                cmd.arg("--format=custom")
                    .arg("--no-owner")
                    .arg("--file")
                    .arg(dest);
                pg_connection(&mut cmd, url)?;
                run_tool(cmd, "pg_dump")?;
            }
        }
        private(dest)?;
        let (sha256, bytes) = sha256_file(dest)?;
        Ok(BackupManifest {
            backend: self.backend(),
            path: dest.to_path_buf(),
            sha256,
            bytes,
        })
    }

    /// Restores `backup` into `target_url` and opens it. SQLite: the target file must not exist.
    /// PostgreSQL: the target database must exist and be empty. The caller should then run
    /// `integrity_check`.
    pub fn restore(backup: &Path, target_url: &str) -> Result<Self, StoreError> {
        match Target::parse(target_url)? {
            Target::Sqlite(path) => {
                if Path::new(&path).exists() {
                    return Err(StoreError::Invalid {
                        reason: format!("{path} already exists"),
                    });
                }
                let source = backup.to_str().ok_or_else(|| StoreError::Invalid {
                    reason: "the backup path is not UTF-8".to_owned(),
                })?;
                let mut conn = SqliteConnection::establish(source)
                    .map_err(|e| backend_error("could not open the backup", e))?;
                conn.batch_execute(&format!("VACUUM INTO {}", sql_string(Path::new(&path))?))
                    .map_err(|e| backend_error("could not restore the backup", e))?;
            }
            Target::Postgres(url) => {
                let mut cmd = Command::new(pg_program("pg_restore"));
                cmd.args([
                    "--exit-on-error",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                ]);
                pg_connection(&mut cmd, &url)?;
                cmd.arg(backup);
                run_tool(cmd, "pg_restore")?;
            }
        }
        Self::open(target_url)
    }
}
