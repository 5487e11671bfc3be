//! Assessments: create or clone one, apply lifecycle commands (answer, sign, countersign, reject,
//! roll back, delete, restore, void), read it and its history, score it, and list reviews due.

use chrono::NaiveDate;
use oasys_assessment_model::{
    Assessment, Command, CourtReportTemplate, Event, Layer, NewAssessment, Person, Purpose,
    ReviewEvent, State, next_review,
};
use oasys_scoring::{OffenceCatalogue, PredictorInput, ScoreReport, score};
use oasys_sharing_policy::{Action, Actor, Relationship, RelationshipKind, decide};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ports::{
    AssessmentSummary, Clock, IdGenerator, Repositories, ReviewDueEntry, ReviewScope, Storage,
    StoreError,
};

use super::listing::RowAccess;
use super::plans::PlanForSigning;
use super::{App, AppError, Guarded, Listed, RequestContext, StatedReasons};

/// What a practitioner chooses when starting an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAssessmentRequest {
    /// Layer 1, Layer 3 or Standalone.
    pub layer: Layer,
    /// Why the assessment is done.
    pub purpose: Purpose,
    /// Court report template, if any.
    #[serde(default = "no_court_report")]
    pub court_report: CourtReportTemplate,
    /// Copy the answers of the person's latest locked assessment.
    #[serde(default)]
    pub clone_previous: bool,
}

fn no_court_report() -> CourtReportTemplate {
    CourtReportTemplate::None
}

/// An assessment with every predictor and need section scored from its answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoredAssessment {
    /// The assessment's id.
    pub assessment_id: Uuid,
    /// The version scored.
    pub version: u64,
    /// The report (spec §13 of the predictors).
    pub report: ScoreReport,
}

/// What else a lifecycle command needs besides the command itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Events that bring the next review forward (recall, significant change…).
    pub review_events: Vec<ReviewEvent>,
    /// Staff id of the countersigner nominated when the command sends the assessment for
    /// (double) countersignature; they get a countersign task on this assessment.
    pub countersigner: Option<String>,
}

/// The policy action a lifecycle command needs.
fn action_for(command: &Command, state: &State) -> Action {
    match command {
        Command::Answer { .. } | Command::ClearAnswer { .. } | Command::ConfirmSection { .. } => {
            Action::AnswerAssessment
        }
        Command::ReassignAssessor { .. } => Action::Allocate,
        Command::Sign { .. } => Action::SignAssessment,
        Command::LockIncomplete { .. } => Action::LockIncomplete,
        Command::Countersign { .. } | Command::SecondCountersign => Action::Countersign,
        Command::Reject { .. } => Action::RejectCountersign,
        Command::Rollback { .. } => Action::Rollback,
        Command::Delete { .. } if *state == State::Open => Action::DeleteDraft,
        Command::Delete { .. } => Action::ApproveDeletion,
        Command::Restore { .. } => Action::Restore,
        Command::Void { .. } => Action::Void,
    }
}

/// The most events or versions [`App::assessment_events`] and [`App::assessment_history`]
/// return at once.
pub const PAGE_MAX: usize = 500;

/// What [`App::apply_planned`] did. Either way the assessment was read to be changed, so its
/// `events()` holds only the transitions this call made (read the log with
/// [`App::assessment_events`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Planned {
    /// The planned commands were applied: the new version.
    Applied(Assessment),
    /// Nothing was planned: the stored version, read (and audited) as by [`App::assessment`].
    Read(Assessment),
}

/// An assessment read in a unit of work, with its person and the version the caller saw.
struct Loaded {
    assessment: Assessment,
    person: Person,
    expected_version: u64,
}

fn not_found(id: Uuid) -> AppError {
    AppError::NotFound {
        what: "assessment",
        id: id.to_string(),
    }
}

