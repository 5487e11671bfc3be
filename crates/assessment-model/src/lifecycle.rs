//! The lifecycle state machine (spec §11): states, commands, events and `Assessment::apply`.
//! Every accepted command bumps the version and records an event; illegal commands are errors, never panics.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::assessment::{Assessment, Deletion, LockedVersion};
use crate::completeness::{Missing, completeness};
use crate::countersign::{
    CountersignRequirement, Rank, SigningLevel, countersign_required, eligible_countersigner,
};
use crate::question_set::{AnswerError, Section};
use crate::vocabulary::{AnswerValue, RiskLevel};

/// How a complete assessment was signed off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Signed by the assessor alone.
    SelfSigned,
    /// Countersigned once.
    Countersigned,
    /// Countersigned twice.
    DoubleCountersigned,
}

/// Lifecycle state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case", deny_unknown_fields)]
pub enum State {
    /// Draft, editable by the assessor.
    Open,
    /// Signed (or locked incomplete) and waiting for a countersignature.
    AwaitingCountersign {
        /// Locked with mandatory answers missing.
        incomplete: bool,
    },
    /// First countersignature given; a second is needed.
    AwaitingDoubleCountersign {
        /// Locked with mandatory answers missing.
        incomplete: bool,
    },
    /// Locked and complete.
    Complete {
        /// How it was signed off.
        outcome: Outcome,
    },
    /// Locked with mandatory answers missing.
    LockedIncomplete,
    /// Voided: terminal, excluded from everything.
    Voided,
}

/// State plus the deletion overlay.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Status {
    /// The state.
    pub state: State,
    /// Whether the deletion overlay is on.
    pub deleted: bool,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.state {
            State::Open => f.write_str("open")?,
            State::AwaitingCountersign { incomplete } => {
                write!(f, "awaiting countersign (incomplete: {incomplete})")?
            }
            State::AwaitingDoubleCountersign { incomplete } => {
                write!(f, "awaiting second countersign (incomplete: {incomplete})")?;
            }
            State::Complete { outcome } => write!(f, "complete ({outcome:?})")?,
            State::LockedIncomplete => f.write_str("locked incomplete")?,
            State::Voided => f.write_str("voided")?,
        }
        if self.deleted {
            f.write_str(", deleted")
        } else {
            Ok(())
        }
    }
}

/// OASys event codes (plus our own for edits and voiding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)]
pub enum EventCode {
    Create,
    Answer,
    ConfirmSection,
    Reassign,
    Signing,
    LockedIncomplete,
    Countersigning,
    AwaitingSbc,
    Rejection,
    Rollback,
    AssmtDelSigning,
    AssmtDelCountersigning,
    AssDelRestore,
    Void,
}

/// A recorded transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Document version after the transition.
    pub version: u64,
    /// Event code.
    pub code: EventCode,
    /// Staff id of who did it.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Status before.
    pub from: Status,
    /// Status after.
    pub to: Status,
    /// Comment or reason.
    pub comment: Option<String>,
}

/// Who is acting, with what they bring to signing decisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Staff id.
    pub id: String,
    /// Framework-role rank.
    pub rank: Rank,
    /// Personal signing level, replacing the grade default when set.
    pub signing_level: Option<SigningLevel>,
}

/// Who signed and countersigned in the current round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signing {
    /// The signer.
    pub signer: Actor,
    /// Overall ROSH at signing.
    pub overall_rosh: Option<RiskLevel>,
    /// What the rule required.
    pub requirement: CountersignRequirement,
    /// Staff id of the first countersigner.
    pub first_countersigner: Option<String>,
    /// Staff id of the second countersigner.
    pub second_countersigner: Option<String>,
}

