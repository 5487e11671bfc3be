//! Requirements of community orders and licence conditions: type from a reference list, text, start and
//! end, justification, and the compliance and breach events recorded against each.

use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

/// Standard, additional or bespoke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionCategory {
    /// A standard condition every licence carries.
    Standard,
    /// An additional condition from the policy set, or a court-imposed requirement.
    Additional,
    /// A bespoke condition written for the case.
    Bespoke,
}

/// What the condition belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderKind {
    /// A requirement of a community or suspended sentence order.
    CommunityRequirement,
    /// A licence condition.
    Licence,
}

/// One type of the reference list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionType {
    /// Stable code.
    pub code: String,
    /// Label shown to practitioners.
    pub label: String,
    /// Standard, additional or bespoke.
    pub category: ConditionCategory,
    /// Requirement or licence condition.
    pub order: OrderKind,
}

/// The built-in reference list of requirement and licence-condition types (a JSON list).
pub const CONDITION_TYPES_JSON: &str = include_str!("data/condition_types.json");

static CONDITION_TYPES: LazyLock<Vec<ConditionType>> =
    LazyLock::new(|| serde_json::from_str(CONDITION_TYPES_JSON).unwrap_or_default());

/// The reference list of requirement and licence-condition types (checked by the crate's tests to load).
#[must_use]
pub fn condition_types() -> &'static [ConditionType] {
    &CONDITION_TYPES
}

/// The type with this code.
#[must_use]
pub fn condition_type(code: &str) -> Option<&'static ConditionType> {
    condition_types().iter().find(|t| t.code == code)
}

/// Why a condition or an event was refused. Validations return every problem.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ConditionError {
    /// The type is not in the reference list.
    #[error("{code} is not a known requirement or licence condition")]
    UnknownConditionType {
        /// The code given.
        code: String,
    },
    /// Every condition must be justified.
    #[error("a justification is required")]
    JustificationRequired,
    /// A bespoke condition needs its wording.
    #[error("a bespoke condition needs its wording")]
    TextRequired,
    /// The end is before the start.
    #[error("the end date {end} is before the start date {start}")]
    EndBeforeStart {
        /// Start.
        start: NaiveDate,
        /// End.
        end: NaiveDate,
    },
    /// An event outside the period the condition runs.
    #[error("{date} is outside the period the condition runs ({start} to {})", end.map_or_else(|| "open".to_owned(), |d| d.to_string()))]
    EventOutsidePeriod {
        /// The event date.
        date: NaiveDate,
        /// Start.
        start: NaiveDate,
        /// End.
        end: Option<NaiveDate>,
    },
    /// A breach needs a note of what happened.
    #[error("a breach needs a note of what happened")]
    BreachNoteRequired,
}

/// What is needed to record a condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCondition {
    /// Condition id (passed in).
    pub id: Uuid,
    /// Type code from [`condition_types`].
    pub type_code: String,
    /// Wording; blank takes the type's label (bespoke conditions must give it).
    pub text: String,
    /// Start date.
    pub start: NaiveDate,
    /// End date; none = until the order or licence ends.
    pub end: Option<NaiveDate>,
    /// Why it is necessary and proportionate.
    pub justification: String,
}

/// What was done about a breach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachAction {
    /// Recorded only.
    NoFurtherAction,
    /// A formal warning.
    Warning,
    /// Breach proceedings started (community orders).
    BreachProceedings,
    /// Recall requested (licences).
    Recall,
}

/// A compliance or breach event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceKind {
    /// Complied.
    Complied,
    /// Failed to comply with an acceptable reason.
    AcceptableAbsence,
    /// Breached, with the action taken.
    Breach {
        /// The action.
        action: BreachAction,
    },
}

/// One event recorded against a condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplianceEvent {
    /// When.
    pub date: NaiveDate,
    /// What.
    pub kind: ComplianceKind,
    /// Notes (required for a breach).
    pub note: String,
}

/// A requirement or licence condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// Id.
    pub id: Uuid,
    /// Type code.
    pub type_code: String,
    /// Wording.
    pub text: String,
    /// Start.
    pub start: NaiveDate,
    /// End; `None` = open.
    pub end: Option<NaiveDate>,
    /// Justification.
    pub justification: String,
    /// Events, in the order recorded.
    pub events: Vec<ComplianceEvent>,
}

impl Condition {
    /// Checks and builds a condition; returns every problem.
    pub fn create(new: NewCondition) -> Result<Self, Vec<ConditionError>> {
        let mut problems = Vec::new();
        let kind = condition_type(&new.type_code);
        if kind.is_none() {
            problems.push(ConditionError::UnknownConditionType {
                code: new.type_code.clone(),
            });
        }
        if new.justification.trim().is_empty() {
            problems.push(ConditionError::JustificationRequired);
        }
        let text = match (new.text.trim(), kind) {
            ("", Some(t)) if t.category == ConditionCategory::Bespoke => {
                problems.push(ConditionError::TextRequired);
                String::new()
            }
            ("", Some(t)) => t.label.clone(),
            (text, _) => text.to_owned(),
        };
        if let Some(end) = new.end
            && end < new.start
        {
            problems.push(ConditionError::EndBeforeStart {
                start: new.start,
                end,
            });
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self {
            id: new.id,
            type_code: new.type_code,
            text,
            start: new.start,
            end: new.end,
            justification: new.justification.trim().to_owned(),
            events: Vec::new(),
        })
    }

