//! Objectives (goals) of a sentence plan: title and text, the needs or ROSH factors they address,
//! how progress is measured, target date, legacy progress code with history, and their steps.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::intervention::{Intervention, ProgressEntry};
use crate::link::{Link, RiskFactor};
use crate::plan::PlanError;
use crate::status::{GoalStatus, ObjectiveProgress};

/// What is needed to add an objective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewObjective {
    /// Objective id (passed in).
    pub id: Uuid,
    /// Title (from [`objective_title`] or the practitioner's own).
    pub title: String,
    /// Further text in the person's words.
    pub text: String,
    /// The needs and ROSH factors it addresses (at least one).
    pub links: Vec<Link>,
    /// How progress will be measured.
    pub measure: String,
    /// Target date; none makes it a future goal.
    pub target_date: Option<NaiveDate>,
}

/// An objective of a sentence plan.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// Objective id, kept when copied forward.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Further text.
    pub text: String,
    /// The needs and ROSH factors addressed, sorted, without duplicates.
    pub links: Vec<Link>,
    /// How progress is measured.
    pub measure: String,
    /// Target date; `None` = future goal.
    pub target_date: Option<NaiveDate>,
    /// When the objective was first created (kept when copied forward).
    pub created: NaiveDate,
    /// Current legacy progress code.
    pub progress: ObjectiveProgress,
    /// When the current code was recorded.
    pub status_date: NaiveDate,
    /// Every code recorded, oldest first (starts with Not Started).
    pub history: Vec<ProgressEntry<ObjectiveProgress>>,
    /// The steps, in order.
    pub interventions: Vec<Intervention>,
    /// Copied forward from the previous plan version.
    pub copied_forward: bool,
}

impl Objective {
    /// Checks and builds an objective added on `on` to a plan created on `plan_date`; returns every problem.
    pub fn create(
        new: NewObjective,
        on: NaiveDate,
        plan_date: NaiveDate,
    ) -> Result<Self, Vec<PlanError>> {
        let mut problems = Vec::new();
        if new.title.trim().is_empty() {
            problems.push(PlanError::TitleRequired);
        }
        if new.links.is_empty() {
            problems.push(PlanError::NoLinks);
        }
        for link in &new.links {
            if let Link::Need(section) = link
                && !link.is_valid()
            {
                problems.push(PlanError::UnknownNeed { section: *section });
            }
        }
        if on < plan_date {
            problems.push(PlanError::DateBeforePlan {
                what: "objective added".into(),
                date: on,
                plan_date,
            });
        }
        if let Some(date) = new.target_date
            && date < plan_date
        {
            problems.push(PlanError::DateBeforePlan {
                what: "objective target date".into(),
                date,
                plan_date,
            });
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut links = new.links;
        links.sort();
        links.dedup();
        Ok(Self {
            id: new.id,
            title: new.title.trim().to_owned(),
            text: new.text,
            links,
            measure: new.measure,
            target_date: new.target_date,
            created: on,
            progress: ObjectiveProgress::NotStarted,
            status_date: on,
            history: vec![ProgressEntry {
                date: on,
                progress: ObjectiveProgress::NotStarted,
                note: None,
            }],
            interventions: Vec::new(),
            copied_forward: false,
        })
    }

    /// The derived goal status.
    #[must_use]
    pub fn goal_status(&self) -> GoalStatus {
        self.progress.goal_status(self.target_date.is_some())
    }

    /// Whether the objective is open (Not Started or Ongoing).
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.progress.is_open()
    }

    /// Records progress; the date may not be before the last recorded one.
    pub(crate) fn record(
        &mut self,
        progress: ObjectiveProgress,
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

    /// The copy carried into a review plan: same id and history, `copied_forward`, open steps only.
    #[must_use]
    pub(crate) fn carried_forward(&self) -> Self {
        let interventions = self
            .interventions
            .iter()
            .filter(|i| i.progress.is_open())
            .map(|i| Intervention {
                copied_forward: true,
                ..i.clone()
            })
            .collect();
        Self {
            interventions,
            copied_forward: true,
            ..self.clone()
        }
    }
}

/// The reference title proposed for an objective addressing `link` (spec §9 "title from a reference list").
#[must_use]
pub fn objective_title(link: Link) -> &'static str {
    use oasys_assessment_model::Section as S;
    match link {
        Link::Need(S::Accommodation) => "Find and keep suitable, settled accommodation",
        Link::Need(S::EducationTrainingEmployability) => {
            "Improve skills and move into education, training or work"
        }
        Link::Need(S::FinancialManagement) => "Manage money and debts without offending",
        Link::Need(S::Relationships) => "Build safe and supportive relationships",
        Link::Need(S::LifestyleAndAssociates) => {
            "Develop a lifestyle and friendships away from offending"
        }
        Link::Need(S::DrugMisuse) => "Stop or reduce drug misuse",
        Link::Need(S::AlcoholMisuse) => "Stop or reduce harmful drinking",
        Link::Need(S::EmotionalWellbeing) => "Look after emotional and mental well-being",
        Link::Need(S::ThinkingAndBehaviour) => "Think through situations and manage behaviour",
        Link::Need(S::Attitudes) => "Develop attitudes that support a life without offending",
        Link::Need(_) => "Address health and other considerations",
        Link::Risk(RiskFactor::DomesticAbuse) => "Stop abusive behaviour in relationships",
        Link::Risk(RiskFactor::SexualOffending) => "Address sexual offending behaviour",
        Link::Risk(RiskFactor::VictimSafetyPlanning) => "Keep victims safe",
        Link::Risk(RiskFactor::ChildSafeguarding | RiskFactor::RiskToChildren) => {
            "Keep children safe"
        }
        Link::Risk(_) => "Reduce the risk of serious harm",
    }
}

#[cfg(test)]
mod tests {
    use oasys_assessment_model::Section;

    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 4, d).unwrap_or_default()
    }

    fn new(links: Vec<Link>, target: Option<NaiveDate>) -> NewObjective {
        NewObjective {
            id: Uuid::from_u128(1),
            title: "Stable housing".into(),
            text: "I want my own flat".into(),
            links,
            measure: "tenancy signed".into(),
            target_date: target,
        }
    }

    #[test]
    fn links_are_required_and_must_name_a_need_section_or_factor() {
        let none = Objective::create(new(vec![], None), day(2), day(2));
        assert_eq!(none.err(), Some(vec![PlanError::NoLinks]));
        let wrong = Objective::create(
            NewObjective {
                title: " ".into(),
                ..new(
                    vec![
                        Link::Need(Section::OffenceAnalysis),
                        Link::Need(Section::RoshSummary),
                    ],
                    Some(day(1)),
                )
            },
            day(2),
            day(2),
        );
        let problems = wrong.err().unwrap_or_default();
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems.contains(&PlanError::UnknownNeed {
            section: Section::RoshSummary
        }));
        assert!(problems.contains(&PlanError::TitleRequired));
    }

    #[test]
    fn links_are_sorted_and_deduplicated_and_status_derived() {
        let links = vec![
            Link::Risk(RiskFactor::DomesticAbuse),
            Link::Need(Section::Relationships),
            Link::Risk(RiskFactor::DomesticAbuse),
        ];
        let o = Objective::create(new(links, None), day(3), day(2));
        let o = o.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(o.links.len(), 2);
        assert_eq!(o.goal_status(), GoalStatus::Future);
        assert!(o.is_open() && !o.copied_forward);
        assert_eq!(
            objective_title(Link::Need(Section::Accommodation)),
            "Find and keep suitable, settled accommodation"
        );
    }
}
