//! The sentence plan: type, version, objectives with their steps, progress notes, and the review
//! plan that copies open objectives forward from the latest signed version.

use chrono::NaiveDate;
use oasys_assessment_model::{Assessment, Section};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::intervention::{Intervention, NewIntervention};
use crate::objective::{NewObjective, Objective};
use crate::rmp::RmpProblem;
use crate::signing::{Agreement, AgreementStatus, SigningEvent, SigningStatus};
use crate::status::{InterventionProgress, ObjectiveProgress};

/// Plan type: the legacy types and the newer ones (spec §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PlanType {
    /// Initial sentence plan (ISP / INITIAL).
    Initial,
    /// Review sentence plan (RSP / REVIEW).
    Review,
    /// Outline plan for a pre-sentence report.
    PsrOutline,
    /// Basic plan of a Layer 1 assessment.
    Basic,
    /// Plan at termination (TERMINATE).
    Terminate,
    /// Plan on transfer (TRANSFER).
    Transfer,
    /// Any other plan (OTHER).
    Other,
}

impl PlanType {
    /// The newer type code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Initial => "INITIAL",
            Self::Review => "REVIEW",
            Self::PsrOutline => "PSR_OUTLINE",
            Self::Basic => "BASIC",
            Self::Terminate => "TERMINATE",
            Self::Transfer => "TRANSFER",
            Self::Other => "OTHER",
        }
    }

    /// The legacy OASys code, where there is one.
    #[must_use]
    pub fn legacy_code(self) -> Option<&'static str> {
        match self {
            Self::Initial => Some("ISP"),
            Self::Review => Some("RSP"),
            Self::PsrOutline => Some("PSR_OUTLINE"),
            Self::Basic => Some("BASIC"),
            _ => None,
        }
    }

    /// Whether a plan of this type must hold at least one objective to be signed.
    #[must_use]
    pub fn needs_objectives(self) -> bool {
        !matches!(self, Self::Terminate | Self::Transfer)
    }
}

/// Why a plan change was refused. Validations return every problem they find.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum PlanError {
    /// Signed plan versions are immutable.
    #[error("this plan version is {status} and can no longer be changed")]
    PlanSigned {
        /// The plan's signing status.
        status: SigningStatus,
    },
    /// No objective with this id in the plan.
    #[error("the plan has no objective {id}")]
    UnknownObjective {
        /// The id given.
        id: Uuid,
    },
    /// No step with this id in the objective.
    #[error("the objective has no step {id}")]
    UnknownStep {
        /// The id given.
        id: Uuid,
    },
    /// The id is already used in this plan.
    #[error("{id} is already used in this plan")]
    DuplicateId {
        /// The id given.
        id: Uuid,
    },
    /// An objective needs a title.
    #[error("the objective needs a title")]
    TitleRequired,
    /// A step needs a description or a catalogue code.
    #[error("the step needs a description or a catalogue intervention")]
    TextRequired,
    /// An objective must address at least one need or ROSH factor.
    #[error("the objective must be linked to at least one need or risk factor")]
    NoLinks,
    /// Only sections 3–13 are criminogenic needs.
    #[error("{section} is not a criminogenic need section")]
    UnknownNeed {
        /// The section given.
        section: Section,
    },
    /// The catalogue has no such intervention.
    #[error("there is no intervention {code} in the catalogue")]
    UnknownCatalogueCode {
        /// The code given.
        code: String,
    },
    /// A step must say who does the work.
    #[error("the step must say who does the work")]
    ActorRequired,
    /// A date falls before the plan was created.
    #[error("{what} {date} is before the plan date {plan_date}")]
    DateBeforePlan {
        /// Which date.
        what: String,
        /// The date given.
        date: NaiveDate,
        /// The plan's date.
        plan_date: NaiveDate,
    },
    /// The plan would start before the assessment it belongs to.
    #[error("the plan date {date} is before the assessment date {assessment_date}")]
    DateBeforeAssessment {
        /// The plan date.
        date: NaiveDate,
        /// The assessment date.
        assessment_date: NaiveDate,
    },
    /// Progress cannot be recorded before the last recorded progress.
    #[error("progress dated {date} is before the last update on {last}")]
    DateBeforeLastUpdate {
        /// The date given.
        date: NaiveDate,
        /// The last update.
        last: NaiveDate,
    },
    /// "Does not agree" and "could not answer" need a note saying why.
    #[error("a note is required when the agreement is {agreement}")]
    NoteRequired {
        /// The agreement given.
        agreement: AgreementStatus,
    },
    /// An agreement other than DRAFT needs its date.
    #[error("the date of the person's agreement is required")]
    AgreementDateRequired,
    /// The plan cannot be signed while the agreement is DRAFT.
    #[error("the plan cannot be signed while the person's agreement is still DRAFT")]
    AgreementDraft,
    /// The plan has no objectives.
    #[error("the plan has no objectives")]
    NoObjectives,
    /// ROSH High or Very High needs a complete risk management plan before signing.
    #[error("the risk management plan is incomplete: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    RiskManagementPlanIncomplete {
        /// What is missing.
        problems: Vec<RmpProblem>,
    },
    /// The plan belongs to another assessment.
    #[error("the plan belongs to assessment {plan_assessment}, not {assessment}")]
    WrongAssessment {
        /// The plan's assessment.
        plan_assessment: Uuid,
        /// The assessment given.
        assessment: Uuid,
    },
    /// The plans belong to different people.
    #[error("the plans belong to different people")]
    DifferentPerson,
    /// A review plan can only be made from a signed plan.
    #[error("a review plan can only be made from a signed plan, not one that is {status}")]
    NotSigned {
        /// The previous plan's status.
        status: SigningStatus,
    },
    /// The signing step does not apply in this status.
    #[error("cannot {action} a plan that is {status}")]
    NotAllowed {
        /// What was attempted.
        action: String,
        /// The plan's status.
        status: SigningStatus,
    },
    /// A comment or reason is required.
    #[error("a reason is required to {action}")]
    ReasonRequired {
        /// What was attempted.
        action: String,
    },
    /// The plan version number cannot go higher.
    #[error("the plan version cannot be increased")]
    VersionOverflow,
}

