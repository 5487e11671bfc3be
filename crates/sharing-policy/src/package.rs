//! The disclosure package: built by a pure function from a share decision and a locked assessment,
//! recording what was included, what was redacted and why, its content hash and its expiry.

use std::collections::BTreeSet;

use chrono::{DateTime, Days, NaiveTime, Utc};
use oasys_assessment_model::{Assessment, State};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::decision::{Outcome, RecipientCondition, SharingDecision};
use crate::redaction::SpanError;
use crate::request::{RequestState, SharingRequest};
use crate::template::{
    CHILD_SAFEGUARDING, RedactionReason, TEMPLATE_CODE, TEMPLATE_VERSION, TemplateSection,
    Treatment, outside_template_reason, template_item,
};

/// Default days a released package stays available.
pub const DEFAULT_EXPIRY_DAYS: u64 = 30;
/// Days after a meeting that a meeting package stays available.
pub const MEETING_EXPIRY_DAYS: u64 = 7;
/// The protective marking every package carries.
pub const CLASSIFICATION: &str = "OFFICIAL-SENSITIVE";
/// The statement every package carries.
pub const ANALYSIS_STATEMENT: &str =
    "This is the probation practitioner's analysis, not a copy of the record.";

/// Sentence-plan and monitoring facts for section 6, supplied by the plan crate via the caller.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitoringSummary {
    /// The plan version the lines come from.
    pub plan_version: u64,
    /// Licence conditions and requirements (type, text, dates), one line each.
    pub conditions: Vec<String>,
    /// Objectives (title, status, need), one line each.
    pub objectives: Vec<String>,
    /// Interventions (name, status), one line each.
    pub interventions: Vec<String>,
    /// Recent compliance and breach events, one line each.
    pub compliance: Vec<String>,
}

/// One included element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageItem {
    /// Element code.
    pub element: String,
    /// Template section (`None` for a raw answer included by exception).
    pub section: Option<TemplateSection>,
    /// Label shown.
    pub label: String,
    /// The content shown.
    pub value: String,
    /// Whether the content is free text that the decider must review.
    pub free_text: bool,
    /// The decision's justification when included by exception.
    pub exception: Option<String>,
}

/// One redaction: a whole element, or a span within a text block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redaction {
    /// Element code.
    pub element: String,
    /// The span redacted (character positions), or `None` for the whole element.
    pub span: Option<(usize, usize)>,
    /// Why.
    pub reason: RedactionReason,
}

/// Where a package is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageStatus {
    /// Built; free text awaiting review.
    Drafted,
    /// Every text block reviewed.
    RedactionReviewed,
    /// Approved.
    Approved,
    /// Released.
    Released,
    /// Expired: content purged, manifest kept.
    Expired,
}

/// Who receives the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    /// Agency name.
    pub agency: String,
    /// Named requester.
    pub requester: String,
    /// Requester's role.
    pub role: String,
}

/// A disclosure package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosurePackage {
    /// Package id (passed in).
    pub id: Uuid,
    /// The request.
    pub request_id: Uuid,
    /// The decision.
    pub decision_id: Uuid,
    /// Template code.
    pub template_code: String,
    /// Template version.
    pub template_version: String,
    /// Source assessment id.
    pub assessment_id: Uuid,
    /// Source assessment version.
    pub assessment_version: u64,
    /// Source plan version.
    pub plan_version: Option<u64>,
    /// When built.
    pub generated_at: DateTime<Utc>,
    /// Request reference (external).
    pub request_reference: String,
    /// Legal basis code.
    pub legal_basis: String,
    /// Recipient.
    pub recipient: Recipient,
    /// Conditions for the recipient.
    pub conditions: Vec<RecipientCondition>,
    /// Included elements, in order.
    pub items: Vec<PackageItem>,
    /// Everything left out, and why.
    pub redactions: Vec<Redaction>,
    /// Text blocks not yet reviewed.
    pub pending_review: BTreeSet<String>,
    /// When the content stops being served.
    pub expires_at: DateTime<Utc>,
    /// Meeting-tied expiry, kept so release does not override it.
    pub meeting_expiry: bool,
    /// Status.
    pub status: PackageStatus,
    /// Who approved.
    pub approved_by: Option<String>,
    /// When approved.
    pub approved_at: Option<DateTime<Utc>>,
    /// Set when one manager decided and approved an Immediate request alone.
    pub retrospective_review_required: bool,
    /// The other manager who reviewed it after the fact.
    #[serde(default)]
    pub retrospective_reviewed_by: Option<String>,
    /// When they did.
    #[serde(default)]
    pub retrospective_reviewed_at: Option<DateTime<Utc>>,
    /// Who released.
    pub released_by: Option<String>,
    /// When released.
    pub released_at: Option<DateTime<Utc>>,
    /// Channel of release.
    pub channel: Option<String>,
    /// Who it was given to at release (named people and their agencies), for the disclosure log.
    #[serde(default)]
    pub released_to: Vec<String>,
    /// SHA-256 of the rendered plain text, hex.
    pub content_sha256: String,
}

