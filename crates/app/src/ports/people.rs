//! The person repository port: register people and find them by id, name, CRN, NOMIS id or PNC.
//! Identifiers are unique across people; a duplicate is a `Conflict`.

use oasys_assessment_model::{Crn, NomisId, Person, Pnc};
use uuid::Uuid;

use super::error::StoreError;

/// How to look for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonQuery {
    /// Family name starting with `family` and, when given, given name starting with `given`
    /// (both case-insensitive).
    Name {
        /// Start of the family name.
        family: String,
        /// Start of the given name.
        given: Option<String>,
    },
    /// Exact CRN.
    Crn(Crn),
    /// Exact NOMIS id.
    Nomis(NomisId),
    /// Exact PNC.
    Pnc(Pnc),
}

/// Stored people.
///
/// Contract:
/// - `insert_person` MUST return `Conflict` when the id, the CRN, the NOMIS id or the PNC is
///   already held by a stored person, and then store nothing.
/// - `get_person` MUST return `Ok(None)` for an unknown id and the person exactly as inserted or
///   last updated otherwise.
/// - `update_person` MUST return `NotFound` for an unknown id and `Conflict` when a changed
///   identifier is already held by another person.
/// - `search_people` MUST return at most `limit` people, ordered by family name, given name, id;
///   name matching is a case-insensitive prefix match, identifier matching exact.
pub trait PersonRepository: Send + Sync {
    /// Stores a new person.
    fn insert_person(&self, person: &Person) -> Result<(), StoreError>;
    /// Replaces a stored person's record (same id).
    fn update_person(&self, person: &Person) -> Result<(), StoreError>;
    /// The person with this id.
    fn get_person(&self, id: Uuid) -> Result<Option<Person>, StoreError>;
    /// People matching the query.
    fn search_people(&self, query: &PersonQuery, limit: usize) -> Result<Vec<Person>, StoreError>;
}
