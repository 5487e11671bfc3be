//! The legacy OASys progress codes of objectives and interventions, and the newer goal status
//! (ACTIVE, FUTURE, ACHIEVED, REMOVED) derived from them (spec §9).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Legacy progress code of an objective (goal).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ObjectiveProgress {
    /// Not Started.
    NotStarted,
    /// Ongoing.
    Ongoing,
    /// Fully achieved.
    FullyAchieved,
    /// Partially Achieved.
    PartiallyAchieved,
    /// Not Achieved.
    NotAchieved,
    /// Not Achieved – entered custody.
    NotAchievedEnteredCustody,
    /// Not Achieved – revoked early for good progress.
    NotAchievedRevokedEarly,
    /// No Longer Applicable/Required.
    NoLongerApplicable,
}

impl ObjectiveProgress {
    /// Every code in order.
    pub const ALL: [ObjectiveProgress; 8] = [
        Self::NotStarted,
        Self::Ongoing,
        Self::FullyAchieved,
        Self::PartiallyAchieved,
        Self::NotAchieved,
        Self::NotAchievedEnteredCustody,
        Self::NotAchievedRevokedEarly,
        Self::NoLongerApplicable,
    ];

    /// The OASys label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "Not Started",
            Self::Ongoing => "Ongoing",
            Self::FullyAchieved => "Fully achieved",
            Self::PartiallyAchieved => "Partially Achieved",
            Self::NotAchieved => "Not Achieved",
            Self::NotAchievedEnteredCustody => "Not Achieved – entered custody",
            Self::NotAchievedRevokedEarly => "Not Achieved – revoked early for good progress",
            Self::NoLongerApplicable => "No Longer Applicable/Required",
        }
    }

    /// Open (Not Started or Ongoing): copied forward on review and checked for overdue.
    #[must_use]
    pub fn is_open(self) -> bool {
        matches!(self, Self::NotStarted | Self::Ongoing)
    }

    /// The derived goal status; `has_target_date` separates ACTIVE from FUTURE.
    #[must_use]
    pub fn goal_status(self, has_target_date: bool) -> GoalStatus {
        match self {
            Self::NotStarted | Self::Ongoing if has_target_date => GoalStatus::Active,
            Self::NotStarted | Self::Ongoing => GoalStatus::Future,
            Self::FullyAchieved => GoalStatus::Achieved,
            _ => GoalStatus::Removed,
        }
    }
}

impl fmt::Display for ObjectiveProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Legacy progress code of an intervention (step): the objective codes plus the step-only ones.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InterventionProgress {
    /// Not Started.
    NotStarted,
    /// Ongoing.
    Ongoing,
    /// Fully achieved.
    FullyAchieved,
    /// Partially Achieved.
    PartiallyAchieved,
    /// Not Achieved.
    NotAchieved,
    /// Not Achieved – entered custody.
    NotAchievedEnteredCustody,
    /// Not Achieved – revoked early for good progress.
    NotAchievedRevokedEarly,
    /// No Longer Applicable/Required.
    NoLongerApplicable,
    /// Not Achieved – programme not available.
    NotAchievedProgrammeNotAvailable,
    /// Not Achieved – offender declined.
    NotAchievedOffenderDeclined,
    /// Not Achieved – failed assessment.
    NotAchievedFailedAssessment,
    /// Not Achieved – other.
    NotAchievedOther,
    /// Removed – inappropriate.
    RemovedInappropriate,
    /// Removed – unsuitable.
    RemovedUnsuitable,
    /// Removed – other.
    RemovedOther,
    /// Recall/released.
    RecallReleased,
    /// Termination.
    Termination,
    /// Transferred.
    Transferred,
}

impl InterventionProgress {
    /// Every code in order.
    pub const ALL: [InterventionProgress; 18] = [
        Self::NotStarted,
        Self::Ongoing,
        Self::FullyAchieved,
        Self::PartiallyAchieved,
        Self::NotAchieved,
        Self::NotAchievedEnteredCustody,
        Self::NotAchievedRevokedEarly,
        Self::NoLongerApplicable,
        Self::NotAchievedProgrammeNotAvailable,
        Self::NotAchievedOffenderDeclined,
        Self::NotAchievedFailedAssessment,
        Self::NotAchievedOther,
        Self::RemovedInappropriate,
        Self::RemovedUnsuitable,
        Self::RemovedOther,
        Self::RecallReleased,
        Self::Termination,
        Self::Transferred,
    ];