/// What is needed to start a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPlan {
    /// Plan id (passed in).
    pub id: Uuid,
    /// Plan type.
    pub plan_type: PlanType,
    /// The person's id.
    pub person_id: Uuid,
    /// The assessment the plan belongs to.
    pub assessment_id: Uuid,
    /// That assessment's date.
    pub assessment_date: NaiveDate,
    /// The plan date: not before the assessment date.
    pub created: NaiveDate,
}

impl NewPlan {
    /// A new plan for this assessment, taking the person, assessment id and assessment date from it.
    #[must_use]
    pub fn for_assessment(
        id: Uuid,
        plan_type: PlanType,
        assessment: &Assessment,
        created: NaiveDate,
    ) -> Self {
        let header = assessment.header();
        Self {
            id,
            plan_type,
            person_id: header.person.id,
            assessment_id: header.id,
            assessment_date: header.assessment_date,
            created,
        }
    }
}

/// A dated progress note on the plan as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressNote {
    /// When.
    pub date: NaiveDate,
    /// What.
    pub text: String,
}

/// One version of a sentence plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentencePlan {
    /// Plan id.
    pub(crate) id: Uuid,
    /// Plan type.
    pub(crate) plan_type: PlanType,
    /// The person's id.
    pub(crate) person_id: Uuid,
    /// The assessment the plan belongs to.
    pub(crate) assessment_id: Uuid,
    /// That assessment's date.
    pub(crate) assessment_date: NaiveDate,
    /// The plan date.
    pub(crate) created: NaiveDate,
    /// Version: 1 for a first plan, previous + 1 for a review or rollback.
    pub(crate) version: u32,
    /// The plan version this one was copied from.
    pub(crate) previous: Option<Uuid>,
    /// The person's agreement.
    pub(crate) agreement: Agreement,
    /// Signing status.
    pub(crate) signing: SigningStatus,
    /// Signing events, oldest first.
    pub(crate) signing_events: Vec<SigningEvent>,
    /// Objectives, in priority order.
    pub(crate) objectives: Vec<Objective>,
    /// Progress notes on the plan as a whole.
    pub(crate) notes: Vec<ProgressNote>,
}

impl SentencePlan {
    /// Plan id.
    #[must_use]
    pub fn id(&self) -> Uuid {
        self.id
    }

    /// Plan type.
    #[must_use]
    pub fn plan_type(&self) -> PlanType {
        self.plan_type
    }

    /// The person's id.
    #[must_use]
    pub fn person_id(&self) -> Uuid {
        self.person_id
    }

