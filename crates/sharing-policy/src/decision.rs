//! The decision on a sharing request: share in full, in part, or decline, by an authorised
//! probation user, always with necessity and proportionality statements (sharing spec §3.4).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use oasys_assessment_model::QuestionSet;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::action::Action;
use crate::actor::{Actor, Role};
use crate::decide::{AccessBasis, Decision, Denial, decide};
use crate::legal_basis::LegalBasis;
use crate::request::{RequestState, SharingRequest};
use crate::resource::Resource;
use crate::template::{TemplateSection, template_item};

/// Least number of non-space characters in a necessity, proportionality or exception statement.
pub const MIN_STATEMENT_CHARS: usize = 20;

/// What was decided.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Share every template section.
    ShareFull,
    /// Share the chosen sections.
    SharePart,
    /// Share nothing.
    Decline,
}

/// Why a request was declined.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineCategory {
    /// No lawful basis.
    NoLawfulBasis,
    /// Not necessary for the purpose.
    NotNecessary,
    /// Disproportionate.
    Disproportionate,
    /// Not held.
    NotHeld,
    /// Would prejudice an investigation.
    WouldPrejudiceInvestigation,
    /// Other.
    Other,
}

/// The recorded reason for declining.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclineReason {
    /// The category.
    pub category: DeclineCategory,
    /// The explanation.
    pub text: String,
}

/// Whether the subject was told of the disclosure.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "informed", rename_all = "snake_case")]
pub enum SubjectInformed {
    /// The subject was or will be told.
    Yes,
    /// Not told, and why (e.g. telling would put a child at risk).
    No {
        /// Why.
        reason: String,
    },
}

/// A condition the recipient accepts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "condition", content = "text", rename_all = "snake_case")]
pub enum RecipientCondition {
    /// Keep it confidential (MAPPA ch. 10 undertaking).
    ConfidentialityUndertaking,
    /// No onward disclosure without consulting the Probation Service.
    NoOnwardDisclosureWithoutConsulting,
    /// Destroy once the purpose is met.
    DestroyAfterPurpose,
    /// Anything else.
    Other(String),
}

impl RecipientCondition {
    /// The three conditions every disclosure carries.
    #[must_use]
    pub fn standard() -> Vec<RecipientCondition> {
        vec![
            Self::ConfidentialityUndertaking,
            Self::NoOnwardDisclosureWithoutConsulting,
            Self::DestroyAfterPurpose,
        ]
    }
}

/// An element the template redacts by default (or a raw answer), included on its own justification.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemException {
    /// The element code (question code or template element).
    pub element: String,
    /// Why this element is necessary and proportionate to include.
    pub justification: String,
}

/// A decision as proposed by the decider, before its checks.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionDraft {
    /// Decision id (passed in).
    pub id: Uuid,
    /// The request decided.
    pub request_id: Uuid,
    /// What was decided.
    pub outcome: Outcome,
    /// When (UTC).
    pub decided_at: DateTime<Utc>,
    /// The legal basis as confirmed by the decider.
    pub legal_basis_confirmed: LegalBasis,
    /// Required when the confirmed basis differs from the request's.
    pub basis_note: Option<String>,
    /// Why this information is needed for the stated purpose.
    pub necessity: String,
    /// Why this much and not less, weighed against the intrusion.
    pub proportionality: String,
    /// Sections chosen (for `SharePart`; `ShareFull` means every section).
    pub sections: BTreeSet<TemplateSection>,
    /// Redacted-by-default elements included, each with its own justification.
    pub exceptions: Vec<ItemException>,
    /// Conditions for the recipient.
    pub conditions: Vec<RecipientCondition>,
    /// Whether the subject was informed.
    pub subject_informed: SubjectInformed,
    /// Required for `Decline`.
    pub decline_reason: Option<DeclineReason>,
}

/// One thing wrong with a decision.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum DecisionProblem {
    /// The decision names another request.
    #[error("the decision is for a different request")]
    WrongRequest,
    /// The request is not waiting for a decision.
    #[error("the request has already been decided or closed")]
    AlreadyDecided,
    /// Necessity statement missing or too short.
    #[error("the necessity statement must have at least {MIN_STATEMENT_CHARS} characters")]
    NecessityMissing,
    /// Proportionality statement missing or too short.
    #[error("the proportionality statement must have at least {MIN_STATEMENT_CHARS} characters")]
    ProportionalityMissing,
    /// A partial share with no section chosen.
    #[error("a partial share must choose at least one section")]
    NoSections,
    /// A decline without a reason.
    #[error("a decline needs a reason category and an explanation")]
    DeclineReasonMissing,
    /// A share without the standard recipient conditions.
    #[error("a disclosure must carry the condition: {0:?}")]
    ConditionMissing(RecipientCondition),
    /// An exception names an element that does not exist.
    #[error("exception for unknown element {element}")]
    UnknownElement {
        /// The code given.
        element: String,
    },
    /// An exception without its own justification.
    #[error(
        "the exception for {element} needs its own justification of at least {MIN_STATEMENT_CHARS} characters"
    )]
    ExceptionUnjustified {
        /// The element.
        element: String,
    },
    /// The subject was not informed and no reason was given.
    #[error("say why the subject is not being informed")]
    NotInformedReasonMissing,
    /// The confirmed basis differs from the request without a note.
    #[error("a note is required when the confirmed legal basis differs from the request's")]
    BasisNoteMissing,
    /// `Other` basis without a description.
    #[error("describe the legal basis")]
    BasisDescriptionMissing,
}

