//! Assessments: the current document with its status, lock flags, answers hash and review date,
//! plus one insert-only history row per version; updates are compare-and-set on `version`.
//! Documents are stored without their event log, which has one insert-only row per event
//! (`assessment_events`): a save writes one event, not the whole log again, and a version's
//! row does not copy the log; reading joins them back.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use oasys_app::{AssessmentSummary, ReviewDueEntry, ReviewScope, StoreError};
use oasys_assessment_model::{Assessment, Event, State, StateDocument, Status};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::allocations::{from_millis, millis, parse_org, parse_uuid};
use crate::conn::{DbConnection, concrete, store_error};
use crate::people::{decode, encode};
use crate::schema::{assessment_events, assessment_versions, assessments, people};

const ENTITY: &str = "assessment";

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn locked(state: &State) -> bool {
    matches!(
        state,
        State::AwaitingCountersign { .. }
            | State::AwaitingDoubleCountersign { .. }
            | State::Complete { .. }
            | State::LockedIncomplete
    )
}

fn version_i64(version: u64) -> Result<i64, StoreError> {
    i64::try_from(version).map_err(|_| StoreError::Invalid {
        reason: format!("version {version} is out of range"),
    })
}

fn version_u64(version: i64) -> Result<u64, StoreError> {
    u64::try_from(version)
        .map_err(|_| StoreError::Backend(format!("stored version {version} is negative")))
}

/// The stored columns derived from a document.
struct Columns {
    id: String,
    person_id: String,
    version: i64,
    status: String,
    locked: bool,
    voided: bool,
    answers_hash: String,
    document: String,
}

fn columns(a: &Assessment) -> Result<Columns, StoreError> {
    let answers = encode(ENTITY, a.answers())?;
    Ok(Columns {
        id: a.header().id.to_string(),
        person_id: a.header().person.id.to_string(),
        version: version_i64(a.version())?,
        status: encode(ENTITY, &a.status())?,
        locked: locked(a.state()),
        voided: matches!(a.state(), State::Voided),
        answers_hash: hex(&Sha256::digest(answers.as_bytes())),
        document: encode(ENTITY, &a.without_events())?,
    })
}

/// Stores the events of `a` newer than `after` (all of them for a new assessment; one for a
/// transition).
fn insert_events(conn: &mut DbConnection, a: &Assessment, after: u64) -> Result<(), StoreError> {
    let id = a.header().id.to_string();
    for event in a.events().iter().filter(|e| e.version > after) {
        diesel::insert_into(assessment_events::table)
            .values((
                assessment_events::assessment_id.eq(&id),
                assessment_events::version.eq(version_i64(event.version)?),
                assessment_events::event.eq(encode(ENTITY, event)?),
            ))
            .execute(conn)
            .map_err(|e| store_error(ENTITY, e))?;
    }
    Ok(())
}

