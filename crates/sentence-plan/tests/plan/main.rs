//! Integration tests of the sentence-plan crate, one module per concern.
//! Assessments come from assessment-model's own commands (see `common`).

mod changes;
mod common;
mod draft;
mod indicators;
mod lifecycle;
mod progress;
mod review;
mod rmp_draft;
