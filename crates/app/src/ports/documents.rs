//! The document port: sentence plans, sharing requests, decisions and disclosure packages stored as
//! versioned JSON documents under a person, with optimistic concurrency and every revision kept.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::StoreError;

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// A sentence plan (`oasys_sentence_plan::SentencePlan`).
    SentencePlan,
    /// A risk management plan.
    RiskManagementPlan,
    /// An information-sharing request (`oasys_sharing_policy::SharingRequest`).
    SharingRequest,
    /// A sharing decision (`oasys_sharing_policy::SharingDecision`).
    SharingDecision,
    /// A disclosure package (`oasys_sharing_policy::DisclosurePackage`).
    DisclosurePackage,
}

impl DocumentKind {
    /// Stable code used in storage.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::SentencePlan => "sentence_plan",
            Self::RiskManagementPlan => "risk_management_plan",
            Self::SharingRequest => "sharing_request",
            Self::SharingDecision => "sharing_decision",
            Self::DisclosurePackage => "disclosure_package",
        }
    }
}

/// A stored document and its revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredDocument {
    /// What it is.
    pub kind: DocumentKind,
    /// Its id.
    pub id: Uuid,
    /// The person it is about.
    pub person_id: Uuid,
    /// The document it belongs to, if any (a plan's assessment, a decision's or package's request).
    pub parent_id: Option<Uuid>,
    /// Storage revision: 1 on insert, +1 on every update.
    pub revision: u64,
    /// When this revision was stored.
    pub stored_at: DateTime<Utc>,
    /// The document.
    pub body: serde_json::Value,
}

/// Versioned documents.
///
/// Contract:
/// - `insert_document` MUST store revision 1 and return `Conflict` when the id is taken (for any
///   kind), `NotFound` when the person is unknown.
/// - `update_document` MUST return `NotFound` for an unknown (kind, id), `Conflict` (with the
///   current revision) when the stored revision differs from `expected_revision`, and otherwise
///   store the body as revision `expected_revision + 1`, keeping every earlier revision.
/// - `get_document` MUST return `Ok(None)` for an unknown (kind, id).
/// - `documents` MUST list the latest revision of every document of `kind` for the person (or, with
///   `person_id = None`, of every person), newest first by first insertion, at most `limit`.
/// - `document_history` MUST return every revision, oldest first.
/// - `purge_document_history` MUST return `NotFound` for an unknown (kind, id); for a disclosure
///   package whose current body has `"status": "expired"` it MUST leave every revision (number
///   and time kept) with the current body; for any other document it MUST fail and change
///   nothing.
pub trait DocumentRepository: Send + Sync {
    /// Stores a new document (revision 1).
    fn insert_document(
        &self,
        kind: DocumentKind,
        id: Uuid,
        person_id: Uuid,
        parent_id: Option<Uuid>,
        body: &serde_json::Value,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Replaces a document if nobody changed it since `expected_revision`; returns the new revision.
    fn update_document(
        &self,
        kind: DocumentKind,
        id: Uuid,
        expected_revision: u64,
        body: &serde_json::Value,
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError>;
    /// The latest revision of a document.
    fn get_document(
        &self,
        kind: DocumentKind,
        id: Uuid,
    ) -> Result<Option<StoredDocument>, StoreError>;
    /// Documents of a kind, for one person or all.
    fn documents(
        &self,
        kind: DocumentKind,
        person_id: Option<Uuid>,
        limit: usize,
    ) -> Result<Vec<StoredDocument>, StoreError>;
    /// Every revision of a document, oldest first.
    fn document_history(
        &self,
        kind: DocumentKind,
        id: Uuid,
    ) -> Result<Vec<StoredDocument>, StoreError>;
    /// Erases the content of a document's earlier revisions by overwriting each with the current
    /// body (the expiry of a disclosure package: only the purged manifest stays). The only
    /// change ever made to the history, and only for a disclosure package whose current body is
    /// expired: anything else is refused (an error, nothing changed).
    fn purge_document_history(&self, kind: DocumentKind, id: Uuid) -> Result<(), StoreError>;
}
