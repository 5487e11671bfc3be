//! Case administration in the browser: allocating a case to a practitioner (managers) and the
//! limited-access-offender lists (whoever the policy lets manage them). Accounts, roles and teams
//! are managed with the `oasys user` and `oasys team` commands.

use std::collections::BTreeSet;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use oasys_app::{Clock, IdGenerator, Storage};
use oasys_assessment_model::{Crn, OrgCode};
use oasys_sharing_policy::LaoLists;
use serde::Deserialize;
use uuid::Uuid;

use super::{Browser, Chrome, Nav, UiError, page};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::path_id;
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
    let actor = caller.actor.clone();
    let person_id = path_id(&id).map_err(|e| UiError::from(e).for_actor(&actor))?;
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
                chrome: Chrome::new("Error: Allocate the case", Some(&actor), Nav::None),
                person_id,
                errors,
            },
        ));
    };
    state
        .blocking(move |app| {
            Ok(app.allocate(&caller.actor, person_id, &practitioner, &team, &caller.ctx)?)
        })
        .await
        .map_err(|e| UiError::from(e).for_actor(&actor))?;
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
    let who = caller.clone();
    let found = state
        .blocking(move |app| Ok(app.lao_for_crn(&who.actor, &crn, &who.ctx)?))
        .await;
    match found {
        Ok(found) => Ok(lao_page(&caller, text, Some(found), None)),
        Err(error) if error.status() == StatusCode::NOT_FOUND => Ok(lao_page(
            &caller,
            text,
            None,
            Some("No case you may manage has this CRN".to_owned()),
        )),
        Err(error) => Err(UiError::from(error).for_actor(&caller.actor)),
    }
}

/// The lists as the form posts them.
#[derive(Debug, Deserialize)]
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
    let who = caller.clone();
    let person_id = form.person_id;
    state
        .blocking(move |app| Ok(app.set_lao(&who.actor, person_id, &lists, &who.ctx)?))
        .await
        .map_err(|e: ApiError| UiError::from(e).for_actor(&caller.actor))?;
    let crn: String = form
        .crn
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    Ok(Redirect::to(&format!("/admin/lao?crn={crn}")).into_response())
}
