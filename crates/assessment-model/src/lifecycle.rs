//! The lifecycle state machine (spec §11): states, commands, events and `Assessment::apply`.
//! Every accepted command bumps the version and records an event; illegal commands are errors, never panics.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::completeness::Missing;
use crate::countersign::{CountersignRequirement, Rank, SigningLevel};
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
        /// Whether the person's response to the sentence plan is recorded, as the service reads
        /// it from the stored plan (`oasys_app` replaces whatever a client sent); `None` stops
        /// nothing (see [`crate::completeness`]).
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
    /// The document version cannot be increased any further.
    #[error("the assessment version cannot be increased any further")]
    VersionExhausted,
}
