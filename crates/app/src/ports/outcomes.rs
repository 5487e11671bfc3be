//! The outcomes port: proven reoffending per person (imported in bulk from an outside source), and
//! the What Works cohort — people with a locked assessment in a period, joined with their outcome.

use chrono::{Months, NaiveDate};
use oasys_assessment_model::person::age_on;
use oasys_assessment_model::{Assessment, Ethnicity, Gender, Person};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::StoreError;

/// The follow-up the predictors are validated over (their two-year horizon).
pub const FOLLOW_UP_MONTHS: u32 = 24;

/// A person's proven reoffending within a follow-up period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReoffendingOutcome {
    /// The person.
    pub person_id: Uuid,
    /// First day of the follow-up (e.g. the sentence or release date).
    pub follow_up_start: NaiveDate,
    /// Last day of the follow-up.
    pub follow_up_end: NaiveDate,
    /// Date of the first proven reoffence within the follow-up; `None` when there was none.
    pub first_reoffence: Option<NaiveDate>,
    /// Offence category of that first proven reoffence.
    pub offence_category: Option<String>,
    /// A proven violent reoffence within the follow-up.
    pub violent: bool,
    /// A proven sexual reoffence within the follow-up.
    pub sexual: bool,
}

impl ReoffendingOutcome {
    /// Every problem with the record (empty when it is consistent): the follow-up must not end
    /// before it starts; a reoffence must fall within it; a category or a violent/sexual flag needs
    /// a reoffence.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use oasys_app::ReoffendingOutcome;
    /// let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
    /// let mut o = ReoffendingOutcome {
    ///     person_id: uuid::Uuid::nil(), follow_up_start: day(1, 1), follow_up_end: day(12, 31),
    ///     first_reoffence: None, offence_category: None, violent: true, sexual: false,
    /// };
    /// assert_eq!(o.problems(), ["a violent or sexual reoffence needs the date of the first reoffence"]);
    /// o.first_reoffence = Some(day(6, 1));
    /// assert!(o.problems().is_empty());
    /// ```
    #[must_use]
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.follow_up_end < self.follow_up_start {
            problems.push(format!(
                "the follow-up ends ({}) before it starts ({})",
                self.follow_up_end, self.follow_up_start
            ));
        }
        match self.first_reoffence {
            Some(date) if date < self.follow_up_start || date > self.follow_up_end => {
                problems.push(format!(
                    "the first reoffence ({date}) is outside the follow-up ({} to {})",
                    self.follow_up_start, self.follow_up_end
                ));
            }
            Some(_) => {}
            None => {
                if self.offence_category.is_some() {
                    problems.push(
                        "an offence category needs the date of the first reoffence".to_owned(),
                    );
                }
                if self.violent || self.sexual {
                    problems.push(
                        "a violent or sexual reoffence needs the date of the first reoffence"
                            .to_owned(),
                    );
                }
            }
        }
        if self
            .offence_category
            .as_deref()
            .is_some_and(|c| c.trim().is_empty())
        {
            problems.push("the offence category is blank".to_owned());
        }
        problems
    }

    /// Whether the follow-up covers the predictors' whole horizon ([`FOLLOW_UP_MONTHS`]), or the
    /// person reoffended within it: only then is the outcome known for validation.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        let horizon = self
            .follow_up_start
            .checked_add_months(Months::new(FOLLOW_UP_MONTHS))
            .unwrap_or(NaiveDate::MAX);
        self.follow_up_end >= horizon || self.first_reoffence.is_some_and(|date| date < horizon)
    }

    /// A proven reoffence within [`FOLLOW_UP_MONTHS`] of the follow-up start.
    #[must_use]
    pub fn reoffended_within_horizon(&self) -> bool {
        let horizon = self
            .follow_up_start
            .checked_add_months(Months::new(FOLLOW_UP_MONTHS))
            .unwrap_or(NaiveDate::MAX);
        self.first_reoffence.is_some_and(|date| date < horizon)
    }
}

/// What recording an outcome did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeWrite {
    /// The person had no outcome; it was stored.
    Inserted,
    /// The person's outcome differed; it was replaced.
    Updated,
    /// The same outcome was already stored (an import run twice).
    Unchanged,
}

/// Which people a What Works cohort holds. Empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CohortFilter {
    /// Assessment date on or after.
    pub from: Option<NaiveDate>,
    /// Assessment date on or before.
    pub to: Option<NaiveDate>,
    /// Areas (of the assessment's team).
    pub areas: Vec<String>,
    /// Sexes (the person's recorded gender).
    pub sexes: Vec<Gender>,
    /// Age bands at the assessment date (as [`oasys_sharing_policy::deidentify::age_band`] names them).
    pub age_bands: Vec<String>,
    /// Ethnic groups.
    pub ethnicities: Vec<Ethnicity>,
    /// Sentence types (codes).
    pub sentence_types: Vec<String>,
}

