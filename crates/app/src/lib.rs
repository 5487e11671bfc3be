#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod ports;
pub mod usecases;

pub use ports::*;
pub use usecases::{
    App, AppError, ApplyOptions, NewAssessmentRequest, RequestContext, ScoredAssessment, StoredPlan,
};
