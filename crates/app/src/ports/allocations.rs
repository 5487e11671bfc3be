//! The allocation repository port: who manages a case, and a practitioner's caseload.
//! Allocating again ends the current allocation; past allocations are kept.

use chrono::{DateTime, Utc};
use oasys_assessment_model::{OrgCode, Person};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::assessments::AssessmentSummary;
use super::error::StoreError;

/// A person allocated to a practitioner in a team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    /// The person.
    pub person_id: Uuid,
    /// Staff id of the practitioner (offender manager).
    pub practitioner: String,
    /// The practitioner's team.
    pub team: OrgCode,
    /// When the allocation started.
    pub allocated_at: DateTime<Utc>,
    /// Staff id of who made it.
    pub allocated_by: String,
}

/// One case on a caseload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadEntry {
    /// The person.
    pub person: Person,
    /// The current allocation.
    pub allocation: Allocation,
    /// The person's most recently created assessment (deleted ones included, flagged in its
    /// status), if any.
    pub latest_assessment: Option<AssessmentSummary>,
}

/// Allocations of people to practitioners.
///
/// Contract:
/// - `allocate` MUST return `NotFound` when the person is not stored; otherwise it MUST end the
///   person's current allocation (if any) and make this one current, atomically: a person has at
///   most one current allocation at any time, and ended allocations are kept.
/// - `current_allocation` MUST return `Ok(None)` for a person never allocated (or unknown).
/// - `caseload` MUST return exactly the people whose current allocation names `practitioner`,
///   each with its latest assessment's summary (status and review-due date), ordered by family
///   name, given name, person id.
pub trait AllocationRepository: Send + Sync {
    /// Makes `allocation` the person's current allocation.
    fn allocate(&self, allocation: &Allocation) -> Result<(), StoreError>;
    /// The person's current allocation.
    fn current_allocation(&self, person_id: Uuid) -> Result<Option<Allocation>, StoreError>;
    /// The practitioner's current cases.
    fn caseload(&self, practitioner: &str) -> Result<Vec<CaseloadEntry>, StoreError>;
}