/// Why a package cannot be built or moved on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PackageError {
    /// A declined (or withdrawn or closed) request never yields a package.
    #[error("the request was declined, withdrawn or closed, so nothing is shared")]
    Declined,
    /// The decision is for another request.
    #[error("the decision belongs to a different request")]
    WrongDecision,
    /// The assessment is about someone else.
    #[error("the assessment is not about the request's subject")]
    SubjectMismatch,
    /// Only a complete or locked-incomplete, non-deleted assessment can be shared.
    #[error("only a complete or locked-incomplete assessment can be shared; this one is {state}")]
    AssessmentNotShareable {
        /// The assessment's status.
        state: String,
    },
    /// The step does not apply in the package's status.
    #[error("a {status:?} package cannot be {step}")]
    WrongStatus {
        /// Current status.
        status: PackageStatus,
        /// The step.
        step: &'static str,
    },
    /// The text block is not awaiting review.
    #[error("{element} is not a text block awaiting review")]
    NotPendingReview {
        /// Element.
        element: String,
    },
    /// Spans that cannot be applied.
    #[error("the marked spans cannot be applied: {0:?}")]
    Spans(Vec<SpanError>),
    /// The decider cannot approve their own decision (except the Immediate path).
    #[error("a second person must approve: you made the decision")]
    ApproverIsDecider,
    /// Release needs recipients and a channel.
    #[error("record the channel of release")]
    ChannelMissing,
    /// Release needs at least one named recipient.
    #[error("name who the package is given to")]
    RecipientsMissing,
    /// Only a package one manager approved alone needs a review after the fact, once.
    #[error("this package does not need a retrospective review (or has had one)")]
    NoRetrospectiveReviewDue,
    /// The retrospective review is by another manager than the one who decided and approved.
    #[error("another manager must review it: you decided and approved it")]
    ReviewerIsApprover,
}

/// How a released package reaches its recipients (sharing spec §3.3: the practitioner downloads or
/// prints it, or presents it at a meeting; the external party never gets a login).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseChannel {
    /// Sent by secure email.
    SecureEmail,
    /// Printed and posted.
    Post,
    /// Printed and handed over in person.
    HandedOver,
    /// Presented at the meeting the request is tied to.
    PresentedAtMeeting,
}

impl ReleaseChannel {
    /// Every channel.
    pub const ALL: [ReleaseChannel; 4] = [
        Self::SecureEmail,
        Self::Post,
        Self::HandedOver,
        Self::PresentedAtMeeting,
    ];

    /// The stable code stored on the package and in the disclosure log.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::SecureEmail => "secure_email",
            Self::Post => "post",
            Self::HandedOver => "handed_over",
            Self::PresentedAtMeeting => "presented_at_meeting",
        }
    }

    /// Words for a page.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::SecureEmail => "Secure email",
            Self::Post => "Printed and posted",
            Self::HandedOver => "Printed and handed over",
            Self::PresentedAtMeeting => "Presented at the meeting",
        }
    }
}

fn end_of_day(at: DateTime<Utc>) -> DateTime<Utc> {
    at.date_naive()
        .and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN))
        .and_utc()
}