impl<S: Storage, C: Clock, I: IdGenerator> App<S, C, I> {
    /// An assessment without its event log (read a page of it with
    /// [`App::assessment_events`]), with the person it is about.
    pub(super) fn load(
        &self,
        repos: &dyn Repositories,
        id: Uuid,
    ) -> Result<(Assessment, Person), AppError> {
        let assessment = repos.assessment_state(id)?.ok_or_else(|| not_found(id))?;
        let person = self.person_of(repos, &assessment)?;
        Ok((assessment, person))
    }

    fn person_of(
        &self,
        repos: &dyn Repositories,
        assessment: &Assessment,
    ) -> Result<Person, AppError> {
        let person_id = assessment.header().person.id;
        repos
            .get_person(person_id)?
            .ok_or_else(|| AppError::NotFound {
                what: "person",
                id: person_id.to_string(),
            })
    }

    /// Starts an assessment for a person (optionally cloned from the latest locked one).
    ///
    /// At most one assessment per person may be open or awaiting countersignature.
    pub fn create_assessment(
        &self,
        actor: &Actor,
        person_id: Uuid,
        request: &NewAssessmentRequest,
        ctx: &RequestContext,
    ) -> Result<Assessment, AppError> {
        self.unit(actor, |repos| {
            let existing = repos.assessments_for_person(person_id)?;
            // Cloning is decided on the assessment copied from.
            let source = if request.clone_previous {
                latest_locked(repos, &existing)?
            } else {
                None
            };
            let resource = self.case(repos, person_id, source.as_ref(), None)?;
            let action = if request.clone_previous {
                Action::CloneAssessment
            } else {
                Action::CreateAssessment
            };
            allow!(self.guard(repos, actor, action, &resource, ctx));
            let person = repos
                .get_person(person_id)?
                .ok_or_else(|| AppError::NotFound {
                    what: "person",
                    id: person_id.to_string(),
                })?;
            if existing
                .iter()
                .any(|a| !a.status.deleted && in_progress(&a.status.state))
            {
                return Err(AppError::Invalid(vec![
                    "this person already has an assessment in progress: finish or delete it first"
                        .to_owned(),
                ]));
            }
            let team = repos
                .current_allocation(person_id)?
                .map(|a| a.team)
                .ok_or_else(|| {
                    AppError::Invalid(vec!["allocate the case to a team first".to_owned()])
                })?;
            let now = self.clock.now();
            let new = NewAssessment {
                id: self.ids.new_id(),
                layer: request.layer,
                purpose: request.purpose.clone(),
                question_set_version: oasys_assessment_model::CURRENT_VERSION.to_owned(),
                predictor_set_version: "v4.11".to_owned(),
                team,
                assessor: actor.id.clone(),
                assessment_date: now.date_naive(),
                court_report: request.court_report,
            };
            let assessment = if request.clone_previous {
                let source = source.ok_or_else(|| {
                    AppError::Invalid(vec!["there is no locked assessment to copy".to_owned()])
                })?;
                Assessment::clone_from_previous(&source, new, &person, now)
            } else {
                Assessment::create(new, &person, now)
            }
            .map_err(|e| AppError::Invalid(vec![e.to_string()]))?;
            repos.insert_assessment(&assessment, None)?;
            Ok(Ok(assessment))
        })
    }

    /// Applies one lifecycle command to the version the user saw (`expected_version`).
    ///
    /// A stale version is a `Conflict`; a command the lifecycle refuses is `Invalid` with its
    /// reasons. When the command locks the assessment, its review date is stored with it; when it
    /// sends the assessment for countersignature, the nominated countersigner gets the task.
    pub fn apply(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        expected_version: u64,
        command: Command,
        options: &ApplyOptions,
        ctx: &RequestContext,
    ) -> Result<Assessment, AppError> {
        self.apply_all(
            actor,
            assessment_id,
            expected_version,
            vec![command],
            options,
            ctx,
        )
    }

