//! The unit of work: all repositories together, and several writes in one transaction.
//! Use cases that change data and write its audit event go through `Storage::in_transaction`;
//! those that only read (and audit the consultation) go through `Storage::audited_read`.

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

    /// Runs a use case that only reads and records who consulted what: `work` reads one
    /// consistent snapshot, and the audit entries it appends are written together, in one
    /// transaction, after it returns `Ok`.
    ///
    /// Contract: every read made through the repositories `work` is given sees the same committed
    /// state; any other write through them fails with `StoreError::Invalid` and changes nothing.
    /// An entry `work` appends is checked at once (`AuditLog::append`'s rules) and, when `work`
    /// returns `Ok`, stored durably before `audited_read` returns; if storing fails, the error
    /// is returned instead of the value. When `work` returns `Err`, nothing is stored. Unlike
    /// `in_transaction`, the reads need not wait for other writers, which is what lets reads run
    /// side by side on a store whose writers take turns.
    fn audited_read<T, E>(
        &self,
        work: impl FnOnce(&dyn Repositories) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError> + From<AuditError>;
}
