#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod conn;
mod db;
mod group;
mod schema;

pub use conn::{Backend, DbConnection, SQLITE_BUSY_TIMEOUT_MS};
pub use db::{Database, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
pub use repos::Tx;

mod accounts;
mod allocations;
mod assessments;
mod audit;
mod cases;
mod documents;
mod listings;
mod login_attempts;
mod maintenance;
mod offences;
mod outcomes;
mod people;
mod repos;
mod session_reasons;
mod sharing_purge;

pub use maintenance::{BackupManifest, IntegrityReport};
