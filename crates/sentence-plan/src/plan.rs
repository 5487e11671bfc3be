//! The sentence plan: type, version, objectives with their steps, progress notes, and the review
//! plan that copies open objectives forward from the latest signed version.

use chrono::NaiveDate;
use oasys_assessment_model::Assessment;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::error::PlanError;
use crate::objective::Objective;
use crate::signing::{Agreement, AgreementStatus, SigningEvent, SigningStatus};

/// Plan type: the legacy types and the newer ones (spec §9).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PlanType {
    /// Initial sentence plan (ISP / INITIAL).
    Initial,
    /// Review sentence plan (RSP / REVIEW).
    Review,
    /// Outline plan for a pre-sentence report.
    PsrOutline,
    /// Basic plan of a Layer 1 assessment.
    Basic,
    /// Plan at termination (TERMINATE).
    Terminate,
    /// Plan on transfer (TRANSFER).
    Transfer,
    /// Any other plan (OTHER).
    Other,
}

impl PlanType {
    /// The newer type code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Initial => "INITIAL",
            Self::Review => "REVIEW",
            Self::PsrOutline => "PSR_OUTLINE",
            Self::Basic => "BASIC",
            Self::Terminate => "TERMINATE",
            Self::Transfer => "TRANSFER",
            Self::Other => "OTHER",
        }
    }

    /// The legacy OASys code, where there is one.
    #[must_use]
    pub fn legacy_code(self) -> Option<&'static str> {
        match self {
            Self::Initial => Some("ISP"),
            Self::Review => Some("RSP"),
            Self::PsrOutline => Some("PSR_OUTLINE"),
            Self::Basic => Some("BASIC"),
            _ => None,
        }
    }

    /// Whether a plan of this type must hold at least one objective to be signed.
    #[must_use]
    pub fn needs_objectives(self) -> bool {
        !matches!(self, Self::Terminate | Self::Transfer)
    }
}

/// What is needed to start a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPlan {
    /// Plan id (passed in).
    pub id: Uuid,
    /// Plan type.
    pub plan_type: PlanType,
    /// The person's id.
    pub person_id: Uuid,
    /// The assessment the plan belongs to.
    pub assessment_id: Uuid,
    /// That assessment's date.
    pub assessment_date: NaiveDate,
    /// The plan date: not before the assessment date.
    pub created: NaiveDate,
}

impl NewPlan {
    /// A new plan for this assessment, taking the person, assessment id and assessment date from it.
    #[must_use]
    pub fn for_assessment(
        id: Uuid,
        plan_type: PlanType,
        assessment: &Assessment,
        created: NaiveDate,
    ) -> Self {
        let header = assessment.header();
        Self {
            id,
            plan_type,
            person_id: header.person.id,
            assessment_id: header.id,
            assessment_date: header.assessment_date,
            created,
        }
    }
}

/// A dated progress note on the plan as a whole.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressNote {
    /// When.
    pub date: NaiveDate,
    /// What.
    pub text: String,
}

/// One version of a sentence plan.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentencePlan {
    /// Plan id.
    pub(crate) id: Uuid,
    /// Plan type.
    pub(crate) plan_type: PlanType,
    /// The person's id.
    pub(crate) person_id: Uuid,
    /// The assessment the plan belongs to.
    pub(crate) assessment_id: Uuid,
    /// That assessment's date.
    pub(crate) assessment_date: NaiveDate,
    /// The plan date.
    pub(crate) created: NaiveDate,
    /// Version: 1 for a first plan, previous + 1 for a review or rollback.
    #[cfg_attr(feature = "openapi", schema(value_type = i64, minimum = 0, maximum = 4_294_967_295.0))]
    pub(crate) version: u32,
    /// The plan version this one was copied from.
    pub(crate) previous: Option<Uuid>,
    /// The person's agreement.
    pub(crate) agreement: Agreement,
    /// Signing status.
    pub(crate) signing: SigningStatus,
    /// Signing events, oldest first.
    pub(crate) signing_events: Vec<SigningEvent>,
    /// Objectives, in priority order.
    pub(crate) objectives: Vec<Objective>,
    /// Progress notes on the plan as a whole.
    pub(crate) notes: Vec<ProgressNote>,
}

impl SentencePlan {
    /// Plan id.
    #[must_use]
    pub fn id(&self) -> Uuid {
        self.id
    }

