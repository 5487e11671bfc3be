//! Whole-store listings for operators: every account and team, people and assessments in pages
//! by id (for export), and reviews due across every team.

use chrono::NaiveDate;
use diesel::prelude::*;
use oasys_app::{
    AccountProfile, Listings, ReviewDueEntry, StoreError, StoredAssessment, TeamRecord, UserAccount,
};
use oasys_assessment_model::Person;
use uuid::Uuid;

use crate::allocations::from_millis;
use crate::assessments::{SUMMARY, SummaryRow, assemble, events_of, summary};
use crate::conn::store_error;
use crate::db::Database;
use crate::people::decode;
use crate::schema::{assessments, people, teams, users};

fn page_limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

impl Listings for Database {
    fn users(&self) -> Result<Vec<UserAccount>, StoreError> {
        self.read(|conn| {
            users::table
                .order(users::username)
                .select((
                    users::username,
                    users::password_hash,
                    users::profile,
                    users::disabled,
                    users::created_at,
                ))
                .load::<(String, String, String, bool, i64)>(conn)
                .map_err(|e| store_error("user", e))?
                .into_iter()
                .map(|(username, password_hash, profile, disabled, created_at)| {
                    Ok(UserAccount {
                        username,
                        password_hash,
                        profile: decode::<AccountProfile>("user", &profile)?,
                        disabled,
                        created_at: from_millis(created_at)?,
                    })
                })
                .collect()
        })
    }

    fn teams(&self) -> Result<Vec<TeamRecord>, StoreError> {
        self.read(|conn| {
            teams::table
                .order(teams::code)
                .select((teams::code, teams::area))
                .load::<(String, String)>(conn)
                .map_err(|e| store_error("team", e))
                .map(|rows| {
                    rows.into_iter()
                        .map(|(code, area)| TeamRecord { code, area })
                        .collect()
                })
        })
    }

    fn people_after(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Person>, StoreError> {
        self.read(|conn| {
            let mut query = people::table
                .order(people::id)
                .select(people::document)
                .limit(page_limit(limit))
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(people::id.gt(after.to_string()));
            }
            query
                .load::<String>(conn)
                .map_err(|e| store_error("person", e))?
                .iter()
                .map(|json| decode("person", json))
                .collect()
        })
    }

    fn assessments_after(
        &self,
        after: Option<Uuid>,
        limit: usize,
    ) -> Result<Vec<StoredAssessment>, StoreError> {
        self.read(|conn| {
            let mut query = assessments::table
                .order(assessments::id)
                .select((
                    assessments::id,
                    assessments::document,
                    assessments::review_due,
                ))
                .limit(page_limit(limit))
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(assessments::id.gt(after.to_string()));
            }
            let rows = query
                .load::<(String, String, Option<NaiveDate>)>(conn)
                .map_err(|e| store_error("assessment", e))?;
            let ids: Vec<String> = rows.iter().map(|(id, _, _)| id.clone()).collect();
            let mut logs = events_of(conn, &ids)?;
            rows.iter()
                .map(|(id, json, review_due)| {
                    let events = logs.remove(id).unwrap_or_default();
                    Ok(StoredAssessment {
                        assessment: assemble(json, events)?,
                        review_due: *review_due,
                    })
                })
                .collect()
        })
    }

    fn reviews_due_anywhere(
        &self,
        before: NaiveDate,
        limit: usize,
    ) -> Result<Vec<ReviewDueEntry>, StoreError> {
        self.read(|conn| {
            assessments::table
                .filter(assessments::review_due.is_not_null())
                .filter(assessments::review_due.lt(before))
                .order((assessments::review_due, assessments::id))
                .limit(page_limit(limit))
                .select(SUMMARY)
                .load::<SummaryRow>(conn)
                .map_err(|e| store_error("assessment", e))?
                .into_iter()
                .map(|row| {
                    let s = summary(row)?;
                    let due = s.review_due.ok_or_else(|| {
                        StoreError::Backend("a listed review has no date".to_owned())
                    })?;
                    Ok(ReviewDueEntry { assessment: s, due })
                })
                .collect()
        })
    }
}
