//! Review schedule (spec §12): when the next review of the latest completed assessment is due,
//! from the person's location, a known release date and event-driven purposes.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::assessment::Assessment;
use crate::lifecycle::State;
use crate::person::Person;
use crate::purpose::Purpose;

/// Community review interval: 16 weeks.
pub const COMMUNITY_REVIEW_DAYS: u64 = 112;
/// Custody review interval: 52 weeks.
pub const CUSTODY_REVIEW_DAYS: u64 = 364;
/// A pre-release review is due this many days (12 weeks) before the earliest release date.
pub const PRE_RELEASE_DAYS: u64 = 84;
/// A locked-incomplete assessment is reviewed within 8 weeks.
pub const LOCKED_INCOMPLETE_DAYS: u64 = 56;
/// `due_soon` window.
pub const DUE_SOON_DAYS: i64 = 14;

/// Something that happened to the person that calls for a review (an event-driven purpose).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewEvent {
    /// The purpose the event corresponds to (e.g. Recall, Significant Change).
    pub purpose: Purpose,
    /// When it happened.
    pub date: NaiveDate,
}

/// Why a review is due on that date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case", deny_unknown_fields)]
pub enum ReviewReason {
    /// Community: completion + 16 weeks.
    Community,
    /// Custody: completion + 52 weeks.
    Custody,
    /// Custody: 12 weeks before the earliest release date.
    PreRelease,
    /// Locked incomplete: completion + 8 weeks.
    LockedIncomplete,
    /// An event-driven purpose: event date + its offset.
    Event {
        /// The event's purpose.
        purpose: Purpose,
    },
}

/// When the next review is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewDue {
    /// Due date.
    pub date: NaiveDate,
    /// Why.
    pub reason: ReviewReason,
    /// `today > date`.
    pub overdue: bool,
    /// Not overdue and due within 14 days.
    pub due_soon: bool,
}

fn plus(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days))
        .unwrap_or(NaiveDate::MAX)
}

fn minus(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days))
        .unwrap_or(NaiveDate::MIN)
}

/// The next review of one assessment; `None` unless it is Complete or LockedIncomplete and not deleted.
/// Events before the completion date are ignored; later event-driven events replace a later date.
#[must_use]
pub fn next_review(
    assessment: &Assessment,
    person: &Person,
    events: &[ReviewEvent],
    today: NaiveDate,
) -> Option<ReviewDue> {
    let locked_incomplete = match assessment.state() {
        State::Complete { .. } => false,
        State::LockedIncomplete => true,
        _ => return None,
    };
    if assessment.deleted().is_some() {
        return None;
    }
    let completed = assessment.header().completed_at?.date_naive();
    let mut due = if person.in_custody() {
        let annual = (plus(completed, CUSTODY_REVIEW_DAYS), ReviewReason::Custody);
        match person.sentence.as_ref().and_then(|s| s.earliest_release) {
            Some(release) if minus(release, PRE_RELEASE_DAYS) < annual.0 => {
                (minus(release, PRE_RELEASE_DAYS), ReviewReason::PreRelease)
            }
            _ => annual,
        }
    } else {
        (
            plus(completed, COMMUNITY_REVIEW_DAYS),
            ReviewReason::Community,
        )
    };
    if locked_incomplete && plus(completed, LOCKED_INCOMPLETE_DAYS) < due.0 {
        due = (
            plus(completed, LOCKED_INCOMPLETE_DAYS),
            ReviewReason::LockedIncomplete,
        );
    }
    for event in events.iter().filter(|e| e.date >= completed) {
        if let Some(offset) = event.purpose.review_event_offset_days() {
            let date = plus(event.date, u64::try_from(offset).unwrap_or(0));
            if date < due.0 {
                due = (
                    date,
                    ReviewReason::Event {
                        purpose: event.purpose.clone(),
                    },
                );
            }
        }
    }
    let (date, reason) = due;
    let overdue = today > date;
    let due_soon = !overdue && (date - today).num_days() <= DUE_SOON_DAYS;
    Some(ReviewDue {
        date,
        reason,
        overdue,
        due_soon,
    })
}

/// The next review for a person from the latest completed assessment among `assessments`
/// (voided and deleted ones never count; a newer Open assessment does not clear "overdue").
#[must_use]
pub fn next_review_for(
    assessments: &[Assessment],
    person: &Person,
    events: &[ReviewEvent],
    today: NaiveDate,
) -> Option<ReviewDue> {
    assessments
        .iter()
        .filter(|a| a.header().person.id == person.id && a.deleted().is_none())
        .filter(|a| matches!(a.state(), State::Complete { .. } | State::LockedIncomplete))
        .max_by_key(|a| a.header().completed_at)
        .and_then(|a| next_review(a, person, events, today))
}
