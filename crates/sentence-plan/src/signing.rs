//! The person's agreement to the plan and the plan's signing status, mirroring the assessment's:
//! sign (refused while DRAFT or with an incomplete RMP at High/Very High ROSH), countersign, reject, rollback.

use std::fmt;

use chrono::NaiveDate;
use oasys_assessment_model::{Assessment, CountersignRequirement, Outcome, State};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::plan::{PlanError, SentencePlan};
use crate::rmp::{RiskManagementPlan, check_rmp};

/// The person's response to the plan.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AgreementStatus {
    /// Not yet asked.
    Draft,
    /// Agrees with the plan.
    Agreed,
    /// Does not agree (note required).
    DoNotAgree,
    /// Could not answer (note required).
    CouldNotAnswer,
}

impl fmt::Display for AgreementStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Draft => "DRAFT",
            Self::Agreed => "AGREED",
            Self::DoNotAgree => "DO_NOT_AGREE",
            Self::CouldNotAnswer => "COULD_NOT_ANSWER",
        })
    }
}

/// The agreement with its date and note.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// The response.
    pub status: AgreementStatus,
    /// When it was given.
    pub date: Option<NaiveDate>,
    /// The note (required for DO_NOT_AGREE and COULD_NOT_ANSWER).
    pub note: Option<String>,
    /// Staff id of who recorded the response (set by the service from the signed-in user, never
    /// taken from a request); absent on plans stored before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
}

impl Agreement {
    /// DRAFT, undated, no note.
    #[must_use]
    pub fn draft() -> Self {
        Self {
            status: AgreementStatus::Draft,
            date: None,
            note: None,
            recorded_by: None,
        }
    }

    /// Every problem with this agreement on a plan dated `plan_date`.
    #[must_use]
    pub fn problems(&self, plan_date: NaiveDate) -> Vec<PlanError> {
        let mut problems = Vec::new();
        let noted = self.note.as_deref().is_some_and(|n| !n.trim().is_empty());
        if matches!(
            self.status,
            AgreementStatus::DoNotAgree | AgreementStatus::CouldNotAnswer
        ) && !noted
        {
            problems.push(PlanError::NoteRequired {
                agreement: self.status,
            });
        }
        match self.date {
            None if self.status != AgreementStatus::Draft => {
                problems.push(PlanError::AgreementDateRequired);
            }
            Some(date) if date < plan_date => problems.push(PlanError::DateBeforePlan {
                what: "agreement date".into(),
                date,
                plan_date,
            }),
            _ => {}
        }
        problems
    }
}

/// Plan signing status; mirrors the assessment's (spec §9).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SigningStatus {
    /// Not signed; editable.
    Unsigned,
    /// Signed by the practitioner alone.
    SelfSigned,
    /// Waiting for a countersignature.
    AwaitingCountersign,
    /// Waiting for a second countersignature.
    AwaitingDoubleCountersign,
    /// Countersigned once.
    Countersigned,
    /// Countersigned twice.
    DoubleCountersigned,
    /// Sent back for rework; editable.
    Rejected,
    /// A new version reopened from a signed one; editable.
    RolledBack,
    /// Locked with items missing.
    LockedIncomplete,
}

impl SigningStatus {
    /// Whether the version can still change (Unsigned, Rejected, RolledBack).
    #[must_use]
    pub fn is_editable(self) -> bool {
        matches!(self, Self::Unsigned | Self::Rejected | Self::RolledBack)
    }

    /// Whether the version is signed off (self-signed, countersigned or locked incomplete).
    #[must_use]
    pub fn is_signed(self) -> bool {
        matches!(
            self,
            Self::SelfSigned
                | Self::Countersigned
                | Self::DoubleCountersigned
                | Self::LockedIncomplete
        )
    }
}

impl SigningStatus {
    /// The status a plan takes when its assessment moves from `before` to `after` (spec §9: plan
    /// signing statuses mirror the assessment's): signed, awaiting (double) countersignature,
    /// countersigned or locked incomplete as the assessment is; REJECTED when sent back for
    /// rework, ROLLED_BACK when a locked assessment is reopened. `None` when the plan keeps its
    /// status (no change, a voided assessment, or answers to an open one).
    #[must_use]
    pub fn mirroring(before: &State, after: &State) -> Option<Self> {
        if before == after {
            return None;
        }
        match after {
            State::AwaitingCountersign { .. } => Some(Self::AwaitingCountersign),
            State::AwaitingDoubleCountersign { .. } => Some(Self::AwaitingDoubleCountersign),
            State::Complete { outcome } => Some(match outcome {
                Outcome::SelfSigned => Self::SelfSigned,
                Outcome::Countersigned => Self::Countersigned,
                Outcome::DoubleCountersigned => Self::DoubleCountersigned,
            }),
            State::LockedIncomplete => Some(Self::LockedIncomplete),
            State::Open => match before {
                State::AwaitingCountersign { .. } | State::AwaitingDoubleCountersign { .. } => {
                    Some(Self::Rejected)
                }
                State::Complete { .. } | State::LockedIncomplete => Some(Self::RolledBack),
                State::Open | State::Voided => None,
            },
            State::Voided => None,
        }
    }
}

