//! Information sharing: record a partner agency's request, decide it (with the mandatory
//! necessary-and-proportionate justification), and build the disclosure package from the decision.

use chrono::{DateTime, Utc};
use oasys_assessment_model::State;
use oasys_sharing_policy::{
    Action, Actor, AuditContext, Channel, DecisionDraft, DecisionError, DisclosurePackage,
    PackageStatus, RequestDraft, RequestState, RequestStep, SharingDecision, SharingFacts,
    SharingRequest, Urgency, build_package, cell, decide, decide_request, decision_event,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::ports::{Clock, DocumentKind, IdGenerator, Repositories, Storage};

use super::{App, AppError, Guarded, RequestContext, audit};

pub(super) fn decode<T: DeserializeOwned>(
    body: serde_json::Value,
    what: &str,
) -> Result<T, AppError> {
    serde_json::from_value(body)
        .map_err(|e| AppError::Unavailable(format!("stored {what} does not decode: {e}")))
}

pub(super) fn encode<T: Serialize>(value: &T) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value)
        .map_err(|e| AppError::Unavailable(format!("document does not encode: {e}")))
}

/// A stored request with the person it is about and its storage revision.
pub(super) struct Loaded {
    pub(super) request: SharingRequest,
    pub(super) person_id: Uuid,
    pub(super) revision: u64,
}

/// What the policy needs to know about a request: its state, its urgency and who decided it
/// (so that approval can be refused to the decider).
pub(super) fn facts(request: &SharingRequest, decision: Option<&SharingDecision>) -> SharingFacts {
    SharingFacts {
        request_id: request.record.id,
        state: request.state,
        urgency: request.record.urgency,
        decided_by: decision.map(|d| d.decided_by.clone()),
    }
}

impl<S: Storage, C: Clock, I: IdGenerator> App<S, C, I> {
    pub(super) fn load_request(
        &self,
        repos: &dyn Repositories,
        request_id: Uuid,
    ) -> Result<Loaded, AppError> {
        let document = repos
            .get_document(DocumentKind::SharingRequest, request_id)?
            .ok_or_else(|| AppError::NotFound {
                what: "sharing request",
                id: request_id.to_string(),
            })?;
        Ok(Loaded {
            person_id: document.person_id,
            revision: document.revision,
            request: decode(document.body, "sharing request")?,
        })
    }

    pub(super) fn decision_of(
        &self,
        repos: &dyn Repositories,
        person_id: Uuid,
        request_id: Uuid,
    ) -> Result<Option<SharingDecision>, AppError> {
        repos
            .documents(DocumentKind::SharingDecision, Some(person_id), usize::MAX)?
            .into_iter()
            .find(|d| d.parent_id == Some(request_id))
            .map(|d| decode(d.body, "sharing decision"))
            .transpose()
    }

    /// Records a request from a partner agency about a person.
    pub fn record_sharing_request(
        &self,
        actor: &Actor,
        person_id: Uuid,
        mut draft: RequestDraft,
        ctx: &RequestContext,
    ) -> Result<SharingRequest, AppError> {
        self.unit(actor, |repos| {
            let resource = self.case(repos, person_id, None, None)?;
            allow!(self.guard(repos, actor, Action::RecordSharingRequest, &resource, ctx));
            let person = repos
                .get_person(person_id)?
                .ok_or_else(|| AppError::NotFound {
                    what: "person",
                    id: person_id.to_string(),
                })?;
            if person.ids.crn().map(|c| c.as_str()) != Some(draft.subject_crn.trim()) {
                return Err(AppError::Invalid(vec![
                    "the request's subject CRN is not this person's CRN".to_owned(),
                ]));
            }
            // Ids are made here, never taken from the request body.
            draft.id = self.ids.new_id();
            let request = SharingRequest::record(draft).map_err(|e| {
                AppError::Invalid(e.problems.iter().map(ToString::to_string).collect())
            })?;
            repos.insert_document(
                DocumentKind::SharingRequest,
                request.record.id,
                person_id,
                None,
                &encode(&request)?,
                self.clock.now(),
            )?;
            Ok(Ok(request))
        })
    }

