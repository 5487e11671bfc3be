//! Progress between two plan versions (spec §13 "Sentence plan"): each objective achieved, partially
//! achieved, not achieved (with its code), removed, added or carried over; and the steps completed.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::objective::Objective;
use crate::plan::SentencePlan;
use crate::status::{InterventionProgress, ObjectiveProgress};

/// What became of one objective between the two plans.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ObjectiveOutcome {
    /// Fully achieved.
    Achieved,
    /// Partially achieved.
    PartiallyAchieved,
    /// Not achieved, with the legacy code saying how.
    NotAchieved {
        /// The code.
        code: ObjectiveProgress,
    },
    /// Closed as no longer applicable, or open before and absent after (`code` is `None`).
    Removed {
        /// The code, when it was closed rather than dropped.
        code: Option<ObjectiveProgress>,
    },
    /// New in the later plan and still open.
    Added,
    /// Open in both plans.
    CarriedOver,
}

/// One objective's outcome.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveChange {
    /// The objective.
    pub objective: Uuid,
    /// Its title (from the later plan when present).
    pub title: String,
    /// What became of it.
    pub outcome: ObjectiveOutcome,
}

/// A step completed by the later plan.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompletedStep {
    /// The objective.
    pub objective: Uuid,
    /// The step.
    pub step: Uuid,
    /// Catalogue code, for What Works analysis.
    pub catalogue_code: Option<String>,
    /// Its text.
    pub text: String,
}

/// Progress from one plan to another.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanProgress {
    /// Every objective of either plan exactly once: earlier plan order, then the later plan's new ones.
    pub objectives: Vec<ObjectiveChange>,
    /// Steps whose latest status is Fully achieved and that were not already so in the earlier plan.
    pub interventions_completed: Vec<CompletedStep>,
}

impl PlanProgress {
    /// The objectives with this outcome.
    #[must_use]
    pub fn with(&self, outcome: ObjectiveOutcome) -> Vec<&ObjectiveChange> {
        self.objectives
            .iter()
            .filter(|c| c.outcome == outcome)
            .collect()
    }
}

/// Why two plans cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ProgressError {
    /// The plans are about different people.
    #[error("the plans belong to different people")]
    DifferentPerson,
    /// The earlier plan is dated after the later one.
    #[error("the earlier plan is dated after the later one")]
    OutOfOrder,
}

fn closed_outcome(code: ObjectiveProgress) -> Option<ObjectiveOutcome> {
    match code {
        ObjectiveProgress::NotStarted | ObjectiveProgress::Ongoing => None,
        ObjectiveProgress::FullyAchieved => Some(ObjectiveOutcome::Achieved),
        ObjectiveProgress::PartiallyAchieved => Some(ObjectiveOutcome::PartiallyAchieved),
        ObjectiveProgress::NoLongerApplicable => {
            Some(ObjectiveOutcome::Removed { code: Some(code) })
        }
        ObjectiveProgress::NotAchieved
        | ObjectiveProgress::NotAchievedEnteredCustody
        | ObjectiveProgress::NotAchievedRevokedEarly => {
            Some(ObjectiveOutcome::NotAchieved { code })
        }
    }
}

fn outcome(before: Option<&Objective>, after: Option<&Objective>) -> ObjectiveOutcome {
    let latest = after.or(before).map(|o| o.progress);
    match (latest.and_then(closed_outcome), before, after) {
        (Some(closed), _, _) => closed,
        (None, Some(_), Some(_)) => ObjectiveOutcome::CarriedOver,
        (None, None, _) => ObjectiveOutcome::Added,
        (None, Some(_), None) => ObjectiveOutcome::Removed { code: None },
    }
}

/// Compares two plans of the same person, `earlier` not dated after `later`. Objectives and steps are
/// matched by id (copy-forward keeps ids). An objective closed in either plan takes its latest code.
pub fn compare_plans(
    earlier: &SentencePlan,
    later: &SentencePlan,
) -> Result<PlanProgress, ProgressError> {
    if earlier.person_id != later.person_id {
        return Err(ProgressError::DifferentPerson);
    }
    if earlier.created > later.created {
        return Err(ProgressError::OutOfOrder);
    }
    let mut objectives = Vec::new();
    let mut seen = BTreeSet::new();
    for before in &earlier.objectives {
        if !seen.insert(before.id) {
            continue;
        }
        let after = later.objective(before.id);
        objectives.push(ObjectiveChange {
            objective: before.id,
            title: after.unwrap_or(before).title.clone(),
            outcome: outcome(Some(before), after),
        });
    }
    for after in &later.objectives {
        if !seen.insert(after.id) {
            continue;
        }
        objectives.push(ObjectiveChange {
            objective: after.id,
            title: after.title.clone(),
            outcome: outcome(None, Some(after)),
        });
    }
    let earlier_done: BTreeSet<Uuid> = earlier
        .objectives
        .iter()
        .flat_map(|o| &o.interventions)
        .filter(|i| i.progress == InterventionProgress::FullyAchieved)
        .map(|i| i.id)
        .collect();
    let mut done = BTreeSet::new();
    let interventions_completed = later
        .objectives
        .iter()
        .flat_map(|o| o.interventions.iter().map(move |i| (o.id, i)))
        .filter(|(_, i)| i.progress == InterventionProgress::FullyAchieved)
        .filter(|(_, i)| !earlier_done.contains(&i.id) && done.insert(i.id))
        .map(|(objective, i)| CompletedStep {
            objective,
            step: i.id,
            catalogue_code: i.catalogue_code.clone(),
            text: i.text.clone(),
        })
        .collect();
    Ok(PlanProgress {
        objectives,
        interventions_completed,
    })
}
