//! Accounts for administrators in the browser: every account (never its password hash), and the
//! changes an administrator makes most: the role (with the grade), the teams, disabling or enabling.
//! Each change is allowed by the policy first and audited with what changed, in one transaction.

use std::collections::BTreeSet;

use oasys_assessment_model::Rank;
use oasys_sharing_policy::{Action, Actor, Resource, Role};
use serde_json::json;

use crate::ports::{
    AuditOutcome, Clock, IdGenerator, NewAuditEntry, Operation, Repositories, Storage, UserAccount,
};

use super::{App, AppError, RequestContext};

/// A change to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountChange {
    /// A new role, with the grade it is held at (practitioners).
    Role {
        /// The role.
        role: Role,
        /// The grade.
        grade: Option<Rank>,
    },
    /// The teams the user works in and the teams they manage.
    Teams {
        /// Team codes the user works in.
        teams: BTreeSet<String>,
        /// Team codes the user manages (managers).
        managed_teams: BTreeSet<String>,
    },
    /// Disable (true) or enable (false) the account.
    Disabled(bool),
}

impl<S: Storage, C: Clock, I: IdGenerator> App<S, C, I> {
    /// Every account, ordered by username, with the password hashes blanked.
    pub fn users(&self, actor: &Actor, ctx: &RequestContext) -> Result<Vec<UserAccount>, AppError> {
        self.read_unit(actor, |repos| {
            allow!(self.guard(
                repos,
                actor,
                Action::ManageUsersAndReferenceData,
                &Resource::Organisation,
                ctx
            ));
            // A whole-store read: the guard's consultation event is the audit of it.
            let mut users = self.store.users()?;
            for user in &mut users {
                user.password_hash.clear();
            }
            users.sort_by(|a, b| a.username.cmp(&b.username));
            Ok(Ok(users))
        })
    }

    /// Changes another user's account; an administrator never changes their own (so that the last
    /// administrator cannot lock everyone out by a slip).
    pub fn change_account(
        &self,
        actor: &Actor,
        username: &str,
        change: &AccountChange,
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
            if username == actor.id {
                return Err(AppError::Invalid(vec![
                    "you cannot change your own account: ask another administrator".to_owned(),
                ]));
            }
            let account = repos.user(username)?.ok_or_else(|| AppError::NotFound {
                what: "account",
                id: username.to_owned(),
            })?;
            let (action, details) = match change {
                AccountChange::Role { role, grade } => {
                    let mut profile = account.profile.clone();
                    profile.role = *role;
                    profile.grade = *grade;
                    repos.set_profile(username, &profile)?;
                    (
                        "account.role",
                        json!({
                            "from": { "role": account.profile.role.code(), "grade": account.profile.grade },
                            "to": { "role": role.code(), "grade": grade },
                        }),
                    )
                }
                AccountChange::Teams {
                    teams,
                    managed_teams,
                } => {
                    let mut profile = account.profile.clone();
                    profile.teams.clone_from(teams);
                    profile.managed_teams.clone_from(managed_teams);
                    repos.set_profile(username, &profile)?;
                    (
                        "account.teams",
                        json!({
                            "from": { "teams": account.profile.teams, "managed_teams": account.profile.managed_teams },
                            "to": { "teams": teams, "managed_teams": managed_teams },
                        }),
                    )
                }
                AccountChange::Disabled(disabled) => {
                    repos.set_disabled(username, *disabled)?;
                    let action = if *disabled {
                        "account.disable"
                    } else {
                        "account.enable"
                    };
                    (action, json!({ "was_disabled": account.disabled }))
                }
            };
            append(repos, self, actor, action, username, details, ctx)?;
            Ok(Ok(()))
        })
    }
}

fn append<S: Storage, C: Clock, I: IdGenerator>(
    repos: &dyn Repositories,
    app: &App<S, C, I>,
    actor: &Actor,
    action: &str,
    username: &str,
    details: serde_json::Value,
    ctx: &RequestContext,
) -> Result<(), AppError> {
    repos.append(&NewAuditEntry {
        event_id: app.ids.new_id(),
        occurred_at: app.clock.now(),
        actor: actor.id.clone(),
        actor_role: actor.role.code().to_owned(),
        correlation_id: ctx.correlation_id.clone(),
        operation: Operation::Alteration,
        action: action.to_owned(),
        subject_person: None,
        subject_ref: Some(username.to_owned()),
        recipients: Vec::new(),
        justification: ctx.justification.clone(),
        outcome: AuditOutcome::Allowed,
        details,
    })?;
    Ok(())
}
