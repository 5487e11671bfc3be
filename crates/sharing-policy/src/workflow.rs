//! The request workflow: states, steps and `SharingRequest::advance`; a step that does not apply
//! is an error naming the state and the step, and changes nothing.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::request::SharingRequest;

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// Where a request is in its workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    /// Recorded.
    Received,
    /// Assigned to the case manager or an SPO.
    Assigned,
    /// Decided: share in full.
    DecidedFull,
    /// Decided: share in part.
    DecidedPartial,
    /// Decided: decline.
    Declined,
    /// Package built, free text awaiting review.
    PackageDrafted,
    /// Every text block reviewed.
    RedactionReviewed,
    /// Approved by a second person.
    Approved,
    /// Released to the requester.
    Released,
    /// Past its expiry; content purged.
    Expired,
    /// Withdrawn by the requester before release.
    Withdrawn,
    /// Declined and closed.
    Closed,
}

impl RequestState {
    /// Every state.
    pub const ALL: [RequestState; 12] = [
        Self::Received,
        Self::Assigned,
        Self::DecidedFull,
        Self::DecidedPartial,
        Self::Declined,
        Self::PackageDrafted,
        Self::RedactionReviewed,
        Self::Approved,
        Self::Released,
        Self::Expired,
        Self::Withdrawn,
        Self::Closed,
    ];
}

/// A workflow step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum RequestStep {
    /// Assign to a staff member.
    Assign {
        /// Staff id.
        assignee: String,
    },
    /// Record the decision's outcome (use [`crate::decision::SharingDecision::outcome`]).
    Decide {
        /// The resulting state: `DecidedFull`, `DecidedPartial` or `Declined`.
        outcome: crate::decision::Outcome,
    },
    /// A package was built.
    DraftPackage,
    /// Every text block was reviewed.
    CompleteRedactionReview,
    /// The package was approved.
    Approve,
    /// The package was released.
    Release,
    /// The package expired.
    Expire,
    /// The requester withdrew.
    Withdraw {
        /// Why.
        reason: String,
    },
    /// Close a declined request.
    Close,
}

/// A step that does not apply in the current state.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WorkflowError {
    /// The step does not apply.
    #[error("a request that is {state:?} cannot take the step {step}")]
    IllegalStep {
        /// The current state.
        state: RequestState,
        /// The step's name.
        step: &'static str,
    },
    /// A blank assignee or reason.
    #[error("{0} is required")]
    Missing(&'static str),
}

/// A recorded workflow step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestEvent {
    /// State before.
    pub from: RequestState,
    /// State after.
    pub to: RequestState,
    /// Staff id.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

impl SharingRequest {
    /// Takes a workflow step; a step that does not apply changes nothing.
    pub fn advance(
        &mut self,
        step: &RequestStep,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<RequestState, WorkflowError> {
        use RequestState as S;
        let illegal = |state, step| WorkflowError::IllegalStep { state, step };
        let next = match (step, self.state) {
            (RequestStep::Assign { assignee }, S::Received | S::Assigned) => {
                if blank(assignee) {
                    return Err(WorkflowError::Missing("assignee"));
                }
                self.assignee = Some(assignee.clone());
                S::Assigned
            }
            (RequestStep::Decide { outcome }, S::Received | S::Assigned) => match outcome {
                crate::decision::Outcome::ShareFull => S::DecidedFull,
                crate::decision::Outcome::SharePart => S::DecidedPartial,
                crate::decision::Outcome::Decline => S::Declined,
            },
            (RequestStep::DraftPackage, S::DecidedFull | S::DecidedPartial) => S::PackageDrafted,
            (RequestStep::CompleteRedactionReview, S::PackageDrafted) => S::RedactionReviewed,
            (RequestStep::Approve, S::RedactionReviewed) => S::Approved,
            (RequestStep::Release, S::Approved) => S::Released,
            (RequestStep::Expire, S::Released) => S::Expired,
            (RequestStep::Close, S::Declined) => S::Closed,
            (RequestStep::Withdraw { reason }, state)
                if !matches!(state, S::Released | S::Expired | S::Withdrawn | S::Closed) =>
            {
                if blank(reason) {
                    return Err(WorkflowError::Missing("reason"));
                }
                S::Withdrawn
            }
            (step, state) => return Err(illegal(state, step_name(step))),
        };
        self.events.push(RequestEvent {
            from: self.state,
            to: next,
            by: by.to_owned(),
            at,
        });
        self.state = next;
        Ok(next)
    }
}

fn step_name(step: &RequestStep) -> &'static str {
    match step {
        RequestStep::Assign { .. } => "assign",
        RequestStep::Decide { .. } => "decide",
        RequestStep::DraftPackage => "draft package",
        RequestStep::CompleteRedactionReview => "complete redaction review",
        RequestStep::Approve => "approve",
        RequestStep::Release => "release",
        RequestStep::Expire => "expire",
        RequestStep::Withdraw { .. } => "withdraw",
        RequestStep::Close => "close",
    }
}