    /// Plan type.
    #[must_use]
    pub fn plan_type(&self) -> PlanType {
        self.plan_type
    }

    /// The person's id.
    #[must_use]
    pub fn person_id(&self) -> Uuid {
        self.person_id
    }

    /// The assessment the plan belongs to.
    #[must_use]
    pub fn assessment_id(&self) -> Uuid {
        self.assessment_id
    }

    /// That assessment's date.
    #[must_use]
    pub fn assessment_date(&self) -> NaiveDate {
        self.assessment_date
    }

    /// The plan date.
    #[must_use]
    pub fn created(&self) -> NaiveDate {
        self.created
    }

    /// Version: 1 for a first plan, previous + 1 for a review or rollback.
    #[must_use]
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The plan version this one was copied from.
    #[must_use]
    pub fn previous(&self) -> Option<Uuid> {
        self.previous
    }

    /// The person's agreement.
    #[must_use]
    pub fn agreement(&self) -> &Agreement {
        &self.agreement
    }

    /// Signing status.
    #[must_use]
    pub fn signing(&self) -> SigningStatus {
        self.signing
    }

    /// Signing events, oldest first.
    #[must_use]
    pub fn signing_events(&self) -> &[SigningEvent] {
        &self.signing_events
    }

    /// Objectives, in priority order.
    #[must_use]
    pub fn objectives(&self) -> &[Objective] {
        &self.objectives
    }

    /// Progress notes on the plan as a whole.
    #[must_use]
    pub fn notes(&self) -> &[ProgressNote] {
        &self.notes
    }
}

impl SentencePlan {
    /// Starts an unsigned plan at version 1 with a DRAFT agreement.
    pub fn new(new: NewPlan) -> Result<Self, PlanError> {
        if new.created < new.assessment_date {
            return Err(PlanError::DateBeforeAssessment {
                date: new.created,
                assessment_date: new.assessment_date,
            });
        }
        Ok(Self {
            id: new.id,
            plan_type: new.plan_type,
            person_id: new.person_id,
            assessment_id: new.assessment_id,
            assessment_date: new.assessment_date,
            created: new.created,
            version: 1,
            previous: None,
            agreement: Agreement::draft(),
            signing: SigningStatus::Unsigned,
            signing_events: Vec::new(),
            objectives: Vec::new(),
            notes: Vec::new(),
        })
    }

    /// Refuses any change to a signed version.
    pub fn ensure_editable(&self) -> Result<(), PlanError> {
        if self.signing.is_editable() {
            Ok(())
        } else {
            Err(PlanError::PlanSigned {
                status: self.signing,
            })
        }
    }

    /// The agreement flag assessment-model's completeness and `Command::Sign` take:
    /// `Some(false)` while DRAFT, `Some(true)` once the person's response is recorded.
    #[must_use]
    pub fn plan_agreed(&self) -> Option<bool> {
        Some(self.agreement.status != AgreementStatus::Draft)
    }

    /// The review plan made from this signed version: every open objective is copied with its history,
    /// its open steps and `copied_forward = true`; closed objectives stay in this version, which is unchanged.
    pub fn review(&self, new: NewPlan) -> Result<SentencePlan, Vec<PlanError>> {
        let mut problems = Vec::new();
        if !self.signing.is_signed() {
            problems.push(PlanError::NotSigned {
                status: self.signing,
            });
        }
        if new.person_id != self.person_id {
            problems.push(PlanError::DifferentPerson);
        }
        if new.created < self.created {
            problems.push(PlanError::DateBeforePlan {
                what: "review plan date".into(),
                date: new.created,
                plan_date: self.created,
            });
        }
        let version = self.version.checked_add(1);
        if version.is_none() {
            problems.push(PlanError::VersionOverflow);
        }
        let mut plan = match SentencePlan::new(new) {
            Ok(plan) if problems.is_empty() => plan,
            Ok(_) => return Err(problems),
            Err(e) => {
                problems.push(e);
                return Err(problems);
            }
        };
        plan.version = version.unwrap_or(u32::MAX);
        plan.previous = Some(self.id);
        plan.objectives = self
            .objectives
            .iter()
            .filter(|o| o.is_open())
            .map(Objective::carried_forward)
            .collect();
        Ok(plan)
    }
}