    /// Applies several commands in order as one unit (a page of answers saved at once): either
    /// every command is applied and stored, or none is. Each command is allowed by the policy on
    /// its own; the rules are those of [`App::apply`].
    pub fn apply_all(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        expected_version: u64,
        commands: Vec<Command>,
        options: &ApplyOptions,
        ctx: &RequestContext,
    ) -> Result<Assessment, AppError> {
        if commands.is_empty() {
            return Err(AppError::Invalid(vec!["nothing to apply".to_owned()]));
        }
        self.unit(actor, |repos| {
            let (assessment, person) = self.load(repos, assessment_id)?;
            let loaded = Loaded {
                assessment,
                person,
                expected_version,
            };
            self.apply_loaded(repos, actor, loaded, commands, options, ctx)
        })
    }

    /// Saves a page of answers with one read: `plan` works out the commands from the stored
    /// version inside the transaction. When it gives commands they are applied as by
    /// [`App::apply_all`] (a stale `expected_version` is a `Conflict`); when it gives none (the
    /// answers are as stored, or they cannot be turned into commands) the stored version is
    /// returned as an audited read, so the caller can say why, and a caller who may not see the
    /// assessment learns nothing from it.
    pub fn apply_planned(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        expected_version: u64,
        plan: impl FnOnce(&Assessment) -> Option<Vec<Command>>,
        options: &ApplyOptions,
        ctx: &RequestContext,
    ) -> Result<Planned, AppError> {
        self.unit(actor, |repos| {
            let (assessment, person) = self.load(repos, assessment_id)?;
            match plan(&assessment).filter(|commands| !commands.is_empty()) {
                Some(commands) => {
                    let loaded = Loaded {
                        assessment,
                        person,
                        expected_version,
                    };
                    Ok(self
                        .apply_loaded(repos, actor, loaded, commands, options, ctx)?
                        .map(Planned::Applied))
                }
                None => {
                    let resource = self.case(repos, person.id, Some(&assessment), None)?;
                    allow!(self.guard(repos, actor, Action::ViewAssessment, &resource, ctx));
                    Ok(Ok(Planned::Read(assessment)))
                }
            }
        })
    }

    /// The body of [`App::apply_all`], on an assessment already read in the transaction.
    fn apply_loaded(
        &self,
        repos: &dyn Repositories,
        actor: &Actor,
        loaded: Loaded,
        commands: Vec<Command>,
        options: &ApplyOptions,
        ctx: &RequestContext,
    ) -> Result<Guarded<Assessment>, AppError> {
        let Loaded {
            mut assessment,
            person,
            expected_version,
        } = loaded;
        let assessment_id = assessment.header().id;
        let resource = self.case(repos, person.id, Some(&assessment), None)?;
        let mut actions: Vec<Action> = commands
            .iter()
            .map(|command| action_for(command, assessment.state()))
            .collect();
        actions.dedup();
        for action in actions {
            allow!(self.guard(repos, actor, action, &resource, ctx));
        }
        check_reopening(repos, &assessment, person.id, &commands)?;
        if assessment.version() != expected_version {
            return Err(AppError::Conflict {
                reason: "the assessment was changed by someone else: reload it".to_owned(),
                current_version: Some(assessment.version()),
            });
        }
        let model_actor = actor.as_model_actor().ok_or_else(|| {
            AppError::Invalid(vec![format!(
                "a {} cannot change an assessment",
                actor.role
            )])
        })?;
        let now = self.clock.now();
        let before = assessment.state().clone();
        // Signing reads the plan's agreement from the store; a `plan_agreed` the client sent
        // is never trusted (spec §11.4: no plan, or a DRAFT one, stops the signature).
        let signing_plan = if commands.iter().any(|c| matches!(c, Command::Sign { .. })) {
            Some(self.plan_for_signing(repos, person.id, &assessment)?)
        } else {
            None
        };
        // Every command makes a version of its own (the store keeps each), all in this one
        // transaction: a later command that fails undoes the earlier ones.
        let mut stored_version = expected_version;
        for command in commands {
            let command = match (command, &signing_plan) {
                (Command::Sign { .. }, Some(plan)) => Command::Sign {
                    plan_agreed: Some(plan.agreed()),
                },
                (command, _) => command,
            };
            assessment
                .apply(&model_actor, now, command)
                .map_err(|e| PlanForSigning::refused(signing_plan.as_ref(), &e))?;
            let due = next_review(
                &assessment,
                &person,
                &options.review_events,
                now.date_naive(),
            )
            .map(|r| r.date);
            repos.update_assessment(&assessment, stored_version, due)?;
            stored_version = assessment.version();
        }
        if *assessment.state() != before {
            self.plan_follows_assessment(repos, person.id, &before, &assessment)?;
        }
        let awaits = |state: &State| {
            matches!(
                state,
                State::AwaitingCountersign { .. } | State::AwaitingDoubleCountersign { .. }
            )
        };
        let awaiting = awaits(assessment.state());
        // A countersigning task ends with the step it was for: countersigned, sent back,
        // passed on for a second countersignature, voided or rolled back.
        if awaits(&before) && *assessment.state() != before {
            repos.end_relationships(
                person.id,
                &RelationshipKind::CountersignTask { assessment_id },
                now,
            )?;
        }
        if awaiting && *assessment.state() != before {
            let countersigner = options
                .countersigner
                .as_deref()
                .filter(|c| !c.trim().is_empty())
                .ok_or_else(|| {
                    AppError::Invalid(vec![
                        "this assessment needs countersigning: nominate the countersigner"
                            .to_owned(),
                    ])
                })?;
            check_nominee(repos, &assessment, countersigner)?;
            repos.add_relationship(
                person.id,
                &Relationship {
                    staff_id: countersigner.to_owned(),
                    kind: RelationshipKind::CountersignTask { assessment_id },
                    from: now,
                    until: None,
                },
            )?;
        }
        Ok(Ok(assessment))
    }

