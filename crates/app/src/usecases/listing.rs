//! Rows of the lists of people (search, caseload, reviews due) and how each is decided: shown,
//! shown as a placeholder for a limited access case, or left out (sharing spec §2.6).

use std::collections::BTreeMap;

use oasys_assessment_model::Crn;
use oasys_sharing_policy::{Action, Actor, Decision, DenyCode, Resource, decide};
use serde::Serialize;
use uuid::Uuid;

use crate::ports::{Clock, IdGenerator, Repositories, Storage};

use super::{App, AppError, Refusal, RequestContext};

/// The placeholder message of a limited access case the actor may open once they say why.
pub const REASON_NEEDED_MESSAGE: &str =
    "This is a limited access record. Say why you need to open it before you see its details.";

/// Reasons a user stated earlier for opening particular people's records (a browser session's),
/// by person: a list row about one of them is read with its reason when the request states none.
pub type StatedReasons = BTreeMap<Uuid, String>;

/// One row of a list of people: the row itself, or a placeholder for a limited access case.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "row", rename_all = "snake_case")]
pub enum Listed<T> {
    /// A row the actor may see (its consultation is audited).
    Visible(T),
    /// A limited access case the actor may not see, or may see only with a stated reason.
    Restricted(RestrictedRow),
}

impl<T> Listed<T> {
    /// The row, when it is visible.
    #[must_use]
    pub fn visible(&self) -> Option<&T> {
        match self {
            Self::Visible(row) => Some(row),
            Self::Restricted(_) => None,
        }
    }

    /// The placeholder, when the row is restricted.
    #[must_use]
    pub fn restricted(&self) -> Option<&RestrictedRow> {
        match self {
            Self::Visible(_) => None,
            Self::Restricted(row) => Some(row),
        }
    }
}

/// A placeholder row ("Restricted record"): who it is by CRN only, and why it is restricted.
/// It never carries the name, date of birth, offence or risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestrictedRow {
    /// The person's id (to ask for the record with a reason, or to match rows).
    pub person_id: Uuid,
    /// The person's CRN, when they have one.
    pub crn: Option<Crn>,
    /// Why the row is a placeholder.
    pub reason: RestrictionReason,
    /// What to tell the user: the case's exclusion or restriction message, or that a reason is
    /// needed.
    pub message: String,
}

/// Why a list row is a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RestrictionReason {
    /// The actor is on the case's exclusion list.
    Excluded,
    /// The case is restricted and the actor is not on the restriction list.
    Restricted,
    /// The actor may open the limited access case, but only once they say why.
    ReasonNeeded,
}

impl RestrictionReason {
    /// A stable code (the API's `reason`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Excluded => "excluded",
            Self::Restricted => "restricted",
            Self::ReasonNeeded => "reason_needed",
        }
    }
}

/// What a list does with one person.
pub(super) enum RowAccess {
    /// Show the row.
    Show,
    /// Show a placeholder.
    Placeholder(RestrictionReason, String),
    /// Leave the row out: the actor may not learn the record exists, or may not see it for a
    /// reason other than a limited access list.
    Omit,
}

impl RowAccess {
    /// The list row for `row` about `person_id` with `crn`, if any.
    pub(super) fn row<T>(self, row: T, person_id: Uuid, crn: Option<&Crn>) -> Option<Listed<T>> {
        match self {
            Self::Show => Some(Listed::Visible(row)),
            Self::Placeholder(reason, message) => Some(Listed::Restricted(RestrictedRow {
                person_id,
                crn: crn.cloned(),
                reason,
                message,
            })),
            Self::Omit => None,
        }
    }
}

impl<S: Storage, C: Clock, I: IdGenerator> App<S, C, I> {
    /// For list views: what to do with one person's row (read with the reason stated for the
    /// person in `reasons` when `ctx` states none).
    ///
    /// - Allowed and stated (or not a limited access case): shown, audited as a consultation.
    /// - Allowed, a limited access case, no stated reason: a `ReasonNeeded` placeholder; the
    ///   missing reason is audited as for a direct read.
    /// - Denied because of an exclusion or restriction list, to an actor with a team or area
    ///   relation to the case: an `Excluded`/`Restricted` placeholder with the case's message; the
    ///   denial is audited as for a direct read.
    /// - Anything else (no relation at all, or not in the caseload): left out. Nothing about the
    ///   person is shown, so nothing is consulted and no event is written; a search is not a
    ///   request for any one record.
    pub(super) fn list_access(
        &self,
        repos: &dyn Repositories,
        actor: &Actor,
        person_id: Uuid,
        ctx: &RequestContext,
        reasons: &StatedReasons,
    ) -> Result<RowAccess, AppError> {
        let stated;
        let ctx = match (&ctx.justification, reasons.get(&person_id)) {
            (None, Some(reason)) => {
                stated = RequestContext {
                    justification: Some(reason.clone()),
                    ..ctx.clone()
                };
                &stated
            }
            _ => ctx,
        };
        let resource = self.case(repos, person_id, None, None)?;
        let related = match &resource {
            Resource::Case(case) => case.is_related_to(actor),
            Resource::Organisation => false,
        };
        match decide(actor, Action::ViewIdentifiers, &resource) {
            Decision::Allow { .. } => {}
            Decision::Deny(denial)
                if related && matches!(denial.code, DenyCode::Excluded | DenyCode::Restricted) => {}
            Decision::Deny(_) => return Ok(RowAccess::Omit),
        }
        Ok(
            match self.guard(repos, actor, Action::ViewIdentifiers, &resource, ctx)? {
                Ok(()) => RowAccess::Show,
                Err(Refusal::JustificationRequired) => RowAccess::Placeholder(
                    RestrictionReason::ReasonNeeded,
                    REASON_NEEDED_MESSAGE.to_owned(),
                ),
                Err(Refusal::Denied(denial)) => {
                    let reason = if denial.code == DenyCode::Excluded {
                        RestrictionReason::Excluded
                    } else {
                        RestrictionReason::Restricted
                    };
                    RowAccess::Placeholder(reason, denial.user_message)
                }
            },
        )
    }
}
