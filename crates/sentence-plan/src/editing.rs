//! Editing an unsigned plan version: objectives and steps added, progress codes recorded with their
//! history, notes, order and removal; every change is refused once the version is signed.
//! [`PlanChange`] is one such edit as data, for a service that takes edits from outside: the
//! date and the new ids come from the service, so a change cannot backdate history or forge
//! the agreement, the signing status or earlier entries.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::catalogue::StepActor;
use crate::intervention::{Intervention, NewIntervention, Timescale};
use crate::link::Link;
use crate::objective::{NewObjective, Objective};
use crate::plan::{PlanError, ProgressNote, SentencePlan};
use crate::status::{InterventionProgress, ObjectiveProgress};

/// One edit of an unsigned plan version, applied with [`SentencePlan::apply_change`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case", deny_unknown_fields)]
pub enum PlanChange {
    /// Adds an objective (its id is given by the service).
    AddObjective {
        /// Title (from the reference list or the practitioner's own).
        title: String,
        /// Further text in the person's words.
        #[serde(default)]
        text: String,
        /// The needs and ROSH factors it addresses (at least one).
        links: Vec<Link>,
        /// How progress will be measured.
        #[serde(default)]
        measure: String,
        /// Target date; none makes it a future goal.
        #[serde(default)]
        target_date: Option<NaiveDate>,
    },
    /// Adds a step to an objective (its id is given by the service).
    AddStep {
        /// The objective.
        objective: Uuid,
        /// Catalogue code, when the step is a catalogue entry.
        #[serde(default)]
        catalogue_code: Option<String>,
        /// What will be done; blank takes the catalogue entry's name.
        #[serde(default)]
        text: String,
        /// Who does the work (at least one).
        actors: Vec<StepActor>,
        /// Timescale or target date.
        timescale: Timescale,
    },
    /// Records an objective's progress code, dated today, with an optional note.
    ObjectiveProgress {
        /// The objective.
        objective: Uuid,
        /// The legacy progress code.
        progress: ObjectiveProgress,
        /// A note.
        #[serde(default)]
        note: Option<String>,
    },
    /// Records a step's progress code, dated today, with an optional note.
    StepProgress {
        /// The objective.
        objective: Uuid,
        /// The step.
        step: Uuid,
        /// The legacy progress code.
        progress: InterventionProgress,
        /// A note.
        #[serde(default)]
        note: Option<String>,
    },
    /// Adds a progress note on the plan as a whole, dated today.
    Note {
        /// The note.
        text: String,
    },
    /// Deletes an objective added by mistake (close one with a progress code instead).
    RemoveObjective {
        /// The objective.
        objective: Uuid,
    },
    /// Moves an objective to a position (0 = highest priority; past the end = last).
    MoveObjective {
        /// The objective.
        objective: Uuid,
        /// The new position.
        position: usize,
    },
}

impl PlanChange {
    /// The change's name, as `change` names it in JSON.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::AddObjective { .. } => "add_objective",
            Self::AddStep { .. } => "add_step",
            Self::ObjectiveProgress { .. } => "objective_progress",
            Self::StepProgress { .. } => "step_progress",
            Self::Note { .. } => "note",
            Self::RemoveObjective { .. } => "remove_objective",
            Self::MoveObjective { .. } => "move_objective",
        }
    }
}

fn blank_to_none(note: Option<String>) -> Option<String> {
    note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty())
}

impl SentencePlan {
    /// Applies one change on `on` (today, from the caller's clock); `new_id` is the id an added
    /// objective or step gets. Returns every problem; on error the plan is unchanged.
    pub fn apply_change(
        &mut self,
        change: PlanChange,
        on: NaiveDate,
        new_id: Uuid,
    ) -> Result<(), Vec<PlanError>> {
        match change {
            PlanChange::AddObjective {
                title,
                text,
                links,
                measure,
                target_date,
            } => self.add_objective(
                NewObjective {
                    id: new_id,
                    title: title.trim().to_owned(),
                    text: text.trim().to_owned(),
                    links,
                    measure: measure.trim().to_owned(),
                    target_date,
                },
                on,
            ),
            PlanChange::AddStep {
                objective,
                catalogue_code,
                text,
                actors,
                timescale,
            } => self.add_intervention(
                objective,
                NewIntervention {
                    id: new_id,
                    catalogue_code,
                    text: text.trim().to_owned(),
                    actors,
                    timescale,
                },
                on,
            ),
            PlanChange::ObjectiveProgress {
                objective,
                progress,
                note,
            } => self
                .record_objective_progress(objective, progress, on, blank_to_none(note))
                .map_err(|e| vec![e]),
            PlanChange::StepProgress {
                objective,
                step,
                progress,
                note,
            } => self
                .record_intervention_progress(objective, step, progress, on, blank_to_none(note))
                .map_err(|e| vec![e]),
            PlanChange::Note { text } => self.add_note(on, &text).map_err(|e| vec![e]),
            PlanChange::RemoveObjective { objective } => self
                .remove_objective(objective)
                .map(|_| ())
                .map_err(|e| vec![e]),
            PlanChange::MoveObjective {
                objective,
                position,
            } => self
                .move_objective(objective, position)
                .map_err(|e| vec![e]),
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
}
