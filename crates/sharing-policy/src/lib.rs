#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod action;
pub mod actor;
pub mod audit;
mod content;
pub mod decide;
pub mod decision;
pub mod deidentify;
pub mod lao;
pub mod legal_basis;
pub mod matrix;
pub mod package;
mod package_steps;
pub mod redaction;
pub mod render;
pub mod request;
pub mod resource;
mod state_rules;
pub mod template;
pub mod workflow;

pub use action::Action;
pub use actor::{Actor, Role};
pub use audit::{
    AuditContext, AuditError, AuditEvent, AuditOutcome, Operation, Subject, access_event,
    decision_event, disclosure_event, expiry_event,
};
pub use content::level_definition;
pub use decide::{AccessBasis, Decision, Denial, DenyCode, Reveal, decide};
pub use decision::{
    DecisionDraft, DecisionError, DecisionProblem, DeclineCategory, DeclineReason, ItemException,
    MIN_STATEMENT_CHARS, Outcome, RecipientCondition, SharingDecision, SubjectInformed,
    decide_request,
};
pub use deidentify::{
    DeidentifiedRecord, PseudonymKey, deidentified_dataset, deidentify, pseudonym,
    suppress_small_cells,
};
pub use lao::{LaoLists, LaoStanding};
pub use legal_basis::LegalBasis;
pub use matrix::{Cell, Column, MATRIX, cell};
pub use package::{
    DisclosurePackage, MonitoringSummary, PackageError, PackageItem, PackageStatus, Redaction,
    ReleaseChannel, allowed, build_package,
};
pub use redaction::{SpanError, SpanRedaction, apply_spans};
pub use request::{
    Agency, AgencyKind, Channel, ChildAge, ChildConcerned, ChildRelationship, DueOverride,
    PurposeKind, RequestDraft, RequestError, RequestProblem, RequestState, RequestStep, Requester,
    SharingRequest, Urgency, WorkflowError, default_due,
};
pub use resource::{
    AssessmentFacts, CaseResource, Relationship, RelationshipKind, Resource, SharingFacts,
    SigningFacts,
};
pub use template::{RedactionReason, TemplateSection, Treatment};