    /// Decides a request: share in full, in part, or decline, always with a justification.
    pub fn decide_sharing_request(
        &self,
        actor: &Actor,
        request_id: Uuid,
        mut draft: DecisionDraft,
        ctx: &RequestContext,
    ) -> Result<SharingDecision, AppError> {
        self.unit(actor, |repos| {
            let Loaded {
                mut request,
                person_id,
                revision,
            } = self.load_request(repos, request_id)?;
            let resource = self.case(repos, person_id, None, Some(facts(&request, None)))?;
            allow!(self.guard(repos, actor, Action::DecideSharingRequest, &resource, ctx));
            // Ids and the decision time are made here, never taken from the request body.
            draft.id = self.ids.new_id();
            draft.request_id = request_id;
            draft.decided_at = self.clock.now();
            if self.decision_of(repos, person_id, request_id)?.is_some() {
                return Err(AppError::Invalid(vec![
                    "this request has already been decided".to_owned(),
                ]));
            }
            let decision =
                decide_request(draft, &request, actor, &resource).map_err(|e| match e {
                    DecisionError::NotAuthorised(denial) => AppError::Denied(denial),
                    other => AppError::Invalid(vec![other.to_string()]),
                })?;
            let now = self.clock.now();
            request
                .advance(
                    &RequestStep::Decide {
                        outcome: decision.outcome(),
                    },
                    &actor.id,
                    now,
                )
                .map_err(|e| AppError::Invalid(vec![e.to_string()]))?;
            repos.update_document(
                DocumentKind::SharingRequest,
                request_id,
                revision,
                &encode(&request)?,
                now,
            )?;
            repos.insert_document(
                DocumentKind::SharingDecision,
                decision.record.id,
                person_id,
                Some(request_id),
                &encode(&decision)?,
                now,
            )?;
            let event_ctx = AuditContext {
                event_id: self.ids.new_id(),
                occurred_at: now,
                correlation_id: ctx.correlation_id.clone(),
                justification: ctx.justification.clone(),
            };
            repos.append(&audit::entry(&decision_event(
                &decision, &request, person_id, &event_ctx,
            )))?;
            Ok(Ok(decision))
        })
    }

    /// Builds the disclosure package of a decided request from the person's latest locked
    /// assessment: the practitioner's analysis, with raw answers and third parties redacted unless
    /// the decision justified them. A declined request never yields a package.
    pub fn build_disclosure(
        &self,
        actor: &Actor,
        request_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<DisclosurePackage, AppError> {
        self.unit(actor, |repos| {
            let Loaded {
                mut request,
                person_id,
                revision,
            } = self.load_request(repos, request_id)?;
            let decision = self.decision_of(repos, person_id, request_id)?;
            // The policy sees the request's state: only a decision to share allows a draft package.
            let resource = self.case(
                repos,
                person_id,
                None,
                Some(facts(&request, decision.as_ref())),
            )?;
            allow!(self.guard(repos, actor, Action::DraftDisclosure, &resource, ctx));
            let decision = decision.ok_or_else(|| {
                AppError::Invalid(vec![
                    "decide the request before building a package".to_owned(),
                ])
            })?;
            if request.state == RequestState::PackageDrafted {
                return Err(AppError::Invalid(vec![
                    "a package has already been built for this request".to_owned(),
                ]));
            }
            let latest = repos
                .assessments_for_person(person_id)?
                .into_iter()
                .filter(|s| {
                    !s.status.deleted
                        && matches!(
                            s.status.state,
                            State::Complete { .. } | State::LockedIncomplete
                        )
                })
                .max_by_key(|s| s.created_at)
                .ok_or_else(|| {
                    AppError::Invalid(vec![
                        "the person has no locked assessment to share from".to_owned(),
                    ])
                })?;
            let assessment =
                repos
                    .assessment_state(latest.id)?
                    .ok_or_else(|| AppError::NotFound {
                        what: "assessment",
                        id: latest.id.to_string(),
                    })?;
            let now = self.clock.now();
            let package = build_package(
                self.ids.new_id(),
                &request,
                &decision,
                &assessment,
                None,
                now,
            )
            .map_err(|e| AppError::Invalid(vec![e.to_string()]))?;
            request
                .advance(&RequestStep::DraftPackage, &actor.id, now)
                .map_err(|e| AppError::Invalid(vec![e.to_string()]))?;
            // A package without free text has nothing to review.
            if package.status == PackageStatus::RedactionReviewed {
                request
                    .advance(&RequestStep::CompleteRedactionReview, &actor.id, now)
                    .map_err(|e| AppError::Invalid(vec![e.to_string()]))?;
            }
            repos.update_document(
                DocumentKind::SharingRequest,
                request_id,
                revision,
                &encode(&request)?,
                now,
            )?;
            repos.insert_document(
                DocumentKind::DisclosurePackage,
                package.id,
                person_id,
                Some(request_id),
                &encode(&package)?,
                now,
            )?;
            Ok(Ok(package))
        })
    }
}

/// A sharing request with the person it is about, its decision and its latest package.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharingCase {
    /// The request.
    pub request: SharingRequest,
    /// The person it is about.
    pub person: oasys_assessment_model::Person,
    /// The decision, once made.
    pub decision: Option<SharingDecision>,
    /// The latest disclosure package built from the decision, if any (a released package past its
    /// expiry is shown expired, its content gone).
    pub package: Option<DisclosurePackage>,
}

