//! Sentence plans: draft one from an assessment (one objective per need, harm first) or start a
//! review of the latest signed plan (open objectives carried forward), read it,
//! change it through the plan crate's edits (dated and given ids here, never by the request),
//! and record the person's agreement. A plan is read-only (409) once its assessment is no longer
//! an open, undeleted draft: signed, locked incomplete, awaiting countersignature or voided.
//! Signing an assessment reads its stored plan: no plan, or one still DRAFT, refuses the
//! signature unless the purpose or layer needs no plan (spec §11.4); the plan's signing status
//! then follows the assessment's (spec §9).

use chrono::NaiveDate;
use oasys_assessment_model::{Assessment, LifecycleError, MissingReason, Person, State};
use oasys_sentence_plan::{
    Agreement, AgreementStatus, DraftOptions, NewPlan, PlanChange, PlanProgress, PlanType,
    SentencePlan, compare_plans, draft_plan, setting_of,
};
use oasys_sharing_policy::{Action, Actor};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ports::{Clock, DocumentKind, IdGenerator, Repositories, Storage, StoredDocument};

use super::{App, AppError, Guarded, RequestContext};

/// A stored plan and the storage revision to send back when changing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPlan {
    /// The plan.
    pub plan: SentencePlan,
    /// Storage revision (for optimistic concurrency).
    pub revision: u64,
    /// The plan can no longer change: its assessment is signed, locked, awaiting
    /// countersignature, voided or deleted, or the plan version itself is signed.
    pub locked: bool,
}

/// The person's response to the plan, as a practitioner records it. Who recorded it is the
/// signed-in user, never part of the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementResponse {
    /// AGREED, DO_NOT_AGREE or COULD_NOT_ANSWER (DRAFT is where a plan starts, not a response).
    pub status: AgreementStatus,
    /// When the person gave it: not before the plan date, not after today.
    pub date: Option<NaiveDate>,
    /// Why (required for DO_NOT_AGREE and COULD_NOT_ANSWER).
    #[serde(default)]
    pub note: Option<String>,
}

/// What signing found of the assessment's sentence plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum PlanForSigning {
    /// No plan was drafted for the assessment.
    Missing,
    /// The newest plan of the assessment, with its agreement status.
    Stored(AgreementStatus),
}

impl PlanForSigning {
    /// The agreement flag the lifecycle's completeness check takes.
    pub(super) fn agreed(&self) -> bool {
        matches!(self, Self::Stored(status) if *status != AgreementStatus::Draft)
    }

    /// Why the plan stops the signature, in words naming the plan.
    fn refusal(&self) -> String {
        match self {
            Self::Missing => "Sentence plan: there is no sentence plan for this assessment: draft \
                              the plan and record whether the person agrees with it before signing"
                .to_owned(),
            Self::Stored(_) => "Sentence plan: the person's agreement to the sentence plan is \
                                still DRAFT: record whether they agree with it (agreed, do not \
                                agree or could not answer) before signing"
                .to_owned(),
        }
    }

    /// The app's error for a refused lifecycle command: the lifecycle's own words and, when
    /// the plan is among what is missing, a message naming the plan.
    pub(super) fn refused(signing: Option<&Self>, error: &LifecycleError) -> AppError {
        let mut messages = vec![error.to_string()];
        if let (Some(plan), LifecycleError::SectionIncomplete { missing }) = (signing, error)
            && missing
                .iter()
                .any(|m| m.why == MissingReason::PlanNotAgreed)
        {
            messages.push(plan.refusal());
        }
        AppError::Invalid(messages)
    }
}

/// How a plan is started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// A new draft from the assessment.
    Draft,
    /// A review of the latest signed plan (none is an error).
    Review,
    /// A review when there is a signed plan, otherwise a draft.
    ReviewOrDraft,
}

/// The message of a change refused because the plan is locked.
pub const PLAN_LOCKED_MESSAGE: &str = "this sentence plan is locked: its assessment has been \
     signed or locked (or is voided or deleted), so the plan can no longer change; start a \
     review plan with the next assessment";

fn decode(document: StoredDocument, locked: bool) -> Result<StoredPlan, AppError> {
    let plan: SentencePlan = serde_json::from_value(document.body).map_err(|e| {
        AppError::Unavailable(format!("stored plan {} does not decode: {e}", document.id))
    })?;
    let locked = locked || !plan.signing().is_editable();
    Ok(StoredPlan {
        plan,
        revision: document.revision,
        locked,
    })
}

fn encode(plan: &SentencePlan) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(plan)
        .map_err(|e| AppError::Unavailable(format!("plan does not encode: {e}")))
}