impl CohortFilter {
    /// Whether a member belongs to the cohort.
    #[must_use]
    pub fn matches(&self, member: &CohortMember) -> bool {
        let date = member.assessment.header().assessment_date;
        let any_of = |list: &[String], value: Option<&str>| {
            list.is_empty() || value.is_some_and(|v| list.iter().any(|x| x == v))
        };
        self.from.is_none_or(|from| date >= from)
            && self.to.is_none_or(|to| date <= to)
            && any_of(&self.areas, member.area.as_deref())
            && (self.sexes.is_empty() || self.sexes.contains(&member.person.gender))
            && any_of(&self.age_bands, Some(&member.age_band()))
            && (self.ethnicities.is_empty()
                || member
                    .person
                    .ethnicity
                    .is_some_and(|e| self.ethnicities.contains(&e)))
            && any_of(
                &self.sentence_types,
                member
                    .person
                    .sentence
                    .as_ref()
                    .map(|s| s.sentence_type.as_str()),
            )
    }
}

/// One person of a cohort: the person, the assessment that put them in it, the area of its team
/// and their outcome (when one was imported).
#[derive(Debug, Clone, PartialEq)]
pub struct CohortMember {
    /// The person as stored.
    pub person: Person,
    /// Their first locked (complete or locked incomplete) assessment in the period.
    pub assessment: Assessment,
    /// The area of the assessment's team, when the team's area is recorded.
    pub area: Option<String>,
    /// Their proven reoffending outcome, when imported.
    pub outcome: Option<ReoffendingOutcome>,
}

impl CohortMember {
    /// Age band at the assessment date.
    #[must_use]
    pub fn age_band(&self) -> String {
        oasys_sharing_policy::deidentify::age_band(age_on(
            self.person.date_of_birth,
            self.assessment.header().assessment_date,
        ))
    }
}

/// Stored outcomes and the cohort query.
///
/// Contract:
/// - `record_outcome` MUST return `NotFound` for a person not stored and `Invalid` for a record
///   with problems ([`ReoffendingOutcome::problems`]); it keeps one outcome per person, replacing
///   a different one (`Updated`) and leaving an identical one alone (`Unchanged`), so an import may
///   be run again.
/// - `outcome` MUST return `Ok(None)` for a person without one.
/// - `cohort_page` MUST scan, in person id order, the next `people` people after `after` (from
///   the start when `None`) who have a locked (complete or locked incomplete), not voided and
///   not deleted assessment, and return a member for each of them with such an assessment
///   matching `filter`, holding the earliest one (by assessment date, then creation time, then
///   id), in person id order; `next` is the last person scanned, or `None` when no one is left.
///   A cohort of any size is thus read a page at a time.
pub trait OutcomeRepository: Send + Sync {
    /// Stores or replaces a person's outcome.
    fn record_outcome(&self, outcome: &ReoffendingOutcome) -> Result<OutcomeWrite, StoreError>;
    /// A person's outcome.
    fn outcome(&self, person_id: Uuid) -> Result<Option<ReoffendingOutcome>, StoreError>;
    /// One page of the cohort.
    fn cohort_page(
        &self,
        filter: &CohortFilter,
        after: Option<Uuid>,
        people: usize,
    ) -> Result<CohortPage, StoreError>;
}

/// One page of a cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortPage {
    /// The members found among the people scanned.
    pub members: Vec<CohortMember>,
    /// The last person scanned (pass it as `after` for the next page); `None` at the end.
    pub next: Option<Uuid>,
}

/// The whole cohort, read page by page (for tests and small cohorts; use cases page themselves).
pub fn whole_cohort(
    repos: &dyn OutcomeRepository,
    filter: &CohortFilter,
) -> Result<Vec<CohortMember>, StoreError> {
    let mut members = Vec::new();
    let mut after = None;
    loop {
        let page = repos.cohort_page(filter, after, 500)?;
        members.extend(page.members);
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(members),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn outcome(end: NaiveDate, first: Option<NaiveDate>) -> ReoffendingOutcome {
        ReoffendingOutcome {
            person_id: Uuid::nil(),
            follow_up_start: day(2024, 2, 29),
            follow_up_end: end,
            first_reoffence: first,
            offence_category: first.map(|_| "theft".to_owned()),
            violent: false,
            sexual: false,
        }
    }

    #[test]
    fn a_follow_up_is_complete_at_two_years_or_on_an_earlier_reoffence() {
        // Two years from 29 February 2024 is 28 February 2026 (the month's last day).
        assert!(outcome(day(2026, 2, 28), None).is_complete());
        assert!(!outcome(day(2026, 2, 27), None).is_complete());
        let early = outcome(day(2025, 1, 1), Some(day(2024, 12, 1)));
        assert!(early.is_complete() && early.reoffended_within_horizon());
        let late = outcome(day(2027, 1, 1), Some(day(2026, 2, 28)));
        assert!(late.is_complete());
        assert!(
            !late.reoffended_within_horizon(),
            "on the horizon is after two years"
        );
        let just = outcome(day(2027, 1, 1), Some(day(2026, 2, 27)));
        assert!(just.reoffended_within_horizon());
    }

    #[test]
    fn every_problem_is_listed() {
        let bad = ReoffendingOutcome {
            person_id: Uuid::nil(),
            follow_up_start: day(2025, 1, 1),
            follow_up_end: day(2024, 1, 1),
            first_reoffence: None,
            offence_category: Some(" ".to_owned()),
            violent: false,
            sexual: true,
        };
        let problems = bad.problems();
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].contains("ends"));
        assert!(
            outcome(day(2026, 3, 1), Some(day(2025, 5, 5)))
                .problems()
                .is_empty()
        );
    }
}
