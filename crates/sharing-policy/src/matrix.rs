//! The role × action matrix of sharing spec §2.5 as data: which relationships can grant an action
//! to a role. `decide` reads this table; LAO and state rules are applied on top of it.

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::actor::Role;

/// The matrix columns: roles that share a column in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// Practitioner or prison offender manager.
    CaseWorker,
    /// SPO, Head of PDU, HOMD.
    Manager,
    /// Case administrator.
    CaseAdmin,
    /// HQ analyst.
    Analyst,
    /// System administrator.
    Admin,
    /// Auditor.
    Auditor,
    /// Machine client with a token.
    ServiceClient,
    /// Partner-agency requester: never any access.
    External,
}

impl Column {
    /// The column a role belongs to.
    #[must_use]
    pub fn of(role: Role) -> Self {
        match role {
            Role::Practitioner | Role::PrisonOffenderManager => Self::CaseWorker,
            Role::SeniorProbationOfficer | Role::HeadOfPdu | Role::Homd => Self::Manager,
            Role::CaseAdministrator => Self::CaseAdmin,
            Role::Analyst => Self::Analyst,
            Role::Administrator => Self::Admin,
            Role::Auditor => Self::Auditor,
            Role::ServiceClient => Self::ServiceClient,
            Role::ExternalRequester => Self::External,
        }
    }
}

/// One cell: the ways a role can be granted an action. An empty cell means "never".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cell {
    /// Granted to the allocated case manager or an active co-worker (✔ / "✔ if allocated").
    pub allocated: bool,
    /// Granted through oversight of the responsible team (O).
    pub oversight: bool,
    /// Granted to the holder of the countersign task for that assessment (T).
    pub task: bool,
    /// Granted to members of the responsible team (case administrator scope).
    pub team: bool,
    /// Granted by the role alone, with no relationship (administrator, auditor, analyst).
    pub role_wide: bool,
    /// Granted when a service client's token scope names the action.
    pub token: bool,
    /// The lowest rank allowed to use the cell (e.g. rank 3 to decide a sharing request).
    pub min_rank: u8,
}

impl Cell {
    /// Whether the cell grants anything at all.
    #[must_use]
    pub fn is_never(&self) -> bool {
        !(self.allocated
            || self.oversight
            || self.task
            || self.team
            || self.role_wide
            || self.token)
    }
}

const NEVER: Cell = Cell {
    allocated: false,
    oversight: false,
    task: false,
    team: false,
    role_wide: false,
    token: false,
    min_rank: 0,
};
const A: Cell = Cell {
    allocated: true,
    ..NEVER
};
const AT: Cell = Cell {
    allocated: true,
    task: true,
    ..NEVER
};
const O: Cell = Cell {
    oversight: true,
    ..NEVER
};
const AOT: Cell = Cell {
    allocated: true,
    oversight: true,
    task: true,
    ..NEVER
};
const T: Cell = Cell {
    task: true,
    ..NEVER
};
const TEAM: Cell = Cell {
    team: true,
    ..NEVER
};
const RW: Cell = Cell {
    role_wide: true,
    ..NEVER
};
const TOKEN: Cell = Cell {
    token: true,
    ..NEVER
};
const A_RANK3: Cell = Cell {
    allocated: true,
    min_rank: 3,
    ..NEVER
};

/// The matrix rows: action, then the cells for case worker, manager, case admin, analyst, admin,
/// auditor and service client (external requesters are never granted anything).
/// Managers may also view a case allocated to them (they may create and answer one, so they must see it).
pub const MATRIX: [(Action, [Cell; 7]); 33] = [
    (
        Action::ViewIdentifiers,
        [AT, AOT, TEAM, NEVER, NEVER, NEVER, TOKEN],
    ),
    (
        Action::ViewPerson,
        [AT, AOT, NEVER, NEVER, NEVER, NEVER, TOKEN],
    ),
    (
        Action::ViewAssessment,
        [AT, AOT, NEVER, NEVER, NEVER, NEVER, TOKEN],
    ),
    (
        Action::ViewPlan,
        [AT, AOT, NEVER, NEVER, NEVER, NEVER, TOKEN],
    ),
    (
        Action::CreateAssessment,
        [A, A, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::CloneAssessment,
        [A, A, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::AnswerAssessment,
        [A, A, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::SignAssessment,
        [A, A, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::LockIncomplete,
        [A, A, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::Countersign,
        [T, T, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::RejectCountersign,
        [T, T, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (Action::Rollback, [NEVER, O, NEVER, NEVER, RW, NEVER, NEVER]),
    (Action::Restore, [NEVER, O, NEVER, NEVER, RW, NEVER, NEVER]),
    (Action::Void, [NEVER, O, NEVER, NEVER, RW, NEVER, NEVER]),
    (
        Action::DeleteDraft,
        [A, A, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::RequestDeletion,
        [A, NEVER, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::ApproveDeletion,
        [NEVER, O, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::EditSentencePlan,
        [A, A, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::RecordSharingRequest,
        [A, O, TEAM, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::WithdrawSharingRequest,
        [A, O, TEAM, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::ViewSharingRequest,
        [AT, AOT, NEVER, NEVER, NEVER, NEVER, TOKEN],
    ),
    (
        Action::DraftSharingDecision,
        [A, O, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::DecideSharingRequest,
        [A_RANK3, O, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::DraftDisclosure,
        [A_RANK3, O, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::ApproveDisclosure,
        [NEVER, O, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::ReleaseDisclosure,
        [A, O, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::RetrospectiveReview,
        [NEVER, O, NEVER, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::Allocate,
        [NEVER, O, TEAM, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::Transfer,
        [NEVER, O, TEAM, NEVER, NEVER, NEVER, NEVER],
    ),
    (
        Action::ManageLao,
        [NEVER, O, NEVER, NEVER, RW, NEVER, NEVER],
    ),
    (
        Action::BuildDeidentifiedDataset,
        [NEVER, NEVER, NEVER, RW, NEVER, NEVER, NEVER],
    ),
    (
        Action::ReadAudit,
        [NEVER, NEVER, NEVER, NEVER, NEVER, RW, NEVER],
    ),
    (
        Action::ManageUsersAndReferenceData,
        [NEVER, NEVER, NEVER, NEVER, RW, NEVER, NEVER],
    ),
];

/// The cell for a role and an action (never, when the table has no row).
#[must_use]
pub fn cell(role: Role, action: Action) -> Cell {
    let index = match Column::of(role) {
        Column::CaseWorker => 0,
        Column::Manager => 1,
        Column::CaseAdmin => 2,
        Column::Analyst => 3,
        Column::Admin => 4,
        Column::Auditor => 5,
        Column::ServiceClient => 6,
        Column::External => return NEVER,
    };
    MATRIX
        .iter()
        .find(|(a, _)| *a == action)
        .and_then(|(_, cells)| cells.get(index).copied())
        .unwrap_or(NEVER)
}
