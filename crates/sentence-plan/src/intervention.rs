//! Interventions (steps) of an objective: catalogue code and text, who does the work, timescale or
//! target date, the legacy progress code with its history, and whether the step was copied forward.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::catalogue::{self, StepActor};
use crate::plan::PlanError;
use crate::status::{GoalStatus, InterventionProgress};

/// When a step should be done by.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timescale {
    /// By this date.
    TargetDate(NaiveDate),
    /// Within this many weeks of the step being added.
    WithinWeeks(u16),
    /// Throughout the sentence: no target date.
    ThroughoutSentence,
}

/// One dated entry of a progress history.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressEntry<P> {
    /// When the progress was recorded.
    pub date: NaiveDate,
    /// The code recorded.
    pub progress: P,
    /// The practitioner's note.
    pub note: Option<String>,
}

/// What is needed to add a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewIntervention {
    /// Step id (passed in).
    pub id: Uuid,
    /// Catalogue code, when the step is a catalogue entry.
    pub catalogue_code: Option<String>,
    /// What will be done; blank takes the catalogue entry's name.
    pub text: String,
    /// Who does the work (at least one).
    pub actors: Vec<StepActor>,
    /// Timescale or target date.
    pub timescale: Timescale,
}

/// A step of an objective.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intervention {
    /// Step id, kept when copied forward.
    pub id: Uuid,
    /// Catalogue code, when the step is a catalogue entry.
    pub catalogue_code: Option<String>,
    /// What will be done.
    pub text: String,
    /// Who does the work.
    pub actors: Vec<StepActor>,
    /// Timescale or target date.
    pub timescale: Timescale,
    /// When the step was added.
    pub created: NaiveDate,
    /// The current legacy progress code.
    pub progress: InterventionProgress,
    /// When the current code was recorded.
    pub status_date: NaiveDate,
    /// Every code recorded, oldest first (starts with Not Started).
    pub history: Vec<ProgressEntry<InterventionProgress>>,
    /// Copied forward from the previous plan version.
    pub copied_forward: bool,
}

