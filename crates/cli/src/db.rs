//! `oasys db migrate | status | backup | restore | verify`: the database's schema, an online
//! consistent backup, a checked restore into an empty target, and the integrity check.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use oasys_app::{ChainBreak, ChainReport};
use oasys_storage::{Backend, Database, IntegrityReport};
use serde::Serialize;
use serde_json::json;

use crate::Outcome;
use crate::config::{Common, Settings, redact, sqlite_path};
use crate::migrations;
use crate::output::{self, Row, list, row};

#[derive(Debug, clap::Args)]
pub(crate) struct DbArgs {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: DbCommand,
}

#[derive(Debug, Subcommand)]
enum DbCommand {
    /// Create the database if needed and apply every pending migration
    #[command(after_help = "\
Examples:
  oasys db migrate
  oasys db migrate --database sqlite:///var/lib/oasys/oasys.db
  OASYS_DATABASE_URL=postgres://oasys@db.internal/oasys oasys db migrate --format json

Exit status: 0 the schema is up to date, 2 the database could not be opened or migrated.")]
    Migrate,
    /// Show the backend, applied and pending migrations and row counts (changes nothing)
    #[command(after_help = "\
Examples:
  oasys db status
  oasys db status --database postgres://oasys@db.internal/oasys --format json

Exit status: 0 up to date, 1 migrations are pending (run `oasys db migrate`), 2 no database or
it could not be read.")]
    Status,
    /// Write an online, consistent backup to FILE and print its manifest (path, bytes, SHA-256)
    #[command(after_help = "\
Examples:
  oasys db backup /backups/oasys-$(date +%F).db
  oasys db backup --database postgres://oasys@db.internal/oasys /backups/oasys.dump

SQLite backups are database files (VACUUM INTO); PostgreSQL backups are pg_dump custom-format
archives. FILE must not exist; it is written with mode 0600. The server may keep running.
Exit status: 0 written, 2 error.")]
    Backup {
        /// The backup file to write (must not exist)
        file: PathBuf,
    },
    /// Restore a backup into an empty database (--database), then check it
    #[command(after_help = "\
Examples:
  oasys db restore /backups/oasys-2026-01-31.db --database sqlite://restored.db
  oasys db restore /backups/oasys.dump --database postgres://oasys@db.internal/oasys_restored

The target must be new: an SQLite file that does not exist yet, or a PostgreSQL database with
no tables (createdb it first). The restored database is then checked as `oasys db verify` does.
Exit status: 0 restored and intact, 1 restored but the check found problems, 2 error.")]
    Restore {
        /// The backup file (written by `oasys db backup`)
        file: PathBuf,
    },
    /// Check the database (pages, foreign keys, consistency) and the audit log's hash chain
    #[command(after_help = "\
Examples:
  oasys db verify
  oasys db verify --database postgres://oasys@db.internal/oasys --format json

Exit status: 0 intact, 1 a problem was found (the first is printed on stderr), 2 error.")]
    Verify,
}

pub(crate) fn run(args: &DbArgs) -> Result<Outcome> {
    let settings = args.common.resolve()?;
    match &args.command {
        DbCommand::Migrate => migrate(&settings),
        DbCommand::Status => status(&settings),
        DbCommand::Backup { file } => backup(&settings, file),
        DbCommand::Restore { file } => restore(&settings, file),
        DbCommand::Verify => verify(&settings),
    }
}

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgresql",
    }
}

/// Opens (and so migrates) the database, saying where the URL came from when it fails.
fn open(settings: &Settings) -> Result<Database> {
    Database::open(&settings.database).with_context(|| {
        format!(
            "cannot open the database {} (from {}): check the URL, that the file's directory \
             exists or the server is reachable, and that you may connect",
            redact(&settings.database),
            settings.database_source
        )
    })
}

