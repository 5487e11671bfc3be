//! The reason page of a limited access record: "Why do you need to open this record?". The reason
//! is kept in the database for this browser session and this person
//! (`AccountRepository::save_session_reason`, gone with the session), and every page about the
//! person (`/people/{id}…`, and the `/assessments/{id}…`, `/plans/{id}` and `/sharing/{id}…` pages
//! of their assessments, plans and sharing requests) then states it as the
//! request's justification (sharing spec §4, [`attach`]), so each consultation is audited with it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use oasys_app::{
    App, AppError, Clock, DocumentKind, IdGenerator, SessionLimits, StatedReasons, Storage,
};
use serde::Deserialize;
use uuid::Uuid;

use super::{Browser, Chrome, Nav, UiError, attempt, page};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Fewest characters of a reason (after trimming).
pub(crate) const MIN_REASON: usize = 10;
/// Most characters of a reason (after trimming).
pub(crate) const MAX_REASON: usize = 500;

/// What a page's path is about, when it names a person, an assessment or a person's document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subject {
    Person(Uuid),
    Assessment(Uuid),
    Document(DocumentKind, Uuid),
}

pub(crate) fn subject(path: &str) -> Option<Subject> {
    let mut segments = path.trim_start_matches('/').split('/');
    let kind = segments.next()?;
    let id = Uuid::parse_str(segments.next()?).ok()?;
    match kind {
        "people" => Some(Subject::Person(id)),
        "assessments" => Some(Subject::Assessment(id)),
        "plans" => Some(Subject::Document(DocumentKind::SentencePlan, id)),
        "sharing" => Some(Subject::Document(DocumentKind::SharingRequest, id)),
        _ => None,
    }
}

/// The caller with the reason stored in their browser session for the person the page is about
/// (`subject`: the person named in the path, or the person of the assessment, plan or sharing
/// request named), as the request's justification. Runs on the blocking hop that resolves the
/// caller; nothing is read for other pages or API clients, and the assessment or document is
/// looked up only when the session has given a reason at all.
pub(crate) fn attach<S, C, I>(
    app: &App<S, C, I>,
    mut caller: Caller,
    subject: Option<Subject>,
    now: DateTime<Utc>,
    limits: SessionLimits,
) -> Result<Caller, AppError>
where
    S: Storage,
    C: Clock,
    I: IdGenerator,
{
    let (None, Some(hash), Some(subject)) =
        (&caller.ctx.justification, &caller.session_hash, subject)
    else {
        return Ok(caller);
    };
    let store = app.store();
    let reasons = store.session_reasons(hash, now, limits)?;
    if reasons.is_empty() {
        return Ok(caller);
    }
    let person = match subject {
        Subject::Person(id) => Some(id),
        Subject::Assessment(id) => store.assessment_state(id)?.map(|a| a.header().person.id),
        Subject::Document(kind, id) => store.get_document(kind, id)?.map(|d| d.person_id),
    };
    caller.ctx.justification = person.and_then(|person| {
        reasons
            .into_iter()
            .find(|(id, _)| *id == person)
            .map(|(_, reason)| reason)
    });
    Ok(caller)
}

/// Every reason given in the caller's browser session, by person (none for API clients).
pub(crate) fn stated_reasons<S, C, I>(
    app: &App<S, C, I>,
    who: &Caller,
    now: DateTime<Utc>,
    limits: SessionLimits,
) -> Result<StatedReasons, AppError>
where
    S: Storage,
    C: Clock,
    I: IdGenerator,
{
    Ok(match &who.session_hash {
        Some(hash) => app
            .store()
            .session_reasons(hash, now, limits)?
            .into_iter()
            .collect(),
        None => StatedReasons::new(),
    })
}

/// Where the reason page of a person is.
pub(crate) fn reason_path(person_id: Uuid) -> String {
    format!("/people/{person_id}/reason")
}

/// The reason form as posted.
#[derive(Debug, Deserialize)]
pub(crate) struct ReasonForm {
    #[serde(default)]
    reason: String,
}

#[derive(Template)]
#[template(path = "reason.html")]
struct ReasonPage {
    chrome: Chrome,
    person_id: Uuid,
    reason: String,
    /// (field id, message) pairs for the error summary.
    errors: Vec<(String, String)>,
}

fn reason_page(
    caller: &Caller,
    person_id: Uuid,
    reason: String,
    error: Option<String>,
) -> Response {
    let title = "Why do you need to open this record?";
    let (status, title) = match &error {
        Some(_) => (StatusCode::UNPROCESSABLE_ENTITY, format!("Error: {title}")),
        None => (StatusCode::OK, title.to_owned()),
    };
    page(
        status,
        &ReasonPage {
            chrome: Chrome::new(title, Some(&caller.actor), Nav::None),
            person_id,
            reason,
            errors: error
                .map(|message| vec![("reason".to_owned(), message)])
                .unwrap_or_default(),
        },
    )
}

/// The reason form.
pub(crate) async fn form(
    Browser(caller): Browser,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let person_id = caller.id(&id)?;
    Ok(reason_page(&caller, person_id, String::new(), None))
}

/// What is wrong with a reason, if anything (counted in characters after trimming).
pub(crate) fn check(reason: &str) -> Option<String> {
    let length = reason.chars().count();
    if length == 0 {
        Some("Enter why you need to open this record".to_owned())
    } else if length < MIN_REASON {
        Some(format!(
            "Your reason must be {MIN_REASON} characters or more"
        ))
    } else if length > MAX_REASON {
        Some(format!(
            "Your reason must be {MAX_REASON} characters or fewer (you have {length})"
        ))
    } else {
        None
    }
}

/// Keeps the reason for this session and person, then opens the person's page.
pub(crate) async fn save<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let person_id = caller.id(&id)?;
    let reason = form.reason.trim().to_owned();
    if let Some(error) = check(&reason) {
        return Ok(reason_page(&caller, person_id, reason, Some(error)));
    }
    let Some(hash) = caller.session_hash.clone() else {
        return Err(caller.error(ApiError::unauthenticated()));
    };
    let now = state.clock.now();
    let limits = state.config.sessions;
    attempt(&state, &caller, move |app, _| {
        Ok(app
            .store()
            .save_session_reason(&hash, person_id, &reason, now, limits)?)
    })
    .await
    .map_err(|e| caller.error(e))?;
    Ok(Redirect::to(&format!("/people/{person_id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_of_a_page_is_the_person_or_assessment_its_path_names() {
        let id = Uuid::from_u128(7);
        assert_eq!(
            subject(&format!("/people/{id}/compare")),
            Some(Subject::Person(id))
        );
        assert_eq!(
            subject(&format!("/assessments/{id}/sections/x")),
            Some(Subject::Assessment(id))
        );
        assert_eq!(
            subject(&format!("/plans/{id}")),
            Some(Subject::Document(DocumentKind::SentencePlan, id))
        );
        assert_eq!(
            subject(&format!("/sharing/{id}/package")),
            Some(Subject::Document(DocumentKind::SharingRequest, id))
        );
        assert_eq!(subject(&format!("/admin/users/{id}")), None);
        assert_eq!(subject("/people/not-an-id"), None);
        assert_eq!(subject("/caseload"), None);
    }

    #[test]
    fn a_reason_is_ten_to_five_hundred_characters() {
        assert!(check("").is_some());
        assert!(check("too short").is_some());
        assert_eq!(check("Court date"), None);
        assert_eq!(check(&"é".repeat(500)), None, "characters, not bytes");
        let long = check(&"x".repeat(501)).expect("too long");
        assert!(long.contains("501"), "{long}");
    }
}