/// Whether a plan of this assessment is read-only: anything but an open, undeleted assessment.
fn assessment_locks_plan(assessment: Option<&Assessment>) -> bool {
    assessment.is_none_or(|a| *a.state() != State::Open || a.deleted().is_some())
}

fn locked_error() -> AppError {
    AppError::Conflict {
        reason: PLAN_LOCKED_MESSAGE.to_owned(),
        current_version: None,
    }
}

fn invalid(problems: &[impl ToString]) -> AppError {
    AppError::Invalid(problems.iter().map(ToString::to_string).collect())
}

impl<S: Storage, C: Clock, I: IdGenerator> App<S, C, I> {
    fn load_plan(
        &self,
        repos: &dyn Repositories,
        plan_id: Uuid,
    ) -> Result<(StoredPlan, Option<Assessment>), AppError> {
        let document = repos
            .get_document(DocumentKind::SentencePlan, plan_id)?
            .ok_or_else(|| AppError::NotFound {
                what: "sentence plan",
                id: plan_id.to_string(),
            })?;
        let assessment_id = document.parent_id;
        let assessment = match assessment_id {
            Some(id) => repos.assessment_state(id)?,
            None => None,
        };
        let stored = decode(document, assessment_locks_plan(assessment.as_ref()))?;
        Ok((stored, assessment))
    }

    /// The newest plan drafted from the assessment, if any (no access check: the caller's).
    fn stored_plan_of(
        &self,
        repos: &dyn Repositories,
        person_id: Uuid,
        assessment: &Assessment,
    ) -> Result<Option<StoredPlan>, AppError> {
        let assessment_id = assessment.header().id;
        let locked = assessment_locks_plan(Some(assessment));
        repos
            .documents(DocumentKind::SentencePlan, Some(person_id), usize::MAX)?
            .into_iter()
            .find(|d| d.parent_id == Some(assessment_id))
            .map(|d| decode(d, locked))
            .transpose()
    }

    /// What signing the assessment finds of its plan, read from the store (never from the
    /// request): signing an assessment uses this, not a flag the client sends.
    pub(super) fn plan_for_signing(
        &self,
        repos: &dyn Repositories,
        person_id: Uuid,
        assessment: &Assessment,
    ) -> Result<PlanForSigning, AppError> {
        Ok(self
            .stored_plan_of(repos, person_id, assessment)?
            .map_or(PlanForSigning::Missing, |stored| {
                PlanForSigning::Stored(stored.plan.agreement().status)
            }))
    }

