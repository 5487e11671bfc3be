//! The reasons users gave, in a browser session, for opening limited access people's records: one
//! row per session and person, removed with the session (`ON DELETE CASCADE` from `sessions`), and
//! read only while the session is live, so a reason never outlives the session it was given in.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use oasys_app::{SessionLimits, StoreError};
use uuid::Uuid;

use crate::accounts;
use crate::allocations::millis;
use crate::conn::{DbConnection, store_error};
use crate::schema::{people, session_reasons};

const ENTITY: &str = "session reason";

/// Whether the session is live at `now` (as `AccountRepository::session` judges it).
fn live(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
    limits: SessionLimits,
) -> Result<bool, StoreError> {
    Ok(accounts::session(conn, token_hash, now, limits)?.is_some())
}

pub(crate) fn save(
    conn: &mut DbConnection,
    token_hash: &str,
    person_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
    limits: SessionLimits,
) -> Result<(), StoreError> {
    if !live(conn, token_hash, now, limits)? {
        return Err(StoreError::NotFound {
            entity: "session",
            id: "(not live)".to_owned(),
        });
    }
    let person = person_id.to_string();
    let stored = people::table
        .find(&person)
        .count()
        .get_result::<i64>(conn)
        .map_err(|e| store_error(ENTITY, e))?;
    if stored == 0 {
        return Err(StoreError::NotFound {
            entity: "person",
            id: person,
        });
    }
    // Replace: delete then insert, in the caller's write transaction.
    diesel::delete(
        session_reasons::table
            .filter(session_reasons::session_hash.eq(token_hash))
            .filter(session_reasons::person_id.eq(&person)),
    )
    .execute(conn)
    .map_err(|e| store_error(ENTITY, e))?;
    diesel::insert_into(session_reasons::table)
        .values((
            session_reasons::session_hash.eq(token_hash),
            session_reasons::person_id.eq(&person),
            session_reasons::reason.eq(reason),
            session_reasons::given_at.eq(millis(now)),
        ))
        .execute(conn)
        .map_err(|e| store_error(ENTITY, e))?;
    Ok(())
}

pub(crate) fn get(
    conn: &mut DbConnection,
    token_hash: &str,
    person_id: Uuid,
    now: DateTime<Utc>,
    limits: SessionLimits,
) -> Result<Option<String>, StoreError> {
    if !live(conn, token_hash, now, limits)? {
        return Ok(None);
    }
    session_reasons::table
        .filter(session_reasons::session_hash.eq(token_hash))
        .filter(session_reasons::person_id.eq(person_id.to_string()))
        .select(session_reasons::reason)
        .first::<String>(conn)
        .optional()
        .map_err(|e| store_error(ENTITY, e))
}

pub(crate) fn all(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
    limits: SessionLimits,
) -> Result<Vec<(Uuid, String)>, StoreError> {
    if !live(conn, token_hash, now, limits)? {
        return Ok(Vec::new());
    }
    session_reasons::table
        .filter(session_reasons::session_hash.eq(token_hash))
        .order(session_reasons::person_id)
        .select((session_reasons::person_id, session_reasons::reason))
        .load::<(String, String)>(conn)
        .map_err(|e| store_error(ENTITY, e))?
        .into_iter()
        .map(|(person, reason)| {
            Uuid::parse_str(&person)
                .map(|id| (id, reason))
                .map_err(|e| StoreError::Backend(format!("stored person id {person}: {e}")))
        })
        .collect()
}
