//! The use cases web and CLI share. Each one builds the case resource, asks `sharing-policy`
//! whether the actor may act, writes the audit event, and only then reads or changes data.

/// The audit code of a rejection worth logging (not a denial or an outage, which are logged or
/// reported elsewhere).
fn rejection_code(error: &AppError) -> Option<&'static str> {
    match error {
        AppError::Invalid(_) => Some("invalid"),
        AppError::Conflict { .. } => Some("conflict"),
        AppError::NotFound { .. } => Some("not_found"),
        AppError::Denied(_)
        | AppError::JustificationRequired
        | AppError::Gone(_)
        | AppError::Unavailable(_) => None,
    }
}

/// The team (community) or establishment (custody) a person's location names.
fn location_team(location: &oasys_assessment_model::Location) -> String {
    match location {
        oasys_assessment_model::Location::Community { team, .. } => team.as_str().to_owned(),
        oasys_assessment_model::Location::Custody { establishment } => {
            establishment.as_str().to_owned()
        }
    }
}

/// Returns early from a unit of work with an audited denial.
macro_rules! allow {
    ($guard:expr) => {
        if let Err(refusal) = $guard? {
            return Ok(Err(refusal));
        }
    };
}

mod accounts;
mod assessments;
mod audit;
mod disclosure;
mod listing;
mod people;
mod plans;
mod sharing;
mod what_works;

use oasys_assessment_model::Assessment;
use oasys_sharing_policy::{
    Action, Actor, AssessmentFacts, AuditContext, CaseResource, Decision, Denial, Resource,
    SharingFacts, access_event, decide,
};
use thiserror::Error;
use uuid::Uuid;

use crate::ports::{AuditError, Clock, IdGenerator, Repositories, Storage, StoreError};

pub use accounts::AccountChange;
pub use assessments::{
    ApplyOptions, CountersignTask, NewAssessmentRequest, PAGE_MAX, Planned, ScoredAssessment,
};
pub use audit::SignIn;
pub use disclosure::DisclosureRelease;
pub use listing::{Listed, REASON_NEEDED_MESSAGE, RestrictedRow, RestrictionReason, StatedReasons};
pub use plans::{AgreementResponse, PLAN_LOCKED_MESSAGE, StoredPlan};
pub use sharing::{SharingCase, SharingRequestSummary, SharingView};
pub use what_works::{
    AnalysisRecord, CoarseOutcome, DIMENSIONS, InterventionExposure, OutcomeImport, OutcomeRecord,
    PredictorScore, RejectedOutcome, ResearchRecord, WhatWorksReport, exposure_of,
};

/// The application: the storage, clock and id ports, wired once by the composition root.
#[derive(Debug)]
pub struct App<S, C, I> {
    store: S,
    clock: C,
    ids: I,
}

/// Per-request context: the correlation id of the request and the user's stated reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// Session or request id, copied into audit events.
    pub correlation_id: Option<String>,
    /// Why the user needs this (required to read a restricted record).
    pub justification: Option<String>,
}

/// Why a use case did not do what was asked.
#[derive(Debug, Error)]
pub enum AppError {
    /// The policy refused; the denial says whether the user may learn the record exists.
    #[error("{}", .0.user_message)]
    Denied(Denial),
    /// No such record (or one the user may not learn exists).
    #[error("{what} {id} not found")]
    NotFound {
        /// What was looked for.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// Someone else changed the record first; reload and try again.
    #[error("{reason}")]
    Conflict {
        /// What collided.
        reason: String,
        /// The version now stored.
        current_version: Option<u64>,
    },
    /// The request breaks a rule of the domain (every problem, in words).
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
    /// Reading a restricted record needs a stated reason.
    #[error("say why you need to see this restricted record")]
    JustificationRequired,
    /// The record existed but is no longer served (an expired or withdrawn disclosure package).
    #[error("{0}")]
    Gone(String),
    /// The store or the audit log failed; nothing was changed.
    #[error("the service is unavailable: {0}")]
    Unavailable(String),
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { entity, id } => AppError::NotFound { what: entity, id },
            StoreError::Conflict {
                reason,
                current_version,
                ..
            } => AppError::Conflict {
                reason,
                current_version,
            },
            StoreError::Immutable { reason, .. } => AppError::Conflict {
                reason,
                current_version: None,
            },
            StoreError::Invalid { reason } => AppError::Invalid(vec![reason]),
            StoreError::Backend(message) => AppError::Unavailable(message),
        }
    }
}

impl From<AuditError> for AppError {
    fn from(error: AuditError) -> Self {
        match error {
            AuditError::Invalid { reason } => AppError::Invalid(vec![reason]),
            AuditError::Backend(message) => AppError::Unavailable(message),
        }
    }
}

/// A refusal that was audited inside the unit of work and is reported once it has committed.
#[derive(Debug)]
enum Refusal {
    Denied(Denial),
    JustificationRequired,
}

