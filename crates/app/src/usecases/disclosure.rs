//! A disclosure package after it is built (sharing spec §3.3, §3.5): the decider reviews every
//! free-text block, a second person approves, the practitioner releases it (the disclosure is
//! logged in the same transaction), the requester may withdraw before release, and a released
//! package past its expiry is purged and no longer served.

use oasys_sharing_policy::{
    Action, Actor, AuditContext, DisclosurePackage, PackageStatus, ReleaseChannel, RequestState,
    RequestStep, SharingDecision, SharingRequest, SpanRedaction, disclosure_event, expiry_event,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::ports::{Clock, DocumentKind, IdGenerator, Repositories, Storage};

use super::sharing::{Loaded, decode, encode, facts};
use super::{App, AppError, Guarded, RequestContext, audit};

/// How a package was released and to whom (the disclosure log's channel and recipients).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureRelease {
    /// How it reaches the recipients.
    pub channel: ReleaseChannel,
    /// Who it is given to: named people and their agencies (at least one).
    pub recipients: Vec<String>,
}

/// A request with its decision and its package, loaded for a step on the package.
struct Working {
    loaded: Loaded,
    decision: Option<SharingDecision>,
    package: Option<(DisclosurePackage, u64)>,
}

/// What reading a package found.
enum Served {
    Package(Box<DisclosurePackage>),
    Gone(String),
}

/// The value of a guarded step, or its refusal returned from the enclosing unit of work.
macro_rules! refused_or {
    ($step:expr) => {
        match $step? {
            Ok(value) => value,
            Err(refusal) => return Ok(Err(refusal)),
        }
    };
}

fn invalid(error: impl ToString) -> AppError {
    AppError::Invalid(vec![error.to_string()])
}

fn no_package(request_id: Uuid) -> AppError {
    AppError::NotFound {
        what: "disclosure package",
        id: request_id.to_string(),
    }
}

impl<S: Storage, C: Clock, I: IdGenerator> App<S, C, I> {
    fn working(&self, repos: &dyn Repositories, request_id: Uuid) -> Result<Working, AppError> {
        let loaded = self.load_request(repos, request_id)?;
        let decision = self.decision_of(repos, loaded.person_id, request_id)?;
        let package = repos
            .documents(
                DocumentKind::DisclosurePackage,
                Some(loaded.person_id),
                usize::MAX,
            )?
            .into_iter()
            .find(|d| d.parent_id == Some(request_id))
            .map(|d| Ok::<_, AppError>((decode(d.body, "disclosure package")?, d.revision)))
            .transpose()?;
        Ok(Working {
            loaded,
            decision,
            package,
        })
    }

    /// Loads a request with its decision and package and asks the policy for `action` on the
    /// case: the working set, or the (audited) refusal.
    fn allowed(
        &self,
        repos: &dyn Repositories,
        actor: &Actor,
        request_id: Uuid,
        action: Action,
        ctx: &RequestContext,
    ) -> Result<Guarded<Working>, AppError> {
        let working = self.working(repos, request_id)?;
        let resource = self.case(
            repos,
            working.loaded.person_id,
            None,
            Some(facts(&working.loaded.request, working.decision.as_ref())),
        )?;
        allow!(self.guard(repos, actor, action, &resource, ctx));
        Ok(Ok(working))
    }

    /// Stores the request and its package after a step.
    fn save_step(
        &self,
        repos: &dyn Repositories,
        request: &SharingRequest,
        request_revision: u64,
        package: &DisclosurePackage,
        package_revision: u64,
    ) -> Result<(), AppError> {
        let now = self.clock.now();
        repos.update_document(
            DocumentKind::SharingRequest,
            request.record.id,
            request_revision,
            &encode(request)?,
            now,
        )?;
        repos.update_document(
            DocumentKind::DisclosurePackage,
            package.id,
            package_revision,
            &encode(package)?,
            now,
        )?;
        Ok(())
    }

    /// Purges a lapsed package (once): the content leaves the package and its earlier revisions,
    /// the request moves to `Expired`, and the erasure is logged. Returns whether it purged.
    #[allow(clippy::too_many_arguments)]
    fn purge(
        &self,
        repos: &dyn Repositories,
        actor: &Actor,
        request: &mut SharingRequest,
        request_revision: u64,
        person_id: Uuid,
        package: &mut DisclosurePackage,
        package_revision: u64,
        ctx: &RequestContext,
    ) -> Result<bool, AppError> {
        let now = self.clock.now();
        if !package.release_lapsed(now) || !package.expire(now) {
            return Ok(false);
        }
        if request.state == RequestState::Released {
            request
                .advance(&RequestStep::Expire, &actor.id, now)
                .map_err(invalid)?;
        }
        self.save_step(repos, request, request_revision, package, package_revision)?;
        // The content also leaves the package's earlier revisions.
        repos.purge_document_history(DocumentKind::DisclosurePackage, package.id)?;
        repos.append(&audit::entry(&expiry_event(
            package,
            request,
            person_id,
            actor,
            &self.audit_context(ctx),
        )))?;
        Ok(true)
    }

