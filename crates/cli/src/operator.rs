//! What every operator command shares: opening the database named by the settings, finding a
//! person by CRN or id, and running a change together with its audit event in one transaction.

use anyhow::{Context, Result, anyhow};
use chrono::Utc;
use oasys_app::{
    AuditError, AuditOutcome, NewAuditEntry, Operation, PersonQuery, Repositories, Storage,
    StoreError,
};
use oasys_assessment_model::{Crn, Person};
use oasys_storage::Database;
use uuid::Uuid;

use crate::config::{Common, Settings, redact};

/// Opens (and migrates) the database the settings name.
pub(crate) fn open(common: &Common) -> Result<(Database, Settings)> {
    let settings = common.resolve()?;
    let db = Database::open(&settings.database).with_context(|| {
        format!(
            "cannot open the database {} (from {}); run `oasys db status` to see what is wrong",
            redact(&settings.database),
            settings.database_source
        )
    })?;
    Ok((db, settings))
}

/// Who ran the command, for the audit log.
pub(crate) fn operator() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("operator:{user}")
}

/// Why an audited change did not happen.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The audit log refused or failed.
    #[error(transparent)]
    Audit(#[from] AuditError),
    /// The command's own check refused it (the message says why and what to do).
    #[error("{0}")]
    Refused(String),
}

/// What the audit entry of an operator command records (ids only, never personal data values).
#[derive(Debug, Clone)]
pub(crate) struct Event {
    /// The s.62 operation.
    pub(crate) operation: Operation,
    /// Action code, e.g. `allocate`.
    pub(crate) action: String,
    /// The person concerned.
    pub(crate) person: Option<Uuid>,
    /// Another subject id (username, team, token id).
    pub(crate) subject: Option<String>,
    /// Ids and counts.
    pub(crate) details: serde_json::Value,
}

impl Event {
    /// An event with no person and no details.
    pub(crate) fn new(operation: Operation, action: &str) -> Self {
        Self {
            operation,
            action: action.to_owned(),
            person: None,
            subject: None,
            details: serde_json::json!({}),
        }
    }

    pub(crate) fn person(mut self, id: Uuid) -> Self {
        self.person = Some(id);
        self
    }

    pub(crate) fn subject(mut self, subject: &str) -> Self {
        self.subject = Some(subject.to_owned());
        self
    }

    pub(crate) fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }

    pub(crate) fn entry(&self, justification: Option<String>) -> NewAuditEntry {
        NewAuditEntry {
            event_id: Uuid::new_v4(),
            occurred_at: Utc::now(),
            actor: operator(),
            actor_role: "operator".into(),
            correlation_id: None,
            operation: self.operation,
            action: self.action.clone(),
            subject_person: self.person,
            subject_ref: self.subject.clone(),
            recipients: Vec::new(),
            justification,
            outcome: AuditOutcome::Allowed,
            details: self.details.clone(),
        }
    }
}

/// Runs `work` and then appends `event`, in one transaction: both or neither.
pub(crate) fn audited<T>(
    db: &Database,
    event: &Event,
    work: impl FnOnce(&dyn Repositories) -> Result<T, Failure>,
) -> Result<T, Failure> {
    db.in_transaction(|repos| -> Result<T, Failure> {
        let value = work(repos)?;
        repos.append(&event.entry(None))?;
        Ok(value)
    })
}

/// Records an operator's read of person-level data (or of the audit log) with its stated reason.
pub(crate) fn record_read(db: &Database, event: &Event, reason: Option<&str>) -> Result<()> {
    db.in_transaction(|repos| -> Result<(), Failure> {
        repos.append(&event.entry(reason.map(str::to_owned)))?;
        Ok(())
    })
    .map_err(|e| anyhow!("cannot write the audit entry, so nothing is shown: {e}"))
}

/// The person a command names: a UUID is the person id, anything else a CRN.
pub(crate) fn find_person(repos: &dyn Repositories, text: &str) -> Result<Person, Failure> {
    let text = text.trim();
    if let Ok(id) = Uuid::parse_str(text) {
        return repos
            .get_person(id)?
            .ok_or_else(|| Failure::Refused(format!("no person with id {id}")));
    }
    let crn = Crn::parse(text).map_err(|e| {
        Failure::Refused(format!(
            "{text:?} is neither a person id (UUID) nor a CRN: {e}"
        ))
    })?;
    repos
        .search_people(&PersonQuery::Crn(crn), 1)?
        .into_iter()
        .next()
        .ok_or_else(|| Failure::Refused(format!("no person with CRN {text}")))
}

/// The audit entry of an event without a stated reason.
pub(crate) fn entry_of(event: &Event) -> NewAuditEntry {
    event.entry(None)
}
