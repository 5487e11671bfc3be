//! Case access: team areas, LAO lists (one JSON row per person) and recorded staff relationships,
//! composed with the current allocation (its practitioner is the case manager) on read.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use oasys_app::{CaseAccess, StoreError};
use oasys_sharing_policy::{LaoLists, Relationship, RelationshipKind};
use uuid::Uuid;

use crate::allocations::{self, from_millis, millis};
use crate::conn::{DbConnection, concrete, store_error, write_tx};
use crate::people::{self, decode, encode};
use crate::schema::{case_relationships, lao_lists, teams};

const ENTITY: &str = "case";

/// Whether an insert lost to a row with the same key (inserted concurrently or before).
fn duplicate<T>(result: &Result<T, DieselError>) -> bool {
    matches!(
        result,
        Err(DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            _
        ))
    )
}

/// Runs `update`; when it changed nothing, `insert` in a savepoint; when that insert collides
/// with a row inserted meanwhile, updates again. Portable (no backend-specific upsert).
fn upsert(
    conn: &mut DbConnection,
    entity: &'static str,
    mut update: impl FnMut(&mut DbConnection) -> Result<usize, DieselError>,
    mut insert: impl FnMut(&mut DbConnection) -> Result<usize, DieselError>,
) -> Result<(), StoreError> {
    for _ in 0..2 {
        if update(conn).map_err(|e| store_error(entity, e))? > 0 {
            return Ok(());
        }
        let inserted = write_tx(conn, &mut insert);
        if !duplicate(&inserted) {
            return inserted.map(|_| ()).map_err(|e| store_error(entity, e));
        }
    }
    Err(StoreError::Conflict {
        entity,
        reason: "concurrent writes to the same key".to_owned(),
        current_version: None,
    })
}

pub(crate) fn set_team_area(
    conn: &mut DbConnection,
    team: &str,
    area: &str,
) -> Result<(), StoreError> {
    upsert(
        conn,
        "team",
        |c| {
            diesel::update(teams::table.find(team))
                .set(teams::area.eq(area))
                .execute(c)
        },
        |c| {
            diesel::insert_into(teams::table)
                .values((teams::code.eq(team), teams::area.eq(area)))
                .execute(c)
        },
    )
}

pub(crate) fn set_lao(
    conn: &mut DbConnection,
    person_id: Uuid,
    lao: &LaoLists,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let person = people::require(conn, person_id)?;
    let document = encode(ENTITY, lao)?;
    let at = millis(at);
    upsert(
        conn,
        ENTITY,
        |c| {
            diesel::update(lao_lists::table.find(&person))
                .set((
                    lao_lists::document.eq(&document),
                    lao_lists::updated_at.eq(at),
                ))
                .execute(c)
        },
        |c| {
            diesel::insert_into(lao_lists::table)
                .values((
                    lao_lists::person_id.eq(&person),
                    lao_lists::document.eq(&document),
                    lao_lists::updated_at.eq(at),
                ))
                .execute(c)
        },
    )
}

pub(crate) fn add_relationship(
    conn: &mut DbConnection,
    person_id: Uuid,
    r: &Relationship,
) -> Result<(), StoreError> {
    let person = people::require(conn, person_id)?;
    diesel::insert_into(case_relationships::table)
        .values((
            case_relationships::person_id.eq(&person),
            case_relationships::staff_id.eq(&r.staff_id),
            case_relationships::kind.eq(encode(ENTITY, &r.kind)?),
            case_relationships::from_ms.eq(millis(r.from)),
            case_relationships::until_ms.eq(r.until.map(millis)),
        ))
        .execute(conn)
        .map_err(|e| store_error(ENTITY, e))?;
    Ok(())
}

pub(crate) fn end_relationships(
    conn: &mut DbConnection,
    person_id: Uuid,
    kind: &RelationshipKind,
    at: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let at = millis(at);
    diesel::update(
        case_relationships::table
            .filter(case_relationships::person_id.eq(person_id.to_string()))
            .filter(case_relationships::kind.eq(encode(ENTITY, kind)?))
            .filter(
                case_relationships::until_ms
                    .is_null()
                    .or(case_relationships::until_ms.gt(at)),
            ),
    )
    .set(case_relationships::until_ms.eq(at))
    .execute(conn)
    .map_err(|e| store_error(ENTITY, e))
}

pub(crate) fn relationships_of(
    conn: &mut DbConnection,
    staff_id: &str,
) -> Result<Vec<(Uuid, Relationship)>, StoreError> {
    let rows: Vec<(String, String, String, i64, Option<i64>)> = case_relationships::table
        .filter(case_relationships::staff_id.eq(staff_id))
        .order(case_relationships::id.asc())
        .select((
            case_relationships::person_id,
            case_relationships::staff_id,
            case_relationships::kind,
            case_relationships::from_ms,
            case_relationships::until_ms,
        ))
        .load(conn)
        .map_err(|e| store_error(ENTITY, e))?;
    rows.into_iter()
        .map(|(person, staff, kind, from, until)| {
            Ok((
                allocations::parse_uuid(&person)?,
                relationship((staff, kind, from, until))?,
            ))
        })
        .collect()
}

type RelationshipRow = (String, String, i64, Option<i64>);

fn relationship(row: RelationshipRow) -> Result<Relationship, StoreError> {
    let (staff_id, kind, from, until) = row;
    Ok(Relationship {
        staff_id,
        kind: decode(ENTITY, &kind)?,
        from: from_millis(from)?,
        until: until.map(from_millis).transpose()?,
    })
}

pub(crate) fn case_access(
    conn: &mut DbConnection,
    person_id: Uuid,
) -> Result<Option<CaseAccess>, StoreError> {
    if !people::exists(conn, person_id)? {
        return Ok(None);
    }
    let person = person_id.to_string();
    let mut relationships = Vec::new();
    let (responsible_team, area) = match allocations::current_with_area(conn, &person)? {
        Some((allocation, area)) => {
            relationships.push(Relationship {
                staff_id: allocation.practitioner,
                kind: RelationshipKind::CaseManager,
                from: allocation.allocated_at,
                until: None,
            });
            (Some(allocation.team.as_str().to_owned()), area)
        }
        None => (None, None),
    };
    let query = case_relationships::table
        .filter(case_relationships::person_id.eq(&person))
        .order(case_relationships::id)
        .select((
            case_relationships::staff_id,
            case_relationships::kind,
            case_relationships::from_ms,
            case_relationships::until_ms,
        ));
    let stored = concrete!(conn, |c| query.load::<RelationshipRow>(c))
        .map_err(|e| store_error(ENTITY, e))?;
    for row in stored {
        relationships.push(relationship(row)?);
    }
    let query = lao_lists::table.find(&person).select(lao_lists::document);
    let lao = concrete!(conn, |c| query.first::<String>(c))
        .optional()
        .map_err(|e| store_error(ENTITY, e))?
        .map(|json| decode::<LaoLists>(ENTITY, &json))
        .transpose()?
        .unwrap_or_default();
    Ok(Some(CaseAccess {
        person_id,
        responsible_team,
        area,
        relationships,
        lao,
    }))
}