/// The event logs of some assessments, each oldest first.
pub(crate) fn events_of(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<HashMap<String, Vec<Event>>, StoreError> {
    let mut logs: HashMap<String, Vec<Event>> = HashMap::new();
    // Bounded IN lists (SQLite allows 32,766 parameters; PostgreSQL 65,535).
    for chunk in ids.chunks(1_000) {
        let rows = assessment_events::table
            .filter(assessment_events::assessment_id.eq_any(chunk))
            .order((assessment_events::assessment_id, assessment_events::version))
            .select((assessment_events::assessment_id, assessment_events::event))
            .load::<(String, String)>(conn)
            .map_err(|e| store_error(ENTITY, e))?;
        for (id, json) in rows {
            logs.entry(id).or_default().push(decode(ENTITY, &json)?);
        }
    }
    Ok(logs)
}

/// A page's bounds as stored: `None` past `i64::MAX`, where nothing can be (versions are
/// BIGINT).
fn page(after: u64, limit: usize) -> Option<(i64, i64)> {
    let after = i64::try_from(after).ok()?;
    Some((after, i64::try_from(limit).unwrap_or(i64::MAX)))
}

/// A page of the event log of one assessment: the events after version `after`, oldest first,
/// at most `limit` (the primary key orders them).
pub(crate) fn events_page(
    conn: &mut DbConnection,
    id: Uuid,
    after: u64,
    limit: usize,
) -> Result<Vec<Event>, StoreError> {
    let Some((after, limit)) = page(after, limit) else {
        return Ok(Vec::new());
    };
    let query = assessment_events::table
        .filter(assessment_events::assessment_id.eq(id.to_string()))
        .filter(assessment_events::version.gt(after))
        .order(assessment_events::version)
        .limit(limit)
        .select(assessment_events::event);
    concrete!(conn, |c| query.load::<String>(c))
        .map_err(|e| store_error(ENTITY, e))?
        .iter()
        .map(|json| decode(ENTITY, json))
        .collect()
}

/// Joins a stored document (without events) to its log.
pub(crate) fn assemble(json: &str, events: Vec<Event>) -> Result<Assessment, StoreError> {
    let state: StateDocument = decode(ENTITY, json)?;
    Assessment::from_parts(state, events)
        .map_err(|e| StoreError::Backend(format!("stored {ENTITY} does not decode: {e}")))
}

fn insert_history(conn: &mut DbConnection, c: &Columns) -> Result<(), StoreError> {
    diesel::insert_into(assessment_versions::table)
        .values((
            assessment_versions::assessment_id.eq(&c.id),
            assessment_versions::version.eq(c.version),
            assessment_versions::status.eq(&c.status),
            assessment_versions::document.eq(&c.document),
        ))
        .execute(conn)
        .map_err(|e| store_error(ENTITY, e))?;
    Ok(())
}

/// Keeps at most one review date per person: the one just stored.
fn clear_other_reviews(
    conn: &mut DbConnection,
    c: &Columns,
    due: Option<NaiveDate>,
) -> Result<(), StoreError> {
    if due.is_some() {
        diesel::update(
            assessments::table
                .filter(assessments::person_id.eq(&c.person_id))
                .filter(assessments::id.ne(&c.id))
                .filter(assessments::review_due.is_not_null()),
        )
        .set(assessments::review_due.eq(None::<NaiveDate>))
        .execute(conn)
        .map_err(|e| store_error(ENTITY, e))?;
    }
    Ok(())
}

pub(crate) fn insert(
    conn: &mut DbConnection,
    a: &Assessment,
    due: Option<NaiveDate>,
) -> Result<(), StoreError> {
    let c = columns(a)?;
    let person = people::table
        .find(&c.person_id)
        .select(people::id)
        .first::<String>(conn)
        .optional()
        .map_err(|e| store_error(ENTITY, e))?;
    if person.is_none() {
        return Err(StoreError::NotFound {
            entity: "person",
            id: c.person_id,
        });
    }
    diesel::insert_into(assessments::table)
        .values((
            assessments::id.eq(&c.id),
            assessments::person_id.eq(&c.person_id),
            assessments::team.eq(a.header().team.as_str()),
            assessments::assessor.eq(&a.header().assessor),
            assessments::version.eq(c.version),
            assessments::status.eq(&c.status),
            assessments::locked.eq(c.locked),
            assessments::voided.eq(c.voided),
            assessments::answers_hash.eq(&c.answers_hash),
            assessments::review_due.eq(due),
            assessments::created_at.eq(millis(a.header().created_at)),
            assessments::document.eq(&c.document),
        ))
        .execute(conn)
        .map_err(|e| store_error(ENTITY, e))?;
    insert_history(conn, &c)?;
    insert_events(conn, a, 0)?;
    clear_other_reviews(conn, &c, due)
}

fn stored_version(conn: &mut DbConnection, id: &str) -> Result<Option<i64>, StoreError> {
    assessments::table
        .find(id)
        .select(assessments::version)
        .first::<i64>(conn)
        .optional()
        .map_err(|e| store_error(ENTITY, e))
}

fn stale(current: i64) -> StoreError {
    StoreError::Conflict {
        entity: ENTITY,
        reason: "the assessment was changed since it was read".to_owned(),
        current_version: u64::try_from(current).ok(),
    }
}

pub(crate) fn update(
    conn: &mut DbConnection,
    a: &Assessment,
    expected: u64,
    due: Option<NaiveDate>,
) -> Result<(), StoreError> {
    let c = columns(a)?;
    let expected_i = version_i64(expected)?;
    let stored = assessments::table
        .find(&c.id)
        .select((
            assessments::version,
            assessments::person_id,
            assessments::locked,
            assessments::voided,
            assessments::answers_hash,
        ))
        .first::<(i64, String, bool, bool, String)>(conn)
        .optional()
        .map_err(|e| store_error(ENTITY, e))?;
    let Some((version, person_id, was_locked, was_voided, answers_hash)) = stored else {
        return Err(StoreError::NotFound {
            entity: ENTITY,
            id: c.id,
        });
    };
    if version != expected_i {
        return Err(stale(version));
    }
    if Some(a.version()) != expected.checked_add(1) {
        return Err(StoreError::Invalid {
            reason: format!(
                "the new version must be {expected} + 1, not {}",
                a.version()
            ),
        });
    }
    if person_id != c.person_id {
        return Err(StoreError::Invalid {
            reason: "an assessment cannot move to another person".to_owned(),
        });
    }
    let immutable = |reason: &str| StoreError::Immutable {
        entity: ENTITY,
        id: c.id.clone(),
        reason: reason.to_owned(),
    };
    if was_voided {
        return Err(immutable("a voided assessment never changes"));
    }
    if was_locked && c.locked && answers_hash != c.answers_hash {
        return Err(immutable(
            "the answers of a locked assessment change only after a rollback",
        ));
    }
    let changed = diesel::update(
        assessments::table
            .filter(assessments::id.eq(&c.id))
            .filter(assessments::version.eq(expected_i)),
    )
    .set((
        assessments::team.eq(a.header().team.as_str()),
        assessments::assessor.eq(&a.header().assessor),
        assessments::version.eq(c.version),
        assessments::status.eq(&c.status),
        assessments::locked.eq(c.locked),
        assessments::voided.eq(c.voided),
        assessments::answers_hash.eq(&c.answers_hash),
        assessments::review_due.eq(due),
        assessments::document.eq(&c.document),
    ))
    .execute(conn)
    .map_err(|e| store_error(ENTITY, e))?;
    if changed == 0 {
        let now = stored_version(conn, &c.id)?.unwrap_or(version);
        return Err(stale(now));
    }
    insert_history(conn, &c)?;
    insert_events(conn, a, expected)?;
    clear_other_reviews(conn, &c, due)
}

/// The stored document (without its events) of an assessment.
fn document(conn: &mut DbConnection, id: &str) -> Result<Option<String>, StoreError> {
    let query = assessments::table.find(id).select(assessments::document);
    concrete!(conn, |c| query.first::<String>(c))
        .optional()
        .map_err(|e| store_error(ENTITY, e))
}

pub(crate) fn get(conn: &mut DbConnection, id: Uuid) -> Result<Option<Assessment>, StoreError> {
    let Some(json) = document(conn, &id.to_string())? else {
        return Ok(None);
    };
    let events = events_page(conn, id, 0, usize::MAX)?;
    assemble(&json, events).map(Some)
}

/// The latest version without its event log.
pub(crate) fn state(conn: &mut DbConnection, id: Uuid) -> Result<Option<Assessment>, StoreError> {
    document(conn, &id.to_string())?
        .map(|json| without_log(&json))
        .transpose()
}

/// A stored document (without events) as an assessment whose log is left out.
fn without_log(json: &str) -> Result<Assessment, StoreError> {
    let state: StateDocument = decode(ENTITY, json)?;
    Assessment::from_state(state)
        .map_err(|e| StoreError::Backend(format!("stored {ENTITY} does not decode: {e}")))
}

/// A page of the stored versions (after version `after`, oldest first, at most `limit`), each
/// without its event log.
pub(crate) fn history(
    conn: &mut DbConnection,
    id: Uuid,
    after: u64,
    limit: usize,
) -> Result<Vec<Assessment>, StoreError> {
    let Some((after, limit)) = page(after, limit) else {
        return Ok(Vec::new());
    };
    assessment_versions::table
        .filter(assessment_versions::assessment_id.eq(id.to_string()))
        .filter(assessment_versions::version.gt(after))
        .order(assessment_versions::version)
        .limit(limit)
        .select(assessment_versions::document)
        .load::<String>(conn)
        .map_err(|e| store_error(ENTITY, e))?
        .iter()
        .map(|json| without_log(json))
        .collect()
}

pub(crate) type SummaryRow = (
    String,
    String,
    String,
    String,
    i64,
    String,
    Option<NaiveDate>,
    i64,
);

pub(crate) const SUMMARY: (
    assessments::id,
    assessments::person_id,
    assessments::team,
    assessments::assessor,
    assessments::version,
    assessments::status,
    assessments::review_due,
    assessments::created_at,
) = (
    assessments::id,
    assessments::person_id,
    assessments::team,
    assessments::assessor,
    assessments::version,
    assessments::status,
    assessments::review_due,
    assessments::created_at,
);

pub(crate) fn summary(row: SummaryRow) -> Result<AssessmentSummary, StoreError> {
    let (id, person_id, team, assessor, version, status, review_due, created_at) = row;
    Ok(AssessmentSummary {
        id: parse_uuid(&id)?,
        person_id: parse_uuid(&person_id)?,
        team: parse_org(&team)?,
        assessor,
        version: version_u64(version)?,
        status: decode::<Status>(ENTITY, &status)?,
        review_due,
        created_at: from_millis(created_at)?,
    })
}

pub(crate) fn for_person(
    conn: &mut DbConnection,
    person_id: Uuid,
) -> Result<Vec<AssessmentSummary>, StoreError> {
    assessments::table
        .filter(assessments::person_id.eq(person_id.to_string()))
        .order((assessments::created_at.desc(), assessments::id.desc()))
        .select(SUMMARY)
        .load::<SummaryRow>(conn)
        .map_err(|e| store_error(ENTITY, e))?
        .into_iter()
        .map(summary)
        .collect()
}

/// Each person's most recently created assessment.
pub(crate) fn latest_for_people(
    conn: &mut DbConnection,
    person_ids: &[String],
) -> Result<HashMap<Uuid, AssessmentSummary>, StoreError> {
    let mut latest = HashMap::new();
    for chunk in person_ids.chunks(500) {
        let rows = assessments::table
            .filter(assessments::person_id.eq_any(chunk))
            .order((
                assessments::person_id,
                assessments::created_at.desc(),
                assessments::id.desc(),
            ))
            .select(SUMMARY)
            .load::<SummaryRow>(conn)
            .map_err(|e| store_error(ENTITY, e))?;
        for row in rows {
            let s = summary(row)?;
            latest.entry(s.person_id).or_insert(s);
        }
    }
    Ok(latest)
}

pub(crate) fn reviews_due(
    conn: &mut DbConnection,
    scope: &ReviewScope,
    before: NaiveDate,
    limit: usize,
) -> Result<Vec<ReviewDueEntry>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let q = assessments::table
        .filter(assessments::review_due.is_not_null())
        .filter(assessments::review_due.lt(before))
        .into_boxed();
    let q = match scope {
        ReviewScope::Team(team) => q.filter(assessments::team.eq(team.as_str().to_owned())),
        ReviewScope::Practitioner(staff) => q.filter(assessments::assessor.eq(staff.clone())),
    };
    q.order((assessments::review_due, assessments::id))
        .limit(limit)
        .select(SUMMARY)
        .load::<SummaryRow>(conn)
        .map_err(|e| store_error(ENTITY, e))?
        .into_iter()
        .map(|row| {
            let s = summary(row)?;
            let due = s
                .review_due
                .ok_or_else(|| StoreError::Backend("a listed review has no date".to_owned()))?;
            Ok(ReviewDueEntry { assessment: s, due })
        })
        .collect()
}
