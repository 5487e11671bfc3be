//! Case administration in the browser: allocating a case to a practitioner (managers) and the
//! limited-access-offender lists (whoever the policy lets manage them), and accounts for
//! administrators: roles and grades, disabling and enabling. Creating accounts and teams stays
//! with the operators' `oasys user add` and `oasys team` commands.

use std::collections::BTreeSet;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use oasys_app::{AccountChange, Clock, IdGenerator, Storage};
use oasys_assessment_model::{Crn, OrgCode, Rank};
use oasys_sharing_policy::{LaoLists, Role};
use serde::Deserialize;
use uuid::Uuid;

use super::{Browser, Chrome, Nav, UiError, attempt, call, page};
use crate::auth::{Caller, confirm_password};
use crate::error::ApiError;
use crate::state::AppState;

/// The allocation form on the person page.
#[derive(Debug, Deserialize)]
pub(crate) struct AllocationForm {
    #[serde(default)]
    practitioner: String,
    #[serde(default)]
    team: String,
}

#[derive(Template)]
#[template(path = "allocation_error.html")]
struct AllocationError {
    chrome: Chrome,
    person_id: Uuid,
    errors: Vec<(String, String)>,
}

/// Allocates the case to a practitioner in a team and shows the person again.
pub(crate) async fn allocate<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
    Form(form): Form<AllocationForm>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let person_id = caller.id(&id)?;
    let practitioner = form.practitioner.trim().to_owned();
    let mut errors = Vec::new();
    if practitioner.is_empty() {
        errors.push((
            "practitioner".to_owned(),
            "Enter the practitioner's username".to_owned(),
        ));
    }
    let team = match OrgCode::parse(form.team.trim()) {
        Ok(team) => Some(team),
        Err(error) => {
            errors.push(("team".to_owned(), format!("Enter the team code: {error}")));
            None
        }
    };
    let Some(team) = team.filter(|_| errors.is_empty()) else {
        return Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AllocationError {
                chrome: Chrome::new("Error: Allocate the case", Some(&caller.actor), Nav::None),
                person_id,
                errors,
            },
        ));
    };
    call(&state, &caller, move |app, who| {
        app.allocate(&who.actor, person_id, &practitioner, &team, &who.ctx)
    })
    .await?;
    Ok(Redirect::to(&format!("/people/{person_id}")).into_response())
}

/// Which case's lists to show.
#[derive(Debug, Deserialize)]
pub(crate) struct LaoQuery {
    #[serde(default)]
    crn: String,
}

#[derive(Template)]
#[template(path = "lao.html")]
struct LaoPage {
    chrome: Chrome,
    crn: String,
    person_id: Option<Uuid>,
    excluded: String,
    restricted: String,
    exclusion_message: String,
    restriction_message: String,
    errors: Vec<(String, String)>,
}

fn lines(names: &BTreeSet<String>) -> String {
    names.iter().cloned().collect::<Vec<_>>().join("\n")
}

fn spaced(names: &BTreeSet<String>) -> String {
    names.iter().cloned().collect::<Vec<_>>().join(" ")
}

fn names(text: &str) -> BTreeSet<String> {
    text.split([',', '\n', ' '])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

fn lao_page(
    caller: &Caller,
    crn: String,
    found: Option<(Uuid, LaoLists)>,
    error: Option<String>,
) -> Response {
    let errors: Vec<(String, String)> = error.into_iter().map(|e| ("crn".to_owned(), e)).collect();
    let (person_id, lists) = match found {
        Some((id, lists)) => (Some(id), lists),
        None => (None, LaoLists::default()),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page(
        status,
        &LaoPage {
            chrome: Chrome::new(
                if errors.is_empty() {
                    "Limited access"
                } else {
                    "Error: Limited access"
                },
                Some(&caller.actor),
                Nav::Access,
            ),
            crn,
            person_id,
            excluded: lines(&lists.excluded),
            restricted: lines(&lists.restricted_to),
            exclusion_message: lists.exclusion_message.unwrap_or_default(),
            restriction_message: lists.restriction_message.unwrap_or_default(),
            errors,
        },
    )
}

/// Finds a case by CRN and shows its limited-access lists.
pub(crate) async fn lao<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Query(query): Query<LaoQuery>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let text = query.crn.trim().to_uppercase();
    if text.is_empty() {
        return Ok(lao_page(&caller, text, None, None));
    }
    let crn = match Crn::parse(&text) {
        Ok(crn) => crn,
        Err(error) => {
            return Ok(lao_page(
                &caller,
                text,
                None,
                Some(format!("Enter a CRN: {error}")),
            ));
        }
    };
    let found = attempt(&state, &caller, move |app, who| {
        app.lao_for_crn(&who.actor, &crn, &who.ctx)
    })
    .await;
    match found {
        Ok(found) => Ok(lao_page(&caller, text, Some(found), None)),
        Err(error) if error.status() == StatusCode::NOT_FOUND => Ok(lao_page(
            &caller,
            text,
            None,
            Some("No case you may manage has this CRN".to_owned()),
        )),
        Err(error) => Err(caller.error(error)),
    }
}

/// The lists as the form posts them (no `Debug`: it carries a password).
#[derive(Deserialize)]
pub(crate) struct LaoForm {
    crn: String,
    person_id: Uuid,
    #[serde(default)]
    excluded: String,
    #[serde(default)]
    restricted: String,
    #[serde(default)]
    exclusion_message: String,
    #[serde(default)]
    restriction_message: String,
    /// The second manager approving a name taken off a list, and their password.
    #[serde(default)]
    approver: String,
    #[serde(default)]
    approver_password: String,
}

/// Replaces the lists and shows them again.
pub(crate) async fn save_lao<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Form(form): Form<LaoForm>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let optional = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    let lists = LaoLists {
        excluded: names(&form.excluded),
        restricted_to: names(&form.restricted),
        exclusion_message: optional(&form.exclusion_message),
        restriction_message: optional(&form.restriction_message),
    };
    let person_id = form.person_id;
    let approver = optional(&form.approver);
    // An approver's password is hashed behind the login semaphore.
    let permit = match approver {
        Some(_) => Some(
            state
                .hashing
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| caller.error(ApiError::internal()))?,
        ),
        None => None,
    };
    let now = state.clock.now();
    let password = form.approver_password;
    let who = caller.clone();
    state
        .blocking(move |app| {
            let _permit = permit;
            let approved_by = approver
                .map(|name| confirm_password(app.store(), &name, &password, "approver", now))
                .transpose()?;
            Ok(app.set_lao(
                &who.actor,
                person_id,
                &lists,
                approved_by.as_deref(),
                &who.ctx,
            )?)
        })
        .await
        .map_err(|e| caller.error(e))?;
    let crn: String = form
        .crn
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    Ok(Redirect::to(&format!("/admin/lao?crn={crn}")).into_response())
}

