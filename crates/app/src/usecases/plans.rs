//! Sentence plans: draft one from an assessment (one objective per need, harm first), read it,
//! and save edits with optimistic concurrency; a signed plan version is never changed.

use oasys_sentence_plan::{DraftOptions, PlanType, SentencePlan, draft_plan, setting_of};
use oasys_sharing_policy::{Action, Actor};
use uuid::Uuid;

use crate::ports::{Clock, DocumentKind, IdGenerator, Repositories, Storage, StoredDocument};

use super::{App, AppError, RequestContext};

/// A stored plan and the storage revision to send back when saving it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPlan {
    /// The plan.
    pub plan: SentencePlan,
    /// Storage revision (for optimistic concurrency).
    pub revision: u64,
}

fn decode(document: StoredDocument) -> Result<StoredPlan, AppError> {
    let plan = serde_json::from_value(document.body).map_err(|e| {
        AppError::Unavailable(format!("stored plan {} does not decode: {e}", document.id))
    })?;
    Ok(StoredPlan {
        plan,
        revision: document.revision,
    })
}

fn encode(plan: &SentencePlan) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(plan)
        .map_err(|e| AppError::Unavailable(format!("plan does not encode: {e}")))
}

impl<S: Storage, C: Clock, I: IdGenerator> App<S, C, I> {
    fn load_plan(&self, repos: &dyn Repositories, plan_id: Uuid) -> Result<StoredPlan, AppError> {
        let document = repos
            .get_document(DocumentKind::SentencePlan, plan_id)?
            .ok_or_else(|| AppError::NotFound {
                what: "sentence plan",
                id: plan_id.to_string(),
            })?;
        decode(document)
    }

    /// Drafts an initial sentence plan from an assessment and stores it.
    pub fn draft_plan(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<StoredPlan, AppError> {
        self.unit(actor, |repos| {
            let (assessment, person) = self.load(repos, assessment_id)?;
            let resource = self.case(repos, person.id, Some(&assessment), None)?;
            allow!(self.guard(repos, actor, Action::EditSentencePlan, &resource, ctx));
            let now = self.clock.now();
            let options = DraftOptions {
                plan_id: self.ids.new_id(),
                plan_type: PlanType::Initial,
                today: now.date_naive(),
                setting: setting_of(&person),
                interventions_per_objective: 2,
            };
            let plan = draft_plan(&assessment, &options, &mut || self.ids.new_id())
                .map_err(|e| AppError::Invalid(vec![e.to_string()]))?;
            repos.insert_document(
                DocumentKind::SentencePlan,
                plan.id(),
                person.id,
                Some(assessment_id),
                &encode(&plan)?,
                now,
            )?;
            Ok(Ok(StoredPlan { plan, revision: 1 }))
        })
    }

    /// A sentence plan, when the actor may see it.
    pub fn plan(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<StoredPlan, AppError> {
        self.read_unit(actor, |repos| {
            let stored = self.load_plan(repos, plan_id)?;
            let resource = self.case(repos, stored.plan.person_id(), None, None)?;
            allow!(self.guard(repos, actor, Action::ViewPlan, &resource, ctx));
            Ok(Ok(stored))
        })
    }

    /// Saves an edited plan over the revision the user saw; returns the new revision.
    pub fn save_plan(
        &self,
        actor: &Actor,
        plan: &SentencePlan,
        expected_revision: u64,
        ctx: &RequestContext,
    ) -> Result<u64, AppError> {
        self.unit(actor, |repos| {
            let stored = self.load_plan(repos, plan.id())?;
            // The plan's assessment is in the resource, so a voided or deleted one blocks editing.
            let assessment = repos.assessment_state(stored.plan.assessment_id())?;
            let resource = self.case(repos, stored.plan.person_id(), assessment.as_ref(), None)?;
            allow!(self.guard(repos, actor, Action::EditSentencePlan, &resource, ctx));
            let mut problems = Vec::new();
            if plan.person_id() != stored.plan.person_id()
                || plan.assessment_id() != stored.plan.assessment_id()
            {
                problems.push("a plan cannot be moved to another person or assessment".to_owned());
            }
            // Identity, version and sign-off come from the stored plan, never from the edit.
            if plan.plan_type() != stored.plan.plan_type()
                || plan.created() != stored.plan.created()
                || plan.version() != stored.plan.version()
                || plan.previous() != stored.plan.previous()
                || plan.signing() != stored.plan.signing()
                || plan.signing_events() != stored.plan.signing_events()
            {
                problems.push(
                    "a plan's type, version and signing cannot be changed by editing it".to_owned(),
                );
            }
            if !stored.plan.signing().is_editable() {
                problems.push(
                    "this plan version is signed: start a review plan to change it".to_owned(),
                );
            }
            if !problems.is_empty() {
                return Err(AppError::Invalid(problems));
            }
            let revision = repos.update_document(
                DocumentKind::SentencePlan,
                plan.id(),
                expected_revision,
                &encode(plan)?,
                self.clock.now(),
            )?;
            Ok(Ok(revision))
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
            repos
                .documents(DocumentKind::SentencePlan, Some(person.id), usize::MAX)?
                .into_iter()
                .find(|d| d.parent_id == Some(assessment_id))
                .map(decode)
                .transpose()
                .map(Ok)
        })
    }
}
