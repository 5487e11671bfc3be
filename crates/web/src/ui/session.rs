//! Signing in and out in the browser: the same accounts, throttling and sessions as the API.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use oasys_app::{Clock, IdGenerator, Storage};
use serde::Deserialize;

use super::{Browser, Chrome, Nav, UiError, page};
use crate::auth::{LoginFailure, LoginRequest, end_session, start_session};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    username: String,
    error: Option<String>,
}

/// The sign-in form's fields.
#[derive(Debug, Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// `/`: the caseload when signed in, else the sign-in page.
pub(crate) async fn home(user: Option<Browser>) -> Redirect {
    if user.is_some() {
        Redirect::to("/caseload")
    } else {
        Redirect::to("/sign-in")
    }
}

fn sign_in_form(status: StatusCode, username: String, error: Option<String>) -> Response {
    let title = if error.is_some() {
        "Error: Sign in"
    } else {
        "Sign in"
    };
    page(
        status,
        &SignInPage {
            chrome: Chrome::new(title, None, Nav::None),
            username,
            error,
        },
    )
}

/// The sign-in form.
pub(crate) async fn sign_in_page(user: Option<Browser>) -> Response {
    if user.is_some() {
        return Redirect::to("/caseload").into_response();
    }
    sign_in_form(StatusCode::OK, String::new(), None)
}

/// Checks the credentials, starts a session and goes to the caseload.
pub(crate) async fn sign_in<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let username = form.username.trim().to_owned();
    if username.is_empty() || form.password.is_empty() {
        return sign_in_form(
            StatusCode::UNPROCESSABLE_ENTITY,
            username,
            Some("Enter your username and password".to_owned()),
        );
    }
    let request = LoginRequest {
        username: username.clone(),
        password: form.password,
    };
    match start_session(&state, request, &headers).await {
        Ok((cookie, _)) => {
            let mut response = Redirect::to("/caseload").into_response();
            response.headers_mut().insert(header::SET_COOKIE, cookie);
            response
        }
        Err(LoginFailure::Throttled(_)) => sign_in_form(
            StatusCode::TOO_MANY_REQUESTS,
            username,
            Some("Too many failed attempts for this username: try again in an hour".to_owned()),
        ),
        Err(LoginFailure::Error(error)) if error.status() == StatusCode::UNAUTHORIZED => {
            sign_in_form(
                StatusCode::UNAUTHORIZED,
                username,
                Some("The username or password is not right".to_owned()),
            )
        }
        Err(LoginFailure::Error(error)) => UiError::from(error).into_response(),
    }
}

/// Ends the session and goes back to the sign-in page.
pub(crate) async fn sign_out<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let cleared = end_session(&state, caller).await?;
    Ok((cleared, Redirect::to("/sign-in")).into_response())
}
