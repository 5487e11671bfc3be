//! The error of every repository port: not found, conflict, immutable, invalid, or backend.
//! Adapters map unique violations to `Conflict` and every infrastructure failure to `Backend`.

use thiserror::Error;

/// Why a repository call failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StoreError {
    /// A record the write depends on does not exist (reads return `Ok(None)` instead).
    #[error("{entity} {id} not found")]
    NotFound {
        /// What was looked for ("person", "assessment").
        entity: &'static str,
        /// Its id.
        id: String,
    },
    /// The write collides with stored data: a duplicate id or identifier, or a stale version.
    #[error("conflict on {entity}: {reason}")]
    Conflict {
        /// What collided ("person", "assessment").
        entity: &'static str,
        /// What collided, in words (never personal data values).
        reason: String,
        /// For a stale version: the version now stored (for a new `ETag`).
        current_version: Option<u64>,
    },
    /// The write would change a locked (signed) record or its history.
    #[error("{entity} {id} is locked: {reason}")]
    Immutable {
        /// What is locked.
        entity: &'static str,
        /// Its id.
        id: String,
        /// Why the change is refused.
        reason: String,
    },
    /// The write breaks a storage rule the caller should have kept (e.g. a version that is not
    /// the expected version plus one).
    #[error("invalid write: {reason}")]
    Invalid {
        /// What is wrong.
        reason: String,
    },
    /// The storage itself failed (connection, I/O, a document that no longer decodes).
    /// Opaque on purpose: the message is for logs, not for users.
    #[error("storage failure: {0}")]
    Backend(String),
}
