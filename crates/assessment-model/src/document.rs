//! The JSON document form of an assessment: a mirror of its fields that is checked on the way in,
//! so a document naming an unknown question set or holding out-of-vocabulary answers is refused.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::assessment::{Assessment, Deletion, Header, LockedVersion};
use crate::lifecycle::{Event, Signing, State};
use crate::question_set::{AnswerError, QuestionSet, Section};
use crate::rosh::Answers;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAssessment {
    header: Header,
    state: State,
    deleted: Option<Deletion>,
    version: u64,
    answers: Answers,
    unconfirmed_sections: BTreeSet<Section>,
    signing: Option<Signing>,
    events: Vec<Event>,
    history: Vec<LockedVersion>,
}

/// Why a JSON document is not a valid assessment.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DocumentError {
    /// The question set version is not known.
    #[error("unknown question set version {version}")]
    UnknownQuestionSet {
        /// The version named by the document.
        version: String,
    },
    /// Some answers are not valid for the question set.
    #[error("{} invalid answers, first: {}", .errors.len(), .errors.first().map(ToString::to_string).unwrap_or_default())]
    InvalidAnswers {
        /// Every invalid answer.
        errors: Vec<AnswerError>,
    },
}

impl TryFrom<RawAssessment> for Assessment {
    type Error = DocumentError;
    fn try_from(raw: RawAssessment) -> Result<Self, Self::Error> {
        let version = &raw.header.question_set_version;
        let qs =
            QuestionSet::builtin(version).ok_or_else(|| DocumentError::UnknownQuestionSet {
                version: version.clone(),
            })?;
        let errors = qs.check_all(&raw.answers);
        if !errors.is_empty() {
            return Err(DocumentError::InvalidAnswers { errors });
        }
        Ok(Self {
            header: raw.header,
            state: raw.state,
            deleted: raw.deleted,
            version: raw.version,
            answers: raw.answers,
            unconfirmed: raw.unconfirmed_sections,
            signing: raw.signing,
            events: raw.events,
            history: raw.history,
        })
    }
}

/// An assessment without its event log, borrowed for writing: the form in which storage keeps
/// the document apart from the log (the log grows with every answer, the rest does not). Same
/// fields and order as the whole document, less `events`.
#[derive(Debug, Serialize)]
pub struct WithoutEvents<'a> {
    header: &'a Header,
    state: &'a State,
    deleted: &'a Option<Deletion>,
    version: u64,
    answers: &'a Answers,
    unconfirmed_sections: &'a BTreeSet<Section>,
    signing: &'a Option<Signing>,
    history: &'a [LockedVersion],
}

/// An assessment read back without its event log (the JSON written from [`WithoutEvents`]);
/// [`Assessment::from_parts`] joins it to its events and checks it as a whole document is
/// checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateDocument {
    header: Header,
    state: State,
    deleted: Option<Deletion>,
    version: u64,
    answers: Answers,
    unconfirmed_sections: BTreeSet<Section>,
    signing: Option<Signing>,
    history: Vec<LockedVersion>,
}

impl Assessment {
    /// This assessment without its event log, to serialize.
    #[must_use]
    pub fn without_events(&self) -> WithoutEvents<'_> {
        WithoutEvents {
            header: &self.header,
            state: &self.state,
            deleted: &self.deleted,
            version: self.version,
            answers: &self.answers,
            unconfirmed_sections: &self.unconfirmed,
            signing: &self.signing,
            history: &self.history,
        }
    }

    /// Joins a document stored without its events to its event log (oldest first), with the
    /// checks of a whole document.
    pub fn from_parts(state: StateDocument, events: Vec<Event>) -> Result<Self, DocumentError> {
        Self::try_from(RawAssessment {
            header: state.header,
            state: state.state,
            deleted: state.deleted,
            version: state.version,
            answers: state.answers,
            unconfirmed_sections: state.unconfirmed_sections,
            signing: state.signing,
            events,
            history: state.history,
        })
    }

    /// A document stored without its events, read in order to change it: the same checks as
    /// [`Assessment::from_parts`], but the event log starts empty and `events()` then holds only
    /// the transitions made since, which is all that saving it needs (the store keeps the log
    /// and appends the events past the version it holds). Not for showing: the log is not whole.
    pub fn from_state(state: StateDocument) -> Result<Self, DocumentError> {
        Self::from_parts(state, Vec::new())
    }
}

impl From<Assessment> for RawAssessment {
    fn from(a: Assessment) -> Self {
        Self {
            header: a.header,
            state: a.state,
            deleted: a.deleted,
            version: a.version,
            answers: a.answers,
            unconfirmed_sections: a.unconfirmed,
            signing: a.signing,
            events: a.events,
            history: a.history,
        }
    }
}