impl fmt::Display for SigningStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unsigned => "UNSIGNED",
            Self::SelfSigned => "SELF_SIGNED",
            Self::AwaitingCountersign => "AWAITING_COUNTERSIGN",
            Self::AwaitingDoubleCountersign => "AWAITING_DOUBLE_COUNTERSIGN",
            Self::Countersigned => "COUNTERSIGNED",
            Self::DoubleCountersigned => "DOUBLE_COUNTERSIGNED",
            Self::Rejected => "REJECTED",
            Self::RolledBack => "ROLLED_BACK",
            Self::LockedIncomplete => "LOCKED_INCOMPLETE",
        })
    }
}

/// One change of signing status.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigningEvent {
    /// When.
    pub date: NaiveDate,
    /// From.
    pub from: SigningStatus,
    /// To.
    pub to: SigningStatus,
    /// Comment or reason.
    pub comment: Option<String>,
}

impl SentencePlan {
    fn transition(&mut self, to: SigningStatus, on: NaiveDate, comment: Option<String>) {
        self.signing_events.push(SigningEvent {
            date: on,
            from: self.signing,
            to,
            comment,
        });
        self.signing = to;
    }

    fn not_allowed(&self, action: &str) -> PlanError {
        PlanError::NotAllowed {
            action: action.into(),
            status: self.signing,
        }
    }

    /// Follows its assessment from `before` to `after` on `on` (see [`SigningStatus::mirroring`]),
    /// recording the change as a signing event; returns whether the status changed.
    pub fn follow_assessment(&mut self, before: &State, after: &State, on: NaiveDate) -> bool {
        match SigningStatus::mirroring(before, after) {
            Some(to) if to != self.signing => {
                self.transition(to, on, Some("with the assessment".into()));
                true
            }
            _ => false,
        }
    }

    /// Sets the person's agreement; returns every problem.
    pub fn set_agreement(&mut self, agreement: Agreement) -> Result<(), Vec<PlanError>> {
        self.ensure_editable().map_err(|e| vec![e])?;
        let problems = agreement.problems(self.created);
        if !problems.is_empty() {
            return Err(problems);
        }
        self.agreement = agreement;
        Ok(())
    }

    /// Records the person's response on `today`: the rules of [`Agreement::problems`], and the
    /// date cannot be after `today`. Returns every problem; on error the plan is unchanged.
    pub fn record_agreement(
        &mut self,
        agreement: Agreement,
        today: NaiveDate,
    ) -> Result<(), Vec<PlanError>> {
        self.ensure_editable().map_err(|e| vec![e])?;
        let mut problems = agreement.problems(self.created);
        if let Some(date) = agreement.date
            && date > today
        {
            problems.push(PlanError::DateInFuture {
                what: "agreement date".into(),
                date,
                today,
            });
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        self.agreement = Agreement {
            note: agreement
                .note
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty()),
            ..agreement
        };
        Ok(())
    }

    /// Every reason the plan cannot be signed now for `assessment` with `rmp`.
    #[must_use]
    pub fn signing_problems(
        &self,
        on: NaiveDate,
        assessment: &Assessment,
        rmp: &RiskManagementPlan,
    ) -> Vec<PlanError> {
        if let Err(e) = self.ensure_editable() {
            return vec![e];
        }
        let mut problems = Vec::new();
        let assessment_id = assessment.header().id;
        if assessment_id != self.assessment_id {
            problems.push(PlanError::WrongAssessment {
                plan_assessment: self.assessment_id,
                assessment: assessment_id,
            });
        }
        if on < self.created {
            problems.push(PlanError::DateBeforePlan {
                what: "signing date".into(),
                date: on,
                plan_date: self.created,
            });
        }
        if self.agreement.status == AgreementStatus::Draft {
            problems.push(PlanError::AgreementDraft);
        }
        problems.extend(self.agreement.problems(self.created));
        if self.plan_type.needs_objectives() && self.objectives.is_empty() {
            problems.push(PlanError::NoObjectives);
        }
        let rmp_check = check_rmp(rmp, assessment.risk_matrix().overall());
        if !rmp_check.problems.is_empty() {
            problems.push(PlanError::RiskManagementPlanIncomplete {
                problems: rmp_check.problems,
            });
        }
        problems
    }

    /// Signs the plan: SELF_SIGNED, or AWAITING_COUNTERSIGN when `countersign` requires it.
    /// Refused, with every problem, while DRAFT, without objectives, or with an incomplete RMP at High+ ROSH.
    pub fn sign(
        &mut self,
        on: NaiveDate,
        countersign: CountersignRequirement,
        assessment: &Assessment,
        rmp: &RiskManagementPlan,
    ) -> Result<SigningStatus, Vec<PlanError>> {
        let problems = self.signing_problems(on, assessment, rmp);
        if !problems.is_empty() {
            return Err(problems);
        }
        let to = match countersign {
            CountersignRequirement::None => SigningStatus::SelfSigned,
            CountersignRequirement::Single | CountersignRequirement::Double => {
                SigningStatus::AwaitingCountersign
            }
        };
        self.transition(to, on, None);
        Ok(to)
    }

