//! Allocations: one current row per person (a partial unique index), ended rows kept; the
//! caseload joins current allocations to people and each person's latest assessment.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use oasys_app::{Allocation, CaseloadEntry, StoreError};
use oasys_assessment_model::OrgCode;
use uuid::Uuid;

use crate::assessments;
use crate::conn::{DbConnection, concrete, store_error};
use crate::people;
use crate::schema::{allocations, people as people_table, teams};

const ENTITY: &str = "allocation";

pub(crate) fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub(crate) fn from_millis(ms: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| StoreError::Backend(format!("stored time {ms} is out of range")))
}

pub(crate) fn parse_uuid(text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|e| StoreError::Backend(format!("stored id {text:?}: {e}")))
}

pub(crate) fn parse_org(text: &str) -> Result<OrgCode, StoreError> {
    OrgCode::parse(text).map_err(|e| StoreError::Backend(format!("stored team {text:?}: {e}")))
}

type Row = (String, String, String, i64, String);

fn allocation(row: Row) -> Result<Allocation, StoreError> {
    let (person_id, practitioner, team, at, by) = row;
    Ok(Allocation {
        person_id: parse_uuid(&person_id)?,
        practitioner,
        team: parse_org(&team)?,
        allocated_at: from_millis(at)?,
        allocated_by: by,
    })
}

const COLUMNS: (
    allocations::person_id,
    allocations::practitioner,
    allocations::team,
    allocations::allocated_at,
    allocations::allocated_by,
) = (
    allocations::person_id,
    allocations::practitioner,
    allocations::team,
    allocations::allocated_at,
    allocations::allocated_by,
);

pub(crate) fn allocate(conn: &mut DbConnection, a: &Allocation) -> Result<(), StoreError> {
    let person = a.person_id.to_string();
    let exists = people_table::table
        .find(&person)
        .select(people_table::id)
        .first::<String>(conn)
        .optional()
        .map_err(|e| store_error(ENTITY, e))?;
    if exists.is_none() {
        return Err(StoreError::NotFound {
            entity: "person",
            id: person,
        });
    }
    let at = millis(a.allocated_at);
    diesel::update(
        allocations::table
            .filter(allocations::person_id.eq(&person))
            .filter(allocations::ended_at.is_null()),
    )
    .set(allocations::ended_at.eq(Some(at)))
    .execute(conn)
    .map_err(|e| store_error(ENTITY, e))?;
    diesel::insert_into(allocations::table)
        .values((
            allocations::person_id.eq(&person),
            allocations::practitioner.eq(&a.practitioner),
            allocations::team.eq(a.team.as_str()),
            allocations::allocated_at.eq(at),
            allocations::allocated_by.eq(&a.allocated_by),
        ))
        .execute(conn)
        .map_err(|e| store_error(ENTITY, e))?;
    Ok(())
}

pub(crate) fn current(
    conn: &mut DbConnection,
    person_id: Uuid,
) -> Result<Option<Allocation>, StoreError> {
    let person_id = person_id.to_string();
    let query = allocations::table
        .filter(allocations::person_id.eq(&person_id))
        .filter(allocations::ended_at.is_null())
        .select(COLUMNS);
    concrete!(conn, |c| query.first::<Row>(c))
        .optional()
        .map_err(|e| store_error(ENTITY, e))?
        .map(allocation)
        .transpose()
}

/// The person's current allocation with its team's area (when the team is known), in one query.
pub(crate) fn current_with_area(
    conn: &mut DbConnection,
    person_id: &str,
) -> Result<Option<(Allocation, Option<String>)>, StoreError> {
    let query = allocations::table
        .left_join(teams::table.on(teams::code.eq(allocations::team)))
        .filter(allocations::person_id.eq(person_id))
        .filter(allocations::ended_at.is_null())
        .select((COLUMNS, teams::area.nullable()));
    concrete!(conn, |c| query.first::<(Row, Option<String>)>(c))
        .optional()
        .map_err(|e| store_error(ENTITY, e))?
        .map(|(row, area)| Ok((allocation(row)?, area)))
        .transpose()
}

pub(crate) fn caseload(
    conn: &mut DbConnection,
    practitioner: &str,
) -> Result<Vec<CaseloadEntry>, StoreError> {
    let rows = allocations::table
        .filter(allocations::practitioner.eq(practitioner))
        .filter(allocations::ended_at.is_null())
        .select(COLUMNS)
        .load::<Row>(conn)
        .map_err(|e| store_error(ENTITY, e))?;
    let ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let mut people: HashMap<Uuid, _> = people::get_many(conn, &ids)?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut latest = assessments::latest_for_people(conn, &ids)?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let allocation = allocation(row)?;
        let person = people.remove(&allocation.person_id).ok_or_else(|| {
            StoreError::Backend(format!(
                "allocation names a missing person {}",
                allocation.person_id
            ))
        })?;
        entries.push(CaseloadEntry {
            latest_assessment: latest.remove(&allocation.person_id),
            person,
            allocation,
        });
    }
    entries.sort_by(|a, b| {
        let key = |e: &CaseloadEntry| {
            (
                e.person.family_name.as_str().to_lowercase(),
                e.person.given_name.as_str().to_lowercase(),
                e.person.id,
            )
        };
        key(a).cmp(&key(b))
    });
    Ok(entries)
}
