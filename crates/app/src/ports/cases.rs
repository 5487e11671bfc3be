//! The case-access port: the facts about a case that access decisions need beyond the assessment:
//! responsible team and its area, staff relationships to the person, and the LAO lists.

use chrono::{DateTime, Utc};
use oasys_sharing_policy::{LaoLists, Relationship, RelationshipKind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::StoreError;

/// Who may reach a case, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseAccess {
    /// The person.
    pub person_id: Uuid,
    /// The team responsible for the case (the current allocation's team), if allocated.
    pub responsible_team: Option<String>,
    /// The area (region) of that team; `None` when the team has no recorded area.
    pub area: Option<String>,
    /// Staff relationships to the person: the current case manager (from the allocation, from the
    /// moment it was made) and any recorded co-workers, in the order recorded.
    pub relationships: Vec<Relationship>,
    /// The limited-access-offender lists (empty lists: not a limited access case).
    pub lao: LaoLists,
}

/// Case-access facts.
///
/// Contract:
/// - `case_access` MUST return `Ok(None)` for an unknown person; for a known one, the current
///   allocation's team and practitioner (as a `CaseManager` relationship starting at the
///   allocation time), that team's area, every relationship added with `add_relationship`, and
///   the LAO lists last set (empty when never set).
/// - `set_lao` MUST return `NotFound` for an unknown person and otherwise replace the lists.
/// - `set_team_area` MUST create the team or change its area.
/// - `add_relationship` MUST return `NotFound` for an unknown person.
/// - `end_relationships` MUST set `until` to `at` on every relationship of exactly that kind to
///   the person that is still active at `at` (no `until`, or one after `at`), leave the others
///   as they are, and return how many it ended.
pub trait CaseAccessRepository: Send + Sync {
    /// The access facts of a person's case.
    fn case_access(&self, person_id: Uuid) -> Result<Option<CaseAccess>, StoreError>;
    /// Replaces the LAO lists of a person.
    fn set_lao(&self, person_id: Uuid, lao: &LaoLists, at: DateTime<Utc>)
    -> Result<(), StoreError>;
    /// Records (or changes) the area a team belongs to.
    fn set_team_area(&self, team: &str, area: &str) -> Result<(), StoreError>;
    /// Records a staff relationship to a person (for example a co-worker with an end date).
    fn add_relationship(
        &self,
        person_id: Uuid,
        relationship: &Relationship,
    ) -> Result<(), StoreError>;
    /// Ends, at `at`, the person's relationships of this kind that are still active (for example
    /// a countersigning task once the assessment is countersigned or sent back).
    fn end_relationships(
        &self,
        person_id: Uuid,
        kind: &RelationshipKind,
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError>;
    /// Every relationship a member of staff has to anyone (ended ones too), with the person's
    /// id, oldest first: for task lists such as the countersigning queue.
    fn relationships_of(&self, staff_id: &str) -> Result<Vec<(Uuid, Relationship)>, StoreError>;
}