struct UserRow {
    username: String,
    role: Role,
    role_label: String,
    grade: String,
    teams: String,
    managed_teams: String,
    disabled: bool,
    own: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserRow>,
    roles: Vec<(Role, &'static str, String)>,
    errors: Vec<(String, String)>,
}

impl UsersPage {
    fn has_role(&self, user: &UserRow, role: &Role) -> bool {
        user.role == *role
    }
}

async fn users_page<S, C, I>(
    state: &AppState<S, C, I>,
    caller: &Caller,
    errors: Vec<(String, String)>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let users = call(state, caller, |app, who| app.users(&who.actor, &who.ctx)).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(page(
        status,
        &UsersPage {
            chrome: Chrome::new(
                if errors.is_empty() {
                    "Users"
                } else {
                    "Error: Users"
                },
                Some(&caller.actor),
                Nav::Users,
            ),
            users: users
                .into_iter()
                .map(|u| UserRow {
                    own: u.username == caller.actor.id,
                    role: u.profile.role,
                    role_label: u.profile.role.to_string(),
                    grade: u
                        .profile
                        .grade
                        .map(|g| g.get().to_string())
                        .unwrap_or_default(),
                    teams: spaced(&u.profile.teams),
                    managed_teams: spaced(&u.profile.managed_teams),
                    disabled: u.disabled,
                    username: u.username,
                })
                .collect(),
            roles: Role::ALL
                .iter()
                .map(|r| (*r, r.code(), r.to_string()))
                .collect(),
            errors,
        },
    ))
}

/// Every account, with forms to change a role or disable an account (administrators).
pub(crate) async fn users<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    users_page(&state, &caller, Vec::new()).await
}

/// A change to one account, as the forms post it.
#[derive(Debug, Deserialize)]
pub(crate) struct AccountForm {
    change: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    teams: String,
    #[serde(default)]
    managed_teams: String,
}

/// Changes an account and lists the accounts again.
pub(crate) async fn change_user<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(username): Path<String>,
    Form(form): Form<AccountForm>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let field = |message: &str| vec![(format!("role-{username}"), message.to_owned())];
    let change = match form.change.as_str() {
        "teams" => {
            let codes = |text: &str| -> Result<BTreeSet<String>, String> {
                names(text)
                    .into_iter()
                    .map(|code| {
                        OrgCode::parse(&code)
                            .map(|_| code.clone())
                            .map_err(|e| format!("{code} is not a team code: {e}"))
                    })
                    .collect()
            };
            match (codes(&form.teams), codes(&form.managed_teams)) {
                (Ok(teams), Ok(managed_teams)) => AccountChange::Teams {
                    teams,
                    managed_teams,
                },
                (Err(message), _) | (_, Err(message)) => {
                    let field = vec![(format!("teams-{username}"), message)];
                    return users_page(&state, &caller, field).await;
                }
            }
        }
        "disable" => AccountChange::Disabled(true),
        "enable" => AccountChange::Disabled(false),
        "role" => {
            let Some(role) = Role::ALL.iter().copied().find(|r| r.code() == form.role) else {
                return users_page(&state, &caller, field("Choose a role")).await;
            };
            let grade = match form.grade.trim() {
                "" => None,
                text => match text.parse::<u8>().ok().and_then(|g| Rank::new(g).ok()) {
                    Some(rank) => Some(rank),
                    None => {
                        return users_page(
                            &state,
                            &caller,
                            field("Enter a grade from 1 to 3, or leave it empty"),
                        )
                        .await;
                    }
                },
            };
            AccountChange::Role { role, grade }
        }
        _ => return users_page(&state, &caller, field("Unknown change")).await,
    };
    let target = username.clone();
    let changed = attempt(&state, &caller, move |app, who| {
        app.change_account(&who.actor, &target, &change, &who.ctx)
    })
    .await;
    match changed {
        Ok(()) => Ok(Redirect::to("/admin/users").into_response()),
        Err(error) if error.status() == StatusCode::UNPROCESSABLE_ENTITY => {
            let messages = error
                .messages()
                .into_iter()
                .map(|m| (format!("role-{username}"), m))
                .collect();
            users_page(&state, &caller, messages).await
        }
        Err(error) => Err(caller.error(error)),
    }
}