    /// The OASys label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "Not Started",
            Self::Ongoing => "Ongoing",
            Self::FullyAchieved => "Fully achieved",
            Self::PartiallyAchieved => "Partially Achieved",
            Self::NotAchieved => "Not Achieved",
            Self::NotAchievedEnteredCustody => "Not Achieved – entered custody",
            Self::NotAchievedRevokedEarly => "Not Achieved – revoked early for good progress",
            Self::NoLongerApplicable => "No Longer Applicable/Required",
            Self::NotAchievedProgrammeNotAvailable => "Not Achieved – programme not available",
            Self::NotAchievedOffenderDeclined => "Not Achieved – offender declined",
            Self::NotAchievedFailedAssessment => "Not Achieved – failed assessment",
            Self::NotAchievedOther => "Not Achieved – other",
            Self::RemovedInappropriate => "Removed – inappropriate",
            Self::RemovedUnsuitable => "Removed – unsuitable",
            Self::RemovedOther => "Removed – other",
            Self::RecallReleased => "Recall/released",
            Self::Termination => "Termination",
            Self::Transferred => "Transferred",
        }
    }

    /// Open (Not Started or Ongoing).
    #[must_use]
    pub fn is_open(self) -> bool {
        matches!(self, Self::NotStarted | Self::Ongoing)
    }

    /// The derived goal status of the step; `has_target_date` separates ACTIVE from FUTURE.
    #[must_use]
    pub fn goal_status(self, has_target_date: bool) -> GoalStatus {
        match self {
            Self::NotStarted | Self::Ongoing if has_target_date => GoalStatus::Active,
            Self::NotStarted | Self::Ongoing => GoalStatus::Future,
            Self::FullyAchieved => GoalStatus::Achieved,
            _ => GoalStatus::Removed,
        }
    }
}

impl fmt::Display for InterventionProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The newer goal status, derived from the legacy code (never stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GoalStatus {
    /// Being worked on, with a target date.
    Active,
    /// Open with no target date: a future goal.
    Future,
    /// Fully achieved.
    Achieved,
    /// Closed other than fully achieved; the legacy code says how.
    Removed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goal_status_is_derived_from_the_legacy_code() {
        use GoalStatus::*;
        let check = |p: ObjectiveProgress, dated: bool, expected: GoalStatus| {
            assert_eq!(p.goal_status(dated), expected, "{p}");
        };
        check(ObjectiveProgress::NotStarted, true, Active);
        check(ObjectiveProgress::Ongoing, true, Active);
        check(ObjectiveProgress::NotStarted, false, Future);
        check(ObjectiveProgress::Ongoing, false, Future);
        check(ObjectiveProgress::FullyAchieved, true, Achieved);
        check(ObjectiveProgress::FullyAchieved, false, Achieved);
        for p in &ObjectiveProgress::ALL[3..] {
            check(*p, true, Removed);
        }
        for p in InterventionProgress::ALL {
            let expected = match p {
                InterventionProgress::NotStarted | InterventionProgress::Ongoing => Active,
                InterventionProgress::FullyAchieved => Achieved,
                _ => Removed,
            };
            assert_eq!(p.goal_status(true), expected, "{p}");
            assert_eq!(p.is_open(), expected == Active);
        }
    }

    #[test]
    fn codes_serialise_in_screaming_snake_case() {
        let json = serde_json::to_string(&InterventionProgress::NotAchievedOffenderDeclined);
        assert_eq!(
            json.ok().as_deref(),
            Some("\"NOT_ACHIEVED_OFFENDER_DECLINED\"")
        );
        assert_eq!(
            ObjectiveProgress::ALL
                .iter()
                .filter(|p| p.is_open())
                .count(),
            2
        );
    }
}