    /// The type from the reference list.
    #[must_use]
    pub fn condition_type(&self) -> Option<&'static ConditionType> {
        condition_type(&self.type_code)
    }

    /// Whether the condition runs on `date`.
    #[must_use]
    pub fn is_active_on(&self, date: NaiveDate) -> bool {
        date >= self.start && self.end.is_none_or(|end| date <= end)
    }

    /// Records a compliance or breach event; returns every problem.
    pub fn record(&mut self, event: ComplianceEvent) -> Result<(), Vec<ConditionError>> {
        let mut problems = Vec::new();
        if !self.is_active_on(event.date) {
            problems.push(ConditionError::EventOutsidePeriod {
                date: event.date,
                start: self.start,
                end: self.end,
            });
        }
        if matches!(event.kind, ComplianceKind::Breach { .. }) && event.note.trim().is_empty() {
            problems.push(ConditionError::BreachNoteRequired);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        self.events.push(event);
        Ok(())
    }

    /// The breach events.
    pub fn breaches(&self) -> impl Iterator<Item = &ComplianceEvent> {
        self.events
            .iter()
            .filter(|e| matches!(e.kind, ComplianceKind::Breach { .. }))
    }
}

/// The conditions that run on `date`.
#[must_use]
pub fn active_on(conditions: &[Condition], date: NaiveDate) -> Vec<&Condition> {
    conditions.iter().filter(|c| c.is_active_on(date)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default()
    }

    fn new(code: &str, text: &str, end: Option<NaiveDate>, why: &str) -> NewCondition {
        NewCondition {
            id: Uuid::from_u128(3),
            type_code: code.into(),
            text: text.into(),
            start: day(3, 1),
            end,
            justification: why.into(),
        }
    }

    #[test]
    fn the_seed_examples_are_in_the_reference_list() {
        for code in [
            "NO-CHILD-CONTACT",
            "EXCLUSION-ZONE",
            "ELECTRONIC-MONITORING",
            "DEVICE-MONITORING",
            "REQ-PROGRAMME",
            "REQ-RESIDENCE",
        ] {
            assert!(condition_type(code).is_some(), "{code}");
        }
        let types = condition_types();
        assert_eq!(types.len(), 34);
        for (i, t) in types.iter().enumerate() {
            assert!(types[..i].iter().all(|o| o.code != t.code), "{}", t.code);
        }
    }

    #[test]
    fn a_condition_needs_a_known_type_a_justification_and_an_end_not_before_start() {
        let ok = Condition::create(new(
            "EXCLUSION-ZONE",
            "",
            Some(day(3, 1)),
            "victim lives there",
        ));
        let ok = ok.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(ok.text, "Not enter an exclusion zone");
        let problems = Condition::create(new("NOPE", "x", Some(day(2, 1)), " ")).err();
        assert_eq!(
            problems,
            Some(vec![
                ConditionError::UnknownConditionType {
                    code: "NOPE".into()
                },
                ConditionError::JustificationRequired,
                ConditionError::EndBeforeStart {
                    start: day(3, 1),
                    end: day(2, 1)
                },
            ])
        );
        let bespoke = Condition::create(new("BESPOKE-LICENCE", " ", None, "needed")).err();
        assert_eq!(bespoke, Some(vec![ConditionError::TextRequired]));
    }

    #[test]
    fn compliance_and_breach_events() {
        let c = Condition::create(new(
            "CURFEW",
            "7pm to 7am",
            Some(day(6, 1)),
            "night offending",
        ));
        let mut c = c.unwrap_or_else(|e| panic!("{e:?}"));
        let event = |date, kind, note: &str| ComplianceEvent {
            date,
            kind,
            note: note.into(),
        };
        assert!(
            c.record(event(day(3, 5), ComplianceKind::Complied, ""))
                .is_ok()
        );
        let breach = ComplianceKind::Breach {
            action: BreachAction::Warning,
        };
        assert_eq!(
            c.record(event(day(7, 1), breach, " "))
                .err()
                .map(|e| e.len()),
            Some(2)
        );
        assert!(c.record(event(day(4, 2), breach, "out at 11pm")).is_ok());
        assert_eq!(c.breaches().count(), 1);
        assert_eq!(active_on(std::slice::from_ref(&c), day(6, 2)).len(), 0);
        assert_eq!(active_on(std::slice::from_ref(&c), day(6, 1)).len(), 1);
        assert_eq!(
            c.condition_type().map(|t| t.order),
            Some(OrderKind::Licence)
        );
    }
}
