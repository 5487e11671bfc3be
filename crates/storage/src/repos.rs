//! The port implementations: `Database` runs each call on a pooled connection (writes in their
//! own transaction); `Tx` runs them inside a caller's unit of work (`Storage::in_transaction`);
//! `Snapshot` runs the reads of an audited read (`Storage::audited_read`) and keeps its audit
//! entries for the write that follows.

use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};
use oasys_app::{
    AccountProfile, AccountRepository, Allocation, AllocationRepository, ApiToken,
    AssessmentRepository, AssessmentSummary, AuditEntry, AuditError, AuditLog, AuditQuery,
    CaseAccess, CaseAccessRepository, CaseloadEntry, ChainReport, CohortFilter, CohortPage,
    DocumentKind, DocumentRepository, LoginFailures, NewAuditEntry, OffenceRepository, OffenceRow,
    OutcomeRepository, OutcomeWrite, PersonQuery, PersonRepository, ReoffendingOutcome,
    Repositories, ReviewDueEntry, ReviewScope, Session, SessionLimits, Storage, StoreError,
    StoredDocument, UserAccount,
};
use oasys_assessment_model::{Assessment, Event, Person};
use oasys_sharing_policy::{LaoLists, Relationship, RelationshipKind};
use uuid::Uuid;

use crate::conn::{DbConnection, read_tx, write_tx};
use crate::db::{Database, TxError};
use crate::{
    accounts, allocations, assessments, audit, cases, documents, login_attempts, offences,
    outcomes, people,
};

/// The repositories of one open transaction, handed to `Storage::in_transaction`'s work.
pub struct Tx<'a> {
    conn: Mutex<&'a mut DbConnection>,
}

impl std::fmt::Debug for Tx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tx")
    }
}

/// Runs `work` on a unit of work's connection.
fn on<T>(
    conn: &Mutex<&mut DbConnection>,
    work: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut conn = conn
        .lock()
        .map_err(|_| StoreError::Backend("transaction connection poisoned".to_owned()))?;
    work(&mut conn)
}

impl Tx<'_> {
    fn read<T>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        on(&self.conn, work)
    }

    /// Each write is a savepoint: a failed call leaves the rest of the unit of work intact.
    fn write<T>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        on(&self.conn, |conn| {
            write_tx(conn, |c| work(c).map_err(TxError::Store)).map_err(TxError::into_store)
        })
    }
}

/// The repositories of an audited read (`Storage::audited_read`): reads run in one read
/// transaction; audit entries are checked and kept until the read is over; any other write is
/// refused.
pub struct Snapshot<'a> {
    conn: Mutex<&'a mut DbConnection>,
    entries: Mutex<Vec<NewAuditEntry>>,
}

impl std::fmt::Debug for Snapshot<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Snapshot")
    }
}

impl Snapshot<'_> {
    fn read<T>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        on(&self.conn, work)
    }

    #[allow(clippy::unused_self)]
    fn write<T>(
        &self,
        _work: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        Err(StoreError::Invalid {
            reason: "a read-only unit of work cannot write".to_owned(),
        })
    }
}

