//! Audit events as values: every access decision, sharing decision and disclosure yields one,
//! carrying what DPA 2018 Part 3 s.62 logging needs. Ids only, never personal data values.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::action::Action;
use crate::actor::{Actor, Role};
use crate::decide::Decision;
use crate::decision::SharingDecision;
use crate::package::{DisclosurePackage, PackageStatus};
use crate::request::SharingRequest;
use crate::resource::Resource;

/// The s.62 operation (or an authorisation event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Collection.
    Collection,
    /// Alteration.
    Alteration,
    /// Consultation.
    Consultation,
    /// Disclosure (incl. transfers).
    Disclosure,
    /// Combination.
    Combination,
    /// Erasure.
    Erasure,
    /// An access denial.
    AccessDenied,
}

/// Allowed or denied.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AuditOutcome {
    /// Allowed.
    Allowed,
    /// Denied with this code.
    Denied {
        /// The denial code.
        code: String,
    },
}

/// The ids an event is about.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// The person.
    pub person_id: Option<Uuid>,
    /// The person's CRN (an identifier, as s.62 asks which person).
    pub crn: Option<String>,
    /// The assessment.
    pub assessment_id: Option<Uuid>,
    /// The sharing request.
    pub request_id: Option<Uuid>,
    /// The disclosure package.
    pub package_id: Option<Uuid>,
}

/// One audit event (sharing spec §4.2; `seq` and hashes are added by the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEvent {
    /// Event id (passed in).
    pub event_id: Uuid,
    /// When (UTC).
    pub occurred_at: DateTime<Utc>,
    /// Who.
    pub actor_id: String,
    /// In which role.
    pub actor_role: Role,
    /// Session or correlation id.
    pub correlation_id: Option<String>,
    /// The s.62 operation.
    pub operation: Operation,
    /// The action code.
    pub action: String,
    /// Which person and records.
    pub subject: Subject,
    /// What, at page or section granularity.
    pub what: String,
    /// Allowed or denied.
    pub outcome: AuditOutcome,
    /// Why access was allowed (e.g. "allocated case manager").
    pub access_basis: Option<String>,
    /// Justification: mandatory for disclosures and for consultations of LAO records.
    pub justification: Option<String>,
    /// Recipients: mandatory for disclosures.
    pub recipients: Vec<String>,
    /// The sharing decision concerned.
    pub decision_id: Option<Uuid>,
    /// SHA-256 of disclosed content.
    pub content_sha256: Option<String>,
}

/// The per-event facts the caller supplies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditContext {
    /// Event id.
    pub event_id: Uuid,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Session or correlation id.
    pub correlation_id: Option<String>,
    /// The user's stated justification, if any.
    pub justification: Option<String>,
}

/// An event that cannot be written because a mandatory field is missing (fail closed).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuditError {
    /// A consultation of a limited access record needs a justification.
    #[error("say why you need to see this restricted record")]
    JustificationRequired,
    /// A disclosure needs recipients.
    #[error("a disclosure must name its recipients")]
    RecipientsRequired,
    /// Only a released package is a disclosure.
    #[error("only a released package can be logged as a disclosure")]
    NotReleased,
}

/// The s.62 operation an action performs. Releasing a package is logged as an alteration of
/// the request's state; the disclosure itself is the one [`disclosure_event`] the release writes
/// (with its recipients and hash), so the disclosure register has exactly one row per release.
#[must_use]
pub fn operation_of(action: Action) -> Operation {
    match action {
        a if a.is_read() => Operation::Consultation,
        Action::CreateAssessment | Action::RecordSharingRequest => Operation::Collection,
        Action::CloneAssessment | Action::BuildDeidentifiedDataset | Action::DraftDisclosure => {
            Operation::Combination
        }
        _ => Operation::Alteration,
    }
}

fn what_of(action: Action, resource: &Resource) -> String {
    match resource {
        Resource::Organisation => format!("organisation: {}", action.code()),
        Resource::Case(case) => {
            let mut what = format!("case: {}", action.code());
            if let Some(a) = &case.assessment {
                what.push_str(&format!("; assessment {}", a.id));
            }
            if let Some(s) = &case.sharing {
                what.push_str(&format!("; sharing request {}", s.request_id));
            }
            what
        }
    }
}

fn blank(s: Option<&String>) -> bool {
    s.is_none_or(|s| s.trim().is_empty())
}

/// The event for an access decision (allowed or denied). An allowed consultation of a limited
/// access record without a justification is refused, so the caller must deny (fail closed).
pub fn access_event(
    actor: &Actor,
    action: Action,
    resource: &Resource,
    decision: &Decision,
    ctx: &AuditContext,
) -> Result<AuditEvent, AuditError> {
    let (outcome, basis, operation) = match decision {
        Decision::Allow { basis } => (
            AuditOutcome::Allowed,
            Some(basis.to_string()),
            operation_of(action),
        ),
        Decision::Deny(d) => (
            AuditOutcome::Denied {
                code: d.code.code().to_owned(),
            },
            None,
            Operation::AccessDenied,
        ),
    };
    let (person_id, assessment_id, request_id, limited) = match resource {
        Resource::Organisation => (None, None, None, false),
        Resource::Case(c) => (
            Some(c.person_id),
            c.assessment.as_ref().map(|a| a.id),
            c.sharing.as_ref().map(|s| s.request_id),
            c.lao.is_limited(),
        ),
    };
    if decision.is_allowed() && limited && action.is_read() && blank(ctx.justification.as_ref()) {
        return Err(AuditError::JustificationRequired);
    }
    Ok(AuditEvent {
        event_id: ctx.event_id,
        occurred_at: ctx.occurred_at,
        actor_id: actor.id.clone(),
        actor_role: actor.role,
        correlation_id: ctx.correlation_id.clone(),
        operation,
        action: action.code().to_owned(),
        subject: Subject {
            person_id,
            crn: None,
            assessment_id,
            request_id,
            package_id: None,
        },
        what: what_of(action, resource),
        outcome,
        access_basis: basis,
        justification: ctx.justification.clone(),
        recipients: Vec::new(),
        decision_id: None,
        content_sha256: None,
    })
}

