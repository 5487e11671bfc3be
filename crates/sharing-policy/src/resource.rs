//! What is acted on: the organisation, or one person's case with its relationships, LAO lists,
//! and optionally the assessment or sharing request concerned, all as at the moment of the request.

use chrono::{DateTime, Utc};
use oasys_assessment_model::{Assessment, Rank, RiskLevel, State};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::actor::Actor;
use crate::lao::LaoLists;
use crate::request::{RequestState, Urgency};

/// The thing an action is applied to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resource {
    /// Organisation-level data: users, teams, reference data, audit, de-identified datasets.
    Organisation,
    /// One person's case.
    Case(Box<CaseResource>),
}

/// A person's case as the policy needs to see it, read fresh for every request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseResource {
    /// The person's id.
    pub person_id: Uuid,
    /// The responsible team.
    pub responsible_team: String,
    /// The area of the responsible team.
    pub area: String,
    /// Time-bounded relationships of staff to the person.
    pub relationships: Vec<Relationship>,
    /// The LAO lists.
    pub lao: LaoLists,
    /// The assessment concerned, when the action is about one.
    pub assessment: Option<AssessmentFacts>,
    /// The sharing request concerned, when the action is about one.
    pub sharing: Option<SharingFacts>,
    /// The moment of the request (relationships are judged as at this time).
    pub as_at: DateTime<Utc>,
}

impl CaseResource {
    /// Whether the actor has a team or area relation to the case: the same area, a team of theirs
    /// (or one they manage) responsible for it, or any recorded relationship. A denied actor with
    /// such a relation may learn the record exists (403, or a placeholder row in a list, §2.6);
    /// one without may not (404, omitted from lists).
    #[must_use]
    pub fn is_related_to(&self, actor: &Actor) -> bool {
        (!self.area.is_empty() && actor.area == self.area)
            || actor.teams.contains(&self.responsible_team)
            || actor.managed_teams.contains(&self.responsible_team)
            || self.relationships.iter().any(|r| r.staff_id == actor.id)
    }
}

/// A staff member's relationship to a person (sharing spec §2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relationship {
    /// The staff id.
    pub staff_id: String,
    /// What kind.
    pub kind: RelationshipKind,
    /// From when (inclusive).
    pub from: DateTime<Utc>,
    /// Until when (exclusive); required for co-workers.
    pub until: Option<DateTime<Utc>>,
}

/// The kinds of relationship that grant case work.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RelationshipKind {
    /// Allocated case manager (community) or POM (custody).
    CaseManager,
    /// Covering officer; only with an end date.
    CoWorker,
    /// Nominated countersigner of one assessment.
    CountersignTask {
        /// The assessment to countersign.
        assessment_id: Uuid,
    },
}

impl Relationship {
    /// Whether the relationship is in force at `at`. A co-worker without an end date never is.
    #[must_use]
    pub fn is_active(&self, at: DateTime<Utc>) -> bool {
        if self.kind == RelationshipKind::CoWorker && self.until.is_none() {
            return false;
        }
        self.from <= at && self.until.is_none_or(|until| at < until)
    }
}

/// The facts about an assessment that access decisions need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentFacts {
    /// Assessment id.
    pub id: Uuid,
    /// Lifecycle state (underneath the deletion overlay).
    pub state: State,
    /// Whether the deletion overlay is on.
    pub deleted: bool,
    /// Staff id of the assigned assessor.
    pub assessor: String,
    /// The current signing round, once signed.
    pub signing: Option<SigningFacts>,
}

/// Who signed and countersigned in the current round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigningFacts {
    /// The signer's staff id.
    pub signer: String,
    /// The signer's rank.
    pub signer_rank: Rank,
    /// Overall ROSH at signing.
    pub overall_rosh: Option<RiskLevel>,
    /// The first countersigner, once countersigned.
    pub first_countersigner: Option<String>,
}

impl AssessmentFacts {
    /// Reads the facts from an assessment document.
    #[must_use]
    pub fn of(assessment: &Assessment) -> Self {
        Self {
            id: assessment.header().id,
            state: assessment.state().clone(),
            deleted: assessment.deleted().is_some(),
            assessor: assessment.header().assessor.clone(),
            signing: assessment.signing().map(|s| SigningFacts {
                signer: s.signer.id.clone(),
                signer_rank: s.signer.rank,
                overall_rosh: s.overall_rosh,
                first_countersigner: s.first_countersigner.clone(),
            }),
        }
    }

    /// Whether the assessment is locked (signed, awaiting countersignature, complete, voided).
    #[must_use]
    pub fn is_locked(&self) -> bool {
        self.state != State::Open
    }
}

/// The facts about a sharing request that access decisions need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharingFacts {
    /// Request id.
    pub request_id: Uuid,
    /// Where the request is in its workflow.
    pub state: RequestState,
    /// How urgent it is.
    pub urgency: Urgency,
    /// Staff id of the decider, once decided.
    pub decided_by: Option<String>,
}
