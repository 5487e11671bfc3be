#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod ports;
pub mod usecases;

pub use ports::*;
pub use usecases::{
    AccountChange, AgreementResponse, App, AppError, ApplyOptions, CountersignTask,
    NewAssessmentRequest, PAGE_MAX, PLAN_LOCKED_MESSAGE, Planned, RequestContext, ScoredAssessment,
    SharingCase, StoredPlan,
};
pub use usecases::{
    AnalysisRecord, CoarseOutcome, DIMENSIONS, InterventionExposure, OutcomeImport, OutcomeRecord,
    PredictorScore, RejectedOutcome, ResearchRecord, WhatWorksReport, exposure_of,
};
pub use usecases::{DisclosureRelease, SharingRequestSummary, SharingView, SignIn};
pub use usecases::{
    Listed, REASON_NEEDED_MESSAGE, RestrictedRow, RestrictionReason, StatedReasons,
};
