//! The assessment repository port: documents with optimistic concurrency and full history,
//! plus the status and review-due date stored beside each for caseload and reviews-due queries.

use chrono::{DateTime, NaiveDate, Utc};
use oasys_assessment_model::{Assessment, Event, OrgCode, Status};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::StoreError;

/// What lists show of an assessment without loading the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentSummary {
    /// Assessment id.
    pub id: Uuid,
    /// The person assessed.
    pub person_id: Uuid,
    /// Owning team.
    pub team: OrgCode,
    /// Staff id of the assessor.
    pub assessor: String,
    /// Stored version.
    pub version: u64,
    /// Lifecycle state plus deletion overlay.
    pub status: Status,
    /// When the next review is due, as stored with the assessment.
    pub review_due: Option<NaiveDate>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// Whose reviews to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewScope {
    /// Assessments owned by this team.
    Team(OrgCode),
    /// Assessments whose assessor is this staff id.
    Practitioner(String),
}

/// A review that falls due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewDueEntry {
    /// The assessment the review follows.
    pub assessment: AssessmentSummary,
    /// The review date (the same as `assessment.review_due`).
    pub due: NaiveDate,
}

/// Stored assessments.
///
/// The review-due date is computed by the caller (`oasys_assessment_model::next_review`) and stored
/// beside the document so that "reviews due before a date" is one indexed query.
///
/// Contract:
/// - `insert_assessment` MUST return `Conflict` for an existing id, `NotFound` when the person
///   (header `person.id`) is not stored, and MUST store the document as history version
///   `assessment.version()`.
/// - `get_assessment` MUST return `Ok(None)` for an unknown id, else the latest stored version
///   with its whole event log.
/// - `update_assessment` MUST return `Conflict` (with `current_version`) when the stored version
///   differs from `expected_version`, and then change nothing: it never overwrites. It MUST return
///   `Invalid` unless `assessment.version() == expected_version + 1` and the id and person are
///   unchanged, `NotFound` for an unknown id, and `Immutable` when the stored version is locked
///   (not Open) and the new one changes its answers without reopening it (rollback), or when the
///   stored version is voided. Every accepted version is added to the history.
/// - `assessment_state` MUST return what `get_assessment` returns less the events, and
///   `update_assessment` of a version derived from it MUST leave the stored log as if the whole
///   assessment had been saved (the earlier events kept, the new ones appended).
/// - `assessment_events` MUST return, oldest first, at most `limit` events of the log with a
///   version above `after` (so pages follow on from the last version seen); none for an unknown
///   id.
/// - `assessment_history` MUST return, oldest first, at most `limit` of the stored versions
///   above version `after`, each without events (as `assessment_state` would have returned it);
///   history is insert-only.
/// - Storing a review-due date on an assessment MUST clear it on the person's other assessments,
///   so at most one review per person is listed.
/// - `assessments_for_person` MUST return the person's assessments, newest created first.
/// - `reviews_due` MUST return at most `limit` assessments in scope whose review-due date is
///   strictly before `before`, earliest first (ties by assessment id).
pub trait AssessmentRepository: Send + Sync {
    /// Stores a new assessment.
    fn insert_assessment(
        &self,
        assessment: &Assessment,
        review_due: Option<NaiveDate>,
    ) -> Result<(), StoreError>;
    /// The latest version of an assessment with its whole event log (export and import, which
    /// move assessments whole).
    fn get_assessment(&self, id: Uuid) -> Result<Option<Assessment>, StoreError>;
    /// The latest version of an assessment without its event log (`Assessment::from_state`):
    /// what use cases read to show or to change an assessment, so that neither reads a log that
    /// grows with every save. `update_assessment` appends the events it then holds.
    fn assessment_state(&self, id: Uuid) -> Result<Option<Assessment>, StoreError>;
    /// A page of an assessment's event log: the events after version `after`, oldest first, at
    /// most `limit`.
    fn assessment_events(
        &self,
        id: Uuid,
        after: u64,
        limit: usize,
    ) -> Result<Vec<Event>, StoreError>;
    /// Replaces the stored version `expected_version` by `assessment`.
    fn update_assessment(
        &self,
        assessment: &Assessment,
        expected_version: u64,
        review_due: Option<NaiveDate>,
    ) -> Result<(), StoreError>;
    /// A page of an assessment's stored versions: those after version `after`, oldest first, at
    /// most `limit`, without events (empty for an unknown id).
    fn assessment_history(
        &self,
        id: Uuid,
        after: u64,
        limit: usize,
    ) -> Result<Vec<Assessment>, StoreError>;
    /// Summaries of a person's assessments.
    fn assessments_for_person(&self, person_id: Uuid)
    -> Result<Vec<AssessmentSummary>, StoreError>;
    /// Reviews in scope due before `before`.
    fn reviews_due(
        &self,
        scope: &ReviewScope,
        before: NaiveDate,
        limit: usize,
    ) -> Result<Vec<ReviewDueEntry>, StoreError>;
}