/// A sharing request's metadata: what a case administrator, who records requests but sees only
/// identifiers (sharing spec §2.5), may read. No purpose, children, requester contact, decision
/// or package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharingRequestSummary {
    /// The request's id.
    pub id: Uuid,
    /// The person it is about.
    pub person_id: Uuid,
    /// The person's CRN.
    pub crn: String,
    /// Where the request is in its workflow.
    pub state: RequestState,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// How it was received.
    pub channel: Channel,
    /// When a response is due.
    pub due_at: DateTime<Utc>,
    /// How urgent it is.
    pub urgency: Urgency,
    /// The requesting agency's name.
    pub agency: String,
    /// Who it is assigned to.
    pub assignee: Option<String>,
}

impl SharingRequestSummary {
    fn of(request: &SharingRequest, person_id: Uuid) -> Self {
        Self {
            id: request.record.id,
            person_id,
            crn: request.subject.to_string(),
            state: request.state,
            received_at: request.record.received_at,
            channel: request.record.channel,
            due_at: request.due_at,
            urgency: request.record.urgency,
            agency: request.record.agency.name.clone(),
            assignee: request.assignee.clone(),
        }
    }
}

/// A sharing request as the reader may see it: in full (who may view the person), or its
/// metadata only (a case administrator). Serialised with `"view": "full"` or `"metadata"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum SharingView {
    /// The request, the person, the decision and the package.
    Full(Box<SharingCase>),
    /// The request's metadata.
    Metadata(SharingRequestSummary),
}

impl SharingView {
    /// The request's id.
    #[must_use]
    pub fn id(&self) -> Uuid {
        match self {
            Self::Full(case) => case.request.record.id,
            Self::Metadata(summary) => summary.id,
        }
    }
}

impl<S: Storage, C: Clock, I: IdGenerator> App<S, C, I> {
    fn sharing_case(
        &self,
        repos: &dyn Repositories,
        loaded: Loaded,
        request_id: Uuid,
    ) -> Result<SharingCase, AppError> {
        let person = repos
            .get_person(loaded.person_id)?
            .ok_or_else(|| AppError::NotFound {
                what: "person",
                id: loaded.person_id.to_string(),
            })?;
        let mut package: Option<DisclosurePackage> = repos
            .documents(
                DocumentKind::DisclosurePackage,
                Some(loaded.person_id),
                usize::MAX,
            )?
            .into_iter()
            .find(|d| d.parent_id == Some(request_id))
            .map(|d| decode(d.body, "disclosure package"))
            .transpose()?;
        // A lapsed release is never shown, even before the read that purges it.
        if let Some(p) = package.as_mut() {
            let now = self.clock.now();
            if p.release_lapsed(now) {
                p.expire(now);
            }
        }
        Ok(SharingCase {
            decision: self.decision_of(repos, loaded.person_id, request_id)?,
            request: loaded.request,
            person,
            package,
        })
    }

