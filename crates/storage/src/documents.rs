//! Versioned JSON documents (plans, sharing requests, decisions, packages): the current row per id
//! plus one insert-only `document_revisions` row per revision; updates compare-and-set `revision`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use oasys_app::{DocumentKind, StoreError, StoredDocument};
use uuid::Uuid;

use crate::allocations::{from_millis, millis, parse_uuid};
use crate::conn::{DbConnection, store_error};
use crate::people::{self, decode, encode};
use crate::schema::{document_revisions, documents};

const ENTITY: &str = "document";

fn revision_u64(revision: i64) -> Result<u64, StoreError> {
    u64::try_from(revision)
        .map_err(|_| StoreError::Backend(format!("stored revision {revision} is negative")))
}

fn stale(current: i64) -> StoreError {
    StoreError::Conflict {
        entity: ENTITY,
        reason: "the document was changed since it was read".to_owned(),
        current_version: u64::try_from(current).ok(),
    }
}

fn insert_revision(
    conn: &mut DbConnection,
    id: &str,
    revision: i64,
    body: &str,
    at: i64,
) -> Result<(), StoreError> {
    diesel::insert_into(document_revisions::table)
        .values((
            document_revisions::document_id.eq(id),
            document_revisions::revision.eq(revision),
            document_revisions::body.eq(body),
            document_revisions::stored_at_ms.eq(at),
        ))
        .execute(conn)
        .map_err(|e| store_error(ENTITY, e))?;
    Ok(())
}

pub(crate) fn insert(
    conn: &mut DbConnection,
    kind: DocumentKind,
    id: Uuid,
    person_id: Uuid,
    parent_id: Option<Uuid>,
    body: &serde_json::Value,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let person = people::require(conn, person_id)?;
    let id = id.to_string();
    let body = encode(ENTITY, body)?;
    let at = millis(at);
    diesel::insert_into(documents::table)
        .values((
            documents::id.eq(&id),
            documents::kind.eq(kind.code()),
            documents::person_id.eq(&person),
            documents::parent_id.eq(parent_id.map(|p| p.to_string())),
            documents::revision.eq(1_i64),
            documents::body.eq(&body),
            documents::stored_at_ms.eq(at),
            documents::first_stored_at_ms.eq(at),
        ))
        .execute(conn)
        .map_err(|e| store_error(ENTITY, e))?;
    insert_revision(conn, &id, 1, &body, at)
}

fn stored_revision(
    conn: &mut DbConnection,
    kind: DocumentKind,
    id: &str,
) -> Result<Option<i64>, StoreError> {
    documents::table
        .filter(documents::id.eq(id))
        .filter(documents::kind.eq(kind.code()))
        .select(documents::revision)
        .first::<i64>(conn)
        .optional()
        .map_err(|e| store_error(ENTITY, e))
}

pub(crate) fn update(
    conn: &mut DbConnection,
    kind: DocumentKind,
    id: Uuid,
    expected: u64,
    body: &serde_json::Value,
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let id = id.to_string();
    let Some(current) = stored_revision(conn, kind, &id)? else {
        return Err(StoreError::NotFound { entity: ENTITY, id });
    };
    // An expected revision beyond i64 can never match a stored one: it is stale like any other.
    let expected_i = match i64::try_from(expected) {
        Ok(e) if e == current => e,
        _ => return Err(stale(current)),
    };
    let next = expected_i
        .checked_add(1)
        .ok_or_else(|| StoreError::Invalid {
            reason: format!("revision {expected} cannot be incremented"),
        })?;
    let body = encode(ENTITY, body)?;
    let at = millis(at);
    let changed = diesel::update(
        documents::table
            .filter(documents::id.eq(&id))
            .filter(documents::kind.eq(kind.code()))
            .filter(documents::revision.eq(expected_i)),
    )
    .set((
        documents::revision.eq(next),
        documents::body.eq(&body),
        documents::stored_at_ms.eq(at),
    ))
    .execute(conn)
    .map_err(|e| store_error(ENTITY, e))?;
    if changed == 0 {
        let now = stored_revision(conn, kind, &id)?.unwrap_or(current);
        return Err(stale(now));
    }
    insert_revision(conn, &id, next, &body, at)?;
    revision_u64(next)
}

type Row = (String, String, Option<String>, i64, String, i64);

const COLUMNS: (
    documents::id,
    documents::person_id,
    documents::parent_id,
    documents::revision,
    documents::body,
    documents::stored_at_ms,
) = (
    documents::id,
    documents::person_id,
    documents::parent_id,
    documents::revision,
    documents::body,
    documents::stored_at_ms,
);

fn document(kind: DocumentKind, row: Row) -> Result<StoredDocument, StoreError> {
    let (id, person_id, parent_id, revision, body, stored_at) = row;
    Ok(StoredDocument {
        kind,
        id: parse_uuid(&id)?,
        person_id: parse_uuid(&person_id)?,
        parent_id: parent_id.as_deref().map(parse_uuid).transpose()?,
        revision: revision_u64(revision)?,
        stored_at: from_millis(stored_at)?,
        body: decode(ENTITY, &body)?,
    })
}

pub(crate) fn get(
    conn: &mut DbConnection,
    kind: DocumentKind,
    id: Uuid,
) -> Result<Option<StoredDocument>, StoreError> {
    documents::table
        .filter(documents::id.eq(id.to_string()))
        .filter(documents::kind.eq(kind.code()))
        .select(COLUMNS)
        .first::<Row>(conn)
        .optional()
        .map_err(|e| store_error(ENTITY, e))?
        .map(|row| document(kind, row))
        .transpose()
}

pub(crate) fn list(
    conn: &mut DbConnection,
    kind: DocumentKind,
    person_id: Option<Uuid>,
    limit: usize,
) -> Result<Vec<StoredDocument>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut q = documents::table
        .filter(documents::kind.eq(kind.code()))
        .into_boxed();
    if let Some(person) = person_id {
        q = q.filter(documents::person_id.eq(person.to_string()));
    }
    q.order((documents::first_stored_at_ms.desc(), documents::id.desc()))
        .limit(limit)
        .select(COLUMNS)
        .load::<Row>(conn)
        .map_err(|e| store_error(ENTITY, e))?
        .into_iter()
        .map(|row| document(kind, row))
        .collect()
}

pub(crate) fn history(
    conn: &mut DbConnection,
    kind: DocumentKind,
    id: Uuid,
) -> Result<Vec<StoredDocument>, StoreError> {
    let Some(current) = get(conn, kind, id)? else {
        return Ok(Vec::new());
    };
    document_revisions::table
        .filter(document_revisions::document_id.eq(id.to_string()))
        .order(document_revisions::revision)
        .select((
            document_revisions::revision,
            document_revisions::body,
            document_revisions::stored_at_ms,
        ))
        .load::<(i64, String, i64)>(conn)
        .map_err(|e| store_error(ENTITY, e))?
        .into_iter()
        .map(|(revision, body, stored_at)| {
            Ok(StoredDocument {
                revision: revision_u64(revision)?,
                stored_at: from_millis(stored_at)?,
                body: decode(ENTITY, &body)?,
                ..current.clone()
            })
        })
        .collect()
}