    /// The assessment the plan belongs to.
    #[must_use]
    pub fn assessment_id(&self) -> Uuid {
        self.assessment_id
    }

    /// That assessment's date.
    #[must_use]
    pub fn assessment_date(&self) -> NaiveDate {
        self.assessment_date
    }

    /// The plan date.
    #[must_use]
    pub fn created(&self) -> NaiveDate {
        self.created
    }

    /// Version: 1 for a first plan, previous + 1 for a review or rollback.
    #[must_use]
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The plan version this one was copied from.
    #[must_use]
    pub fn previous(&self) -> Option<Uuid> {
        self.previous
    }

    /// The person's agreement.
    #[must_use]
    pub fn agreement(&self) -> &Agreement {
        &self.agreement
    }

    /// Signing status.
    #[must_use]
    pub fn signing(&self) -> SigningStatus {
        self.signing
    }

    /// Signing events, oldest first.
    #[must_use]
    pub fn signing_events(&self) -> &[SigningEvent] {
        &self.signing_events
    }

    /// Objectives, in priority order.
    #[must_use]
    pub fn objectives(&self) -> &[Objective] {
        &self.objectives
    }

    /// Progress notes on the plan as a whole.
    #[must_use]
    pub fn notes(&self) -> &[ProgressNote] {
        &self.notes
    }
}

impl SentencePlan {
    /// Starts an unsigned plan at version 1 with a DRAFT agreement.
    pub fn new(new: NewPlan) -> Result<Self, PlanError> {
        if new.created < new.assessment_date {
            return Err(PlanError::DateBeforeAssessment {
                date: new.created,
                assessment_date: new.assessment_date,
            });
        }
        Ok(Self {
            id: new.id,
            plan_type: new.plan_type,
            person_id: new.person_id,
            assessment_id: new.assessment_id,
            assessment_date: new.assessment_date,
            created: new.created,
            version: 1,
            previous: None,
            agreement: Agreement::draft(),
            signing: SigningStatus::Unsigned,
            signing_events: Vec::new(),
            objectives: Vec::new(),
            notes: Vec::new(),
        })
    }

    /// Refuses any change to a signed version.
    pub fn ensure_editable(&self) -> Result<(), PlanError> {
        if self.signing.is_editable() {
            Ok(())
        } else {
            Err(PlanError::PlanSigned {
                status: self.signing,
            })
        }
    }

    fn id_in_use(&self, id: Uuid) -> bool {
        self.objectives
            .iter()
            .any(|o| o.id == id || o.interventions.iter().any(|i| i.id == id))
    }

    /// The objective with this id.
    #[must_use]
    pub fn objective(&self, id: Uuid) -> Option<&Objective> {
        self.objectives.iter().find(|o| o.id == id)
    }

    fn objective_mut(&mut self, id: Uuid) -> Result<&mut Objective, PlanError> {
        self.objectives
            .iter_mut()
            .find(|o| o.id == id)
            .ok_or(PlanError::UnknownObjective { id })
    }

    /// Adds an objective on `on`; returns every problem.
    pub fn add_objective(
        &mut self,
        new: NewObjective,
        on: NaiveDate,
    ) -> Result<(), Vec<PlanError>> {
        self.ensure_editable().map_err(|e| vec![e])?;
        let duplicate = self
            .id_in_use(new.id)
            .then_some(PlanError::DuplicateId { id: new.id });
        match (Objective::create(new, on, self.created), duplicate) {
            (Ok(objective), None) => {
                self.objectives.push(objective);
                Ok(())
            }
            (Ok(_), Some(dup)) => Err(vec![dup]),
            (Err(mut problems), dup) => {
                problems.extend(dup);
                Err(problems)
            }
        }
    }

    /// Adds a step to an objective on `on`; returns every problem.
    pub fn add_intervention(
        &mut self,
        objective: Uuid,
        new: NewIntervention,
        on: NaiveDate,
    ) -> Result<(), Vec<PlanError>> {
        self.ensure_editable().map_err(|e| vec![e])?;
        let duplicate = self
            .id_in_use(new.id)
            .then_some(PlanError::DuplicateId { id: new.id });
        let created = self.created;
        let target = self.objective_mut(objective).map_err(|e| vec![e])?;
        match (Intervention::create(new, on, created), duplicate) {
            (Ok(step), None) => {
                target.interventions.push(step);
                Ok(())
            }
            (Ok(_), Some(dup)) => Err(vec![dup]),
            (Err(mut problems), dup) => {
                problems.extend(dup);
                Err(problems)
            }
        }
    }