/// A lifecycle command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Records an answer.
    Answer {
        /// Question code.
        code: String,
        /// The value.
        value: AnswerValue,
    },
    /// Removes an answer.
    ClearAnswer {
        /// Question code.
        code: String,
    },
    /// Confirms a section copied from a previous assessment.
    ConfirmSection {
        /// The section.
        section: Section,
    },
    /// Assigns another assessor.
    ReassignAssessor {
        /// Staff id of the new assessor.
        assessor: String,
    },
    /// Signs; refuses when anything is missing.
    Sign {
        /// Whether the sentence plan is agreed (checked by the plan crate); `None` when not applicable.
        plan_agreed: Option<bool>,
    },
    /// Locks with answers missing.
    LockIncomplete {
        /// Why.
        reason: String,
    },
    /// First countersignature.
    Countersign {
        /// Send on for a second countersignature (required when the rule says Double).
        send_for_second: bool,
    },
    /// Second countersignature.
    SecondCountersign,
    /// Sends back to the assessor for rework.
    Reject {
        /// Why.
        comment: String,
    },
    /// Reopens a locked assessment as a new version; the locked version is kept in history.
    Rollback {
        /// Why.
        reason: String,
    },
    /// Puts the deletion overlay on.
    Delete {
        /// Why.
        reason: String,
    },
    /// Takes the deletion overlay off.
    Restore {
        /// Why.
        reason: String,
    },
    /// Voids the assessment for good.
    Void {
        /// Why.
        reason: String,
    },
}

impl Command {
    /// The command's name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Answer { .. } => "answer",
            Self::ClearAnswer { .. } => "clear_answer",
            Self::ConfirmSection { .. } => "confirm_section",
            Self::ReassignAssessor { .. } => "reassign_assessor",
            Self::Sign { .. } => "sign",
            Self::LockIncomplete { .. } => "lock_incomplete",
            Self::Countersign { .. } => "countersign",
            Self::SecondCountersign => "second_countersign",
            Self::Reject { .. } => "reject",
            Self::Rollback { .. } => "rollback",
            Self::Delete { .. } => "delete",
            Self::Restore { .. } => "restore",
            Self::Void { .. } => "void",
        }
    }
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LifecycleError {
    /// The command does not apply in this state.
    #[error("cannot {command} an assessment that is {state}")]
    IllegalTransition {
        /// The current status.
        state: Status,
        /// The command's name.
        command: &'static str,
    },
    /// A reason or comment is required.
    #[error("{command} needs a reason")]
    ReasonRequired {
        /// The command's name.
        command: &'static str,
    },
    /// The answer is not valid for the question set.
    #[error(transparent)]
    Answer(#[from] AnswerError),
    /// Signing refused: these items are missing or inconsistent.
    #[error("cannot sign: {} sections incomplete", .missing.len())]
    SectionIncomplete {
        /// Everything missing, per section.
        missing: Vec<Missing>,
    },
    /// The signer cannot countersign or reject their own assessment.
    #[error("the signer cannot countersign their own assessment")]
    CountersignerIsSigner,
    /// The second countersigner already countersigned once.
    #[error("the second countersigner must differ from the first")]
    SameCountersigner,
    /// The countersigner's rank is too low.
    #[error("rank {rank} cannot countersign for a rank {signer_rank} signer at this risk level")]
    IneligibleCountersigner {
        /// The countersigner's rank.
        rank: u8,
        /// The signer's rank.
        signer_rank: u8,
    },
    /// The rule requires a second countersignature, so the countersigner must send it on.
    #[error("a second countersignature is required")]
    SecondCountersignatureRequired,
    /// A blank staff id was given.
    #[error("an assessor is required")]
    NoAssessor,
}

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
        self.version += 1;
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
        let Some(signing) = self.signing.as_mut() else {
            return Err(illegal());
        };
        if signing.signer.id == actor.id {
            return Err(LifecycleError::CountersignerIsSigner);
        }
        if !eligible_countersigner(signing.signer.rank, actor.rank, signing.overall_rosh) {
            return Err(LifecycleError::IneligibleCountersigner {
                rank: actor.rank.get(),
                signer_rank: signing.signer.rank.get(),
            });
        }
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
        let Some(signing) = self.signing.as_mut() else {
            return Err(illegal());
        };
        if signing.signer.id == actor.id {
            return Err(LifecycleError::CountersignerIsSigner);
        }
        if signing.first_countersigner.as_deref() == Some(actor.id.as_str()) {
            return Err(LifecycleError::SameCountersigner);
        }
        if actor.rank.get() < 4 {
            return Err(LifecycleError::IneligibleCountersigner {
                rank: actor.rank.get(),
                signer_rank: signing.signer.rank.get(),
            });
        }
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
