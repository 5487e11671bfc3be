//! Information sharing: record a partner agency's request, decide it (with the mandatory
//! necessary-and-proportionate justification), and build the disclosure package from the decision.

use oasys_assessment_model::State;
use oasys_sharing_policy::{
    Action, Actor, AuditContext, DecisionDraft, DecisionError, DisclosurePackage, RequestDraft,
    RequestStep, SharingDecision, SharingFacts, SharingRequest, build_package, decide,
    decide_request, decision_event,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::ports::{Clock, DocumentKind, IdGenerator, Repositories, Storage};

use super::{App, AppError, RequestContext, audit};

fn decode<T: DeserializeOwned>(body: serde_json::Value, what: &str) -> Result<T, AppError> {
    serde_json::from_value(body)
        .map_err(|e| AppError::Unavailable(format!("stored {what} does not decode: {e}")))
}

fn encode<T: Serialize>(value: &T) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value)
        .map_err(|e| AppError::Unavailable(format!("document does not encode: {e}")))
}

/// A stored request with the person it is about and its storage revision.
struct Loaded {
    request: SharingRequest,
    person_id: Uuid,
    revision: u64,
}

/// What the policy needs to know about a request (who decided it matters only for approval,
/// which is not one of these use cases).
fn facts(request: &SharingRequest) -> SharingFacts {
    SharingFacts {
        request_id: request.record.id,
        state: request.state,
        urgency: request.record.urgency,
        decided_by: None,
    }
}

impl<S: Storage, C: Clock, I: IdGenerator> App<S, C, I> {
    fn load_request(&self, repos: &dyn Repositories, request_id: Uuid) -> Result<Loaded, AppError> {
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

    fn decision_of(
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
            let resource = self.case(repos, person_id, None, Some(facts(&request)))?;
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
                &decision, &request, &event_ctx,
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
            // The policy sees the request's state: only a decision to share allows a draft package.
            let resource = self.case(repos, person_id, None, Some(facts(&request)))?;
            allow!(self.guard(repos, actor, Action::DraftDisclosure, &resource, ctx));
            let decision = self
                .decision_of(repos, person_id, request_id)?
                .ok_or_else(|| {
                    AppError::Invalid(vec![
                        "decide the request before building a package".to_owned(),
                    ])
                })?;
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
    /// The latest disclosure package built from the decision, if any.
    pub package: Option<DisclosurePackage>,
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
        let package = repos
            .documents(
                DocumentKind::DisclosurePackage,
                Some(loaded.person_id),
                usize::MAX,
            )?
            .into_iter()
            .find(|d| d.parent_id == Some(request_id))
            .map(|d| decode(d.body, "disclosure package"))
            .transpose()?;
        Ok(SharingCase {
            decision: self.decision_of(repos, loaded.person_id, request_id)?,
            request: loaded.request,
            person,
            package,
        })
    }

    /// The sharing requests about cases the actor works on (whoever may record a request about a
    /// case may see its requests, in any state), newest first, at most `limit`; each row shown is
    /// audited as a consultation of the case. Deciding is checked when a decision is made.
    pub fn sharing_inbox(
        &self,
        actor: &Actor,
        limit: usize,
        ctx: &RequestContext,
    ) -> Result<Vec<SharingCase>, AppError> {
        self.read_unit(actor, |repos| {
            let mut visible = Vec::new();
            for document in repos.documents(DocumentKind::SharingRequest, None, usize::MAX)? {
                if visible.len() == limit {
                    break;
                }
                let request: SharingRequest = decode(document.body, "sharing request")?;
                let resource = self.case(repos, document.person_id, None, None)?;
                if !decide(actor, Action::RecordSharingRequest, &resource).is_allowed() {
                    continue;
                }
                if self
                    .guard(repos, actor, Action::RecordSharingRequest, &resource, ctx)?
                    .is_err()
                {
                    continue;
                }
                let loaded = Loaded {
                    request,
                    person_id: document.person_id,
                    revision: document.revision,
                };
                visible.push(self.sharing_case(repos, loaded, document.id)?);
            }
            Ok(Ok(visible))
        })
    }

    /// One sharing request with its decision and package, for someone who works on the case
    /// (as for `sharing_inbox`).
    pub fn sharing_request(
        &self,
        actor: &Actor,
        request_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<SharingCase, AppError> {
        self.read_unit(actor, |repos| {
            let loaded = self.load_request(repos, request_id)?;
            let resource = self.case(repos, loaded.person_id, None, None)?;
            allow!(self.guard(repos, actor, Action::RecordSharingRequest, &resource, ctx));
            Ok(Ok(self.sharing_case(repos, loaded, request_id)?))
        })
    }
}