/// Refuses to create an SQLite file for a command that only reads or checks one.
fn require_existing(settings: &Settings) -> Result<()> {
    if let Some(path) = sqlite_path(&settings.database)
        && !Path::new(path).exists()
    {
        bail!(
            "no database at {path} (from {}): create one with `oasys db migrate`, or point \
             --database at an existing one",
            settings.database_source
        );
    }
    Ok(())
}

fn migrate(settings: &Settings) -> Result<Outcome> {
    let before = migrations::state(&settings.database).with_context(|| {
        format!(
            "cannot read the migrations of {} (from {}): check the URL",
            redact(&settings.database),
            settings.database_source
        )
    })?;
    let db = open(settings)?;
    let after = migrations::state(&settings.database)?;
    let backend = backend_name(db.backend());
    let ran_now = if before.pending.is_empty() {
        "nothing to apply: up to date".to_owned()
    } else {
        list(&before.pending)
    };
    output::print(
        settings.format,
        &json!({
            "database": redact(&settings.database),
            "backend": backend,
            "applied_now": before.pending,
            "applied": after.applied,
            "pending": after.pending,
        }),
        &[
            row("database", redact(&settings.database)),
            row("backend", backend),
            row("applied now", ran_now),
            row("applied", list(&after.applied)),
        ],
    )?;
    Ok(Outcome::Success)
}

fn status(settings: &Settings) -> Result<Outcome> {
    require_existing(settings)?;
    let state = migrations::state(&settings.database).with_context(|| {
        format!(
            "cannot read the migrations of {} (from {})",
            redact(&settings.database),
            settings.database_source
        )
    })?;
    // Opening migrates, so row counts are read only when nothing is pending.
    let (backend, counts) = if state.pending.is_empty() {
        let db = open(settings)?;
        let counts = db.row_counts().context("cannot count the rows")?;
        (backend_name(db.backend()), Some(counts))
    } else if sqlite_path(&settings.database).is_some() {
        ("sqlite", None)
    } else {
        ("postgresql", None)
    };
    let mut rows: Vec<Row> = vec![
        row("database", redact(&settings.database)),
        row("backend", backend),
        row("migrations applied", list(&state.applied)),
        row("migrations pending", list(&state.pending)),
    ];
    if let Some(counts) = &counts {
        rows.extend(
            counts
                .iter()
                .map(|(table, n)| row(&format!("rows in {table}"), n)),
        );
    }
    let counts_json = counts.map(|c| {
        c.into_iter()
            .map(|(table, n)| (table.to_owned(), json!(n)))
            .collect::<serde_json::Map<_, _>>()
    });
    output::print(
        settings.format,
        &json!({
            "database": redact(&settings.database),
            "backend": backend,
            "migrations": { "applied": state.applied, "pending": state.pending },
            "rows": counts_json,
        }),
        &rows,
    )?;
    if state.pending.is_empty() {
        Ok(Outcome::Success)
    } else {
        eprintln!(
            "{} migration(s) pending: run `oasys db migrate` to apply them",
            state.pending.len()
        );
        Ok(Outcome::ProblemsFound)
    }
}

fn backup(settings: &Settings, file: &Path) -> Result<Outcome> {
    require_existing(settings)?;
    if file.exists() {
        bail!(
            "{} already exists: choose a new file name (a backup never overwrites)",
            file.display()
        );
    }
    let db = open(settings)?;
    let manifest = db.backup(file).with_context(|| {
        format!(
            "cannot write the backup to {} (check that its directory exists and is writable; \
             PostgreSQL needs pg_dump installed)",
            file.display()
        )
    })?;
    let backend = backend_name(manifest.backend);
    let path = manifest.path.display().to_string();
    output::print(
        settings.format,
        &json!({
            "backend": backend,
            "path": path,
            "bytes": manifest.bytes,
            "sha256": manifest.sha256,
        }),
        &[
            row("backend", backend),
            row("path", &path),
            row("bytes", manifest.bytes),
            row("sha256", &manifest.sha256),
        ],
    )?;
    Ok(Outcome::Success)
}

