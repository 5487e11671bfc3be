//! The lifecycle transitions: `Assessment::apply` checks each command against the state and its guards,
//! then bumps the version and records the event; on error nothing changes.

use chrono::{DateTime, Utc};

use crate::assessment::{Assessment, Deletion, LockedVersion};
use crate::completeness::completeness;
use crate::countersign::{CountersignRequirement, countersign_required, eligible_countersigner};
use crate::lifecycle::{Actor, Command, Event, EventCode, LifecycleError, Outcome, Signing, State};
use crate::question_set::AnswerError;

fn reason(command: &Command, text: &str) -> Result<String, LifecycleError> {
    if text.trim().is_empty() {
        Err(LifecycleError::ReasonRequired {
            command: command.name(),
        })
    } else {
        Ok(text.to_owned())
    }
}

impl Assessment {
    /// Applies a command: on success the version is bumped and the event recorded; on error nothing changes.
    pub fn apply(
        &mut self,
        actor: &Actor,
        at: DateTime<Utc>,
        command: Command,
    ) -> Result<Event, LifecycleError> {
        let next_version = self
            .version
            .checked_add(1)
            .ok_or(LifecycleError::VersionExhausted)?;
        let from = self.status();
        let illegal = || LifecycleError::IllegalTransition {
            state: from.clone(),
            command: command.name(),
        };
        let deleted = self.deleted.is_some();
        let open = self.state == State::Open && !deleted;
        let mut comment = None;
        let code = match &command {
            Command::Restore { .. } | Command::Void { .. } | Command::Delete { .. }
                if self.state == State::Voided =>
            {
                return Err(illegal());
            }
            Command::Restore { reason: r } => {
                if !deleted {
                    return Err(illegal());
                }
                comment = Some(reason(&command, r)?);
                self.deleted = None;
                EventCode::AssDelRestore
            }
            Command::Void { reason: r } => {
                comment = Some(reason(&command, r)?);
                self.state = State::Voided;
                self.header.voided_at = Some(at);
                EventCode::Void
            }
            _ if deleted => return Err(illegal()),
            Command::Delete { reason: r } => {
                comment = Some(reason(&command, r)?);
                self.deleted = Some(Deletion {
                    by: actor.id.clone(),
                    at,
                    reason: r.clone(),
                });
                match self.state {
                    State::AwaitingCountersign { .. } | State::AwaitingDoubleCountersign { .. } => {
                        EventCode::AssmtDelCountersigning
                    }
                    _ => EventCode::AssmtDelSigning,
                }
            }
            Command::Answer { code, value } if open => {
                self.question_set().check(code, value)?;
                self.answers.insert(code.clone(), value.clone());
                EventCode::Answer
            }
            Command::ClearAnswer { code } if open => {
                if self.question_set().question(code).is_none() {
                    return Err(AnswerError::UnknownQuestion { code: code.clone() }.into());
                }
                self.answers.remove(code);
                EventCode::Answer
            }
            Command::ConfirmSection { section } if open => {
                self.unconfirmed.remove(section);
                EventCode::ConfirmSection
            }
            Command::ReassignAssessor { assessor } if open => {
                if assessor.trim().is_empty() {
                    return Err(LifecycleError::NoAssessor);
                }
                self.header.assessor = assessor.clone();
                EventCode::Reassign
            }
            Command::Sign { plan_agreed } if open => {
                let missing = completeness(self, *plan_agreed);
                if !missing.is_empty() {
                    return Err(LifecycleError::SectionIncomplete { missing });
                }
                self.sign(actor, at, false);
                EventCode::Signing
            }
            Command::LockIncomplete { reason: r } if open => {
                comment = Some(reason(&command, r)?);
                self.sign(actor, at, true);
                EventCode::LockedIncomplete
            }
            Command::Countersign { send_for_second } => {
                self.countersign(actor, at, *send_for_second, illegal)?
            }
            Command::SecondCountersign => self.second_countersign(actor, at, illegal)?,
            Command::Reject { comment: c } => {
                if !matches!(
                    self.state,
                    State::AwaitingCountersign { .. } | State::AwaitingDoubleCountersign { .. }
                ) {
                    return Err(illegal());
                }
                comment = Some(reason(&command, c)?);
                if self
                    .signing
                    .as_ref()
                    .is_some_and(|s| s.signer.id == actor.id)
                {
                    return Err(LifecycleError::CountersignerIsSigner);
                }
                self.reopen();
                EventCode::Rejection
            }
            Command::Rollback { reason: r } => {
                if !matches!(self.state, State::Complete { .. } | State::LockedIncomplete) {
                    return Err(illegal());
                }
                comment = Some(reason(&command, r)?);
                self.history.push(LockedVersion {
                    version: self.version,
                    state: self.state.clone(),
                    answers: self.answers.clone(),
                    signed_at: self.header.signed_at,
                    completed_at: self.header.completed_at,
                    signing: self.signing.clone(),
                });
                self.reopen();
                EventCode::Rollback
            }
            _ => return Err(illegal()),
        };
        self.version = next_version;
        let event = Event {
            version: self.version,
            code,
            actor: actor.id.clone(),
            at,
            from,
            to: self.status(),
            comment,
        };
        self.events.push(event.clone());
        Ok(event)
    }

