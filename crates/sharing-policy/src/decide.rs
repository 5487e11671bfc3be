//! The decision function: total, deterministic, deny by default (sharing spec §2.4).
//! Order: account, role, organisation scope, LAO and relationship, lifecycle state, no rule.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::actor::{Actor, Role};
use crate::lao::LaoStanding;
use crate::matrix::{Cell, cell};
use crate::resource::{CaseResource, RelationshipKind, Resource};
use crate::state_rules::state_forbids;

/// The outcome of a policy check.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// Allowed, on this basis.
    Allow {
        /// Why the actor may do it.
        basis: AccessBasis,
    },
    /// Refused.
    Deny(Denial),
}

impl Decision {
    /// Whether the decision allows the action.
    #[must_use]
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::Allow { .. })
    }
}

/// Why an action was allowed: recorded in the audit event as the access basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessBasis {
    /// The allocated case manager or POM.
    CaseManager,
    /// An active co-worker (covering officer).
    CoWorker,
    /// A manager over the responsible team.
    TeamOversight,
    /// The holder of the countersign task for the assessment.
    CountersignTask,
    /// A member of the responsible team (case administration).
    TeamMember,
    /// The role itself (administrator, auditor, analyst).
    Role,
    /// A service client's token scope.
    ServiceToken,
}

impl fmt::Display for AccessBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CaseManager => "allocated case manager",
            Self::CoWorker => "co-worker",
            Self::TeamOversight => "manager of the responsible team",
            Self::CountersignTask => "nominated countersigner",
            Self::TeamMember => "member of the responsible team",
            Self::Role => "role",
            Self::ServiceToken => "service token scope",
        })
    }
}

/// A refusal, with a message a user can read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Denial {
    /// The machine-readable reason.
    pub code: DenyCode,
    /// What to tell the user.
    pub user_message: String,
    /// Whether the user may learn that the record exists (403) or not (404).
    pub reveal: Reveal,
}

/// Machine-readable denial reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyCode {
    /// Account disabled or session invalid.
    NotAuthenticated,
    /// The role (or grade, or token) lacks the capability.
    NotPermittedForRole,
    /// The user is on the case's exclusion list.
    Excluded,
    /// The case is restricted and the user is not on the list.
    Restricted,
    /// No relationship to the case grants the action.
    NotInCaseload,
    /// The lifecycle state forbids it.
    StateForbids,
    /// Nothing explicitly allows it.
    NoRule,
}

impl DenyCode {
    /// A stable code for audit events.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::NotAuthenticated => "not_authenticated",
            Self::NotPermittedForRole => "not_permitted_for_role",
            Self::Excluded => "excluded",
            Self::Restricted => "restricted",
            Self::NotInCaseload => "not_in_caseload",
            Self::StateForbids => "state_forbids",
            Self::NoRule => "no_rule",
        }
    }
}

/// What a denied user may learn about the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reveal {
    /// That it exists (403 with the message).
    Existence,
    /// Nothing (404).
    Hidden,
}

fn deny(code: DenyCode, reveal: Reveal, message: impl Into<String>) -> Decision {
    Decision::Deny(Denial {
        code,
        user_message: message.into(),
        reveal,
    })
}

/// Decides whether `actor` may perform `action` on `resource`. Total and deterministic: every
/// input gives an answer, the same input always the same answer, and nothing not explicitly
/// allowed is allowed.
#[must_use]
pub fn decide(actor: &Actor, action: Action, resource: &Resource) -> Decision {
    // 1. Account.
    if !actor.active || actor.id.trim().is_empty() {
        return deny(
            DenyCode::NotAuthenticated,
            Reveal::Hidden,
            "Your session has ended or your account is disabled. Sign in again.",
        );
    }
    // 2. Role capability.
    let grants = cell(actor.role, action);
    let reveal = match resource {
        Resource::Organisation => Reveal::Existence,
        Resource::Case(case) => reveal_for(actor, case),
    };
    if grants.is_never() {
        return deny(
            DenyCode::NotPermittedForRole,
            reveal,
            format!("A {} cannot {action}.", actor.role),
        );
    }
    let token_allows = actor
        .token_scope
        .as_ref()
        .is_some_and(|scope| scope.contains(&action));
    // A service client acts only through its token; any token acts only within its scope.
    if ((grants.token && !grants.role_wide) || actor.token_scope.is_some()) && !token_allows {
        return deny(
            DenyCode::NotPermittedForRole,
            reveal,
            format!("This token does not allow it to {action}."),
        );
    }
    if grants.min_rank > 0 && actor.rank().is_none_or(|r| r.get() < grants.min_rank) {
        return deny(
            DenyCode::NotPermittedForRole,
            reveal,
            format!(
                "Only an approved officer (rank {} or above) or a manager can {action}; you may prepare a draft.",
                grants.min_rank
            ),
        );
    }
    // 3. Organisation-level actions: role check only.
    match (resource, action.is_organisation_level()) {
        (Resource::Organisation, true) => Decision::Allow {
            basis: AccessBasis::Role,
        },
        (Resource::Organisation, false) => deny(
            DenyCode::NoRule,
            Reveal::Existence,
            format!("To {action}, a person's case must be named."),
        ),
        (Resource::Case(_), true) => deny(
            DenyCode::NoRule,
            reveal,
            format!("To {action} is not something done to one person's case."),
        ),
        (Resource::Case(case), false) => decide_case(actor, action, case, grants),
    }
}

