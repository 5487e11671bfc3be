//! Plan reviews: open objectives and steps past their target date given `today`, and the plan's next
//! review date, which is assessment-model's `next_review` of the latest completed assessment.

use chrono::NaiveDate;
use oasys_assessment_model::{Assessment, Person, ReviewDue, ReviewEvent, next_review_for};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::plan::SentencePlan;

/// An open objective or step past its target date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overdue {
    /// The objective.
    pub objective: Uuid,
    /// The step, when a step is overdue (`None` for the objective itself).
    pub step: Option<Uuid>,
    /// The objective's title or the step's text.
    pub title: String,
    /// The target date passed.
    pub target_date: NaiveDate,
    /// Days since the target date.
    pub days_overdue: i64,
}

/// Every open objective and open step whose target date is before `today`, in plan order.
#[must_use]
pub fn overdue(plan: &SentencePlan, today: NaiveDate) -> Vec<Overdue> {
    let mut found = Vec::new();
    for objective in &plan.objectives {
        if let Some(target) = objective.target_date
            && objective.is_open()
            && today > target
        {
            found.push(Overdue {
                objective: objective.id,
                step: None,
                title: objective.title.clone(),
                target_date: target,
                days_overdue: (today - target).num_days(),
            });
        }
        for step in &objective.interventions {
            if let Some(target) = step.target_date()
                && step.progress.is_open()
                && today > target
            {
                found.push(Overdue {
                    objective: objective.id,
                    step: Some(step.id),
                    title: step.text.clone(),
                    target_date: target,
                    days_overdue: (today - target).num_days(),
                });
            }
        }
    }
    found
}

/// The review view of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanReview {
    /// When the plan is next reviewed: with the next reassessment, as assessment-model schedules it
    /// (community 16 weeks, custody rules, events bring it forward); `None` before any completed assessment.
    pub next_review: Option<ReviewDue>,
    /// Overdue objectives and steps.
    pub overdue: Vec<Overdue>,
}

/// Reviews a plan on `today`: the next review of the person's latest completed assessment among
/// `assessments` (voided and deleted ones never count) and the overdue objectives and steps.
#[must_use]
pub fn review_plan(
    plan: &SentencePlan,
    assessments: &[Assessment],
    person: &Person,
    events: &[ReviewEvent],
    today: NaiveDate,
) -> PlanReview {
    PlanReview {
        next_review: next_review_for(assessments, person, events, today),
        overdue: overdue(plan, today),
    }
}
