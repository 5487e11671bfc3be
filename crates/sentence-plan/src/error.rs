//! Why a change to a sentence plan was refused: one error type for plans, objectives, steps, agreement
//! and signing, with variants a practitioner understands; validations return every problem.

use chrono::NaiveDate;
use oasys_assessment_model::Section;
use serde::Serialize;
use thiserror::Error;
use uuid::Uuid;

use crate::rmp::RmpProblem;
use crate::signing::{AgreementStatus, SigningStatus};

/// Why a plan change was refused. Validations return every problem they find.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum PlanError {
    /// Signed plan versions are immutable.
    #[error("this plan version is {status} and can no longer be changed")]
    PlanSigned {
        /// The plan's signing status.
        status: SigningStatus,
    },
    /// No objective with this id in the plan.
    #[error("the plan has no objective {id}")]
    UnknownObjective {
        /// The id given.
        id: Uuid,
    },
    /// No step with this id in the objective.
    #[error("the objective has no step {id}")]
    UnknownStep {
        /// The id given.
        id: Uuid,
    },
    /// The id is already used in this plan.
    #[error("{id} is already used in this plan")]
    DuplicateId {
        /// The id given.
        id: Uuid,
    },
    /// An objective needs a title.
    #[error("the objective needs a title")]
    TitleRequired,
    /// A step needs a description or a catalogue code.
    #[error("the step needs a description or a catalogue intervention")]
    TextRequired,
    /// An objective must address at least one need or ROSH factor.
    #[error("the objective must be linked to at least one need or risk factor")]
    NoLinks,
    /// Only sections 3–13 are criminogenic needs.
    #[error("{section} is not a criminogenic need section")]
    UnknownNeed {
        /// The section given.
        section: Section,
    },
    /// The catalogue has no such intervention.
    #[error("there is no intervention {code} in the catalogue")]
    UnknownCatalogueCode {
        /// The code given.
        code: String,
    },
    /// A step must say who does the work.
    #[error("the step must say who does the work")]
    ActorRequired,
    /// A date falls before the plan was created.
    #[error("{what} {date} is before the plan date {plan_date}")]
    DateBeforePlan {
        /// Which date.
        what: String,
        /// The date given.
        date: NaiveDate,
        /// The plan's date.
        plan_date: NaiveDate,
    },
    /// The plan would start before the assessment it belongs to.
    #[error("the plan date {date} is before the assessment date {assessment_date}")]
    DateBeforeAssessment {
        /// The plan date.
        date: NaiveDate,
        /// The assessment date.
        assessment_date: NaiveDate,
    },
    /// A date falls after today.
    #[error("{what} {date} is in the future (today is {today})")]
    DateInFuture {
        /// Which date.
        what: String,
        /// The date given.
        date: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// Progress cannot be recorded before the last recorded progress.
    #[error("progress dated {date} is before the last update on {last}")]
    DateBeforeLastUpdate {
        /// The date given.
        date: NaiveDate,
        /// The last update.
        last: NaiveDate,
    },
    /// "Does not agree" and "could not answer" need a note saying why.
    #[error("a note is required when the agreement is {agreement}")]
    NoteRequired {
        /// The agreement given.
        agreement: AgreementStatus,
    },
    /// An agreement other than DRAFT needs its date.
    #[error("the date of the person's agreement is required")]
    AgreementDateRequired,
    /// The plan cannot be signed while the agreement is DRAFT.
    #[error("the plan cannot be signed while the person's agreement is still DRAFT")]
    AgreementDraft,
    /// The plan has no objectives.
    #[error("the plan has no objectives")]
    NoObjectives,
    /// ROSH High or Very High needs a complete risk management plan before signing.
    #[error("the risk management plan is incomplete: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    RiskManagementPlanIncomplete {
        /// What is missing.
        problems: Vec<RmpProblem>,
    },
    /// The plan belongs to another assessment.
    #[error("the plan belongs to assessment {plan_assessment}, not {assessment}")]
    WrongAssessment {
        /// The plan's assessment.
        plan_assessment: Uuid,
        /// The assessment given.
        assessment: Uuid,
    },
    /// The plans belong to different people.
    #[error("the plans belong to different people")]
    DifferentPerson,
    /// A review plan can only be made from a signed plan.
    #[error("a review plan can only be made from a signed plan, not one that is {status}")]
    NotSigned {
        /// The previous plan's status.
        status: SigningStatus,
    },
    /// The signing step does not apply in this status.
    #[error("cannot {action} a plan that is {status}")]
    NotAllowed {
        /// What was attempted.
        action: String,
        /// The plan's status.
        status: SigningStatus,
    },
    /// A comment or reason is required.
    #[error("a reason is required to {action}")]
    ReasonRequired {
        /// What was attempted.
        action: String,
    },
    /// The plan version number cannot go higher.
    #[error("the plan version cannot be increased")]
    VersionOverflow,
}