    /// An assessment, when the actor may see it, without its event log (a page of which
    /// [`App::assessment_events`] reads): the log grows with every save, a view of the
    /// assessment should not.
    pub fn assessment(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<Assessment, AppError> {
        self.read_unit(actor, |repos| {
            let (assessment, person) = self.load(repos, assessment_id)?;
            let resource = self.case(repos, person.id, Some(&assessment), None)?;
            allow!(self.guard(repos, actor, Action::ViewAssessment, &resource, ctx));
            Ok(Ok(assessment))
        })
    }

    /// A page of an assessment's event log, when the actor may see the assessment: the events
    /// after version `after`, oldest first, at most `limit` (at least 1, at most
    /// [`PAGE_MAX`]); audited as a view of the assessment.
    pub fn assessment_events(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        after: u64,
        limit: usize,
        ctx: &RequestContext,
    ) -> Result<Vec<Event>, AppError> {
        self.page(actor, assessment_id, limit, ctx, |repos| {
            repos.assessment_events(assessment_id, after, limit)
        })
    }

    /// A page of an assessment's stored versions, when the actor may see it: those after version
    /// `after`, oldest first, at most `limit` (at least 1, at most [`PAGE_MAX`]), each without its
    /// event log; audited as a view of the assessment.
    pub fn assessment_history(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        after: u64,
        limit: usize,
        ctx: &RequestContext,
    ) -> Result<Vec<Assessment>, AppError> {
        self.page(actor, assessment_id, limit, ctx, |repos| {
            repos.assessment_history(assessment_id, after, limit)
        })
    }

    /// What `read` gives, when `limit` is a page size and the actor may see the assessment.
    fn page<T>(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        limit: usize,
        ctx: &RequestContext,
        read: impl FnOnce(&dyn Repositories) -> Result<Vec<T>, StoreError>,
    ) -> Result<Vec<T>, AppError> {
        if !(1..=PAGE_MAX).contains(&limit) {
            return Err(AppError::Invalid(vec![format!(
                "limit must be from 1 to {PAGE_MAX}, not {limit}"
            )]));
        }
        self.read_unit(actor, |repos| {
            let (assessment, person) = self.load(repos, assessment_id)?;
            let resource = self.case(repos, person.id, Some(&assessment), None)?;
            allow!(self.guard(repos, actor, Action::ViewAssessment, &resource, ctx));
            Ok(Ok(read(repos)?))
        })
    }

    /// A person's assessments (summaries), when the actor may see the person.
    pub fn assessments_for_person(
        &self,
        actor: &Actor,
        person_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<Vec<AssessmentSummary>, AppError> {
        self.read_unit(actor, |repos| {
            let resource = self.case(repos, person_id, None, None)?;
            allow!(self.guard(repos, actor, Action::ViewPerson, &resource, ctx));
            Ok(Ok(repos.assessments_for_person(person_id)?))
        })
    }

    /// Scores an assessment from its answers with every predictor and need section. Offence codes
    /// are resolved with `catalogue` when given, else with the catalogue stored by
    /// `oasys offences import` when one is loaded; categories answered directly need neither.
    pub fn score_assessment(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        catalogue: Option<&OffenceCatalogue>,
        ctx: &RequestContext,
    ) -> Result<ScoredAssessment, AppError> {
        self.read_unit(actor, |repos| {
            let (assessment, person) = self.load(repos, assessment_id)?;
            let resource = self.case(repos, person.id, Some(&assessment), None)?;
            allow!(self.guard(repos, actor, Action::ViewAssessment, &resource, ctx));
            let stored;
            let catalogue = match catalogue {
                Some(given) => Some(given),
                None => {
                    stored = crate::ports::offences::catalogue_of(&repos.offences()?)?;
                    stored.as_ref()
                }
            };
            let report = score(
                &PredictorInput::from_assessment(&assessment, &person),
                catalogue,
            );
            Ok(Ok(ScoredAssessment {
                assessment_id,
                version: assessment.version(),
                report,
            }))
        })
    }

    /// Reviews due on or before `before` in a team or for a practitioner. A limited access case
    /// the actor may not see, or may see only with a stated reason (none given), is a placeholder
    /// row (CRN only) when the actor has a team or area relation to it; other cases the actor may
    /// not see are left out.
    pub fn reviews_due(
        &self,
        actor: &Actor,
        scope: &ReviewScope,
        before: NaiveDate,
        limit: usize,
        ctx: &RequestContext,
    ) -> Result<Vec<Listed<ReviewDueEntry>>, AppError> {
        self.read_unit(actor, |repos| {
            let mut rows = Vec::new();
            for entry in repos.reviews_due(scope, before, limit)? {
                let id = entry.assessment.person_id;
                let access = self.list_access(repos, actor, id, ctx, &StatedReasons::new())?;
                // Only a placeholder needs the CRN, read apart from the entry.
                let crn = match access {
                    RowAccess::Placeholder(..) => repos
                        .get_person(id)?
                        .and_then(|person| person.ids.crn().cloned()),
                    RowAccess::Show | RowAccess::Omit => None,
                };
                rows.extend(access.row(entry, id, crn.as_ref()));
            }
            Ok(Ok(rows))
        })
    }
}

/// The person's latest locked (complete or locked-incomplete) assessment that is not deleted.
fn latest_locked(
    repos: &dyn Repositories,
    summaries: &[AssessmentSummary],
) -> Result<Option<Assessment>, AppError> {
    let latest = summaries
        .iter()
        .filter(|s| {
            !s.status.deleted
                && matches!(
                    s.status.state,
                    State::Complete { .. } | State::LockedIncomplete
                )
        })
        .max_by_key(|s| s.created_at);
    match latest {
        Some(summary) => Ok(repos.assessment_state(summary.id)?),
        None => Ok(None),
    }
}

/// Whether an assessment in this state is being written or waits for countersigning.
fn in_progress(state: &State) -> bool {
    matches!(
        state,
        State::Open | State::AwaitingCountersign { .. } | State::AwaitingDoubleCountersign { .. }
    )
}

/// A person has one assessment in progress at a time, and only their latest assessment is
/// rolled back (spec assessment.md §11.2): a rollback, or the restore of a deleted assessment
/// in progress, is refused when another assessment of the person is in progress, and a
/// rollback when a later assessment (not deleted or voided) exists.
fn check_reopening(
    repos: &dyn Repositories,
    assessment: &Assessment,
    person_id: Uuid,
    commands: &[Command],
) -> Result<(), AppError> {
    let rollback = commands
        .iter()
        .any(|c| matches!(c, Command::Rollback { .. }));
    let restore = commands
        .iter()
        .any(|c| matches!(c, Command::Restore { .. }))
        && in_progress(assessment.state());
    if !rollback && !restore {
        return Ok(());
    }
    let id = assessment.header().id;
    // Newest first (the port's order), so the later assessments come before this one.
    let all = repos.assessments_for_person(person_id)?;
    let here = all.iter().position(|s| s.id == id).unwrap_or(all.len());
    let others = || {
        all.iter()
            .enumerate()
            .filter(|(_, s)| s.id != id && !s.status.deleted)
    };
    if others().any(|(_, s)| in_progress(&s.status.state)) {
        return Err(AppError::Invalid(vec![
            "this person already has an assessment in progress: finish or delete it before \
             reopening this one"
                .to_owned(),
        ]));
    }
    if rollback && others().any(|(i, s)| i < here && s.status.state != State::Voided) {
        return Err(AppError::Invalid(vec![
            "only the person's latest assessment can be rolled back".to_owned(),
        ]));
    }
    Ok(())
}

/// Refuses a nominated countersigner who could not give the countersignature the assessment
/// now waits for (unknown or disabled account, a role without a rank, the signer, too low a
/// rank, the first countersigner again): the assessment would wait for them for ever.
fn check_nominee(
    repos: &dyn Repositories,
    assessment: &Assessment,
    username: &str,
) -> Result<(), AppError> {
    let refused = |why: String| AppError::Invalid(vec![format!("countersigner {username}: {why}")]);
    let account = repos
        .user(username)?
        .filter(|account| !account.disabled)
        .ok_or_else(|| refused("there is no active account of that name".to_owned()))?;
    let nominee = account.actor();
    let nominee = nominee
        .as_model_actor()
        .ok_or_else(|| refused(format!("a {} cannot countersign", nominee.role)))?;
    match assessment.check_countersigner(&nominee) {
        Err(Some(why)) => Err(refused(why.to_string())),
        Ok(()) | Err(None) => Ok(()),
    }
}

/// An assessment waiting for the actor's countersignature, with whom it is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountersignTask {
    /// The person assessed.
    pub person: Person,
    /// The assessment.
    pub assessment: AssessmentSummary,
}

impl<S: Storage, C: Clock, I: IdGenerator> App<S, C, I> {
    /// The assessments nominated to the actor for countersigning that still wait for it, oldest
    /// nomination first; each is audited as a view of the case.
    pub fn countersign_tasks(
        &self,
        actor: &Actor,
        ctx: &RequestContext,
    ) -> Result<Vec<CountersignTask>, AppError> {
        self.read_unit(actor, |repos| {
            let mut tasks = Vec::new();
            for (person_id, relationship) in repos.relationships_of(&actor.id)? {
                let RelationshipKind::CountersignTask { assessment_id } = relationship.kind else {
                    continue;
                };
                let Some(assessment) = repos.assessment_state(assessment_id)? else {
                    continue;
                };
                let waiting = matches!(
                    assessment.state(),
                    State::AwaitingCountersign { .. } | State::AwaitingDoubleCountersign { .. }
                );
                if !waiting || assessment.deleted().is_some() {
                    continue;
                }
                let resource = self.case(repos, person_id, Some(&assessment), None)?;
                if !decide(actor, Action::Countersign, &resource).is_allowed()
                    || self
                        .guard(repos, actor, Action::ViewAssessment, &resource, ctx)?
                        .is_err()
                {
                    continue;
                }
                let Some(person) = repos.get_person(person_id)? else {
                    continue;
                };
                let summary = repos
                    .assessments_for_person(person_id)?
                    .into_iter()
                    .find(|s| s.id == assessment_id);
                if let Some(assessment) = summary {
                    tasks.push(CountersignTask { person, assessment });
                }
            }
            Ok(Ok(tasks))
        })
    }
}