impl Intervention {
    /// Checks and builds a step added on `on` to a plan created on `plan_date`; returns every problem.
    pub fn create(
        new: NewIntervention,
        on: NaiveDate,
        plan_date: NaiveDate,
    ) -> Result<Self, Vec<PlanError>> {
        let mut problems = Vec::new();
        let entry = match new.catalogue_code.as_deref() {
            Some(code) => {
                let found = catalogue::entry(code);
                if found.is_none() {
                    problems.push(PlanError::UnknownCatalogueCode {
                        code: code.to_owned(),
                    });
                }
                found
            }
            None => None,
        };
        let text = match (new.text.trim().is_empty(), entry) {
            (false, _) => new.text.trim().to_owned(),
            (true, Some(e)) => e.name.to_owned(),
            (true, None) => {
                if new.catalogue_code.is_none() {
                    problems.push(PlanError::TextRequired);
                }
                String::new()
            }
        };
        if new.actors.is_empty() {
            problems.push(PlanError::ActorRequired);
        }
        if on < plan_date {
            problems.push(PlanError::DateBeforePlan {
                what: "step added".into(),
                date: on,
                plan_date,
            });
        }
        if let Timescale::TargetDate(date) = new.timescale
            && date < plan_date
        {
            problems.push(PlanError::DateBeforePlan {
                what: "step target date".into(),
                date,
                plan_date,
            });
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut actors = new.actors;
        actors.sort();
        actors.dedup();
        Ok(Self {
            id: new.id,
            catalogue_code: new.catalogue_code,
            text,
            actors,
            timescale: new.timescale,
            created: on,
            progress: InterventionProgress::NotStarted,
            status_date: on,
            history: vec![ProgressEntry {
                date: on,
                progress: InterventionProgress::NotStarted,
                note: None,
            }],
            copied_forward: false,
        })
    }

    /// The target date: the given date, or the date added plus the weeks; `None` throughout the sentence.
    #[must_use]
    pub fn target_date(&self) -> Option<NaiveDate> {
        match self.timescale {
            Timescale::TargetDate(date) => Some(date),
            Timescale::WithinWeeks(weeks) => self
                .created
                .checked_add_days(Days::new(u64::from(weeks) * 7)),
            Timescale::ThroughoutSentence => None,
        }
    }

    /// The derived goal status of the step.
    #[must_use]
    pub fn goal_status(&self) -> GoalStatus {
        self.progress.goal_status(self.target_date().is_some())
    }

    /// Records progress; the date may not be before the last recorded one.
    pub(crate) fn record(
        &mut self,
        progress: InterventionProgress,
        on: NaiveDate,
        note: Option<String>,
    ) -> Result<(), PlanError> {
        if on < self.status_date {
            return Err(PlanError::DateBeforeLastUpdate {
                date: on,
                last: self.status_date,
            });
        }
        self.progress = progress;
        self.status_date = on;
        self.history.push(ProgressEntry {
            date: on,
            progress,
            note: note.filter(|n| !n.trim().is_empty()),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap_or_default()
    }

    fn new(code: Option<&str>, text: &str, timescale: Timescale) -> NewIntervention {
        NewIntervention {
            id: Uuid::from_u128(7),
            catalogue_code: code.map(str::to_owned),
            text: text.into(),
            actors: vec![
                StepActor::Person,
                StepActor::ProbationPractitioner,
                StepActor::Person,
            ],
            timescale,
        }
    }

    #[test]
    fn catalogue_name_fills_a_blank_text_and_weeks_give_a_target() {
        let step = Intervention::create(
            new(Some("TSP"), " ", Timescale::WithinWeeks(2)),
            day(2),
            day(1),
        );
        let step = step.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(step.text, "Thinking Skills Programme");
        assert_eq!(step.actors.len(), 2);
        assert_eq!(step.target_date(), Some(day(16)));
        assert_eq!(step.goal_status(), GoalStatus::Active);
        assert_eq!(step.history.len(), 1);
    }

    #[test]
    fn every_problem_is_reported() {
        let mut bad = new(Some("NOPE"), "", Timescale::TargetDate(day(1)));
        bad.actors.clear();
        let problems = Intervention::create(bad, day(1), day(5))
            .err()
            .unwrap_or_default();
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems.contains(&PlanError::ActorRequired));
        assert!(problems.contains(&PlanError::UnknownCatalogueCode {
            code: "NOPE".into()
        }));
        let no_text =
            Intervention::create(new(None, "", Timescale::ThroughoutSentence), day(5), day(5));
        assert_eq!(no_text.err(), Some(vec![PlanError::TextRequired]));
    }

    #[test]
    fn progress_history_is_chronological() {
        let step = Intervention::create(
            new(None, "Attend", Timescale::ThroughoutSentence),
            day(3),
            day(1),
        );
        let mut step = step.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(step.goal_status(), GoalStatus::Future);
        assert!(
            step.record(
                InterventionProgress::Ongoing,
                day(4),
                Some("started".into())
            )
            .is_ok()
        );
        assert_eq!(
            step.record(InterventionProgress::FullyAchieved, day(2), None),
            Err(PlanError::DateBeforeLastUpdate {
                date: day(2),
                last: day(4)
            })
        );
        assert!(
            step.record(
                InterventionProgress::NotAchievedOffenderDeclined,
                day(9),
                None
            )
            .is_ok()
        );
        assert_eq!(step.history.len(), 3);
        assert_eq!(step.goal_status(), GoalStatus::Removed);
        let huge = Intervention {
            timescale: Timescale::WithinWeeks(u16::MAX),
            created: NaiveDate::MAX,
            ..step
        };
        assert_eq!(huge.target_date(), None);
    }
}