    /// The operator's sweep (`oasys sharing purge-expired`, run daily): purges every released
    /// package past its expiry that no read has purged yet, each in its own transaction with its
    /// erasure event naming `operator`. Returns how many it purged. No content is read out.
    pub fn purge_expired_disclosures(
        &self,
        operator: &Actor,
        ctx: &RequestContext,
    ) -> Result<usize, AppError> {
        let now = self.clock.now();
        let lapsed = self
            .store
            .in_transaction(|repos| -> Result<Vec<Uuid>, AppError> {
                let mut lapsed = Vec::new();
                for document in
                    repos.documents(DocumentKind::DisclosurePackage, None, usize::MAX)?
                {
                    let package: DisclosurePackage = decode(document.body, "disclosure package")?;
                    if package.status == PackageStatus::Released && package.release_lapsed(now) {
                        lapsed.extend(document.parent_id);
                    }
                }
                Ok(lapsed)
            })?;
        let mut purged = 0;
        for request_id in lapsed {
            let done = self.unit(operator, |repos| {
                let Working {
                    loaded, package, ..
                } = self.working(repos, request_id)?;
                let Loaded {
                    mut request,
                    person_id,
                    revision,
                } = loaded;
                let Some((mut package, package_revision)) = package else {
                    return Ok(Ok(false));
                };
                Ok(Ok(self.purge(
                    repos,
                    operator,
                    &mut request,
                    revision,
                    person_id,
                    &mut package,
                    package_revision,
                    ctx,
                )?))
            })?;
            purged += usize::from(done);
        }
        Ok(purged)
    }

    fn audit_context(&self, ctx: &RequestContext) -> AuditContext {
        AuditContext {
            event_id: self.ids.new_id(),
            occurred_at: self.clock.now(),
            correlation_id: ctx.correlation_id.clone(),
            justification: ctx.justification.clone(),
        }
    }

    /// Records the review of one free-text block of the draft package: the spans to redact
    /// (each replaced by `[redacted: reason]`), or none. Once every block is reviewed the request
    /// moves to `RedactionReviewed` and the package can be approved.
    pub fn review_disclosure_text(
        &self,
        actor: &Actor,
        request_id: Uuid,
        element: &str,
        spans: &[SpanRedaction],
        ctx: &RequestContext,
    ) -> Result<DisclosurePackage, AppError> {
        self.unit(actor, |repos| {
            let Working {
                loaded, package, ..
            } = refused_or!(self.allowed(repos, actor, request_id, Action::DraftDisclosure, ctx));
            let Loaded {
                mut request,
                revision,
                ..
            } = loaded;
            let (mut package, package_revision) = package.ok_or_else(|| no_package(request_id))?;
            package.review_text(element, spans).map_err(invalid)?;
            if package.status == PackageStatus::RedactionReviewed {
                request
                    .advance(
                        &RequestStep::CompleteRedactionReview,
                        &actor.id,
                        self.clock.now(),
                    )
                    .map_err(invalid)?;
            }
            self.save_step(repos, &request, revision, &package, package_revision)?;
            Ok(Ok(package))
        })
    }

