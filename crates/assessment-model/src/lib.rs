#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod answers;
pub mod assessment;
pub mod compare;
pub mod completeness;
pub mod countersign;
pub mod document;
pub mod identifiers;
pub mod lifecycle;
pub mod offending;
pub mod person;
pub mod purpose;
mod question_data;
pub mod question_set;
pub mod review;
pub mod rosh;
pub mod sections;
mod transitions;
pub mod vocabulary;

pub use assessment::{
    Assessment, CreateError, Deletion, Header, LockedVersion, NewAssessment, PersonSnapshot,
};
pub use compare::{
    AnswerChange, CellChange, CompareError, Comparison, ConcernChange, Direction, FlagChange,
    HeaderChange, LevelChange, NeedChange, NeedStatus, RmpComparison, RoshComparison, compare,
};
pub use completeness::{Missing, MissingReason, completeness};
pub use countersign::{
    CountersignRequirement, Rank, SigningLevel, countersign_required, eligible_countersigner,
};
pub use document::{DocumentError, StateDocument, WithoutEvents};
pub use identifiers::{Crn, IdentifierError, NomisId, Pnc};
pub use lifecycle::{
    Actor, Command, Event, EventCode, LifecycleError, Outcome, Signing, State, Status,
};
pub use offending::{PredictorFacts, Section1Problem};
pub use person::{
    CaseIds, Ethnicity, Gender, Location, Name, OrgCode, Person, PersonError, SentenceFacts,
};
pub use purpose::{CourtReportTemplate, Layer, Purpose, PurposeGroup};
pub use question_data::rosh::{FULL_ANALYSIS_RATIONALE, MAPPA_CATEGORY, MAPPA_LEVEL};
pub use question_data::{CURRENT_VERSION, PREVIOUS_VERSION};
pub use question_set::{
    AnswerError, Condition, NeedSectionRule, Question, QuestionSet, Requirement, Section,
};
pub use review::{ReviewDue, ReviewEvent, ReviewReason, next_review, next_review_for};
pub use rosh::{
    Answers, Concern, FullAnalysisDecision, RiskCell, RiskGroup, RiskMatrix, RiskSetting,
    RoshScreening,
};
pub use sections::{SectionScore, Severity};
pub use vocabulary::{
    AnswerValue, CategorySystem, Frequency, Injecting, RelationshipStatus, RiskLevel, Vocabulary,
};
