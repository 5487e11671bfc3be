//! Who is acting: the role, the practitioner grade, teams and the account state.
//! Ranks come from the framework role (assessment.md §11.3); external requesters never hold an account.

use std::collections::BTreeSet;
use std::fmt;

use oasys_assessment_model::{Rank, SigningLevel};
use serde::{Deserialize, Serialize};

use crate::action::Action;

/// The role a user (or machine client) acts in (sharing spec §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Probation practitioner in the community (grades ranks 1–3).
    Practitioner,
    /// Prison offender manager (POM grades ranks 1–3).
    PrisonOffenderManager,
    /// Senior probation officer (rank 4): team manager and countersigner.
    SeniorProbationOfficer,
    /// Head of a probation delivery unit (rank 5).
    HeadOfPdu,
    /// Head of offender management delivery in a prison (rank 5).
    Homd,
    /// Case administrator: registers people, records allocations and transfers.
    CaseAdministrator,
    /// HQ analyst: de-identified data only.
    Analyst,
    /// System administrator: users, teams, reference data, LAO list maintenance; no case content.
    Administrator,
    /// Auditor: reads and exports audit events.
    Auditor,
    /// A machine client holding an API token; only the actions its token allows.
    ServiceClient,
    /// A partner-agency requester (social worker, police, MAPPA chair…): never accesses core data.
    ExternalRequester,
}

impl Role {
    /// Every role, in a fixed order.
    pub const ALL: [Role; 11] = [
        Self::Practitioner,
        Self::PrisonOffenderManager,
        Self::SeniorProbationOfficer,
        Self::HeadOfPdu,
        Self::Homd,
        Self::CaseAdministrator,
        Self::Analyst,
        Self::Administrator,
        Self::Auditor,
        Self::ServiceClient,
        Self::ExternalRequester,
    ];

    /// Whether the role works cases directly (practitioner or POM).
    #[must_use]
    pub fn is_case_worker(self) -> bool {
        matches!(self, Self::Practitioner | Self::PrisonOffenderManager)
    }

    /// Whether the role is a manager (SPO, Head of PDU, HOMD).
    #[must_use]
    pub fn is_manager(self) -> bool {
        matches!(
            self,
            Self::SeniorProbationOfficer | Self::HeadOfPdu | Self::Homd
        )
    }

    /// A stable snake_case code, used in audit events.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Practitioner => "practitioner",
            Self::PrisonOffenderManager => "prison_offender_manager",
            Self::SeniorProbationOfficer => "senior_probation_officer",
            Self::HeadOfPdu => "head_of_pdu",
            Self::Homd => "homd",
            Self::CaseAdministrator => "case_administrator",
            Self::Analyst => "analyst",
            Self::Administrator => "administrator",
            Self::Auditor => "auditor",
            Self::ServiceClient => "service_client",
            Self::ExternalRequester => "external_requester",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Practitioner => "probation practitioner",
            Self::PrisonOffenderManager => "prison offender manager",
            Self::SeniorProbationOfficer => "senior probation officer",
            Self::HeadOfPdu => "head of PDU",
            Self::Homd => "head of offender management delivery",
            Self::CaseAdministrator => "case administrator",
            Self::Analyst => "analyst",
            Self::Administrator => "administrator",
            Self::Auditor => "auditor",
            Self::ServiceClient => "service client",
            Self::ExternalRequester => "external requester",
        })
    }
}

/// The person or client acting, as known on this request (no cached claims).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Staff id (or client id).
    pub id: String,
    /// The role acted in.
    pub role: Role,
    /// Framework-role grade of a practitioner or POM (ranks 1–3). Missing counts as rank 1; a
    /// higher value is capped at 3, since the role sets the ceiling.
    pub grade: Option<Rank>,
    /// Personal signing level, replacing the grade default when set.
    pub signing_level: Option<SigningLevel>,
    /// The area (region) the user belongs to; used to choose 403 versus 404 on a denial.
    pub area: String,
    /// Home team and extra teams.
    pub teams: BTreeSet<String>,
    /// Teams a manager oversees (SPO, Head of PDU, HOMD).
    pub managed_teams: BTreeSet<String>,
    /// When the request came with an API token (not a signed-in session): the actions the
    /// token allows. A token never does more than its scope, whatever its account's role.
    pub token_scope: Option<BTreeSet<Action>>,
    /// Account enabled and session valid.
    pub active: bool,
}

impl Actor {
    /// An active actor with no teams, grade or token scope.
    #[must_use]
    pub fn new(id: impl Into<String>, role: Role, area: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            role,
            grade: None,
            signing_level: None,
            area: area.into(),
            teams: BTreeSet::new(),
            managed_teams: BTreeSet::new(),
            token_scope: None,
            active: true,
        }
    }

    /// The effective framework rank: practitioners and POMs 1–3 (grade, default 1, capped at 3),
    /// SPO 4, Head of PDU and HOMD 5, everyone else none.
    #[must_use]
    pub fn rank(&self) -> Option<Rank> {
        let n = match self.role {
            Role::Practitioner | Role::PrisonOffenderManager => {
                self.grade.map_or(1, |g| g.get().min(3))
            }
            Role::SeniorProbationOfficer => 4,
            Role::HeadOfPdu | Role::Homd => 5,
            _ => return None,
        };
        Rank::new(n).ok()
    }

    /// The actor as the assessment model knows signers and countersigners, when it has a rank.
    #[must_use]
    pub fn as_model_actor(&self) -> Option<oasys_assessment_model::Actor> {
        self.rank().map(|rank| oasys_assessment_model::Actor {
            id: self.id.clone(),
            rank,
            signing_level: self.signing_level,
        })
    }
}
