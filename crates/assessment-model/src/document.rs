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