    /// What the actor may see of one request, audited as a consultation: in full when they may
    /// read the request (`ViewSharingRequest`), its metadata when their role sees only identifiers
    /// (a case administrator, on `ViewIdentifiers`). With `deny` a refusal is audited and
    /// returned; without, a request the actor may not see is skipped (`None`).
    fn sharing_view(
        &self,
        repos: &dyn Repositories,
        actor: &Actor,
        loaded: Loaded,
        request_id: Uuid,
        ctx: &RequestContext,
        deny: bool,
    ) -> Result<Guarded<Option<SharingView>>, AppError> {
        let decision = self.decision_of(repos, loaded.person_id, request_id)?;
        let resource = self.case(
            repos,
            loaded.person_id,
            None,
            Some(facts(&loaded.request, decision.as_ref())),
        )?;
        // A role that may see a person's identifiers but never read a request in full (a case
        // administrator) reads requests as metadata, on its identifiers rule: so it is allowed
        // only for its team's cases, and its refusal carries the case's own reason.
        let metadata_role = cell(actor.role, Action::ViewSharingRequest).is_never()
            && !cell(actor.role, Action::ViewIdentifiers).is_never();
        let action = if metadata_role {
            Action::ViewIdentifiers
        } else {
            Action::ViewSharingRequest
        };
        if !deny && !decide(actor, action, &resource).is_allowed() {
            return Ok(Ok(None));
        }
        let metadata = metadata_role;
        match self.guard(repos, actor, action, &resource, ctx)? {
            Ok(()) if metadata => Ok(Ok(Some(SharingView::Metadata(SharingRequestSummary::of(
                &loaded.request,
                loaded.person_id,
            ))))),
            Ok(()) => Ok(Ok(Some(SharingView::Full(Box::new(
                self.sharing_case(repos, loaded, request_id)?,
            ))))),
            Err(refusal) if deny => Ok(Err(refusal)),
            Err(_) => Ok(Ok(None)),
        }
    }

    /// The sharing requests about cases the actor works on, newest first, at most `limit`: in
    /// full for whoever may read them, as metadata for a case administrator (see
    /// [`SharingView`]); each row shown is audited as a consultation of the case. Deciding is
    /// checked when a decision is made.
    pub fn sharing_inbox(
        &self,
        actor: &Actor,
        limit: usize,
        ctx: &RequestContext,
    ) -> Result<Vec<SharingView>, AppError> {
        self.read_unit(actor, |repos| {
            let mut visible = Vec::new();
            for document in repos.documents(DocumentKind::SharingRequest, None, usize::MAX)? {
                if visible.len() == limit {
                    break;
                }
                let loaded = Loaded {
                    request: decode(document.body, "sharing request")?,
                    person_id: document.person_id,
                    revision: document.revision,
                };
                if let Ok(Some(view)) =
                    self.sharing_view(repos, actor, loaded, document.id, ctx, false)?
                {
                    visible.push(view);
                }
            }
            Ok(Ok(visible))
        })
    }

    /// One sharing request as the actor may see it (as for `sharing_inbox`); a reader who may
    /// see neither gets the policy's refusal, audited.
    pub fn sharing_request(
        &self,
        actor: &Actor,
        request_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<SharingView, AppError> {
        self.read_unit(actor, |repos| {
            let loaded = self.load_request(repos, request_id)?;
            match self.sharing_view(repos, actor, loaded, request_id, ctx, true)? {
                Ok(Some(view)) => Ok(Ok(view)),
                Ok(None) => Err(AppError::NotFound {
                    what: "sharing request",
                    id: request_id.to_string(),
                }),
                Err(refusal) => Ok(Err(refusal)),
            }
        })
    }
}
