//! Proven reoffending outcomes (one row per person, replaced when a later import differs) and the
//! What Works cohort: locked assessments joined with their person, their team's area and the
//! person's outcome.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use oasys_app::{
    CohortFilter, CohortMember, CohortPage, OutcomeWrite, ReoffendingOutcome, StoreError,
};
use oasys_assessment_model::{Assessment, Person, State};
use uuid::Uuid;

use crate::allocations::parse_uuid;
use crate::assessments::{assemble, events_of};
use crate::conn::{DbConnection, store_error};
use crate::people::{self, decode};
use crate::schema::{assessments, outcomes, people as people_table, teams};

const ENTITY: &str = "outcome";

type Row = (
    String,
    NaiveDate,
    NaiveDate,
    Option<NaiveDate>,
    Option<String>,
    bool,
    bool,
);

fn from_row(row: Row) -> Result<ReoffendingOutcome, StoreError> {
    let (
        person,
        follow_up_start,
        follow_up_end,
        first_reoffence,
        offence_category,
        violent,
        sexual,
    ) = row;
    Ok(ReoffendingOutcome {
        person_id: parse_uuid(&person)?,
        follow_up_start,
        follow_up_end,
        first_reoffence,
        offence_category,
        violent,
        sexual,
    })
}

pub(crate) fn get(
    conn: &mut DbConnection,
    person_id: Uuid,
) -> Result<Option<ReoffendingOutcome>, StoreError> {
    outcomes::table
        .find(person_id.to_string())
        .first::<Row>(conn)
        .optional()
        .map_err(|e| store_error(ENTITY, e))?
        .map(from_row)
        .transpose()
}

pub(crate) fn record(
    conn: &mut DbConnection,
    outcome: &ReoffendingOutcome,
) -> Result<OutcomeWrite, StoreError> {
    let problems = outcome.problems();
    if !problems.is_empty() {
        return Err(StoreError::Invalid {
            reason: problems.join("; "),
        });
    }
    let person = people::require(conn, outcome.person_id)?;
    let values = (
        outcomes::follow_up_start.eq(outcome.follow_up_start),
        outcomes::follow_up_end.eq(outcome.follow_up_end),
        outcomes::first_reoffence.eq(outcome.first_reoffence),
        outcomes::offence_category.eq(outcome.offence_category.as_deref()),
        outcomes::violent.eq(outcome.violent),
        outcomes::sexual.eq(outcome.sexual),
    );
    match get(conn, outcome.person_id)? {
        Some(stored) if stored == *outcome => Ok(OutcomeWrite::Unchanged),
        Some(_) => {
            diesel::update(outcomes::table.find(&person))
                .set(values)
                .execute(conn)
                .map_err(|e| store_error(ENTITY, e))?;
            Ok(OutcomeWrite::Updated)
        }
        None => {
            diesel::insert_into(outcomes::table)
                .values((outcomes::person_id.eq(&person), values))
                .execute(conn)
                .map_err(|e| store_error(ENTITY, e))?;
            Ok(OutcomeWrite::Inserted)
        }
    }
}

type CandidateRow = (String, i64, String, String, Option<String>, Option<Row>);

pub(crate) fn cohort_page(
    conn: &mut DbConnection,
    filter: &CohortFilter,
    after: Option<Uuid>,
    people: usize,
) -> Result<CohortPage, StoreError> {
    let limit = i64::try_from(people.max(1)).unwrap_or(i64::MAX);
    let page: Vec<String> = assessments::table
        .filter(assessments::locked.eq(true))
        .filter(assessments::voided.eq(false))
        .filter(assessments::person_id.gt(after.map(|id| id.to_string()).unwrap_or_default()))
        .select(assessments::person_id)
        .distinct()
        .order(assessments::person_id)
        .limit(limit)
        .load(conn)
        .map_err(|e| store_error("cohort", e))?;
    let next = match page.last() {
        Some(last) if page.len() == people.max(1) => Some(parse_uuid(last)?),
        _ => None,
    };
    Ok(CohortPage {
        members: page_members(conn, &page, filter)?,
        next,
    })
}

/// The members among one page of people, in person id order.
fn page_members(
    conn: &mut DbConnection,
    people: &[String],
    filter: &CohortFilter,
) -> Result<Vec<CohortMember>, StoreError> {
    let rows: Vec<CandidateRow> = assessments::table
        .inner_join(people_table::table)
        .left_join(teams::table.on(teams::code.eq(assessments::team)))
        .left_join(outcomes::table.on(outcomes::person_id.eq(assessments::person_id)))
        .filter(assessments::locked.eq(true))
        .filter(assessments::voided.eq(false))
        .filter(assessments::person_id.eq_any(people))
        .select((
            assessments::id,
            assessments::created_at,
            assessments::document,
            people_table::document,
            teams::area.nullable(),
            (
                outcomes::person_id,
                outcomes::follow_up_start,
                outcomes::follow_up_end,
                outcomes::first_reoffence,
                outcomes::offence_category,
                outcomes::violent,
                outcomes::sexual,
            )
                .nullable(),
        ))
        .load(conn)
        .map_err(|e| store_error("cohort", e))?;
    let mut chosen: BTreeMap<Uuid, ((NaiveDate, i64, String), CohortMember)> = BTreeMap::new();
    let mut decoded: BTreeMap<Uuid, Person> = BTreeMap::new();
    let ids: Vec<String> = rows.iter().map(|row| row.0.clone()).collect();
    let mut logs = events_of(conn, &ids)?;
    for (assessment_id, created_at, assessment_json, person_json, area, outcome) in rows {
        let events = logs.remove(&assessment_id).unwrap_or_default();
        let assessment = assemble(&assessment_json, events)?;
        if !is_final(&assessment) {
            continue;
        }
        let person_id = assessment.header().person.id;
        let person = match decoded.get(&person_id) {
            Some(p) => p.clone(),
            None => {
                let p: Person = decode("person", &person_json)?;
                decoded.insert(person_id, p.clone());
                p
            }
        };
        let member = CohortMember {
            person,
            assessment,
            area,
            outcome: outcome.map(from_row).transpose()?,
        };
        if !filter.matches(&member) {
            continue;
        }
        let key = (
            member.assessment.header().assessment_date,
            created_at,
            assessment_id,
        );
        match chosen.get(&person_id) {
            Some((best, _)) if *best <= key => {}
            _ => {
                chosen.insert(person_id, (key, member));
            }
        }
    }
    Ok(chosen.into_values().map(|(_, member)| member).collect())
}

/// Complete or locked incomplete, and not deleted (voided rows are filtered in the query).
fn is_final(assessment: &Assessment) -> bool {
    matches!(
        assessment.state(),
        State::Complete { .. } | State::LockedIncomplete
    ) && assessment.deleted().is_none()
}
