//! Editing an unsigned plan version: objectives and steps added, progress codes recorded with their
//! history, notes, order and removal; every change is refused once the version is signed.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::intervention::{Intervention, NewIntervention};
use crate::objective::{NewObjective, Objective};
use crate::plan::{PlanError, ProgressNote, SentencePlan};
use crate::status::{InterventionProgress, ObjectiveProgress};

impl SentencePlan {
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