    fn check_date(&self, what: &str, on: NaiveDate) -> Result<(), PlanError> {
        if on < self.created {
            return Err(PlanError::DateBeforePlan {
                what: what.into(),
                date: on,
                plan_date: self.created,
            });
        }
        Ok(())
    }

    /// Records an objective's progress code with an optional note.
    pub fn record_objective_progress(
        &mut self,
        objective: Uuid,
        progress: ObjectiveProgress,
        on: NaiveDate,
        note: Option<String>,
    ) -> Result<(), PlanError> {
        self.ensure_editable()?;
        self.check_date("progress", on)?;
        self.objective_mut(objective)?.record(progress, on, note)
    }

    /// Records a step's progress code with an optional note.
    pub fn record_intervention_progress(
        &mut self,
        objective: Uuid,
        step: Uuid,
        progress: InterventionProgress,
        on: NaiveDate,
        note: Option<String>,
    ) -> Result<(), PlanError> {
        self.ensure_editable()?;
        self.check_date("progress", on)?;
        self.objective_mut(objective)?
            .interventions
            .iter_mut()
            .find(|i| i.id == step)
            .ok_or(PlanError::UnknownStep { id: step })?
            .record(progress, on, note)
    }

    /// Adds a progress note to the plan.
    pub fn add_note(&mut self, on: NaiveDate, text: &str) -> Result<(), PlanError> {
        self.ensure_editable()?;
        self.check_date("note", on)?;
        if text.trim().is_empty() {
            return Err(PlanError::TextRequired);
        }
        self.notes.push(ProgressNote {
            date: on,
            text: text.trim().to_owned(),
        });
        Ok(())
    }

    /// Deletes an objective added by mistake from an unsigned version (closing one is done with a
    /// progress code instead, which keeps it for What Works).
    pub fn remove_objective(&mut self, objective: Uuid) -> Result<Objective, PlanError> {
        self.ensure_editable()?;
        let at = self
            .objectives
            .iter()
            .position(|o| o.id == objective)
            .ok_or(PlanError::UnknownObjective { id: objective })?;
        Ok(self.objectives.remove(at))
    }

    /// Moves an objective to a new position (0 = highest priority; past the end = last).
    pub fn move_objective(&mut self, objective: Uuid, position: usize) -> Result<(), PlanError> {
        self.ensure_editable()?;
        let from = self
            .objectives
            .iter()
            .position(|o| o.id == objective)
            .ok_or(PlanError::UnknownObjective { id: objective })?;
        let moved = self.objectives.remove(from);
        let to = position.min(self.objectives.len());
        self.objectives.insert(to, moved);
        Ok(())
    }

    /// The agreement flag assessment-model's completeness and `Command::Sign` take:
    /// `Some(false)` while DRAFT, `Some(true)` once the person's response is recorded.
    #[must_use]
    pub fn plan_agreed(&self) -> Option<bool> {
        Some(self.agreement.status != AgreementStatus::Draft)
    }

    /// The review plan made from this signed version: every open objective is copied with its history,
    /// its open steps and `copied_forward = true`; closed objectives stay in this version, which is unchanged.
    pub fn review(&self, new: NewPlan) -> Result<SentencePlan, Vec<PlanError>> {
        let mut problems = Vec::new();
        if !self.signing.is_signed() {
            problems.push(PlanError::NotSigned {
                status: self.signing,
            });
        }
        if new.person_id != self.person_id {
            problems.push(PlanError::DifferentPerson);
        }
        if new.created < self.created {
            problems.push(PlanError::DateBeforePlan {
                what: "review plan date".into(),
                date: new.created,
                plan_date: self.created,
            });
        }
        let version = self.version.checked_add(1);
        if version.is_none() {
            problems.push(PlanError::VersionOverflow);
        }
        let mut plan = match SentencePlan::new(new) {
            Ok(plan) if problems.is_empty() => plan,
            Ok(_) => return Err(problems),
            Err(e) => {
                problems.push(e);
                return Err(problems);
            }
        };
        plan.version = version.unwrap_or(u32::MAX);
        plan.previous = Some(self.id);
        plan.objectives = self
            .objectives
            .iter()
            .filter(|o| o.is_open())
            .map(Objective::carried_forward)
            .collect();
        Ok(plan)
    }
}
