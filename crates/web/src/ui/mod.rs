//! The practitioners' web UI: server-rendered HTML (askama templates under `templates/`) styled
//! with GOV.UK Frontend, over the same use cases as the JSON API. Every page works without
//! JavaScript; forms post back to the same path (post/redirect/get on success).

mod admin;
mod assessment;
mod assets;
mod chart;
mod form;
mod people;
mod plan;
mod reason;
mod scores;
mod session;
mod sharing;
mod what_works;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use oasys_app::{App, AppError, Clock, IdGenerator, Storage};
use oasys_sharing_policy::{Actor, Role};

use crate::auth::{Caller, Credentials};
use crate::error::ApiError;
use crate::state::AppState;

/// The parts of every page around its content: the title, who is signed in, the navigation.
#[derive(Debug, Clone)]
pub(crate) struct Chrome {
    /// The page's `<title>` (prefixed with "Error: " when the page shows errors).
    pub title: String,
    /// Who is signed in, if anyone.
    pub user: Option<SignedIn>,
    /// Which navigation item is current.
    pub section: Nav,
}

/// The signed-in user as the header shows them.
#[derive(Debug, Clone)]
pub(crate) struct SignedIn {
    pub username: String,
    pub role: String,
    /// Works on sharing requests.
    pub shares: bool,
    /// May manage limited-access lists.
    pub manages_access: bool,
    /// May allocate cases.
    pub allocates: bool,
    /// Sees the What Works page (analysts).
    pub analyses: bool,
    /// Manages accounts.
    pub administers: bool,
}

/// Navigation items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nav {
    None,
    Caseload,
    Search,
    Sharing,
    Access,
    WhatWorks,
    Users,
}

impl Chrome {
    pub(crate) fn new(title: impl Into<String>, actor: Option<&Actor>, section: Nav) -> Self {
        Self {
            title: title.into(),
            user: actor.map(|a| SignedIn {
                username: a.id.clone(),
                role: a.role.to_string(),
                shares: matches!(
                    a.role,
                    Role::Practitioner
                        | Role::PrisonOffenderManager
                        | Role::SeniorProbationOfficer
                        | Role::HeadOfPdu
                        | Role::Homd
                ),
                manages_access: a.role.is_manager() || a.role == Role::Administrator,
                allocates: a.role.is_manager() || a.role == Role::CaseAdministrator,
                administers: a.role == Role::Administrator,
                analyses: a.role == Role::Analyst,
            }),
            section,
        }
    }

    pub(crate) fn is(&self, section: Nav) -> bool {
        self.section == section
    }
}

/// A rendered page (HTML, UTF-8) with its status.
pub(crate) fn page(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => {
            let mut response = (status, html).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            response
        }
        Err(error) => {
            tracing::error!(%error, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    heading: String,
    messages: Vec<String>,
}

/// An error shown as a page: sign-in for a missing session, else the problem in words.
#[derive(Debug)]
pub(crate) struct UiError {
    error: ApiError,
    actor: Option<Box<Actor>>,
}

impl From<ApiError> for UiError {
    fn from(error: ApiError) -> Self {
        Self { error, actor: None }
    }
}

impl From<oasys_app::AppError> for UiError {
    fn from(error: oasys_app::AppError) -> Self {
        ApiError::from(error).into()
    }
}

impl UiError {
    /// Shows the error inside the signed-in chrome.
    pub(crate) fn for_actor(mut self, actor: &Actor) -> Self {
        self.actor = Some(Box::new(actor.clone()));
        self
    }
}

/// Runs use cases for the signed-in user on the blocking pool, keeping the error for a page that
/// answers some failures itself (a stale version, a broken rule).
pub(crate) async fn attempt<S, C, I, T>(
    state: &AppState<S, C, I>,
    caller: &Caller,
    work: impl FnOnce(&App<S, C, I>, &Caller) -> Result<T, AppError> + Send + 'static,
) -> Result<T, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
    T: Send + 'static,
{
    let who = caller.clone();
    state.blocking(move |app| Ok(work(app, &who)?)).await
}

/// Runs use cases for the signed-in user; a failure becomes their error page.
pub(crate) async fn call<S, C, I, T>(
    state: &AppState<S, C, I>,
    caller: &Caller,
    work: impl FnOnce(&App<S, C, I>, &Caller) -> Result<T, AppError> + Send + 'static,
) -> Result<T, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
    T: Send + 'static,
{
    attempt(state, caller, work)
        .await
        .map_err(|e| caller.error(e))
}

impl Caller {
    /// An error shown as a page inside this user's chrome.
    pub(crate) fn error(&self, error: impl Into<UiError>) -> UiError {
        error.into().for_actor(&self.actor)
    }

    /// The id in a path, or this user's 404 page.
    pub(crate) fn id(&self, text: &str) -> Result<uuid::Uuid, UiError> {
        crate::extract::path_id(text).map_err(|e| self.error(e))
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let status = self.error.status();
        if status == StatusCode::UNAUTHORIZED {
            return Redirect::to("/sign-in").into_response();
        }
        let heading = match status {
            StatusCode::NOT_FOUND => "Page not found".to_owned(),
            StatusCode::FORBIDDEN => "You cannot see this page".to_owned(),
            StatusCode::SERVICE_UNAVAILABLE => "Sorry, the service is unavailable".to_owned(),
            StatusCode::INTERNAL_SERVER_ERROR => {
                "Sorry, there is a problem with the service".to_owned()
            }
            _ => self.error.title().to_owned(),
        };
        let mut messages = self.error.messages();
        let heading = if self.error.title() == "Justification required" {
            // A limited access record opened without a reason (the person page itself leads
            // straight to the reason form).
            messages = vec![
                "This is a limited access record. Open the person from your caseload or from \
                 Find a person and say why you need it: your reason then applies to all of their \
                 pages until you sign out."
                    .to_owned(),
            ];
            "Say why you need to open this record".to_owned()
        } else {
            heading
        };
        if status == StatusCode::SERVICE_UNAVAILABLE {
            messages
                .push("Try again in a few seconds. Nothing you saved has been lost.".to_owned());
        }
        let template = ErrorPage {
            chrome: Chrome::new(heading.clone(), self.actor.as_deref(), Nav::None),
            heading,
            messages,
        };
        let mut response = page(status, &template);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// A signed-in browser user; without a session the request is sent to the sign-in page.
#[derive(Debug, Clone)]
pub(crate) struct Browser(pub Caller);

impl<S, C, I> FromRequestParts<AppState<S, C, I>> for Browser
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    type Rejection = UiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S, C, I>,
    ) -> Result<Self, Self::Rejection> {
        // One hop: the session and account, then the reason stated in this session for the
        // person the page is about (sharing spec §4), if any.
        let credentials = Credentials::from_request_parts(parts, state).await?;
        let subject = reason::subject(parts.uri.path());
        let now = state.clock.now();
        let limits = state.config.sessions;
        let caller = state
            .blocking(move |app| {
                let caller = credentials.resolve(app.store(), now, limits)?;
                Ok(reason::attach(app, caller, subject, now, limits)?)
            })
            .await?;
        Ok(Self(caller))
    }
}

impl<S, C, I> OptionalFromRequestParts<AppState<S, C, I>> for Browser
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    type Rejection = UiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S, C, I>,
    ) -> Result<Option<Self>, Self::Rejection> {
        match Caller::from_request_parts(parts, state).await {
            Ok(caller) => Ok(Some(Self(caller))),
            Err(error) if error.status() == StatusCode::UNAUTHORIZED => Ok(None),
            Err(error) => Err(error.into()),
        }
    }
}