/// The event recording a sharing decision, whatever its outcome (golden rule 7), about the
/// person the request concerns (so a search of that person's audit trail finds it).
#[must_use]
pub fn decision_event(
    decision: &SharingDecision,
    request: &SharingRequest,
    person_id: Uuid,
    ctx: &AuditContext,
) -> AuditEvent {
    AuditEvent {
        event_id: ctx.event_id,
        occurred_at: ctx.occurred_at,
        actor_id: decision.decided_by.clone(),
        actor_role: decision.decided_by_role,
        correlation_id: ctx.correlation_id.clone(),
        operation: Operation::Alteration,
        action: Action::DecideSharingRequest.code().to_owned(),
        subject: Subject {
            person_id: Some(person_id),
            crn: Some(request.subject.to_string()),
            assessment_id: None,
            request_id: Some(request.record.id),
            package_id: None,
        },
        what: format!("sharing decision: {:?}", decision.outcome()),
        outcome: AuditOutcome::Allowed,
        access_basis: Some(decision.basis.to_string()),
        justification: Some(format!(
            "necessity: {} | proportionality: {}",
            decision.record.necessity, decision.record.proportionality
        )),
        recipients: vec![format!(
            "{} ({})",
            request.record.agency.name, request.record.requester.name
        )],
        decision_id: Some(decision.record.id),
        content_sha256: None,
    }
}

/// The disclosure event for a released package: who, when, to whom, which elements, the hash,
/// the legal basis and the decision (the disclosure register row), about the request's person.
/// The recipients are those named at release, else the requester the package is addressed to.
pub fn disclosure_event(
    package: &DisclosurePackage,
    decision: &SharingDecision,
    request: &SharingRequest,
    person_id: Uuid,
    actor: &Actor,
    ctx: &AuditContext,
) -> Result<AuditEvent, AuditError> {
    if !matches!(
        package.status,
        PackageStatus::Released | PackageStatus::Expired
    ) || package.released_at.is_none()
    {
        return Err(AuditError::NotReleased);
    }
    let recipients: Vec<String> = if package.released_to.is_empty() {
        vec![format!(
            "{} ({}, {})",
            package.recipient.agency, package.recipient.requester, package.recipient.role
        )]
    } else {
        package.released_to.clone()
    };
    if package.recipient.agency.trim().is_empty() || recipients.iter().all(|r| r.trim().is_empty())
    {
        return Err(AuditError::RecipientsRequired);
    }
    Ok(AuditEvent {
        event_id: ctx.event_id,
        occurred_at: ctx.occurred_at,
        actor_id: actor.id.clone(),
        actor_role: actor.role,
        correlation_id: ctx.correlation_id.clone(),
        operation: Operation::Disclosure,
        action: Action::ReleaseDisclosure.code().to_owned(),
        subject: Subject {
            person_id: Some(person_id),
            crn: Some(request.subject.to_string()),
            assessment_id: Some(package.assessment_id),
            request_id: Some(package.request_id),
            package_id: Some(package.id),
        },
        what: format!(
            "disclosure package via {} on legal basis {}: {}",
            package.channel.clone().unwrap_or_default(),
            package.legal_basis,
            package.included_elements().join(",")
        ),
        outcome: AuditOutcome::Allowed,
        access_basis: None,
        justification: Some(
            ctx.justification
                .clone()
                .filter(|j| !j.trim().is_empty())
                .unwrap_or_else(|| decision.record.necessity.clone()),
        ),
        recipients,
        decision_id: Some(decision.record.id),
        content_sha256: Some(package.content_sha256.clone()),
    })
}

/// The erasure event for a package whose content was purged at expiry (metadata only: the
/// manifest, the hash and the disclosure record are kept). `actor` is whoever's request found it
/// expired.
#[must_use]
pub fn expiry_event(
    package: &DisclosurePackage,
    request: &SharingRequest,
    person_id: Uuid,
    actor: &Actor,
    ctx: &AuditContext,
) -> AuditEvent {
    AuditEvent {
        event_id: ctx.event_id,
        occurred_at: ctx.occurred_at,
        actor_id: actor.id.clone(),
        actor_role: actor.role,
        correlation_id: ctx.correlation_id.clone(),
        operation: Operation::Erasure,
        action: "purge_disclosure".to_owned(),
        subject: Subject {
            person_id: Some(person_id),
            crn: Some(request.subject.to_string()),
            assessment_id: Some(package.assessment_id),
            request_id: Some(package.request_id),
            package_id: Some(package.id),
        },
        what: format!(
            "disclosure package content purged at expiry ({})",
            package.expires_at.format("%Y-%m-%d %H:%M UTC")
        ),
        outcome: AuditOutcome::Allowed,
        access_basis: None,
        justification: None,
        recipients: Vec::new(),
        decision_id: Some(package.decision_id),
        content_sha256: Some(package.content_sha256.clone()),
    }
}