    /// Approves the reviewed package. The approver is a manager with oversight of the case and
    /// not the person who made the decision, except on an Immediate request, where one manager may
    /// decide, approve and release alone and the package is flagged for retrospective review.
    pub fn approve_disclosure(
        &self,
        actor: &Actor,
        request_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<DisclosurePackage, AppError> {
        self.unit(actor, |repos| {
            let Working {
                loaded,
                decision,
                package,
            } = refused_or!(self.allowed(repos, actor, request_id, Action::ApproveDisclosure, ctx));
            let Loaded {
                mut request,
                revision,
                ..
            } = loaded;
            let decision = decision.ok_or_else(|| invalid("the request has not been decided"))?;
            let (mut package, package_revision) = package.ok_or_else(|| no_package(request_id))?;
            let now = self.clock.now();
            package
                .approve(&actor.id, &decision, request.record.urgency, now)
                .map_err(invalid)?;
            request
                .advance(&RequestStep::Approve, &actor.id, now)
                .map_err(invalid)?;
            self.save_step(repos, &request, revision, &package, package_revision)?;
            Ok(Ok(package))
        })
    }

    /// Releases the approved package by the channel given to the named recipients. The
    /// disclosure event (who, when, to whom, which elements, the content hash, the legal basis,
    /// the decision) is written in the same transaction as the release, so there is no release
    /// without its log row and no log row without the release.
    pub fn release_disclosure(
        &self,
        actor: &Actor,
        request_id: Uuid,
        release: &DisclosureRelease,
        ctx: &RequestContext,
    ) -> Result<DisclosurePackage, AppError> {
        self.unit(actor, |repos| {
            let Working {
                loaded,
                decision,
                package,
            } = refused_or!(self.allowed(repos, actor, request_id, Action::ReleaseDisclosure, ctx));
            let Loaded {
                mut request,
                person_id,
                revision,
            } = loaded;
            let decision = decision.ok_or_else(|| invalid("the request has not been decided"))?;
            let (mut package, package_revision) = package.ok_or_else(|| no_package(request_id))?;
            let now = self.clock.now();
            package
                .release(&actor.id, release.channel.code(), &release.recipients, now)
                .map_err(invalid)?;
            request
                .advance(&RequestStep::Release, &actor.id, now)
                .map_err(invalid)?;
            self.save_step(repos, &request, revision, &package, package_revision)?;
            let event = disclosure_event(
                &package,
                &decision,
                &request,
                person_id,
                actor,
                &self.audit_context(ctx),
            )
            .map_err(invalid)?;
            repos.append(&audit::entry(&event))?;
            Ok(Ok(package))
        })
    }

    /// Records the review after the fact of a package one manager decided, approved and
    /// released alone on an Immediate request: by another manager with oversight of the case,
    /// once (sharing spec §3.3).
    pub fn review_disclosure_retrospectively(
        &self,
        actor: &Actor,
        request_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<DisclosurePackage, AppError> {
        self.unit(actor, |repos| {
            let Working { package, .. } = refused_or!(self.allowed(
                repos,
                actor,
                request_id,
                Action::RetrospectiveReview,
                ctx
            ));
            let (mut package, package_revision) = package.ok_or_else(|| no_package(request_id))?;
            let now = self.clock.now();
            package
                .review_retrospectively(&actor.id, now)
                .map_err(invalid)?;
            repos.update_document(
                DocumentKind::DisclosurePackage,
                package.id,
                package_revision,
                &encode(&package)?,
                now,
            )?;
            Ok(Ok(package))
        })
    }

    /// Records that the requester withdrew the request (any time before release); its package,
    /// if one was drafted, is never approved, released or served. Whoever may record a request
    /// about the case may record its withdrawal (`WithdrawSharingRequest`, an alteration).
    pub fn withdraw_sharing_request(
        &self,
        actor: &Actor,
        request_id: Uuid,
        reason: &str,
        ctx: &RequestContext,
    ) -> Result<SharingRequest, AppError> {
        self.unit(actor, |repos| {
            let Loaded {
                mut request,
                person_id,
                revision,
            } = self.load_request(repos, request_id)?;
            let decision = self.decision_of(repos, person_id, request_id)?;
            let resource = self.case(
                repos,
                person_id,
                None,
                Some(facts(&request, decision.as_ref())),
            )?;
            allow!(self.guard(repos, actor, Action::WithdrawSharingRequest, &resource, ctx));
            let now = self.clock.now();
            request
                .advance(
                    &RequestStep::Withdraw {
                        reason: reason.trim().to_owned(),
                    },
                    &actor.id,
                    now,
                )
                .map_err(invalid)?;
            repos.update_document(
                DocumentKind::SharingRequest,
                request_id,
                revision,
                &encode(&request)?,
                now,
            )?;
            Ok(Ok(request))
        })
    }

    /// The request's disclosure package, for someone who may read the request in full (reading
    /// it is a consultation). A draft is returned as a draft (its status says so); a package of a
    /// withdrawn request, or a released one past `expires_at`, is `AppError::Gone`: the first
    /// read after expiry purges its content (keeping the manifest, the hash and the disclosure
    /// record), moves the request to `Expired` and logs the erasure.
    pub fn disclosure_package(
        &self,
        actor: &Actor,
        request_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<DisclosurePackage, AppError> {
        let served = self.unit(actor, |repos| {
            let Working { loaded, package, .. } =
                refused_or!(self.allowed(repos, actor, request_id, Action::ViewSharingRequest, ctx));
            let Loaded { mut request, person_id, revision } = loaded;
            let (mut package, package_revision) = package.ok_or_else(|| no_package(request_id))?;
            if request.state == RequestState::Withdrawn {
                return Ok(Ok(Served::Gone(
                    "the request was withdrawn, so its package is no longer available".to_owned(),
                )));
            }
            let now = self.clock.now();
            if !package.release_lapsed(now) {
                return Ok(Ok(Served::Package(Box::new(package))));
            }
            self.purge(
                repos,
                actor,
                &mut request,
                revision,
                person_id,
                &mut package,
                package_revision,
                ctx,
            )?;
            Ok(Ok(Served::Gone(format!(
                "this package expired on {}; its content is no longer available (share again only after a new decision)",
                package.expires_at.format("%d %B %Y")
            ))))
        })?;
        match served {
            Served::Package(package) => Ok(*package),
            Served::Gone(message) => Err(AppError::Gone(message)),
        }
    }
}
