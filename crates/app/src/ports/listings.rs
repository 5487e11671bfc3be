//! The listings port: whole-store reads for operators (every account, every team, every person and
//! assessment in pages for export, reviews due across all teams). Not part of a unit of work.

use chrono::NaiveDate;
use oasys_assessment_model::{Assessment, Person};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::accounts::UserAccount;
use super::assessments::ReviewDueEntry;
use super::error::StoreError;

/// A team as recorded in the reference data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamRecord {
    /// Team code.
    pub code: String,
    /// The area (region) it belongs to.
    pub area: String,
}

/// An assessment as exported: the latest stored version and its review-due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAssessment {
    /// The latest version.
    pub assessment: Assessment,
    /// The review-due date stored beside it.
    pub review_due: Option<NaiveDate>,
}

/// Whole-store listings.
///
/// Contract:
/// - `users` MUST return every account ordered by username.
/// - `teams` MUST return every team with a recorded area, ordered by code.
/// - `people_after` MUST return at most `limit` people with an id greater than `after` (all ids
///   when `None`), ordered by id as text, so paging with the last id seen visits everyone once.
/// - `assessments_after` does the same for assessments (latest versions with their review date).
/// - `reviews_due_anywhere` MUST return at most `limit` assessments, whatever their team, whose
///   review-due date is strictly before `before`, earliest first (ties by assessment id).
pub trait Listings: Send + Sync {
    /// Every account.
    fn users(&self) -> Result<Vec<UserAccount>, StoreError>;
    /// Every recorded team.
    fn teams(&self) -> Result<Vec<TeamRecord>, StoreError>;
    /// A page of people by id.
    fn people_after(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Person>, StoreError>;
    /// A page of assessments by id.
    fn assessments_after(
        &self,
        after: Option<Uuid>,
        limit: usize,
    ) -> Result<Vec<StoredAssessment>, StoreError>;
    /// Reviews due before a date in every team.
    fn reviews_due_anywhere(
        &self,
        before: NaiveDate,
        limit: usize,
    ) -> Result<Vec<ReviewDueEntry>, StoreError>;
}
