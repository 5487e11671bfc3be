//! Proven reoffending outcomes (one row per person, replaced when a later import differs) and the
//! What Works cohort: locked assessments joined with their person, their team's area and the
//! person's outcome.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use oasys_app::{CohortFilter, CohortMember, OutcomeWrite, ReoffendingOutcome, StoreError};
use oasys_assessment_model::{Assessment, Person, State};
use uuid::Uuid;

use crate::allocations::parse_uuid;
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

pub(crate) fn cohort(
    conn: &mut DbConnection,
    filter: &CohortFilter,
) -> Result<Vec<CohortMember>, StoreError> {
    let rows: Vec<CandidateRow> = assessments::table
        .inner_join(people_table::table)
        .left_join(teams::table.on(teams::code.eq(assessments::team)))
        .left_join(outcomes::table.on(outcomes::person_id.eq(assessments::person_id)))
        .filter(assessments::locked.eq(true))
        .filter(assessments::voided.eq(false))
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
    let mut decoded: BTreeMap<String, Person> = BTreeMap::new();
    for (assessment_id, created_at, assessment_json, person_json, area, outcome) in rows {
        let assessment: Assessment = decode("assessment", &assessment_json)?;
        let person_key = assessment.header().person.id.to_string();
        let person = match decoded.get(&person_key) {
            Some(p) => p.clone(),
            None => {
                let p: Person = decode("person", &person_json)?;
                decoded.insert(person_key, p.clone());
                p
            }
        };
        if !is_final(&assessment) {
            continue;
        }
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
        match chosen.get(&member.person.id) {
            Some((best, _)) if *best <= key => {}
            _ => {
                chosen.insert(member.person.id, (key, member));
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
