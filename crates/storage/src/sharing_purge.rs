//! The erasure of an expired disclosure package's content from its history (sharing spec §3.5:
//! after expiry the content is purged, keeping the manifest, the hash and the disclosure record).
//! Every earlier revision of the package is overwritten with its current body, which must by then
//! be the expired manifest; the storage triggers allow exactly that overwrite and nothing else.

use diesel::prelude::*;
use oasys_app::{DocumentKind, StoreError};
use uuid::Uuid;

use crate::conn::{DbConnection, store_error};
use crate::schema::{document_revisions, documents};

const ENTITY: &str = "document";

/// Overwrites every revision of the document with its current body; `NotFound` for an unknown
/// (kind, id). The backends refuse it (an error, nothing changed) unless the document is a
/// disclosure package whose current body is expired.
pub(crate) fn purge_history(
    conn: &mut DbConnection,
    kind: DocumentKind,
    id: Uuid,
) -> Result<(), StoreError> {
    let key = id.to_string();
    let current: Option<String> = documents::table
        .filter(documents::id.eq(&key))
        .filter(documents::kind.eq(kind.code()))
        .select(documents::body)
        .first(conn)
        .optional()
        .map_err(|e| store_error(ENTITY, e))?;
    let Some(body) = current else {
        return Err(StoreError::NotFound {
            entity: ENTITY,
            id: key,
        });
    };
    diesel::update(
        document_revisions::table
            .filter(document_revisions::document_id.eq(&key))
            .filter(document_revisions::body.ne(&body)),
    )
    .set(document_revisions::body.eq(&body))
    .execute(conn)
    .map_err(|e| store_error(ENTITY, e))?;
    Ok(())
}
