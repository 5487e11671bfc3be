//! The audit log on both backends: appends under the chain-head lock in the caller's transaction,
//! verification of the whole chain, and reads by person and time.

pub(crate) mod chain;

use diesel::prelude::*;
use oasys_app::{
    AuditEntry, AuditError, AuditOutcome, AuditQuery, ChainReport, NewAuditEntry, Operation,
    StoreError,
};

use crate::allocations::{from_millis, millis, parse_uuid};
use crate::conn::{DbConnection, concrete};
use crate::schema::{audit_chain, audit_log};
use chain::{Row, Walker, entry_hash};

/// Rows read per page while verifying.
const PAGE: i64 = 5_000;

fn backend(e: impl std::fmt::Display) -> AuditError {
    AuditError::Backend(e.to_string())
}

/// Audit errors seen by a repository-level caller.
pub(crate) fn to_store(e: AuditError) -> StoreError {
    match e {
        AuditError::Invalid { reason } => StoreError::Invalid { reason },
        AuditError::Backend(message) => StoreError::Backend(message),
    }
}

/// Repository errors seen by an audit-level caller.
pub(crate) fn from_store(e: StoreError) -> AuditError {
    match e {
        StoreError::Invalid { reason } => AuditError::Invalid { reason },
        other => AuditError::Backend(other.to_string()),
    }
}

fn outcome_text(outcome: &AuditOutcome) -> String {
    match outcome {
        AuditOutcome::Allowed => "allowed".to_owned(),
        AuditOutcome::Denied { code } => format!("denied:{code}"),
    }
}

/// The rules an entry must keep before it is appended.
pub(crate) fn check(entry: &NewAuditEntry) -> Result<(), AuditError> {
    if entry.operation == Operation::Disclosure {
        if entry.recipients.is_empty() {
            return Err(AuditError::Invalid {
                reason: "a disclosure must name its recipients".to_owned(),
            });
        }
        if entry
            .justification
            .as_deref()
            .is_none_or(|j| j.trim().is_empty())
        {
            return Err(AuditError::Invalid {
                reason: "a disclosure must give its justification".to_owned(),
            });
        }
    }
    Ok(())
}

/// The chain head, locked for the rest of the transaction (SQLite holds the writer lock already).
fn lock_head(conn: &mut DbConnection) -> Result<(i64, String), AuditError> {
    let head = audit_chain::table
        .find(1)
        .select((audit_chain::head_seq, audit_chain::head_hash));
    match conn {
        DbConnection::Pg(c) => head.for_update().first::<(i64, String)>(c),
        DbConnection::Sqlite(c) => head.first::<(i64, String)>(c),
    }
    .map_err(backend)
}

pub(crate) fn append(conn: &mut DbConnection, entry: &NewAuditEntry) -> Result<(), AuditError> {
    check(entry)?;
    let (head_seq, head_hash) = lock_head(conn)?;
    let mut row = Row {
        seq: head_seq + 1,
        event_id: entry.event_id.to_string(),
        occurred_at: millis(entry.occurred_at),
        actor: entry.actor.clone(),
        actor_role: entry.actor_role.clone(),
        correlation_id: entry.correlation_id.clone(),
        operation: entry.operation.code().to_owned(),
        action: entry.action.clone(),
        subject_person: entry.subject_person.map(|p| p.to_string()),
        subject_ref: entry.subject_ref.clone(),
        recipients: serde_json::to_string(&entry.recipients).map_err(backend)?,
        justification: entry.justification.clone(),
        outcome: outcome_text(&entry.outcome),
        details: serde_json::to_string(&entry.details).map_err(backend)?,
        prev_hash: head_hash,
        entry_hash: String::new(),
    };
    row.entry_hash = entry_hash(&row.prev_hash, &row)
        .ok_or_else(|| AuditError::Backend("the stored chain head is not a hash".to_owned()))?;
    let insert = diesel::insert_into(audit_log::table).values((
        audit_log::seq.eq(row.seq),
        audit_log::event_id.eq(&row.event_id),
        audit_log::occurred_at.eq(row.occurred_at),
        audit_log::actor.eq(&row.actor),
        audit_log::actor_role.eq(&row.actor_role),
        audit_log::correlation_id.eq(&row.correlation_id),
        audit_log::operation.eq(&row.operation),
        audit_log::action.eq(&row.action),
        audit_log::subject_person.eq(&row.subject_person),
        audit_log::subject_ref.eq(&row.subject_ref),
        audit_log::recipients.eq(&row.recipients),
        audit_log::justification.eq(&row.justification),
        audit_log::outcome.eq(&row.outcome),
        audit_log::details.eq(&row.details),
        audit_log::prev_hash.eq(&row.prev_hash),
        audit_log::entry_hash.eq(&row.entry_hash),
    ));
    concrete!(conn, |c| insert.execute(c)).map_err(|e| match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => AuditError::Invalid {
            reason: format!("event {} is already recorded", row.event_id),
        },
        other => backend(other),
    })?;
    let update = diesel::update(audit_chain::table.find(1)).set((
        audit_chain::head_seq.eq(row.seq),
        audit_chain::head_hash.eq(&row.entry_hash),
    ));
    concrete!(conn, |c| update.execute(c)).map_err(backend)?;
    Ok(())
}

