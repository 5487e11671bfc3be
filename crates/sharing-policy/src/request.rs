//! Information-sharing requests: the record, its checks (every problem listed) and its workflow
//! `Received → Assigned → Decided → PackageDrafted → RedactionReviewed → Approved → Released → Expired`.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};
use oasys_assessment_model::Crn;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::legal_basis::LegalBasis;
use crate::template::TemplateSection;
pub use crate::workflow::{RequestEvent, RequestState, RequestStep, WorkflowError};

/// How the request arrived.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Email.
    Email,
    /// Letter.
    Letter,
    /// Telephone.
    Phone,
    /// At a meeting.
    Meeting,
}

/// The kind of requesting agency.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    /// Children's social care.
    ChildrensSocialCare,
    /// Police.
    Police,
    /// Health.
    Health,
    /// Education.
    Education,
    /// Housing.
    Housing,
    /// Youth justice.
    YouthJustice,
    /// MAPPA.
    Mappa,
    /// Other.
    Other,
}

/// The requesting agency.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: AgencyKind,
}

/// The named person asking: a contact on the request, never an account.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requester {
    /// Name.
    pub name: String,
    /// Role (e.g. social worker, MAPPA chair).
    pub role: String,
    /// How to reach them.
    pub contact: String,
}

/// How urgent the request is; sets the default due date.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Same day.
    Immediate,
    /// Next working day.
    Urgent,
    /// Ten working days.
    Standard,
}

/// Why the request is made: the child-safeguarding template applies to safeguarding purposes.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PurposeKind {
    /// Safeguarding a child or children.
    ChildSafeguarding,
    /// Managing risk to the public or a known adult.
    PublicProtection,
    /// Anything else.
    Other,
}

/// A child's relationship to the subject.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChildRelationship {
    /// Lives in the subject's household.
    HouseholdMember,
    /// The subject's partner's child.
    PartnersChild,
    /// The subject's own child.
    OwnChild,
    /// Cared for by the subject.
    CaredFor,
    /// The subject holds a position of trust over the child.
    PositionOfTrust,
    /// Other.
    Other,
}

/// A child's date of birth or approximate age.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChildAge {
    /// Date of birth.
    DateOfBirth(NaiveDate),
    /// Approximate age in years.
    ApproximateYears(u8),
}

/// A child the request concerns: third-party data held only for the request.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChildConcerned {
    /// Name.
    pub name: String,
    /// Date of birth or approximate age.
    pub age: ChildAge,
    /// Relationship to the subject.
    pub relationship: ChildRelationship,
    /// Local-authority reference.
    pub la_reference: Option<String>,
}

/// A due date set by hand instead of the urgency default.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DueOverride {
    /// The due date and time.
    pub due_at: DateTime<Utc>,
    /// Why the default does not apply.
    pub reason: String,
}

/// A request as recorded, before its checks.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestDraft {
    /// Request id (passed in).
    pub id: Uuid,
    /// When received.
    pub received_at: DateTime<Utc>,
    /// How received.
    pub channel: Channel,
    /// The requesting agency.
    pub agency: Agency,
    /// The named requester.
    pub requester: Requester,
    /// The legal basis.
    pub legal_basis: LegalBasis,
    /// External reference: LA case number, meeting reference.
    pub external_reference: String,
    /// The meeting date, when the request is tied to a meeting.
    pub meeting_date: Option<NaiveDate>,
    /// What kind of purpose.
    pub purpose_kind: PurposeKind,
    /// The purpose in the requester's words.
    pub purpose: String,
    /// The subject's CRN as given.
    pub subject_crn: String,
    /// Children concerned.
    pub children: Vec<ChildConcerned>,
    /// Package sections asked for.
    pub scope_requested: BTreeSet<TemplateSection>,
    /// Urgency.
    pub urgency: Urgency,
    /// A due date replacing the urgency default.
    pub due_override: Option<DueOverride>,
}