/// Why a decision was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecisionError {
    /// The user may not decide this request.
    #[error("you cannot decide this request: {}", .0.user_message)]
    NotAuthorised(Denial),
    /// Required fields are missing or wrong; every problem is listed.
    #[error("the decision is incomplete: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Incomplete(Vec<DecisionProblem>),
}

/// A recorded decision. Kept whatever the outcome (golden rule 7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharingDecision {
    /// The decision as proposed and checked.
    pub record: DecisionDraft,
    /// Staff id of the decider.
    pub decided_by: String,
    /// The decider's role.
    pub decided_by_role: Role,
    /// On what basis the decider could decide.
    pub basis: AccessBasis,
}

impl SharingDecision {
    /// The outcome.
    #[must_use]
    pub fn outcome(&self) -> Outcome {
        self.record.outcome
    }

    /// The sections the decision shares (all for `ShareFull`, none for `Decline`).
    #[must_use]
    pub fn shared_sections(&self) -> BTreeSet<TemplateSection> {
        match self.record.outcome {
            Outcome::ShareFull => TemplateSection::ALL.into_iter().collect(),
            Outcome::SharePart => self.record.sections.clone(),
            Outcome::Decline => BTreeSet::new(),
        }
    }

    /// The exception for an element, if the decision makes one.
    #[must_use]
    pub fn exception(&self, element: &str) -> Option<&ItemException> {
        self.record.exceptions.iter().find(|e| e.element == element)
    }
}

/// Non-space characters in a statement.
#[must_use]
pub fn substantive_len(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

fn known_element(code: &str) -> bool {
    template_item(code).is_some() || QuestionSet::current().question(code).is_some()
}

/// Checks and records a decision: the actor must be allowed to `DecideSharingRequest` on the case
/// (`resource`), and the draft must be complete. Returns every problem found.
pub fn decide_request(
    draft: DecisionDraft,
    request: &SharingRequest,
    actor: &Actor,
    resource: &Resource,
) -> Result<SharingDecision, DecisionError> {
    let basis = match decide(actor, Action::DecideSharingRequest, resource) {
        Decision::Allow { basis } => basis,
        Decision::Deny(denial) => return Err(DecisionError::NotAuthorised(denial)),
    };
    let problems = check(&draft, request);
    if !problems.is_empty() {
        return Err(DecisionError::Incomplete(problems));
    }
    Ok(SharingDecision {
        record: draft,
        decided_by: actor.id.clone(),
        decided_by_role: actor.role,
        basis,
    })
}

/// Every problem with a draft decision for a request.
#[must_use]
pub fn check(draft: &DecisionDraft, request: &SharingRequest) -> Vec<DecisionProblem> {
    let mut problems = Vec::new();
    if draft.request_id != request.record.id {
        problems.push(DecisionProblem::WrongRequest);
    }
    if !matches!(
        request.state,
        RequestState::Received | RequestState::Assigned
    ) {
        problems.push(DecisionProblem::AlreadyDecided);
    }
    if substantive_len(&draft.necessity) < MIN_STATEMENT_CHARS {
        problems.push(DecisionProblem::NecessityMissing);
    }
    if substantive_len(&draft.proportionality) < MIN_STATEMENT_CHARS {
        problems.push(DecisionProblem::ProportionalityMissing);
    }
    if let LegalBasis::Other { description } = &draft.legal_basis_confirmed
        && description.trim().is_empty()
    {
        problems.push(DecisionProblem::BasisDescriptionMissing);
    }
    if draft.legal_basis_confirmed != request.record.legal_basis
        && draft
            .basis_note
            .as_deref()
            .is_none_or(|n| n.trim().is_empty())
    {
        problems.push(DecisionProblem::BasisNoteMissing);
    }
    if let SubjectInformed::No { reason } = &draft.subject_informed
        && reason.trim().is_empty()
    {
        problems.push(DecisionProblem::NotInformedReasonMissing);
    }
    match draft.outcome {
        Outcome::Decline => {
            if draft
                .decline_reason
                .as_ref()
                .is_none_or(|r| r.text.trim().is_empty())
            {
                problems.push(DecisionProblem::DeclineReasonMissing);
            }
        }
        Outcome::ShareFull | Outcome::SharePart => {
            if draft.outcome == Outcome::SharePart && draft.sections.is_empty() {
                problems.push(DecisionProblem::NoSections);
            }
            for condition in RecipientCondition::standard() {
                if !draft.conditions.contains(&condition) {
                    problems.push(DecisionProblem::ConditionMissing(condition));
                }
            }
            for exception in &draft.exceptions {
                if !known_element(&exception.element) {
                    problems.push(DecisionProblem::UnknownElement {
                        element: exception.element.clone(),
                    });
                } else if substantive_len(&exception.justification) < MIN_STATEMENT_CHARS {
                    problems.push(DecisionProblem::ExceptionUnjustified {
                        element: exception.element.clone(),
                    });
                }
            }
        }
    }
    problems
}