fn restore(settings: &Settings, file: &Path) -> Result<Outcome> {
    if !file.is_file() {
        bail!(
            "no backup at {}: give the file `oasys db backup` wrote",
            file.display()
        );
    }
    match sqlite_path(&settings.database) {
        Some(path) if Path::new(path).exists() => bail!(
            "the target {path} already exists: restore only into a new database (choose another \
             --database, or move the file away first)"
        ),
        Some(_) => {}
        None => {
            let tables = migrations::pg_table_count(&settings.database)?;
            if tables > 0 {
                bail!(
                    "the target {} is not empty ({tables} tables): restore only into an empty \
                     database (createdb a new one and pass it as --database)",
                    redact(&settings.database)
                );
            }
        }
    }
    let db = Database::restore(file, &settings.database).with_context(|| {
        format!(
            "cannot restore {} into {}",
            file.display(),
            redact(&settings.database)
        )
    })?;
    let report = db
        .integrity_check()
        .context("restored, but the integrity check could not run")?;
    print_check(settings, &report, Some(file))
}

fn verify(settings: &Settings) -> Result<Outcome> {
    require_existing(settings)?;
    let db = open(settings)?;
    let report = db
        .integrity_check()
        .context("the integrity check could not run")?;
    print_check(settings, &report, None)
}

/// What went wrong with the audit chain, in words.
pub(crate) fn chain_problem(chain: &ChainBreak) -> String {
    match chain {
        ChainBreak::Altered { seq } => format!("audit entry {seq} was altered"),
        ChainBreak::Missing { seq } => format!("audit entry {seq} is missing"),
        ChainBreak::OutOfOrder { seq } => format!("audit entry {seq} is out of order"),
        ChainBreak::Truncated { seq } => format!("audit entries from {seq} on were removed"),
    }
}

#[derive(Serialize)]
struct CheckJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    restored_from: Option<String>,
    database: String,
    ok: bool,
    problems: &'a [String],
    audit: &'a ChainReport,
}

/// Prints an integrity report; a problem makes the outcome `ProblemsFound`.
fn print_check(
    settings: &Settings,
    report: &IntegrityReport,
    restored_from: Option<&Path>,
) -> Result<Outcome> {
    let mut problems = report.problems.clone();
    let audit = match &report.audit {
        ChainReport::Intact { entries, head_hash } => {
            format!("intact: {entries} entries, head {head_hash}")
        }
        ChainReport::Broken(chain) => {
            let problem = chain_problem(chain);
            problems.push(problem.clone());
            format!("broken: {problem}")
        }
    };
    let mut rows = Vec::new();
    if let Some(file) = restored_from {
        rows.push(row("restored from", file.display()));
    }
    rows.push(row("database", redact(&settings.database)));
    let storage = if report.problems.is_empty() {
        "ok".to_owned()
    } else {
        report.problems.join("; ")
    };
    rows.push(row("storage", storage));
    rows.push(row("audit chain", audit));
    rows.push(row(
        "result",
        if report.is_ok() {
            "ok"
        } else {
            "problems found"
        },
    ));
    output::print(
        settings.format,
        &CheckJson {
            restored_from: restored_from.map(|f| f.display().to_string()),
            database: redact(&settings.database),
            ok: report.is_ok(),
            problems: &problems,
            audit: &report.audit,
        },
        &rows,
    )?;
    match problems.first() {
        None => Ok(Outcome::Success),
        Some(first) => {
            eprintln!(
                "integrity check failed: {first}{}",
                if problems.len() > 1 {
                    format!(" (and {} more)", problems.len() - 1)
                } else {
                    String::new()
                }
            );
            eprintln!(
                "keep this database as evidence, restore the last good backup into a new \
                 database with `oasys db restore`, and investigate"
            );
            Ok(Outcome::ProblemsFound)
        }
    }
}