/// One thing wrong with a request.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum RequestProblem {
    /// A required field is blank.
    #[error("{field} is required")]
    Missing {
        /// The field.
        field: String,
    },
    /// The subject's CRN is not a valid CRN.
    #[error("the subject's CRN is not valid: {reason}")]
    InvalidCrn {
        /// Why.
        reason: String,
    },
    /// The basis needs at least one child named.
    #[error("a {basis} request must name at least one child")]
    ChildRequired {
        /// The basis code.
        basis: String,
    },
    /// A child has no name.
    #[error("child {index} has no name")]
    ChildNameMissing {
        /// 1-based position.
        index: usize,
    },
    /// No package section was asked for.
    #[error("the request must say which information is asked for")]
    NoScope,
    /// A due date override needs a reason.
    #[error("a due date set by hand needs a reason")]
    OverrideReasonMissing,
    /// A due date cannot be before the request arrived.
    #[error("the due date is before the request was received")]
    DueBeforeReceived,
}

/// A request refused, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the request is incomplete: {}", list(.problems))]
pub struct RequestError {
    /// Every problem.
    pub problems: Vec<RequestProblem>,
}

fn list<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A checked information-sharing request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharingRequest {
    /// The request as recorded.
    pub record: RequestDraft,
    /// The subject's CRN, checked.
    pub subject: Crn,
    /// When a response is due.
    pub due_at: DateTime<Utc>,
    /// The assignee.
    pub assignee: Option<String>,
    /// Where it is in the workflow.
    pub state: RequestState,
    /// Every workflow step so far.
    pub events: Vec<RequestEvent>,
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
    date.and_time(time).and_utc()
}

fn add_working_days(mut date: NaiveDate, days: u32) -> NaiveDate {
    let mut left = days;
    while left > 0 {
        match date.checked_add_days(Days::new(1)) {
            Some(next) => date = next,
            None => return date,
        }
        if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    date
}

/// The default due date for an urgency: end of the same day, of the next working day, or of the
/// tenth working day (weekends skipped; bank holidays are reference data the caller may apply).
#[must_use]
pub fn default_due(received_at: DateTime<Utc>, urgency: Urgency) -> DateTime<Utc> {
    let day = received_at.date_naive();
    end_of_day(match urgency {
        Urgency::Immediate => day,
        Urgency::Urgent => add_working_days(day, 1),
        Urgency::Standard => add_working_days(day, 10),
    })
}

impl SharingRequest {
    /// Checks a request, listing every problem.
    pub fn record(draft: RequestDraft) -> Result<Self, RequestError> {
        let mut problems = Vec::new();
        let mut need = |value: &str, field: &str| {
            if blank(value) {
                problems.push(RequestProblem::Missing {
                    field: field.to_owned(),
                });
            }
        };
        need(&draft.agency.name, "agency name");
        need(&draft.requester.name, "requester name");
        need(&draft.requester.role, "requester role");
        need(&draft.requester.contact, "requester contact");
        need(&draft.external_reference, "external reference");
        need(&draft.purpose, "purpose");
        if let LegalBasis::Other { description } = &draft.legal_basis {
            need(description, "description of the legal basis");
        }
        let subject = Crn::parse(draft.subject_crn.trim());
        if let Err(e) = &subject {
            problems.push(RequestProblem::InvalidCrn {
                reason: e.to_string(),
            });
        }
        if draft.legal_basis.requires_child() && draft.children.is_empty() {
            problems.push(RequestProblem::ChildRequired {
                basis: draft.legal_basis.code().to_owned(),
            });
        }
        for (i, child) in draft.children.iter().enumerate() {
            if blank(&child.name) {
                problems.push(RequestProblem::ChildNameMissing { index: i + 1 });
            }
        }
        if draft.scope_requested.is_empty() {
            problems.push(RequestProblem::NoScope);
        }
        let due_at = match &draft.due_override {
            Some(o) => {
                if blank(&o.reason) {
                    problems.push(RequestProblem::OverrideReasonMissing);
                }
                if o.due_at < draft.received_at {
                    problems.push(RequestProblem::DueBeforeReceived);
                }
                o.due_at
            }
            None => default_due(draft.received_at, draft.urgency),
        };
        match subject {
            Ok(subject) if problems.is_empty() => Ok(Self {
                record: draft,
                subject,
                due_at,
                assignee: None,
                state: RequestState::Received,
                events: Vec::new(),
            }),
            _ => Err(RequestError { problems }),
        }
    }

    /// Whether the request is past due and not yet decided.
    #[must_use]
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        matches!(self.state, RequestState::Received | RequestState::Assigned) && now > self.due_at
    }
}
