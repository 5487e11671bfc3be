//! The unit of work: all repositories together, and several writes in one transaction.
//! Use cases that change data and write its audit event go through `Storage::in_transaction`.

use super::accounts::AccountRepository;
use super::allocations::AllocationRepository;
use super::assessments::AssessmentRepository;
use super::audit::{AuditError, AuditLog};
use super::cases::CaseAccessRepository;
use super::documents::DocumentRepository;
use super::error::StoreError;
use super::listings::Listings;
use super::offences::OffenceRepository;
use super::outcomes::OutcomeRepository;
use super::people::PersonRepository;

/// Every repository port at once (what a unit of work hands out).
pub trait Repositories:
    PersonRepository
    + AllocationRepository
    + AssessmentRepository
    + CaseAccessRepository
    + DocumentRepository
    + AuditLog
    + AccountRepository
    + OffenceRepository
    + OutcomeRepository
{
}

impl<T> Repositories for T where
    T: PersonRepository
        + AllocationRepository
        + AssessmentRepository
        + CaseAccessRepository
        + DocumentRepository
        + AuditLog
        + AccountRepository
        + OffenceRepository
        + OutcomeRepository
{
}

/// A store that can run several writes atomically.
///
/// Contract: `in_transaction` MUST run `work` in one transaction: when `work` returns `Ok` every
/// write made through the repositories it was given is committed together (durably, before
/// `in_transaction` returns); when it returns `Err`, or the commit fails, none is. Writers are
/// serialised so that the audit chain never forks. Calls on `self` inside `work` are outside the
/// transaction: use the argument.
pub trait Storage: Repositories + Listings {
    /// Runs `work` in one transaction.
    fn in_transaction<T, E>(
        &self,
        work: impl FnOnce(&dyn Repositories) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError> + From<AuditError>;
}
