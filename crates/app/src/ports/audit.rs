//! The audit log port (DPA 2018 Part 3 s.62): append-only, hash-chained entries and their check.
//! Entries carry ids only, never personal data values.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

/// The s.62 operation an entry records, or a security event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Creating records, imports.
    Collection,
    /// Changing records.
    Alteration,
    /// Reading person-level data.
    Consultation,
    /// Releasing data to someone outside (transfers included).
    Disclosure,
    /// Merging, linking, cloning, de-identified datasets.
    Combination,
    /// Purges and hard deletes.
    Erasure,
    /// Authentication and authorisation events (login, denial, CSRF rejection).
    Security,
}

impl Operation {
    /// The stable code stored and hashed for this operation.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Collection => "collection",
            Self::Alteration => "alteration",
            Self::Consultation => "consultation",
            Self::Disclosure => "disclosure",
            Self::Combination => "combination",
            Self::Erasure => "erasure",
            Self::Security => "security",
        }
    }

    /// The operation with this code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::Collection,
            Self::Alteration,
            Self::Consultation,
            Self::Disclosure,
            Self::Combination,
            Self::Erasure,
            Self::Security,
        ]
        .into_iter()
        .find(|op| op.code() == code)
    }
}

/// Whether the recorded action was allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AuditOutcome {
    /// Done.
    Allowed,
    /// Refused, with a reason code.
    Denied {
        /// Why (a code, e.g. `not_allocated`).
        code: String,
    },
}

/// An audit entry as the caller describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAuditEntry {
    /// Event id (from the `IdGenerator`).
    pub event_id: Uuid,
    /// When it happened (stored to the millisecond).
    pub occurred_at: DateTime<Utc>,
    /// Staff or client id of who did it.
    pub actor: String,
    /// Their role at the time.
    pub actor_role: String,
    /// Session or correlation id.
    pub correlation_id: Option<String>,
    /// The s.62 operation.
    pub operation: Operation,
    /// Action code, e.g. `assessment.sign`.
    pub action: String,
    /// The person the data is about.
    pub subject_person: Option<Uuid>,
    /// Other subject ids (assessment id, request id), as text.
    pub subject_ref: Option<String>,
    /// Recipients (mandatory for disclosures).
    pub recipients: Vec<String>,
    /// Why (mandatory for disclosures and LAO consultations).
    pub justification: Option<String>,
    /// Allowed or denied.
    pub outcome: AuditOutcome,
    /// Further detail: ids, page or section, access basis, decision id. No personal data values.
    pub details: serde_json::Value,
}

/// A stored audit entry with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the chain: 1, 2, 3… without gaps.
    pub seq: u64,
    /// The entry as appended (`occurred_at` truncated to milliseconds).
    pub entry: NewAuditEntry,
    /// Hash of the previous entry (hex; 64 zeros for the first).
    pub prev_hash: String,
    /// SHA-256 over `prev_hash` and the canonical entry (hex).
    pub entry_hash: String,
}

/// What filters an audit read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditQuery {
    /// Only entries about this person.
    pub person: Option<Uuid>,
    /// Only entries at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only entries strictly before this instant.
    pub to: Option<DateTime<Utc>>,
    /// At most this many entries (oldest first).
    pub limit: usize,
}

/// The first problem `verify` found, by sequence number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ChainBreak {
    /// The entry at `seq` no longer matches its hash.
    Altered {
        /// The entry.
        seq: u64,
    },
    /// The entry at `seq` is missing (a gap, or the entry the next one links to is gone).
    Missing {
        /// The missing position.
        seq: u64,
    },
    /// The entry at `seq` links to an entry stored after it: rows were reordered.
    OutOfOrder {
        /// The entry found out of place.
        seq: u64,
    },
    /// The chain ends before the recorded head: entries from `seq` on were removed.
    Truncated {
        /// The first missing position.
        seq: u64,
    },
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ChainReport {
    /// Every entry is present, in order and unaltered.
    Intact {
        /// Number of entries checked.
        entries: u64,
        /// The last entry's hash (hex).
        head_hash: String,
    },
    /// The first problem found.
    Broken(ChainBreak),
}

/// Why an audit call failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuditError {
    /// The entry is not acceptable (e.g. a disclosure without recipients or justification).
    #[error("invalid audit entry: {reason}")]
    Invalid {
        /// What is wrong.
        reason: String,
    },
    /// The storage failed; nothing was appended.
    #[error("audit storage failure: {0}")]
    Backend(String),
}

/// The audit log.
///
/// Contract:
/// - `append` MUST refuse with `Invalid` a disclosure without recipients or without a
///   justification; otherwise it MUST store the entry with the next `seq` (gapless, starting at
///   1), `prev_hash` = the previous entry's hash (64 zeros for the first) and
///   `entry_hash = SHA-256(prev_hash ‖ canonical(entry))`, where canonical is a fixed field order of
///   length-prefixed UTF-8 fields. Concurrent appends MUST NOT fork the chain. When called inside
///   a `Storage::in_transaction` unit of work, the entry commits or rolls back with the data;
///   inside `Storage::audited_read` it is checked at once and stored when the read succeeds.
/// - Stored entries MUST NOT be updatable or deletable through the storage (triggers refuse it).
/// - `verify` MUST recompute the whole chain and report the first altered, missing, reordered or
///   truncated entry; `Intact` only when every entry checks.
/// - `query` MUST return the matching entries oldest first, at most `limit`.
pub trait AuditLog: Send + Sync {
    /// Appends an entry (`query` reads it back as stored, with its place in the chain).
    fn append(&self, entry: &NewAuditEntry) -> Result<(), AuditError>;
    /// Checks the chain.
    fn verify(&self) -> Result<ChainReport, AuditError>;
    /// Reads entries.
    fn query(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, AuditError>;
}