    /// Locks the plan with items missing; a reason is required.
    pub fn lock_incomplete(&mut self, on: NaiveDate, reason: &str) -> Result<(), PlanError> {
        self.ensure_editable()?;
        if reason.trim().is_empty() {
            return Err(PlanError::ReasonRequired {
                action: "lock the plan incomplete".into(),
            });
        }
        self.transition(
            SigningStatus::LockedIncomplete,
            on,
            Some(reason.trim().into()),
        );
        Ok(())
    }

    /// First countersignature: COUNTERSIGNED, or AWAITING_DOUBLE_COUNTERSIGN when sent for a second.
    pub fn countersign(&mut self, on: NaiveDate, send_for_second: bool) -> Result<(), PlanError> {
        if self.signing != SigningStatus::AwaitingCountersign {
            return Err(self.not_allowed("countersign"));
        }
        let to = if send_for_second {
            SigningStatus::AwaitingDoubleCountersign
        } else {
            SigningStatus::Countersigned
        };
        self.transition(to, on, None);
        Ok(())
    }

    /// Second countersignature.
    pub fn second_countersign(&mut self, on: NaiveDate) -> Result<(), PlanError> {
        if self.signing != SigningStatus::AwaitingDoubleCountersign {
            return Err(self.not_allowed("give a second countersignature to"));
        }
        self.transition(SigningStatus::DoubleCountersigned, on, None);
        Ok(())
    }

    /// Sends the plan back for rework; a comment is required.
    pub fn reject(&mut self, on: NaiveDate, comment: &str) -> Result<(), PlanError> {
        if !matches!(
            self.signing,
            SigningStatus::AwaitingCountersign | SigningStatus::AwaitingDoubleCountersign
        ) {
            return Err(self.not_allowed("reject"));
        }
        if comment.trim().is_empty() {
            return Err(PlanError::ReasonRequired {
                action: "reject the plan".into(),
            });
        }
        self.transition(SigningStatus::Rejected, on, Some(comment.trim().into()));
        Ok(())
    }

    /// Reopens a signed version as a new, editable version (ROLLED_BACK) with id `new_id`;
    /// this version is left unchanged.
    pub fn rollback(
        &self,
        new_id: Uuid,
        on: NaiveDate,
        reason: &str,
    ) -> Result<SentencePlan, PlanError> {
        if !self.signing.is_signed() {
            return Err(self.not_allowed("roll back"));
        }
        if reason.trim().is_empty() {
            return Err(PlanError::ReasonRequired {
                action: "roll back the plan".into(),
            });
        }
        let version = self
            .version
            .checked_add(1)
            .ok_or(PlanError::VersionOverflow)?;
        let mut next = self.clone();
        next.id = new_id;
        next.version = version;
        next.previous = Some(self.id);
        next.signing_events.clear();
        next.signing = self.signing;
        next.transition(SigningStatus::RolledBack, on, Some(reason.trim().into()));
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, d).unwrap_or_default()
    }

    #[test]
    fn agreement_rules() {
        let check = |status, date, note: Option<&str>| {
            Agreement {
                status,
                date,
                note: note.map(str::to_owned),
                recorded_by: None,
            }
            .problems(day(10))
        };
        assert!(check(AgreementStatus::Draft, None, None).is_empty());
        assert!(check(AgreementStatus::Agreed, Some(day(10)), None).is_empty());
        assert_eq!(
            check(AgreementStatus::Agreed, None, None),
            vec![PlanError::AgreementDateRequired]
        );
        assert_eq!(
            check(AgreementStatus::DoNotAgree, Some(day(11)), Some("  ")),
            vec![PlanError::NoteRequired {
                agreement: AgreementStatus::DoNotAgree
            }]
        );
        let both = check(AgreementStatus::CouldNotAnswer, Some(day(1)), None);
        assert_eq!(both.len(), 2, "{both:?}");
        assert!(
            check(
                AgreementStatus::CouldNotAnswer,
                Some(day(12)),
                Some("unwell")
            )
            .is_empty()
        );
    }

    #[test]
    fn editable_and_signed_statuses() {
        use SigningStatus::*;
        let all = [
            Unsigned,
            SelfSigned,
            AwaitingCountersign,
            AwaitingDoubleCountersign,
            Countersigned,
            DoubleCountersigned,
            Rejected,
            RolledBack,
            LockedIncomplete,
        ];
        let editable: Vec<_> = all.iter().filter(|s| s.is_editable()).collect();
        assert_eq!(editable, vec![&Unsigned, &Rejected, &RolledBack]);
        assert_eq!(all.iter().filter(|s| s.is_signed()).count(), 4);
        assert!(all.iter().all(|s| !(s.is_signed() && s.is_editable())));
        assert_eq!(
            AwaitingDoubleCountersign.to_string(),
            "AWAITING_DOUBLE_COUNTERSIGN"
        );
    }
}