fn to_entry(row: Row) -> Result<AuditEntry, AuditError> {
    let bad = |what: &str| AuditError::Backend(format!("audit entry {}: bad {what}", row.seq));
    let outcome = match row.outcome.split_once(':') {
        None if row.outcome == "allowed" => AuditOutcome::Allowed,
        Some(("denied", code)) => AuditOutcome::Denied {
            code: code.to_owned(),
        },
        _ => return Err(bad("outcome")),
    };
    let entry = NewAuditEntry {
        event_id: parse_uuid(&row.event_id).map_err(|_| bad("event id"))?,
        occurred_at: from_millis(row.occurred_at).map_err(|_| bad("time"))?,
        actor: row.actor,
        actor_role: row.actor_role,
        correlation_id: row.correlation_id,
        operation: Operation::from_code(&row.operation).ok_or_else(|| bad("operation"))?,
        action: row.action,
        subject_person: row
            .subject_person
            .as_deref()
            .map(parse_uuid)
            .transpose()
            .map_err(|_| bad("subject"))?,
        subject_ref: row.subject_ref,
        recipients: serde_json::from_str(&row.recipients).map_err(|_| bad("recipients"))?,
        justification: row.justification,
        outcome,
        details: serde_json::from_str(&row.details).map_err(|_| bad("details"))?,
    };
    Ok(AuditEntry {
        seq: u64::try_from(row.seq).map_err(|_| bad("seq"))?,
        entry,
        prev_hash: row.prev_hash,
        entry_hash: row.entry_hash,
    })
}

pub(crate) fn verify(conn: &mut DbConnection) -> Result<ChainReport, AuditError> {
    let (head_seq, head_hash) = audit_chain::table
        .find(1)
        .select((audit_chain::head_seq, audit_chain::head_hash))
        .first::<(i64, String)>(conn)
        .map_err(backend)?;
    let mut walker = Walker::new();
    let mut after = i64::MIN;
    loop {
        let page = audit_log::table
            .filter(audit_log::seq.gt(after))
            .order(audit_log::seq)
            .limit(PAGE)
            .load::<Row>(conn)
            .map_err(backend)?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for row in &page {
            let mut find = |hash: &str| {
                audit_log::table
                    .filter(audit_log::entry_hash.eq(hash))
                    .select(audit_log::seq)
                    .first::<i64>(conn)
                    .ok()
            };
            if let Some(problem) = walker.step(row, &mut find) {
                return Ok(ChainReport::Broken(problem));
            }
        }
    }
    Ok(walker.finish(head_seq, &head_hash))
}

pub(crate) fn query(
    conn: &mut DbConnection,
    q: &AuditQuery,
) -> Result<Vec<AuditEntry>, AuditError> {
    let mut sel = audit_log::table.into_boxed();
    if let Some(person) = q.person {
        sel = sel.filter(audit_log::subject_person.eq(person.to_string()));
    }
    if let Some(from) = q.from {
        sel = sel.filter(audit_log::occurred_at.ge(millis(from)));
    }
    if let Some(to) = q.to {
        sel = sel.filter(audit_log::occurred_at.lt(millis(to)));
    }
    sel.order(audit_log::seq)
        .limit(i64::try_from(q.limit).unwrap_or(i64::MAX))
        .load::<Row>(conn)
        .map_err(backend)?
        .into_iter()
        .map(to_entry)
        .collect()
}