/// Whether a denied actor may learn the record exists: same area or a team relation → 403.
fn reveal_for(actor: &Actor, case: &CaseResource) -> Reveal {
    if case.is_related_to(actor) {
        Reveal::Existence
    } else {
        Reveal::Hidden
    }
}

fn decide_case(actor: &Actor, action: Action, case: &CaseResource, grants: Cell) -> Decision {
    let reveal = reveal_for(actor, case);
    // 4a. LAO: exclusion, then restriction.
    match case.lao.standing(&actor.id) {
        LaoStanding::Excluded => {
            return deny(
                DenyCode::Excluded,
                Reveal::Existence,
                case.lao.exclusion_text(),
            );
        }
        LaoStanding::NotOnRestrictionList => {
            return deny(
                DenyCode::Restricted,
                Reveal::Existence,
                case.lao.restriction_text(),
            );
        }
        LaoStanding::NotLimited | LaoStanding::Permitted => {}
    }
    if action.needs_assessment() && case.assessment.is_none() {
        return deny(
            DenyCode::NoRule,
            reveal,
            format!("To {action}, an assessment must be named."),
        );
    }
    if action.needs_sharing_request() && case.sharing.is_none() {
        return deny(
            DenyCode::NoRule,
            reveal,
            format!("To {action}, a sharing request must be named."),
        );
    }
    // 4b. A relationship (or the role) granting the action.
    let Some(basis) = basis_for(actor, action, case, grants) else {
        let message = if reveal == Reveal::Existence {
            "This case is not in your caseload."
        } else {
            "No such record."
        };
        return deny(DenyCode::NotInCaseload, reveal, message);
    };
    // 5. Lifecycle state.
    if let Some(message) = state_forbids(actor, action, case, basis) {
        return deny(DenyCode::StateForbids, Reveal::Existence, message);
    }
    Decision::Allow { basis }
}

/// The first basis (in a fixed priority order) on which the cell grants the action.
fn basis_for(
    actor: &Actor,
    action: Action,
    case: &CaseResource,
    grants: Cell,
) -> Option<AccessBasis> {
    let at = case.as_at;
    let active = |kind: &RelationshipKind| {
        case.relationships
            .iter()
            .any(|r| r.staff_id == actor.id && &r.kind == kind && r.is_active(at))
    };
    let task_active = case.relationships.iter().any(|r| {
        r.staff_id == actor.id
            && r.is_active(at)
            && match &r.kind {
                RelationshipKind::CountersignTask { assessment_id } => case
                    .assessment
                    .as_ref()
                    .is_none_or(|a| a.id == *assessment_id),
                _ => false,
            }
    });
    let manages = actor.role.is_manager() && actor.managed_teams.contains(&case.responsible_team);
    let candidates = [
        (
            grants.allocated && active(&RelationshipKind::CaseManager),
            AccessBasis::CaseManager,
        ),
        (
            grants.allocated && active(&RelationshipKind::CoWorker),
            AccessBasis::CoWorker,
        ),
        (grants.oversight && manages, AccessBasis::TeamOversight),
        (grants.task && task_active, AccessBasis::CountersignTask),
        (
            grants.team && actor.teams.contains(&case.responsible_team),
            AccessBasis::TeamMember,
        ),
        (grants.role_wide, AccessBasis::Role),
        (
            grants.token
                && actor.role == Role::ServiceClient
                && actor
                    .token_scope
                    .as_ref()
                    .is_some_and(|scope| scope.contains(&action)),
            AccessBasis::ServiceToken,
        ),
    ];
    candidates
        .into_iter()
        .find(|(ok, _)| *ok)
        .map(|(_, basis)| basis)
}