/// Builds the package for a share decision. Deterministic: the same inputs give byte-identical
/// content and hash. A decline never yields a package.
pub fn build_package(
    package_id: Uuid,
    request: &SharingRequest,
    decision: &SharingDecision,
    assessment: &Assessment,
    plan: Option<&MonitoringSummary>,
    now: DateTime<Utc>,
) -> Result<DisclosurePackage, PackageError> {
    if decision.outcome() == Outcome::Decline
        || matches!(
            request.state,
            RequestState::Declined | RequestState::Closed | RequestState::Withdrawn
        )
    {
        return Err(PackageError::Declined);
    }
    if decision.record.request_id != request.record.id {
        return Err(PackageError::WrongDecision);
    }
    if assessment.header().person.crn.as_ref() != Some(&request.subject) {
        return Err(PackageError::SubjectMismatch);
    }
    let shareable = matches!(
        assessment.state(),
        State::Complete { .. } | State::LockedIncomplete
    );
    if !shareable || assessment.deleted().is_some() {
        return Err(PackageError::AssessmentNotShareable {
            state: assessment.status().to_string(),
        });
    }
    let (items, redactions) = crate::content::select(decision, assessment, plan);
    let pending_review = items
        .iter()
        .filter(|i| i.free_text)
        .map(|i| i.element.clone())
        .collect();
    let meeting_expiry =
        request.record.legal_basis.is_meeting() && request.record.meeting_date.is_some();
    let expires_at = match request.record.meeting_date {
        Some(date) if meeting_expiry => end_of_day(
            date.and_time(NaiveTime::MIN)
                .and_utc()
                .checked_add_days(Days::new(MEETING_EXPIRY_DAYS))
                .unwrap_or(now),
        ),
        _ => now
            .checked_add_days(Days::new(DEFAULT_EXPIRY_DAYS))
            .unwrap_or(now),
    };
    let mut package = DisclosurePackage {
        id: package_id,
        request_id: request.record.id,
        decision_id: decision.record.id,
        template_code: TEMPLATE_CODE.to_owned(),
        template_version: TEMPLATE_VERSION.to_owned(),
        assessment_id: assessment.header().id,
        assessment_version: assessment.version(),
        plan_version: plan.map(|p| p.plan_version),
        generated_at: now,
        request_reference: request.record.external_reference.clone(),
        legal_basis: decision.record.legal_basis_confirmed.code().to_owned(),
        recipient: Recipient {
            agency: request.record.agency.name.clone(),
            requester: request.record.requester.name.clone(),
            role: request.record.requester.role.clone(),
        },
        conditions: decision.record.conditions.clone(),
        items,
        redactions,
        pending_review,
        expires_at,
        meeting_expiry,
        status: PackageStatus::Drafted,
        approved_by: None,
        approved_at: None,
        retrospective_review_required: false,
        retrospective_reviewed_by: None,
        retrospective_reviewed_at: None,
        released_by: None,
        released_at: None,
        channel: None,
        released_to: Vec::new(),
        content_sha256: String::new(),
    };
    if package.pending_review.is_empty() {
        package.status = PackageStatus::RedactionReviewed;
    }
    package.content_sha256 = crate::render::content_hash(&package);
    Ok(package)
}

/// The template elements a decision shares by default (before exceptions).
#[must_use]
pub fn default_elements(decision: &SharingDecision) -> BTreeSet<&'static str> {
    let sections = decision.shared_sections();
    CHILD_SAFEGUARDING
        .iter()
        .filter(|i| sections.contains(&i.section) && i.default == Treatment::Include)
        .map(|i| i.code)
        .collect()
}

/// Whether the decision allows an element into the package (by default or by exception).
#[must_use]
pub fn allowed(decision: &SharingDecision, element: &str) -> bool {
    if decision.outcome() == Outcome::Decline {
        return false;
    }
    decision.exception(element).is_some()
        || template_item(element).is_some_and(|i| {
            i.default == Treatment::Include && decision.shared_sections().contains(&i.section)
        })
}

pub(crate) fn outside_reason(code: &str) -> RedactionReason {
    outside_template_reason(code)
}
