//! The assessment document: header, answers, lifecycle state, events and locked history.
//! Fields are private; the document changes only through `create`, `clone_from_previous` and `apply`.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::document::RawAssessment;
use crate::identifiers::{Crn, NomisId};
use crate::lifecycle::{Event, EventCode, Signing, State, Status};
use crate::person::{Gender, OrgCode, Person, PersonError};
use crate::purpose::{CourtReportTemplate, Layer, Purpose};
use crate::question_set::{QuestionSet, Section};
use crate::rosh::{Answers, FullAnalysisDecision, RiskMatrix, RoshScreening};
use crate::vocabulary::AnswerValue;

/// The person as recorded on the assessment when it was created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonSnapshot {
    /// The person's id.
    pub id: Uuid,
    /// CRN at the time.
    pub crn: Option<Crn>,
    /// NOMIS id at the time.
    pub nomis_id: Option<NomisId>,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Gender.
    pub gender: Gender,
}

impl PersonSnapshot {
    /// Takes the snapshot.
    #[must_use]
    pub fn of(person: &Person) -> Self {
        Self {
            id: person.id,
            crn: person.ids.crn().cloned(),
            nomis_id: person.ids.nomis_id().cloned(),
            date_of_birth: person.date_of_birth,
            gender: person.gender,
        }
    }
}

/// Header of an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Assessment id (passed in).
    pub id: Uuid,
    /// The person assessed.
    pub person: PersonSnapshot,
    /// Type / layer.
    pub layer: Layer,
    /// Purpose of assessment.
    pub purpose: Purpose,
    /// The question set the answers belong to.
    pub question_set_version: String,
    /// The predictor set to score with.
    pub predictor_set_version: String,
    /// Owning team.
    pub team: OrgCode,
    /// Staff id of the assigned assessor.
    pub assessor: String,
    /// The date the assessment is for.
    pub assessment_date: NaiveDate,
    /// Court-report template.
    pub court_report: CourtReportTemplate,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When signed (or locked incomplete).
    pub signed_at: Option<DateTime<Utc>>,
    /// When it reached Complete or LockedIncomplete.
    pub completed_at: Option<DateTime<Utc>>,
    /// When voided.
    pub voided_at: Option<DateTime<Utc>>,
    /// The assessment this one was cloned from.
    pub cloned_from: Option<Uuid>,
}

/// What is needed to create an assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssessment {
    /// Assessment id (passed in).
    pub id: Uuid,
    /// Type / layer.
    pub layer: Layer,
    /// Purpose.
    pub purpose: Purpose,
    /// Question set version; must be a built-in set.
    pub question_set_version: String,
    /// Predictor set version.
    pub predictor_set_version: String,
    /// Owning team.
    pub team: OrgCode,
    /// Staff id of the assessor.
    pub assessor: String,
    /// The date the assessment is for.
    pub assessment_date: NaiveDate,
    /// Court-report template.
    pub court_report: CourtReportTemplate,
}

/// Why an assessment could not be created or cloned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CreateError {
    /// The question set version is not known.
    #[error("unknown question set version {version}")]
    UnknownQuestionSet {
        /// The version given.
        version: String,
    },
    /// The person's record fails a check on the assessment date.
    #[error(transparent)]
    Person(#[from] PersonError),
    /// No assessor was named.
    #[error("an assessor is required")]
    NoAssessor,
    /// Only a Complete or LockedIncomplete assessment that is not deleted can be cloned.
    #[error("cannot clone an assessment in state {state}")]
    NotCloneable {
        /// The source's state.
        state: String,
    },
    /// The source belongs to another person.
    #[error("the assessment to clone belongs to another person")]
    DifferentPerson,
}

/// Deletion overlay: the assessment keeps its state underneath.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deletion {
    /// Who deleted it.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub reason: String,
}

/// An immutable copy of a locked version, kept when it is rolled back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedVersion {
    /// The document version at the time of rollback.
    pub version: u64,
    /// The locked state.
    pub state: State,
    /// The answers as locked.
    pub answers: Answers,
    /// When signed.
    pub signed_at: Option<DateTime<Utc>>,
    /// When completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// Who signed and countersigned.
    pub signing: Option<Signing>,
}

/// An assessment document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawAssessment", into = "RawAssessment")]
pub struct Assessment {
    pub(crate) header: Header,
    pub(crate) state: State,
    pub(crate) deleted: Option<Deletion>,
    pub(crate) version: u64,
    pub(crate) answers: Answers,
    pub(crate) unconfirmed: BTreeSet<Section>,
    pub(crate) signing: Option<Signing>,
    pub(crate) events: Vec<Event>,
    pub(crate) history: Vec<LockedVersion>,
}

