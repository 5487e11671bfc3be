//! The ports: what the use cases need from the outside world, as traits with their contracts.
//! Adapters (`oasys-storage`, test fakes) implement them; nothing here does I/O.

pub mod accounts;
pub mod allocations;
pub mod assessments;
pub mod audit;
pub mod cases;
pub mod clock;
pub mod documents;
pub mod error;
pub mod listings;
pub mod offences;
pub mod outcomes;
pub mod people;
pub mod storage;

pub use accounts::{
    AccountProfile, AccountRepository, ApiToken, LoginFailures, Session, SessionLimits, UserAccount,
};
pub use allocations::{Allocation, AllocationRepository, CaseloadEntry};
pub use assessments::{AssessmentRepository, AssessmentSummary, ReviewDueEntry, ReviewScope};
pub use audit::{
    AuditEntry, AuditError, AuditLog, AuditOutcome, AuditQuery, ChainBreak, ChainReport,
    NewAuditEntry, Operation,
};
pub use cases::{CaseAccess, CaseAccessRepository};
pub use clock::{Clock, IdGenerator};
pub use documents::{DocumentKind, DocumentRepository, StoredDocument};
pub use error::StoreError;
pub use listings::{Listings, StoredAssessment, TeamRecord};
pub use offences::{OffenceRepository, OffenceRow};
pub use outcomes::{
    CohortFilter, CohortMember, CohortPage, FOLLOW_UP_MONTHS, OutcomeRepository, OutcomeWrite,
    ReoffendingOutcome, whole_cohort,
};
pub use people::{PersonQuery, PersonRepository};
pub use storage::{Repositories, Storage};