/// Formats a date the GOV.UK way: 4 June 2026.
pub(crate) fn long_date(date: chrono::NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// The HTML routes (no prefix) and the static assets under `/assets`.
pub(crate) fn routes<S, C, I>() -> Router<AppState<S, C, I>>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    Router::new()
        .route("/", get(session::home))
        .route(
            "/sign-in",
            get(session::sign_in_page).post(session::sign_in::<S, C, I>),
        )
        .route("/sign-out", post(session::sign_out::<S, C, I>))
        .route("/caseload", get(people::caseload::<S, C, I>))
        .route("/search", get(people::search::<S, C, I>))
        .route("/people/{id}", get(people::overview::<S, C, I>))
        .route(
            "/people/{id}/reason",
            get(reason::form).post(reason::save::<S, C, I>),
        )
        .route("/people/{id}/compare", get(people::compare::<S, C, I>))
        .route("/people/{id}/allocation", post(admin::allocate::<S, C, I>))
        .route("/admin/users", get(admin::users::<S, C, I>))
        .route(
            "/admin/users/{username}",
            post(admin::change_user::<S, C, I>),
        )
        .route(
            "/admin/lao",
            get(admin::lao::<S, C, I>).post(admin::save_lao::<S, C, I>),
        )
        .route(
            "/people/{id}/assessments",
            post(assessment::start::<S, C, I>),
        )
        .route("/assessments/{id}", get(assessment::task_list::<S, C, I>))
        .route(
            "/assessments/{id}/scores",
            get(assessment::scores::<S, C, I>),
        )
        .route(
            "/assessments/{id}/sections/{section}",
            get(assessment::section_page::<S, C, I>).post(assessment::save_section::<S, C, I>),
        )
        .route("/assessments/{id}/sign", post(assessment::sign::<S, C, I>))
        .route(
            "/assessments/{id}/rmp-draft",
            post(assessment::draft_rmp::<S, C, I>),
        )
        .route(
            "/assessments/{id}/lock-incomplete",
            post(assessment::lock_incomplete::<S, C, I>),
        )
        .route(
            "/assessments/{id}/countersign",
            post(assessment::countersign::<S, C, I>),
        )
        .route(
            "/assessments/{id}/reject",
            post(assessment::reject::<S, C, I>),
        )
        .route("/assessments/{id}/plan", post(plan::draft::<S, C, I>))
        .route(
            "/plans/{id}",
            get(plan::show::<S, C, I>).post(plan::change::<S, C, I>),
        )
        .route("/sharing", get(sharing::inbox::<S, C, I>))
        .route(
            "/sharing/{id}",
            get(sharing::request_page_route::<S, C, I>).post(sharing::decide::<S, C, I>),
        )
        .route(
            "/sharing/{id}/package",
            get(sharing::package::<S, C, I>).post(sharing::build_package::<S, C, I>),
        )
        .route(
            "/sharing/{id}/package/review",
            post(sharing::review::<S, C, I>),
        )
        .route(
            "/sharing/{id}/package/approve",
            post(sharing::approve::<S, C, I>),
        )
        .route(
            "/sharing/{id}/package/release",
            post(sharing::release::<S, C, I>),
        )
        .route(
            "/sharing/{id}/package/retrospective-review",
            post(sharing::retrospective_review::<S, C, I>),
        )
        .route("/sharing/{id}/withdraw", post(sharing::withdraw::<S, C, I>))
        .route("/what-works", get(what_works::what_works::<S, C, I>))
        .route(
            "/what-works.csv",
            get(what_works::what_works_csv::<S, C, I>),
        )
        .route("/assets/{file}", get(assets::asset))
}