/// What a unit of work produced: a value, or an audited refusal.
type Guarded<T> = Result<T, Refusal>;

impl<S: Storage, C: Clock, I: IdGenerator> App<S, C, I> {
    /// Wires the application.
    pub fn new(store: S, clock: C, ids: I) -> Self {
        Self { store, clock, ids }
    }

    /// The storage (for adapters that need maintenance calls such as backup).
    pub fn store(&self) -> &S {
        &self.store
    }

    /// A new id from the application's generator, for a part an adapter builds before saving it
    /// (an objective added to a plan); ids of records the use cases create are made inside them.
    pub fn new_id(&self) -> Uuid {
        self.ids.new_id()
    }

    /// Runs `work` in one transaction and turns an audited denial into `AppError::Denied` after
    /// the transaction (and so the denial's audit event) has committed.
    ///
    /// A request the store or the domain rejects after the policy allowed it (a stale version, a
    /// broken rule, a missing record) rolls back with everything else, so the rejection is then
    /// audited on its own (spec §4.1: validation rejections on authenticated routes are logged).
    fn unit<T>(
        &self,
        actor: &Actor,
        work: impl FnOnce(&dyn Repositories) -> Result<Guarded<T>, AppError>,
    ) -> Result<T, AppError> {
        self.settle(actor, self.store.in_transaction(work))
    }

    /// `unit` for a use case that only reads: `work` reads one snapshot without waiting for
    /// writers, and its audit events are written once it has finished (`Storage::audited_read`),
    /// before anything is returned.
    fn read_unit<T>(
        &self,
        actor: &Actor,
        work: impl FnOnce(&dyn Repositories) -> Result<Guarded<T>, AppError>,
    ) -> Result<T, AppError> {
        self.settle(actor, self.store.audited_read(work))
    }

    /// What the caller of a unit of work gets: its value, its audited refusal, or its error
    /// (audited as a rejection when it is one).
    fn settle<T>(
        &self,
        actor: &Actor,
        outcome: Result<Guarded<T>, AppError>,
    ) -> Result<T, AppError> {
        match outcome {
            Ok(outcome) => outcome.map_err(|refusal| match refusal {
                Refusal::Denied(denial) => AppError::Denied(denial),
                Refusal::JustificationRequired => AppError::JustificationRequired,
            }),
            Err(error) => {
                if let Some(code) = rejection_code(&error) {
                    let entry =
                        audit::rejection(actor, code, &error, self.ids.new_id(), self.clock.now());
                    // The request has failed either way; a log failure here surfaces on the next write.
                    let _ = self
                        .store
                        .in_transaction(|repos| repos.append(&entry).map_err(AppError::from));
                }
                Err(error)
            }
        }
    }

    /// The case resource of a person, with the assessment or sharing request concerned.
    fn case(
        &self,
        repos: &dyn Repositories,
        person_id: Uuid,
        assessment: Option<&Assessment>,
        sharing: Option<SharingFacts>,
    ) -> Result<Resource, AppError> {
        let access = repos
            .case_access(person_id)?
            .ok_or_else(|| AppError::NotFound {
                what: "person",
                id: person_id.to_string(),
            })?;
        // Before the first allocation the case sits with the team of the person's location.
        let responsible_team = match access.responsible_team {
            Some(team) => team,
            None => repos
                .get_person(person_id)?
                .map(|p| location_team(&p.location))
                .unwrap_or_default(),
        };
        Ok(Resource::Case(Box::new(CaseResource {
            person_id,
            responsible_team,
            area: access.area.unwrap_or_default(),
            relationships: access.relationships,
            lao: access.lao,
            assessment: assessment.map(AssessmentFacts::of),
            sharing,
            as_at: self.clock.now(),
        })))
    }

    /// Asks the policy, writes the audit event (allowed or denied) and reports the decision.
    fn guard(
        &self,
        repos: &dyn Repositories,
        actor: &Actor,
        action: Action,
        resource: &Resource,
        ctx: &RequestContext,
    ) -> Result<Guarded<()>, AppError> {
        let decision = decide(actor, action, resource);
        let audit_ctx = AuditContext {
            event_id: self.ids.new_id(),
            occurred_at: self.clock.now(),
            correlation_id: ctx.correlation_id.clone(),
            justification: ctx.justification.clone(),
        };
        match access_event(actor, action, resource, &decision, &audit_ctx) {
            Ok(event) => {
                repos.append(&audit::entry(&event))?;
            }
            Err(oasys_sharing_policy::AuditError::JustificationRequired) => {
                repos.append(&audit::justification_missing(
                    actor, action, resource, &audit_ctx,
                ))?;
                return Ok(Err(Refusal::JustificationRequired));
            }
            // Only disclosure events need recipients or a released package; access events never do.
            Err(other) => return Err(AppError::Invalid(vec![other.to_string()])),
        }
        Ok(match decision {
            Decision::Allow { .. } => Ok(()),
            Decision::Deny(denial) => Err(Refusal::Denied(denial)),
        })
    }
}
