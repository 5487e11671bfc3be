//! People and cases: register a person, find and read people, allocate a case, manage the LAO
//! lists and team areas, and a practitioner's caseload.

use oasys_assessment_model::{Crn, OrgCode, Person};
use oasys_sharing_policy::{Action, Actor, LaoLists, Resource, decide};
use uuid::Uuid;

use crate::ports::{
    Allocation, AuditOutcome, CaseloadEntry, Clock, IdGenerator, NewAuditEntry, Operation,
    PersonQuery, Repositories, Storage,
};

use super::{App, AppError, Listed, RequestContext, StatedReasons};

impl<S: Storage, C: Clock, I: IdGenerator> App<S, C, I> {
    /// Registers a person (administrators: people normally arrive from the case management system).
    pub fn register_person(
        &self,
        actor: &Actor,
        person: &Person,
        ctx: &RequestContext,
    ) -> Result<(), AppError> {
        self.unit(actor, |repos| {
            allow!(self.guard(
                repos,
                actor,
                Action::ManageUsersAndReferenceData,
                &Resource::Organisation,
                ctx
            ));
            repos.insert_person(person)?;
            Ok(Ok(()))
        })
    }

    /// A person's record, when the actor may see it.
    pub fn person(
        &self,
        actor: &Actor,
        person_id: Uuid,
        ctx: &RequestContext,
    ) -> Result<Person, AppError> {
        self.read_unit(actor, |repos| {
            let resource = self.case(repos, person_id, None, None)?;
            allow!(self.guard(repos, actor, Action::ViewPerson, &resource, ctx));
            let person = repos
                .get_person(person_id)?
                .ok_or_else(|| AppError::NotFound {
                    what: "person",
                    id: person_id.to_string(),
                })?;
            Ok(Ok(person))
        })
    }

    /// People matching a search. A limited access case the actor may not see, or may see only
    /// with a stated reason (none given), is a placeholder row (CRN only) when the actor has a
    /// team or area relation to it; people the actor may not even know of, or may not see for
    /// another reason, are left out. Searching is not itself a consultation of any one record, so
    /// only the rows returned are audited (a placeholder as the denial or the missing reason).
    pub fn search_people(
        &self,
        actor: &Actor,
        query: &PersonQuery,
        limit: usize,
        ctx: &RequestContext,
    ) -> Result<Vec<Listed<Person>>, AppError> {
        self.search_people_stating(actor, query, limit, ctx, &StatedReasons::new())
    }

    /// `search_people`, each row about a person in `reasons` read with the reason stated for them
    /// (when `ctx` states none): the browser's reasons, kept per session and person.
    pub fn search_people_stating(
        &self,
        actor: &Actor,
        query: &PersonQuery,
        limit: usize,
        ctx: &RequestContext,
        reasons: &StatedReasons,
    ) -> Result<Vec<Listed<Person>>, AppError> {
        self.read_unit(actor, |repos| {
            let mut rows = Vec::new();
            for person in repos.search_people(query, limit)? {
                let (id, crn) = (person.id, person.ids.crn().cloned());
                let access = self.list_access(repos, actor, id, ctx, reasons)?;
                rows.extend(access.row(person, id, crn.as_ref()));
            }
            Ok(Ok(rows))
        })
    }

    /// Allocates a person's case to a practitioner in a team.
    pub fn allocate(
        &self,
        actor: &Actor,
        person_id: Uuid,
        practitioner: &str,
        team: &OrgCode,
        ctx: &RequestContext,
    ) -> Result<(), AppError> {
        self.unit(actor, |repos| {
            let resource = self.case(repos, person_id, None, None)?;
            allow!(self.guard(repos, actor, Action::Allocate, &resource, ctx));
            repos.allocate(&Allocation {
                person_id,
                practitioner: practitioner.to_owned(),
                team: team.clone(),
                allocated_at: self.clock.now(),
                allocated_by: actor.id.clone(),
            })?;
            Ok(Ok(()))
        })
    }