/// Implements every repository port for a type with `read` and `write` helpers.
macro_rules! repositories {
    ($ty:ty) => {
        impl PersonRepository for $ty {
            fn insert_person(&self, person: &Person) -> Result<(), StoreError> {
                self.write(|c| people::insert(c, person))
            }
            fn update_person(&self, person: &Person) -> Result<(), StoreError> {
                self.write(|c| people::update(c, person))
            }
            fn get_person(&self, id: Uuid) -> Result<Option<Person>, StoreError> {
                self.read(|c| people::get(c, id))
            }
            fn search_people(
                &self,
                query: &PersonQuery,
                limit: usize,
            ) -> Result<Vec<Person>, StoreError> {
                self.read(|c| people::search(c, query, limit))
            }
        }

        impl AllocationRepository for $ty {
            fn allocate(&self, allocation: &Allocation) -> Result<(), StoreError> {
                self.write(|c| allocations::allocate(c, allocation))
            }
            fn current_allocation(
                &self,
                person_id: Uuid,
            ) -> Result<Option<Allocation>, StoreError> {
                self.read(|c| allocations::current(c, person_id))
            }
            fn caseload(&self, practitioner: &str) -> Result<Vec<CaseloadEntry>, StoreError> {
                self.read(|c| allocations::caseload(c, practitioner))
            }
        }

        impl AssessmentRepository for $ty {
            fn insert_assessment(
                &self,
                assessment: &Assessment,
                review_due: Option<NaiveDate>,
            ) -> Result<(), StoreError> {
                self.write(|c| assessments::insert(c, assessment, review_due))
            }
            fn get_assessment(&self, id: Uuid) -> Result<Option<Assessment>, StoreError> {
                self.read(|c| assessments::get(c, id))
            }
            fn assessment_state(&self, id: Uuid) -> Result<Option<Assessment>, StoreError> {
                self.read(|c| assessments::state(c, id))
            }
            fn assessment_events(
                &self,
                id: Uuid,
                after: u64,
                limit: usize,
            ) -> Result<Vec<Event>, StoreError> {
                self.read(|c| assessments::events_page(c, id, after, limit))
            }
            fn update_assessment(
                &self,
                assessment: &Assessment,
                expected_version: u64,
                review_due: Option<NaiveDate>,
            ) -> Result<(), StoreError> {
                self.write(|c| assessments::update(c, assessment, expected_version, review_due))
            }
            fn assessment_history(
                &self,
                id: Uuid,
                after: u64,
                limit: usize,
            ) -> Result<Vec<Assessment>, StoreError> {
                self.read(|c| assessments::history(c, id, after, limit))
            }
            fn assessments_for_person(
                &self,
                person_id: Uuid,
            ) -> Result<Vec<AssessmentSummary>, StoreError> {
                self.read(|c| assessments::for_person(c, person_id))
            }
            fn reviews_due(
                &self,
                scope: &ReviewScope,
                before: NaiveDate,
                limit: usize,
            ) -> Result<Vec<ReviewDueEntry>, StoreError> {
                self.read(|c| assessments::reviews_due(c, scope, before, limit))
            }
        }

        impl CaseAccessRepository for $ty {
            fn case_access(&self, person_id: Uuid) -> Result<Option<CaseAccess>, StoreError> {
                self.read(|c| cases::case_access(c, person_id))
            }
            fn set_lao(
                &self,
                person_id: Uuid,
                lao: &LaoLists,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                self.write(|c| cases::set_lao(c, person_id, lao, at))
            }
            fn set_team_area(&self, team: &str, area: &str) -> Result<(), StoreError> {
                self.write(|c| cases::set_team_area(c, team, area))
            }
            fn add_relationship(
                &self,
                person_id: Uuid,
                relationship: &Relationship,
            ) -> Result<(), StoreError> {
                self.write(|c| cases::add_relationship(c, person_id, relationship))
            }
            fn end_relationships(
                &self,
                person_id: Uuid,
                kind: &RelationshipKind,
                at: DateTime<Utc>,
            ) -> Result<usize, StoreError> {
                self.write(|c| cases::end_relationships(c, person_id, kind, at))
            }
            fn relationships_of(
                &self,
                staff_id: &str,
            ) -> Result<Vec<(Uuid, Relationship)>, StoreError> {
                self.read(|c| cases::relationships_of(c, staff_id))
            }
        }

        impl DocumentRepository for $ty {
            fn insert_document(
                &self,
                kind: DocumentKind,
                id: Uuid,
                person_id: Uuid,
                parent_id: Option<Uuid>,
                body: &serde_json::Value,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                self.write(|c| documents::insert(c, kind, id, person_id, parent_id, body, at))
            }
            fn update_document(
                &self,
                kind: DocumentKind,
                id: Uuid,
                expected_revision: u64,
                body: &serde_json::Value,
                at: DateTime<Utc>,
            ) -> Result<u64, StoreError> {
                self.write(|c| documents::update(c, kind, id, expected_revision, body, at))
            }
            fn get_document(
                &self,
                kind: DocumentKind,
                id: Uuid,
            ) -> Result<Option<StoredDocument>, StoreError> {
                self.read(|c| documents::get(c, kind, id))
            }
            fn documents(
                &self,
                kind: DocumentKind,
                person_id: Option<Uuid>,
                limit: usize,
            ) -> Result<Vec<StoredDocument>, StoreError> {
                self.read(|c| documents::list(c, kind, person_id, limit))
            }
            fn document_history(
                &self,
                kind: DocumentKind,
                id: Uuid,
            ) -> Result<Vec<StoredDocument>, StoreError> {
                self.read(|c| documents::history(c, kind, id))
            }
            fn purge_document_history(
                &self,
                kind: DocumentKind,
                id: Uuid,
            ) -> Result<(), StoreError> {
                self.write(|c| crate::sharing_purge::purge_history(c, kind, id))
            }
        }

        impl AccountRepository for $ty {
            fn create_user(&self, account: &UserAccount) -> Result<(), StoreError> {
                self.write(|c| accounts::create_user(c, account))
            }
            fn user(&self, username: &str) -> Result<Option<UserAccount>, StoreError> {
                self.read(|c| accounts::user(c, username))
            }
            fn set_disabled(&self, username: &str, disabled: bool) -> Result<(), StoreError> {
                self.write(|c| accounts::set_disabled(c, username, disabled))
            }
            fn set_profile(
                &self,
                username: &str,
                profile: &AccountProfile,
            ) -> Result<(), StoreError> {
                self.write(|c| accounts::set_profile(c, username, profile))
            }
            fn set_password_hash(
                &self,
                username: &str,
                password_hash: &str,
            ) -> Result<(), StoreError> {
                self.write(|c| accounts::set_password_hash(c, username, password_hash))
            }
            fn create_session(&self, session: &Session) -> Result<(), StoreError> {
                self.write(|c| accounts::create_session(c, session))
            }
            fn session(
                &self,
                token_hash: &str,
                now: DateTime<Utc>,
                limits: SessionLimits,
            ) -> Result<Option<Session>, StoreError> {
                self.read(|c| accounts::session(c, token_hash, now, limits))
            }
            fn touch_session(
                &self,
                token_hash: &str,
                now: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                self.write(|c| accounts::touch_session(c, token_hash, now))
            }
            fn revoke_session(&self, token_hash: &str) -> Result<(), StoreError> {
                self.write(|c| accounts::revoke_session(c, token_hash))
            }
            fn purge_expired_sessions(
                &self,
                now: DateTime<Utc>,
                limits: SessionLimits,
            ) -> Result<usize, StoreError> {
                self.write(|c| accounts::purge_expired_sessions(c, now, limits))
            }
            fn save_session_reason(
                &self,
                token_hash: &str,
                person_id: Uuid,
                reason: &str,
                now: DateTime<Utc>,
                limits: SessionLimits,
            ) -> Result<(), StoreError> {
                self.write(|c| {
                    crate::session_reasons::save(c, token_hash, person_id, reason, now, limits)
                })
            }
            fn session_reason(
                &self,
                token_hash: &str,
                person_id: Uuid,
                now: DateTime<Utc>,
                limits: SessionLimits,
            ) -> Result<Option<String>, StoreError> {
                self.read(|c| crate::session_reasons::get(c, token_hash, person_id, now, limits))
            }
            fn session_reasons(
                &self,
                token_hash: &str,
                now: DateTime<Utc>,
                limits: SessionLimits,
            ) -> Result<Vec<(Uuid, String)>, StoreError> {
                self.read(|c| crate::session_reasons::all(c, token_hash, now, limits))
            }
            fn create_api_token(&self, token: &ApiToken) -> Result<(), StoreError> {
                self.write(|c| accounts::create_api_token(c, token))
            }
            fn api_token(
                &self,
                token_hash: &str,
                now: DateTime<Utc>,
            ) -> Result<Option<(ApiToken, UserAccount)>, StoreError> {
                self.read(|c| accounts::api_token(c, token_hash, now))
            }
            fn revoke_api_token(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), StoreError> {
                self.write(|c| accounts::revoke_api_token(c, id, at))
            }
            fn login_failures(
                &self,
                username: &str,
                now: DateTime<Utc>,
                window: chrono::Duration,
            ) -> Result<Option<LoginFailures>, StoreError> {
                self.read(|c| login_attempts::login_failures(c, username, now, window))
            }
            fn record_login_failure(
                &self,
                username: &str,
                now: DateTime<Utc>,
                window: chrono::Duration,
            ) -> Result<LoginFailures, StoreError> {
                self.write(|c| login_attempts::record_login_failure(c, username, now, window))
            }
            fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
                self.write(|c| login_attempts::clear_login_failures(c, username))
            }
        }

        impl OffenceRepository for $ty {
            fn replace_offences(&self, rows: &[OffenceRow]) -> Result<(), StoreError> {
                self.write(|c| offences::replace(c, rows))
            }
            fn offences(&self) -> Result<Vec<OffenceRow>, StoreError> {
                self.read(offences::all)
            }
            fn offence_count(&self) -> Result<u64, StoreError> {
                self.read(offences::count)
            }
        }

        impl OutcomeRepository for $ty {
            fn record_outcome(
                &self,
                outcome: &ReoffendingOutcome,
            ) -> Result<OutcomeWrite, StoreError> {
                self.write(|c| outcomes::record(c, outcome))
            }
            fn outcome(&self, person_id: Uuid) -> Result<Option<ReoffendingOutcome>, StoreError> {
                self.read(|c| outcomes::get(c, person_id))
            }
            fn cohort_page(
                &self,
                filter: &CohortFilter,
                after: Option<Uuid>,
                people: usize,
            ) -> Result<CohortPage, StoreError> {
                self.read(|c| outcomes::cohort_page(c, filter, after, people))
            }
        }
    };
}

