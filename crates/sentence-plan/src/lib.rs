//! The sentence-plan crate root: module map and re-exports.
//! See README.md (the crate documentation) for the codemap and invariants.
#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod catalogue;
pub mod conditions;
pub mod draft;
pub mod editing;
pub mod error;
pub mod indicators;
pub mod intervention;
pub mod link;
pub mod objective;
pub mod plan;
pub mod progress;
pub mod review;
pub mod rmp;
mod rmp_draft;
pub mod signing;
pub mod status;

pub use catalogue::{
    Availability, CATALOGUE_JSON, CatalogueEntry, CatalogueError, InterventionKind, StepActor,
    catalogue, entry, load_catalogue, suggest, suggest_in,
};
pub use conditions::{
    BreachAction, CONDITION_TYPES_JSON, ComplianceEvent, ComplianceKind, Condition,
    ConditionCategory, ConditionError, ConditionType, NewCondition, OrderKind, active_on,
    condition_type, condition_types,
};
pub use draft::{DraftOptions, Priority, draft_plan, draft_sections};
pub use editing::PlanChange;
pub use indicators::{Indicator, IndicatorKind, Trigger, indicators, setting_of};
pub use intervention::{Intervention, NewIntervention, ProgressEntry, Timescale};
pub use link::{Link, RiskFactor, is_need_section};
pub use objective::{NewObjective, Objective, objective_title};
pub use plan::{NewPlan, PlanError, PlanType, ProgressNote, SentencePlan};
pub use progress::{
    CompletedStep, ObjectiveChange, ObjectiveOutcome, PlanProgress, ProgressError, compare_plans,
};
pub use review::{Overdue, PlanReview, overdue, review_plan};
pub use rmp::{
    MappaCategory, MappaLevel, REGISTRATION_FLAGS, REQUIRED_TEXT, RiskManagementPlan, RmpCheck,
    RmpProblem, check_rmp,
};
pub use rmp_draft::draft_rmp;
pub use signing::{Agreement, AgreementStatus, SigningEvent, SigningStatus};
pub use status::{GoalStatus, InterventionProgress, ObjectiveProgress};