    /// Drafts an initial sentence plan from an open assessment and stores it. Refused (409)
    /// when the assessment is no longer an open draft or already has a plan.
    pub fn draft_plan(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<StoredPlan, AppError> {
        self.start_plan_as(actor, assessment_id, ctx, Start::Draft)
    }

    /// Starts the assessment's plan as a review of the person's latest signed plan (spec §9):
    /// every open objective is carried forward with its history (`copied_forward`), closed ones
    /// stay in the earlier version, which is unchanged; the agreement starts again at DRAFT.
    /// `Invalid` when the person has no signed plan; refused like [`App::draft_plan`].
    pub fn review_plan(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<StoredPlan, AppError> {
        self.start_plan_as(actor, assessment_id, ctx, Start::Review)
    }

    /// Starts the assessment's plan: a review of the person's latest signed plan when there is
    /// one ([`App::review_plan`]), otherwise a new draft ([`App::draft_plan`]).
    pub fn start_plan(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<StoredPlan, AppError> {
        self.start_plan_as(actor, assessment_id, ctx, Start::ReviewOrDraft)
    }

    /// The person's latest signed plan of another assessment, if any.
    fn latest_signed_plan(
        &self,
        repos: &dyn Repositories,
        person_id: Uuid,
        except: Uuid,
    ) -> Result<Option<SentencePlan>, AppError> {
        for document in repos.documents(DocumentKind::SentencePlan, Some(person_id), usize::MAX)? {
            if document.parent_id == Some(except) {
                continue;
            }
            let stored = decode(document, true)?;
            if stored.plan.signing().is_signed() {
                return Ok(Some(stored.plan));
            }
        }
        Ok(None)
    }

    fn start_plan_as(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        ctx: &RequestContext,
        start: Start,
    ) -> Result<StoredPlan, AppError> {
        self.unit(actor, |repos| {
            let (assessment, person) = self.load(repos, assessment_id)?;
            let resource = self.case(repos, person.id, Some(&assessment), None)?;
            allow!(self.guard(repos, actor, Action::EditSentencePlan, &resource, ctx));
            if assessment_locks_plan(Some(&assessment)) {
                return Err(AppError::Conflict {
                    reason: "the assessment is signed or locked: a sentence plan can no longer \
                             be started for it"
                        .to_owned(),
                    current_version: None,
                });
            }
            if let Some(existing) = self.stored_plan_of(repos, person.id, &assessment)? {
                return Err(AppError::Conflict {
                    reason: format!(
                        "this assessment already has a sentence plan ({}): change that one",
                        existing.plan.id()
                    ),
                    current_version: None,
                });
            }
            let previous = match start {
                Start::Draft => None,
                Start::Review | Start::ReviewOrDraft => {
                    self.latest_signed_plan(repos, person.id, assessment_id)?
                }
            };
            let plan = match (previous, start) {
                (Some(previous), _) => self.review_of(&previous, &assessment)?,
                (None, Start::Review) => {
                    return Err(AppError::Invalid(vec![
                        "there is no signed sentence plan to review: draft a new plan instead"
                            .to_owned(),
                    ]));
                }
                (None, _) => self.new_draft(&assessment, &person)?,
            };
            repos.insert_document(
                DocumentKind::SentencePlan,
                plan.id(),
                person.id,
                Some(assessment_id),
                &encode(&plan)?,
                self.clock.now(),
            )?;
            Ok(Ok(StoredPlan {
                plan,
                revision: 1,
                locked: false,
            }))
        })
    }

    fn new_draft(
        &self,
        assessment: &Assessment,
        person: &Person,
    ) -> Result<SentencePlan, AppError> {
        let options = DraftOptions {
            plan_id: self.ids.new_id(),
            plan_type: PlanType::Initial,
            today: self.clock.now().date_naive(),
            setting: setting_of(person),
            interventions_per_objective: 2,
        };
        draft_plan(assessment, &options, &mut || self.ids.new_id())
            .map_err(|e| AppError::Invalid(vec![e.to_string()]))
    }

    fn review_of(
        &self,
        previous: &SentencePlan,
        assessment: &Assessment,
    ) -> Result<SentencePlan, AppError> {
        let new = NewPlan::for_assessment(
            self.ids.new_id(),
            PlanType::Review,
            assessment,
            self.clock.now().date_naive(),
        );
        previous.review(new).map_err(|problems| invalid(&problems))
    }

    /// Moves the assessment's plan with the assessment (signed, awaiting countersignature,
    /// countersigned, locked incomplete, sent back, rolled back), in the same unit of work.
    pub(super) fn plan_follows_assessment(
        &self,
        repos: &dyn Repositories,
        person_id: Uuid,
        before: &State,
        assessment: &Assessment,
    ) -> Result<(), AppError> {
        let Some(mut stored) = self.stored_plan_of(repos, person_id, assessment)? else {
            return Ok(());
        };
        let today = self.clock.now().date_naive();
        if stored
            .plan
            .follow_assessment(before, assessment.state(), today)
        {
            self.store_plan(repos, stored.plan, stored.revision)?;
        }
        Ok(())
    }

    /// A sentence plan, when the actor may see it.
    pub fn plan(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<StoredPlan, AppError> {
        self.read_unit(actor, |repos| {
            let (stored, _) = self.load_plan(repos, plan_id)?;
            let resource = self.case(repos, stored.plan.person_id(), None, None)?;
            allow!(self.guard(repos, actor, Action::ViewPlan, &resource, ctx));
            Ok(Ok(stored))
        })
    }

    /// Reads the plan for a change by `actor` over `expected_revision`: the policy, the lock
    /// (a `Conflict` without a revision) and the revision the user saw (a stale one is a
    /// `Conflict` with the current revision).
    fn plan_to_change(
        &self,
        repos: &dyn Repositories,
        actor: &Actor,
        plan_id: Uuid,
        expected_revision: u64,
        ctx: &RequestContext,
    ) -> Result<Guarded<StoredPlan>, AppError> {
        let (stored, assessment) = self.load_plan(repos, plan_id)?;
        // The plan's assessment is in the resource, so a voided or deleted one blocks editing.
        let resource = self.case(repos, stored.plan.person_id(), assessment.as_ref(), None)?;
        if let Err(denial) = self.guard(repos, actor, Action::EditSentencePlan, &resource, ctx)? {
            return Ok(Err(denial));
        }
        // Locked first: no revision would do, so a stale one is not worth reloading for.
        if stored.locked {
            return Err(locked_error());
        }
        if stored.revision != expected_revision {
            return Err(AppError::Conflict {
                reason: "the sentence plan was changed by someone else: reload it".to_owned(),
                current_version: Some(stored.revision),
            });
        }
        Ok(Ok(stored))
    }

    fn store_plan(
        &self,
        repos: &dyn Repositories,
        plan: SentencePlan,
        expected_revision: u64,
    ) -> Result<StoredPlan, AppError> {
        let revision = repos.update_document(
            DocumentKind::SentencePlan,
            plan.id(),
            expected_revision,
            &encode(&plan)?,
            self.clock.now(),
        )?;
        Ok(StoredPlan {
            plan,
            revision,
            locked: false,
        })
    }

    /// Applies changes, in order and as one, to the revision the user saw: each is dated today
    /// and an added objective or step gets a new id here, so a change cannot backdate progress,
    /// rewrite history, or touch the agreement or signing. Every problem is `Invalid` and
    /// nothing is stored; a stale revision or a locked plan is a `Conflict`.
    pub fn change_plan(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        expected_revision: u64,
        changes: Vec<PlanChange>,
        ctx: &RequestContext,
    ) -> Result<StoredPlan, AppError> {
        if changes.is_empty() {
            return Err(AppError::Invalid(vec!["no change to make".to_owned()]));
        }
        self.unit(actor, |repos| {
            let mut plan =
                match self.plan_to_change(repos, actor, plan_id, expected_revision, ctx)? {
                    Ok(stored) => stored.plan,
                    Err(denial) => return Ok(Err(denial)),
                };
            let today = self.clock.now().date_naive();
            for change in changes {
                let name = change.name();
                plan.apply_change(change, today, self.ids.new_id())
                    .map_err(|problems| {
                        AppError::Invalid(problems.iter().map(|p| format!("{name}: {p}")).collect())
                    })?;
            }
            Ok(Ok(self.store_plan(repos, plan, expected_revision)?))
        })
    }

    /// Records the person's response to the plan (agreed, does not agree or could not answer),
    /// by the actor, over the revision the user saw: the plan crate's rules (a date, not
    /// before the plan date and not after today; a note unless agreed). Refused like
    /// [`App::change_plan`].
    pub fn record_plan_agreement(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        expected_revision: u64,
        response: AgreementResponse,
        ctx: &RequestContext,
    ) -> Result<StoredPlan, AppError> {
        self.unit(actor, |repos| {
            let mut plan =
                match self.plan_to_change(repos, actor, plan_id, expected_revision, ctx)? {
                    Ok(stored) => stored.plan,
                    Err(denial) => return Ok(Err(denial)),
                };
            if response.status == AgreementStatus::Draft {
                return Err(AppError::Invalid(vec![
                    "choose the person's response: agreed, do not agree or could not answer"
                        .to_owned(),
                ]));
            }
            let agreement = Agreement {
                status: response.status,
                date: response.date,
                note: response.note,
                recorded_by: Some(actor.id.clone()),
            };
            plan.record_agreement(agreement, self.clock.now().date_naive())
                .map_err(|problems| invalid(&problems))?;
            Ok(Ok(self.store_plan(repos, plan, expected_revision)?))
        })
    }

    /// A sentence plan, when the actor may see it, with what became of each objective since
    /// the plan version it was made from (achieved, partially or not achieved with its code,
    /// removed, added, carried over) and the steps completed; `None` for a first plan.
    pub fn plan_with_progress(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<(StoredPlan, Option<PlanProgress>), AppError> {
        self.read_unit(actor, |repos| {
            let (stored, _) = self.load_plan(repos, plan_id)?;
            let resource = self.case(repos, stored.plan.person_id(), None, None)?;
            allow!(self.guard(repos, actor, Action::ViewPlan, &resource, ctx));
            let Some(previous_id) = stored.plan.previous() else {
                return Ok(Ok((stored, None)));
            };
            let (previous, _) = self.load_plan(repos, previous_id)?;
            let progress = compare_plans(&previous.plan, &stored.plan)
                .map_err(|e| AppError::Unavailable(format!("stored plans do not compare: {e}")))?;
            Ok(Ok((stored, Some(progress))))
        })
    }

    /// The newest sentence plan drafted from an assessment, if any, when the actor may see plans
    /// of the case.
    pub fn plan_for_assessment(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<Option<StoredPlan>, AppError> {
        self.read_unit(actor, |repos| {
            let (assessment, person) = self.load(repos, assessment_id)?;
            let resource = self.case(repos, person.id, Some(&assessment), None)?;
            allow!(self.guard(repos, actor, Action::ViewPlan, &resource, ctx));
            self.stored_plan_of(repos, person.id, &assessment).map(Ok)
        })
    }
}