impl Assessment {
    /// Creates an Open assessment at version 1 with a creation event.
    pub fn create(
        new: NewAssessment,
        person: &Person,
        now: DateTime<Utc>,
    ) -> Result<Self, CreateError> {
        if QuestionSet::builtin(&new.question_set_version).is_none() {
            return Err(CreateError::UnknownQuestionSet {
                version: new.question_set_version,
            });
        }
        if new.assessor.trim().is_empty() {
            return Err(CreateError::NoAssessor);
        }
        person.check_age_on(new.assessment_date)?;
        let header = Header {
            id: new.id,
            person: PersonSnapshot::of(person),
            layer: new.layer,
            purpose: new.purpose,
            question_set_version: new.question_set_version,
            predictor_set_version: new.predictor_set_version,
            team: new.team,
            assessor: new.assessor.clone(),
            assessment_date: new.assessment_date,
            court_report: new.court_report,
            created_at: now,
            signed_at: None,
            completed_at: None,
            voided_at: None,
            cloned_from: None,
        };
        let status = Status {
            state: State::Open,
            deleted: false,
        };
        let event = Event {
            version: 1,
            code: EventCode::Create,
            actor: new.assessor,
            at: now,
            from: status.clone(),
            to: status,
            comment: None,
        };
        Ok(Self {
            header,
            state: State::Open,
            deleted: None,
            version: 1,
            answers: Answers::new(),
            unconfirmed: BTreeSet::new(),
            signing: None,
            events: vec![event],
            history: Vec::new(),
        })
    }

    /// Creates an Open assessment copying forward the answers of a Complete or LockedIncomplete one.
    /// Only answers whose question is marked copy-forward and still valid in the new set are copied;
    /// every section that received copies must be confirmed before signing.
    pub fn clone_from_previous(
        source: &Assessment,
        new: NewAssessment,
        person: &Person,
        now: DateTime<Utc>,
    ) -> Result<Self, CreateError> {
        let locked = matches!(
            source.state,
            State::Complete { .. } | State::LockedIncomplete
        );
        if !locked || source.deleted.is_some() {
            return Err(CreateError::NotCloneable {
                state: source.status().to_string(),
            });
        }
        if source.header.person.id != person.id {
            return Err(CreateError::DifferentPerson);
        }
        let mut next = Self::create(new, person, now)?;
        let qs = next.question_set();
        for (code, value) in &source.answers {
            if let Ok(q) = qs.check(code, value)
                && q.copy_forward
            {
                next.unconfirmed.insert(q.section);
                next.answers.insert(code.clone(), value.clone());
            }
        }
        next.header.cloned_from = Some(source.header.id);
        Ok(next)
    }

    /// The question set the answers belong to (always a built-in set; checked on creation and load).
    #[must_use]
    pub fn question_set(&self) -> &'static QuestionSet {
        QuestionSet::builtin(&self.header.question_set_version).unwrap_or_else(QuestionSet::current)
    }

    /// The header.
    #[must_use]
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The lifecycle state (underneath any deletion overlay).
    #[must_use]
    pub fn state(&self) -> &State {
        &self.state
    }

    /// State plus deletion overlay.
    #[must_use]
    pub fn status(&self) -> Status {
        Status {
            state: self.state.clone(),
            deleted: self.deleted.is_some(),
        }
    }

    /// The deletion overlay, when deleted.
    #[must_use]
    pub fn deleted(&self) -> Option<&Deletion> {
        self.deleted.as_ref()
    }

    /// Document version, bumped by every transition.
    #[must_use]
    pub fn version(&self) -> u64 {
        self.version
    }

    /// All answers by code.
    #[must_use]
    pub fn answers(&self) -> &Answers {
        &self.answers
    }

    /// One answer.
    #[must_use]
    pub fn answer(&self, code: &str) -> Option<&AnswerValue> {
        self.answers.get(code)
    }

    /// Sections copied from a previous assessment and not yet confirmed.
    #[must_use]
    pub fn unconfirmed_sections(&self) -> &BTreeSet<Section> {
        &self.unconfirmed
    }

    /// Signing and countersigning record of the current round.
    #[must_use]
    pub fn signing(&self) -> Option<&Signing> {
        self.signing.as_ref()
    }

    /// Every transition so far; for an assessment read to be changed
    /// ([`Assessment::from_state`]), only those made since it was read.
    #[must_use]
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Locked versions kept by rollbacks, oldest first.
    #[must_use]
    pub fn history(&self) -> &[LockedVersion] {
        &self.history
    }

    /// The ROSH screening view.
    #[must_use]
    pub fn rosh_screening(&self) -> RoshScreening {
        RoshScreening::from_answers(&self.answers)
    }

    /// Whether screening requires a full analysis.
    #[must_use]
    pub fn full_analysis(&self) -> FullAnalysisDecision {
        self.rosh_screening().full_analysis()
    }

    /// The ROSH summary risk matrix.
    #[must_use]
    pub fn risk_matrix(&self) -> RiskMatrix {
        RiskMatrix::from_answers(&self.answers)
    }

    /// The effective date for ordering: completion, else creation.
    #[must_use]
    pub fn effective_at(&self) -> DateTime<Utc> {
        self.header.completed_at.unwrap_or(self.header.created_at)
    }
}