    /// Whether `who` may give the countersignature this assessment waits for: not the signer;
    /// for the first, a rank above the signer's and at least 3 (4 at Very High); for the
    /// second, rank 4 or above and not the first countersigner. `Err(None)` when it waits for
    /// no countersignature. Checked when a countersigner is nominated as well as when they act,
    /// so that an assessment never waits for someone who cannot countersign it.
    pub fn check_countersigner(&self, who: &Actor) -> Result<(), Option<LifecycleError>> {
        let second = match self.state {
            State::AwaitingCountersign { .. } => false,
            State::AwaitingDoubleCountersign { .. } => true,
            _ => return Err(None),
        };
        let signing = self.signing.as_ref().ok_or(None)?;
        let ineligible = || {
            Some(LifecycleError::IneligibleCountersigner {
                rank: who.rank.get(),
                signer_rank: signing.signer.rank.get(),
            })
        };
        if signing.signer.id == who.id {
            Err(Some(LifecycleError::CountersignerIsSigner))
        } else if !second {
            if eligible_countersigner(signing.signer.rank, who.rank, signing.overall_rosh) {
                Ok(())
            } else {
                Err(ineligible())
            }
        } else if signing.first_countersigner.as_deref() == Some(who.id.as_str()) {
            Err(Some(LifecycleError::SameCountersigner))
        } else if who.rank.get() < 4 {
            Err(ineligible())
        } else {
            Ok(())
        }
    }

    fn reopen(&mut self) {
        self.state = State::Open;
        self.signing = None;
        self.header.signed_at = None;
        self.header.completed_at = None;
    }

    fn sign(&mut self, actor: &Actor, at: DateTime<Utc>, incomplete: bool) {
        let overall_rosh = self.risk_matrix().overall();
        let requirement = countersign_required(actor.rank, actor.signing_level, overall_rosh);
        self.header.signed_at = Some(at);
        self.state = match (requirement, incomplete) {
            (CountersignRequirement::None, false) => State::Complete {
                outcome: Outcome::SelfSigned,
            },
            (CountersignRequirement::None, true) => State::LockedIncomplete,
            (_, incomplete) => State::AwaitingCountersign { incomplete },
        };
        if requirement == CountersignRequirement::None {
            self.header.completed_at = Some(at);
        }
        self.signing = Some(Signing {
            signer: actor.clone(),
            overall_rosh,
            requirement,
            first_countersigner: None,
            second_countersigner: None,
        });
    }

    fn countersign(
        &mut self,
        actor: &Actor,
        at: DateTime<Utc>,
        send_for_second: bool,
        illegal: impl Fn() -> LifecycleError,
    ) -> Result<EventCode, LifecycleError> {
        let State::AwaitingCountersign { incomplete } = self.state else {
            return Err(illegal());
        };
        self.check_countersigner(actor)
            .map_err(|e| e.unwrap_or_else(&illegal))?;
        let Some(signing) = self.signing.as_mut() else {
            return Err(illegal());
        };
        if signing.requirement == CountersignRequirement::Double && !send_for_second {
            return Err(LifecycleError::SecondCountersignatureRequired);
        }
        signing.first_countersigner = Some(actor.id.clone());
        if send_for_second {
            self.state = State::AwaitingDoubleCountersign { incomplete };
            return Ok(EventCode::AwaitingSbc);
        }
        self.complete(at, incomplete, Outcome::Countersigned);
        Ok(EventCode::Countersigning)
    }

    fn second_countersign(
        &mut self,
        actor: &Actor,
        at: DateTime<Utc>,
        illegal: impl Fn() -> LifecycleError,
    ) -> Result<EventCode, LifecycleError> {
        let State::AwaitingDoubleCountersign { incomplete } = self.state else {
            return Err(illegal());
        };
        self.check_countersigner(actor)
            .map_err(|e| e.unwrap_or_else(&illegal))?;
        let Some(signing) = self.signing.as_mut() else {
            return Err(illegal());
        };
        signing.second_countersigner = Some(actor.id.clone());
        self.complete(at, incomplete, Outcome::DoubleCountersigned);
        Ok(EventCode::Countersigning)
    }

    fn complete(&mut self, at: DateTime<Utc>, incomplete: bool, outcome: Outcome) {
        self.state = if incomplete {
            State::LockedIncomplete
        } else {
            State::Complete { outcome }
        };
        self.header.completed_at = Some(at);
    }
}
