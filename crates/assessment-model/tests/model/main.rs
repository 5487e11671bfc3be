//! Integration tests of the assessment model: lifecycle, completeness, section 1, compare and reviews.
//! Shared fixtures live in `common.rs`.

mod common;
mod compare;
mod completeness;
mod countersigning;
mod lifecycle;
mod offending;
mod question_set;
mod review;
