//! Turns the policy's audit events into entries of the audit-log port, and offers the
//! administrator's audit queries and chain verification as use cases.

use oasys_sharing_policy::{
    Action, Actor, AuditContext, AuditEvent, AuditOutcome as PolicyOutcome, Operation as PolicyOp,
    Resource,
};
use serde_json::json;

use crate::ports::{
    AuditEntry, AuditOutcome, AuditQuery, ChainReport, Clock, IdGenerator, NewAuditEntry,
    Operation, Storage,
};

use super::{App, AppError, RequestContext};

/// The port's operation for a policy operation (denials are security events).
fn operation(op: PolicyOp) -> Operation {
    match op {
        PolicyOp::Collection => Operation::Collection,
        PolicyOp::Alteration => Operation::Alteration,
        PolicyOp::Consultation => Operation::Consultation,
        PolicyOp::Disclosure => Operation::Disclosure,
        PolicyOp::Combination => Operation::Combination,
        PolicyOp::Erasure => Operation::Erasure,
        PolicyOp::AccessDenied => Operation::Security,
    }
}

/// The audit-log entry for a policy event (DPA 2018 Part 3 s.62 fields, the rest as details).
pub(crate) fn entry(event: &AuditEvent) -> NewAuditEntry {
    NewAuditEntry {
        event_id: event.event_id,
        occurred_at: event.occurred_at,
        actor: event.actor_id.clone(),
        actor_role: event.actor_role.code().to_owned(),
        correlation_id: event.correlation_id.clone(),
        operation: operation(event.operation),
        action: event.action.clone(),
        subject_person: event.subject.person_id,
        subject_ref: event.subject.crn.clone(),
        recipients: event.recipients.clone(),
        justification: event.justification.clone(),
        outcome: match &event.outcome {
            PolicyOutcome::Allowed => AuditOutcome::Allowed,
            PolicyOutcome::Denied { code } => AuditOutcome::Denied { code: code.clone() },
        },
        details: json!({
            "what": event.what,
            "access_basis": event.access_basis,
            "assessment_id": event.subject.assessment_id,
            "request_id": event.subject.request_id,
            "package_id": event.subject.package_id,
            "decision_id": event.decision_id,
            "content_sha256": event.content_sha256,
        }),
    }
}

/// The security event written when a restricted record is read without a stated reason.
pub(crate) fn justification_missing(
    actor: &Actor,
    action: Action,
    resource: &Resource,
    ctx: &AuditContext,
) -> NewAuditEntry {
    let person = match resource {
        Resource::Case(case) => Some(case.person_id),
        Resource::Organisation => None,
    };
    NewAuditEntry {
        event_id: ctx.event_id,
        occurred_at: ctx.occurred_at,
        actor: actor.id.clone(),
        actor_role: actor.role.code().to_owned(),
        correlation_id: ctx.correlation_id.clone(),
        operation: Operation::Security,
        action: action.code().to_owned(),
        subject_person: person,
        subject_ref: None,
        recipients: Vec::new(),
        justification: None,
        outcome: AuditOutcome::Denied {
            code: "justification_required".to_owned(),
        },
        details: json!({ "what": "restricted record requested without a stated reason" }),
    }
}

/// The security event of a request rejected after the policy allowed it. Only the kind of rejection
/// is kept: a message could quote an answer, and answers are personal data.
pub(crate) fn rejection(
    actor: &Actor,
    code: &str,
    error: &super::AppError,
    event_id: uuid::Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> NewAuditEntry {
    NewAuditEntry {
        event_id,
        occurred_at: at,
        actor: actor.id.clone(),
        actor_role: actor.role.code().to_owned(),
        correlation_id: None,
        operation: Operation::Security,
        action: "request_rejected".to_owned(),
        subject_person: None,
        subject_ref: None,
        recipients: Vec::new(),
        justification: None,
        outcome: AuditOutcome::Denied {
            code: code.to_owned(),
        },
        details: json!({
            "problems": match error {
                super::AppError::Invalid(problems) => problems.len(),
                _ => 1,
            }
        }),
    }
}

/// A sign-in or sign-out, for the security log (spec §4.1: login success and failure, logout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignIn {
    /// The password was right: a session began.
    Succeeded,
    /// A wrong username or password, or a disabled account.
    Failed,
    /// Refused unchecked: too many recent failures for the username.
    Throttled,
    /// The user ended their session.
    SignedOut,
}

impl<S: Storage, C: Clock, I: IdGenerator> App<S, C, I> {
    /// Writes a sign-in or sign-out to the audit log. The actor is the username only when an
    /// account of that name exists (`(no such account)` otherwise: what was typed could be a
    /// password in the wrong box); no password or session secret is ever written.
    pub fn record_sign_in(
        &self,
        username: &str,
        event: SignIn,
        ctx: &RequestContext,
    ) -> Result<(), AppError> {
        let (action, outcome) = match event {
            SignIn::Succeeded => ("login", AuditOutcome::Allowed),
            SignIn::SignedOut => ("logout", AuditOutcome::Allowed),
            SignIn::Failed => ("login", denied("wrong_credentials")),
            SignIn::Throttled => ("login", denied("too_many_attempts")),
        };
        let (event_id, occurred_at) = (self.ids.new_id(), self.clock.now());
        self.store.in_transaction(|repos| {
            let account = repos.user(username)?;
            let entry = NewAuditEntry {
                event_id,
                occurred_at,
                actor: account
                    .as_ref()
                    .map_or_else(|| "(no such account)".to_owned(), |a| a.username.clone()),
                actor_role: account
                    .as_ref()
                    .map_or("unknown", |a| a.profile.role.code())
                    .to_owned(),
                correlation_id: ctx.correlation_id.clone(),
                operation: Operation::Security,
                action: action.to_owned(),
                subject_person: None,
                subject_ref: None,
                recipients: Vec::new(),
                justification: None,
                outcome: outcome.clone(),
                details: json!({}),
            };
            repos.append(&entry).map_err(AppError::from)
        })
    }

    /// Audit entries (auditors only, as the policy's matrix says); the query itself is audited.
    pub fn audit_entries(
        &self,
        actor: &Actor,
        query: &AuditQuery,
        ctx: &RequestContext,
    ) -> Result<Vec<AuditEntry>, AppError> {
        // Reading the audit log states its purpose (DPA 2018 s.62(4)).
        if ctx
            .justification
            .as_deref()
            .is_none_or(|j| j.trim().is_empty())
        {
            return Err(AppError::JustificationRequired);
        }
        self.read_unit(actor, |repos| {
            allow!(self.guard(
                repos,
                actor,
                Action::ReadAudit,
                &Resource::Organisation,
                ctx
            ));
            Ok(Ok(repos.query(query)?))
        })
    }

    /// Verifies the audit chain (auditors only, as the policy's matrix says).
    pub fn verify_audit(
        &self,
        actor: &Actor,
        ctx: &RequestContext,
    ) -> Result<ChainReport, AppError> {
        self.read_unit(actor, |repos| {
            allow!(self.guard(
                repos,
                actor,
                Action::ReadAudit,
                &Resource::Organisation,
                ctx
            ));
            Ok(Ok(repos.verify()?))
        })
    }
}

fn denied(code: &str) -> AuditOutcome {
    AuditOutcome::Denied {
        code: code.to_owned(),
    }
}