    /// Replaces the limited-access-offender lists of a person. Adding names takes effect at
    /// once; a change that takes a name off either list needs `approved_by`, a second manager
    /// (SPO or above, not the actor, not a name taken off, and one the lists and the policy let
    /// manage this case) whose password the adapter has just checked (spec §2.3: a second person
    /// and step-up re-authentication). Without it the change is a `Conflict` (HTTP 409) naming
    /// the names, so a save from a stale page cannot silently undo someone else's addition.
    pub fn set_lao(
        &self,
        actor: &Actor,
        person_id: Uuid,
        lao: &LaoLists,
        approved_by: Option<&str>,
        ctx: &RequestContext,
    ) -> Result<(), AppError> {
        self.unit(actor, |repos| {
            let resource = self.case(repos, person_id, None, None)?;
            allow!(self.guard(repos, actor, Action::ManageLao, &resource, ctx));
            let current = repos
                .case_access(person_id)?
                .map(|access| access.lao)
                .unwrap_or_default();
            let removed: Vec<&String> = current
                .excluded
                .difference(&lao.excluded)
                .chain(current.restricted_to.difference(&lao.restricted_to))
                .collect();
            let now = self.clock.now();
            if !removed.is_empty() {
                let names = removed
                    .iter()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                let approver = approved_by.ok_or_else(|| AppError::Conflict {
                    reason: format!(
                        "taking {names} off the limited access lists needs a second manager's \
                         approval"
                    ),
                    current_version: None,
                })?;
                check_lao_approver(repos, actor, approver, &removed, &resource)?;
                repos.append(&NewAuditEntry {
                    event_id: self.ids.new_id(),
                    occurred_at: now,
                    actor: actor.id.clone(),
                    actor_role: actor.role.code().to_owned(),
                    correlation_id: ctx.correlation_id.clone(),
                    operation: Operation::Alteration,
                    action: "lao_removal_approved".to_owned(),
                    subject_person: Some(person_id),
                    subject_ref: None,
                    recipients: Vec::new(),
                    justification: None,
                    outcome: AuditOutcome::Allowed,
                    details: serde_json::json!({ "removed": removed, "approved_by": approver }),
                })?;
            }
            repos.set_lao(person_id, lao, now)?;
            Ok(Ok(()))
        })
    }

    /// Records the area a team belongs to (reference data).
    pub fn set_team_area(
        &self,
        actor: &Actor,
        team: &str,
        area: &str,
        ctx: &RequestContext,
    ) -> Result<(), AppError> {
        self.unit(actor, |repos| {
            allow!(self.guard(
                repos,
                actor,
                Action::ManageUsersAndReferenceData,
                &Resource::Organisation,
                ctx
            ));
            repos.set_team_area(team, area)?;
            Ok(Ok(()))
        })
    }

    /// The actor's own caseload: a limited access case they are excluded or restricted from, or
    /// may open only with a stated reason (none given), is a placeholder row (CRN only); any
    /// other case the policy no longer lets them see is left out.
    pub fn caseload(
        &self,
        actor: &Actor,
        ctx: &RequestContext,
    ) -> Result<Vec<Listed<CaseloadEntry>>, AppError> {
        self.caseload_stating(actor, ctx, &StatedReasons::new())
    }

    /// `caseload`, each row about a person in `reasons` read with the reason stated for them
    /// (when `ctx` states none).
    pub fn caseload_stating(
        &self,
        actor: &Actor,
        ctx: &RequestContext,
        reasons: &StatedReasons,
    ) -> Result<Vec<Listed<CaseloadEntry>>, AppError> {
        self.read_unit(actor, |repos| {
            let mut rows = Vec::new();
            for entry in repos.caseload(&actor.id)? {
                let (id, crn) = (entry.person.id, entry.person.ids.crn().cloned());
                let access = self.list_access(repos, actor, id, ctx, reasons)?;
                rows.extend(access.row(entry, id, crn.as_ref()));
            }
            Ok(Ok(rows))
        })
    }
}

impl<S: Storage, C: Clock, I: IdGenerator> App<S, C, I> {
    /// The limited-access-offender lists of the person with this CRN, for someone who may manage
    /// them (the person's id comes back for the change that follows).
    pub fn lao_for_crn(
        &self,
        actor: &Actor,
        crn: &Crn,
        ctx: &RequestContext,
    ) -> Result<(Uuid, LaoLists), AppError> {
        self.read_unit(actor, |repos| {
            let person = repos
                .search_people(&PersonQuery::Crn(crn.clone()), 1)?
                .into_iter()
                .next()
                .ok_or_else(|| AppError::NotFound {
                    what: "person",
                    id: crn.as_str().to_owned(),
                })?;
            let resource = self.case(repos, person.id, None, None)?;
            allow!(self.guard(repos, actor, Action::ManageLao, &resource, ctx));
            let access = repos
                .case_access(person.id)?
                .ok_or_else(|| AppError::NotFound {
                    what: "person",
                    id: person.id.to_string(),
                })?;
            Ok(Ok((person.id, access.lao)))
        })
    }
}

/// The second manager who approves taking names off a person's LAO lists.
fn check_lao_approver(
    repos: &dyn Repositories,
    actor: &Actor,
    approver: &str,
    removed: &[&String],
    resource: &Resource,
) -> Result<(), AppError> {
    let refused = |why: &str| AppError::Invalid(vec![format!("approver {approver}: {why}")]);
    if approver == actor.id {
        return Err(refused("the approval must come from a second person"));
    }
    if removed.iter().any(|name| name.as_str() == approver) {
        return Err(refused("nobody approves taking themselves off the lists"));
    }
    let account = repos
        .user(approver)?
        .filter(|account| !account.disabled)
        .ok_or_else(|| refused("there is no active account of that name"))?;
    let approver_actor = account.actor();
    if !approver_actor.role.is_manager()
        || !decide(&approver_actor, Action::ManageLao, resource).is_allowed()
    {
        return Err(refused(
            "only a senior probation officer, head of PDU or HOMD over this case may approve",
        ));
    }
    Ok(())
}