repositories!(Database);
repositories!(Tx<'_>);
repositories!(Snapshot<'_>);

/// The audit log of a type: appended to the chain at once through its `write` or, given
/// `|this, entry| expression`, as the expression says.
macro_rules! audit_log {
    ($ty:ty) => {
        audit_log!($ty, |this, entry| this
            .write(|c| audit::append(c, entry).map_err(audit::to_store))
            .map_err(audit::from_store));
    };
    ($ty:ty, |$this:ident, $entry:ident| $append:expr) => {
        impl AuditLog for $ty {
            fn append(&self, $entry: &NewAuditEntry) -> Result<(), AuditError> {
                let $this = self;
                $append
            }
            fn verify(&self) -> Result<ChainReport, AuditError> {
                self.read(|c| audit::verify(c).map_err(audit::to_store))
                    .map_err(audit::from_store)
            }
            fn query(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, AuditError> {
                self.read(|c| audit::query(c, query).map_err(audit::to_store))
                    .map_err(audit::from_store)
            }
        }
    };
}

audit_log!(Database);
audit_log!(Tx<'_>);
audit_log!(Snapshot<'_>, |this, entry| this.keep(entry));

impl Snapshot<'_> {
    /// Checks an audit entry at once and keeps it for the write after the read.
    fn keep(&self, entry: &NewAuditEntry) -> Result<(), AuditError> {
        audit::check(entry)?;
        self.entries
            .lock()
            .map_err(|_| AuditError::Backend("audit entries poisoned".to_owned()))?
            .push(entry.clone());
        Ok(())
    }
}

/// A unit of work's error: the work's own, or the transaction failing to begin or commit.
enum UnitError<E> {
    Work(E),
    Diesel(diesel::result::Error),
}

impl<E> From<diesel::result::Error> for UnitError<E> {
    fn from(e: diesel::result::Error) -> Self {
        Self::Diesel(e)
    }
}

impl Storage for Database {
    fn in_transaction<T, E>(
        &self,
        work: impl FnOnce(&dyn Repositories) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError> + From<AuditError>,
    {
        if let Some(writer) = &self.writer {
            return writer.run(|c| {
                let tx = Tx {
                    conn: Mutex::new(c),
                };
                work(&tx)
            });
        }
        let mut conn = self.conn()?;
        let result = write_tx(&mut conn, |c| {
            let tx = Tx {
                conn: Mutex::new(c),
            };
            work(&tx).map_err(UnitError::Work)
        });
        match result {
            Ok(value) => Ok(value),
            Err(UnitError::Work(e)) => Err(e),
            Err(UnitError::Diesel(e)) => Err(TxError::Diesel(e).into_store().into()),
        }
    }

    fn audited_read<T, E>(
        &self,
        work: impl FnOnce(&dyn Repositories) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError> + From<AuditError>,
    {
        // The read connection goes back to the pool before the write takes one.
        let (value, entries) = {
            let mut conn = self.conn()?;
            read_tx(&mut conn, |c| {
                let snapshot = Snapshot {
                    conn: Mutex::new(c),
                    entries: Mutex::new(Vec::new()),
                };
                let value = work(&snapshot);
                (value, snapshot.entries.into_inner())
            })
            .map_err(|e| TxError::Diesel(e).into_store())?
        };
        let value = value?;
        let entries =
            entries.map_err(|_| AuditError::Backend("audit entries poisoned".to_owned()))?;
        if !entries.is_empty() {
            let append = move |c: &mut DbConnection| {
                entries
                    .iter()
                    .try_for_each(|entry| audit::append(c, entry).map_err(audit::to_store))
            };
            // On SQLite the rows go to the writer's queue, to be appended by whoever writes next.
            match &self.writer {
                Some(writer) => writer.combine(append)?,
                None => self.write(append)?,
            }
        }
        Ok(value)
    }
}
