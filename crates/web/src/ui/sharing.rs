//! Information sharing in the browser: the inbox of partner agencies' requests, the decision form
//! (necessity and proportionality always stated), and the disclosure package exactly as it will
//! be shared, printable.

use std::collections::BTreeSet;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use oasys_app::{Clock, IdGenerator, SharingCase, Storage};
use oasys_sharing_policy::{
    DecisionDraft, DeclineCategory, DeclineReason, DisclosurePackage, MIN_STATEMENT_CHARS, Outcome,
    RecipientCondition, SubjectInformed, TemplateSection,
};
use uuid::Uuid;

use super::people::PersonRow;
use super::{Browser, Chrome, Nav, UiError, attempt, call, long_date, page};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Most requests the inbox lists.
const INBOX_LIMIT: usize = 200;

struct InboxRow {
    id: Uuid,
    agency: String,
    person: PersonRow,
    received: String,
    due: String,
    overdue: bool,
    urgency: String,
    state: String,
}

fn words(debug: impl std::fmt::Debug) -> String {
    let raw = format!("{debug:?}");
    let mut out = String::new();
    for (i, c) in raw.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[derive(Template)]
#[template(path = "sharing_inbox.html")]
struct InboxPage {
    chrome: Chrome,
    rows: Vec<InboxRow>,
}

/// Requests the signed-in user may work on, due soonest first.
pub(crate) async fn inbox<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let now = state.clock.now();
    let cases = call(&state, &caller, |app, who| {
        app.sharing_inbox(&who.actor, INBOX_LIMIT, &who.ctx)
    })
    .await?;
    let mut rows: Vec<InboxRow> = cases
        .iter()
        .map(|case| InboxRow {
            id: case.request.record.id,
            agency: case.request.record.agency.name.clone(),
            person: PersonRow::of(&case.person),
            received: long_date(case.request.record.received_at.date_naive()),
            due: long_date(case.request.due_at.date_naive()),
            overdue: case.decision.is_none() && case.request.is_overdue(now),
            urgency: words(case.request.record.urgency),
            state: words(case.request.state),
        })
        .collect();
    rows.sort_by_key(|r| (!r.overdue, r.due.clone()));
    Ok(page(
        StatusCode::OK,
        &InboxPage {
            chrome: Chrome::new("Sharing requests", Some(&caller.actor), Nav::Sharing),
            rows,
        },
    ))
}

/// What the decision form holds (also when it comes back with errors).
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct DecisionForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    necessity: String,
    #[serde(default)]
    proportionality: String,
    #[serde(default)]
    sections: Vec<String>,
    #[serde(default)]
    informed: String,
    #[serde(default)]
    not_informed_reason: String,
    #[serde(default)]
    decline_category: String,
    #[serde(default)]
    decline_text: String,
}

#[derive(Template)]
#[template(path = "sharing_request.html")]
struct RequestPage {
    chrome: Chrome,
    id: Uuid,
    person: PersonRow,
    agency: String,
    requester: String,
    legal_basis: String,
    reference: String,
    purpose: String,
    requested: Vec<String>,
    due: String,
    urgency: String,
    state: String,
    decision: Option<DecisionSummary>,
    has_package: bool,
    form: DecisionForm,
    sections: Vec<(String, String)>,
    declines: Vec<(String, String)>,
    conditions: Vec<String>,
    errors: Vec<(String, String)>,
}

impl RequestPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    fn chosen(&self, section: &str) -> bool {
        self.form.sections.iter().any(|s| s == section)
    }
}

struct DecisionSummary {
    outcome: String,
    decided_by: String,
    decided_at: String,
    necessity: String,
    proportionality: String,
    sections: Vec<String>,
    shares: bool,
}

fn token(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn condition_text(condition: &RecipientCondition) -> String {
    match condition {
        RecipientCondition::ConfidentialityUndertaking => {
            "The recipient keeps the information confidential".to_owned()
        }
        RecipientCondition::NoOnwardDisclosureWithoutConsulting => {
            "No onward disclosure without consulting probation first".to_owned()
        }
        RecipientCondition::DestroyAfterPurpose => "Destroyed once the purpose is met".to_owned(),
        RecipientCondition::Other(text) => text.clone(),
    }
}

fn request_page(
    caller: &Caller,
    case: &SharingCase,
    form: DecisionForm,
    errors: Vec<(String, String)>,
) -> Response {
    let record = &case.request.record;
    let form = if errors.is_empty() && form.sections.is_empty() && form.outcome.is_empty() {
        DecisionForm {
            sections: record.scope_requested.iter().map(token).collect(),
            ..form
        }
    } else {
        form
    };
    let decision = case.decision.as_ref().map(|d| DecisionSummary {
        outcome: match d.outcome() {
            Outcome::ShareFull => "Share in full".to_owned(),
            Outcome::SharePart => "Share in part".to_owned(),
            Outcome::Decline => "Decline".to_owned(),
        },
        decided_by: d.decided_by.clone(),
        decided_at: long_date(d.record.decided_at.date_naive()),
        necessity: d.record.necessity.clone(),
        proportionality: d.record.proportionality.clone(),
        sections: d
            .shared_sections()
            .iter()
            .map(ToString::to_string)
            .collect(),
        shares: d.outcome() != Outcome::Decline,
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = if errors.is_empty() {
        "Sharing request"
    } else {
        "Error: Sharing request"
    };
    page(
        status,
        &RequestPage {
            chrome: Chrome::new(title, Some(&caller.actor), Nav::Sharing),
            id: record.id,
            person: PersonRow::of(&case.person),
            agency: record.agency.name.clone(),
            requester: format!("{} ({})", record.requester.name, record.requester.role),
            legal_basis: record.legal_basis.to_string(),
            reference: record.external_reference.clone(),
            purpose: record.purpose.clone(),
            requested: record
                .scope_requested
                .iter()
                .map(ToString::to_string)
                .collect(),
            due: long_date(case.request.due_at.date_naive()),
            urgency: words(record.urgency),
            state: words(case.request.state),
            decision,
            has_package: case.package.is_some(),
            form,
            sections: TemplateSection::ALL
                .iter()
                .map(|s| (token(s), s.to_string()))
                .collect(),
            declines: [
                (DeclineCategory::NoLawfulBasis, "No lawful basis"),
                (DeclineCategory::NotNecessary, "Not necessary"),
                (DeclineCategory::Disproportionate, "Disproportionate"),
                (DeclineCategory::NotHeld, "We do not hold it"),
                (
                    DeclineCategory::WouldPrejudiceInvestigation,
                    "Would prejudice an investigation",
                ),
                (DeclineCategory::Other, "Other"),
            ]
            .iter()
            .map(|(c, l)| (token(c), (*l).to_owned()))
            .collect(),
            conditions: RecipientCondition::standard()
                .iter()
                .map(condition_text)
                .collect(),
            errors,
        },
    )
}

async fn load_case<S, C, I>(
    state: &AppState<S, C, I>,
    caller: &Caller,
    id: Uuid,
) -> Result<SharingCase, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    call(state, caller, move |app, who| {
        app.sharing_request(&who.actor, id, &who.ctx)
    })
    .await
}

/// One request: its details, and the decision form or the decision made.
pub(crate) async fn request_page_route<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let id = caller.id(&id)?;
    let case = load_case(&state, &caller, id).await?;
    Ok(request_page(
        &caller,
        &case,
        DecisionForm::default(),
        Vec::new(),
    ))
}

/// The decision the form describes, or the fields at fault.
fn draft(
    form: &DecisionForm,
    case: &SharingCase,
    now: DateTime<Utc>,
) -> Result<DecisionDraft, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let outcome = match form.outcome.as_str() {
        "share_full" => Some(Outcome::ShareFull),
        "share_part" => Some(Outcome::SharePart),
        "decline" => Some(Outcome::Decline),
        _ => {
            errors.push(("outcome".to_owned(), "Choose whether to share".to_owned()));
            None
        }
    };
    for (field, text, what) in [
        ("necessity", &form.necessity, "why sharing is necessary"),
        (
            "proportionality",
            &form.proportionality,
            "why sharing this much is proportionate",
        ),
    ] {
        if text.trim().chars().count() < MIN_STATEMENT_CHARS {
            errors.push((
                field.to_owned(),
                format!("Explain {what}, in at least {MIN_STATEMENT_CHARS} characters"),
            ));
        }
    }
    let sections: BTreeSet<TemplateSection> = TemplateSection::ALL
        .iter()
        .copied()
        .filter(|s| form.sections.contains(&token(s)))
        .collect();
    if outcome == Some(Outcome::SharePart) && sections.is_empty() {
        errors.push((
            "sections".to_owned(),
            "Choose the sections to share in part".to_owned(),
        ));
    }
    let subject_informed = match form.informed.as_str() {
        "yes" => Some(SubjectInformed::Yes),
        "no" if !form.not_informed_reason.trim().is_empty() => Some(SubjectInformed::No {
            reason: form.not_informed_reason.trim().to_owned(),
        }),
        "no" => {
            errors.push((
                "not_informed_reason".to_owned(),
                "Say why the person is not being told".to_owned(),
            ));
            None
        }
        _ => {
            errors.push((
                "informed".to_owned(),
                "Say whether the person will be told about the disclosure".to_owned(),
            ));
            None
        }
    };
    let decline_reason = if outcome == Some(Outcome::Decline) {
        let category = serde_json::from_value::<DeclineCategory>(serde_json::Value::String(
            form.decline_category.clone(),
        ));
        match category {
            Ok(category) if !form.decline_text.trim().is_empty() => Some(DeclineReason {
                category,
                text: form.decline_text.trim().to_owned(),
            }),
            _ => {
                errors.push((
                    "decline_category".to_owned(),
                    "Give the reason for declining and explain it".to_owned(),
                ));
                None
            }
        }
    } else {
        None
    };
    match (outcome, subject_informed) {
        (Some(outcome), Some(subject_informed)) if errors.is_empty() => Ok(DecisionDraft {
            id: Uuid::nil(),
            request_id: case.request.record.id,
            outcome,
            decided_at: now,
            legal_basis_confirmed: case.request.record.legal_basis.clone(),
            basis_note: None,
            necessity: form.necessity.trim().to_owned(),
            proportionality: form.proportionality.trim().to_owned(),
            sections: if outcome == Outcome::ShareFull {
                BTreeSet::new()
            } else {
                sections
            },
            exceptions: Vec::new(),
            conditions: RecipientCondition::standard(),
            subject_informed,
            decline_reason,
        }),
        _ => Err(errors),
    }
}

/// Records the decision (the server sets its id and time) and shows the request again.
pub(crate) async fn decide<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let id = caller.id(&id)?;
    let form = decision_form(form);
    let case = load_case(&state, &caller, id).await?;
    let decision = match draft(&form, &case, state.clock.now()) {
        Ok(decision) => decision,
        Err(errors) => return Ok(request_page(&caller, &case, form, errors)),
    };
    let decided = attempt(&state, &caller, move |app, who| {
        app.decide_sharing_request(&who.actor, id, decision, &who.ctx)
    })
    .await;
    match decided {
        Ok(_) => Ok(Redirect::to(&format!("/sharing/{id}")).into_response()),
        Err(error) if error.status() == StatusCode::UNPROCESSABLE_ENTITY => {
            let errors = error
                .messages()
                .into_iter()
                .map(|m| (String::new(), m))
                .collect();
            Ok(request_page(&caller, &case, form, errors))
        }
        Err(error) => Err(caller.error(error)),
    }
}

/// Reads the posted pairs (checkboxes repeat their name) into the form.
fn decision_form(pairs: Vec<(String, String)>) -> DecisionForm {
    let mut form = DecisionForm::default();
    for (key, value) in pairs {
        match key.as_str() {
            "outcome" => form.outcome = value,
            "necessity" => form.necessity = value,
            "proportionality" => form.proportionality = value,
            "sections" => form.sections.push(value),
            "informed" => form.informed = value,
            "not_informed_reason" => form.not_informed_reason = value,
            "decline_category" => form.decline_category = value,
            "decline_text" => form.decline_text = value,
            _ => {}
        }
    }
    form
}

#[derive(Template)]
#[template(path = "sharing_package.html")]
struct PackagePage {
    chrome: Chrome,
    id: Uuid,
    person: PersonRow,
    package: DisclosurePackage,
    expires: String,
    generated: String,
    conditions: Vec<String>,
    redacted: usize,
}

/// The disclosure package as it will be shared (print it from the browser).
pub(crate) async fn package<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let id = caller.id(&id)?;
    let case = load_case(&state, &caller, id).await?;
    let Some(package) = case.package else {
        return Err(caller.error(
            ApiError::not_found().detail("no package has been built for this request yet"),
        ));
    };
    Ok(page(
        StatusCode::OK,
        &PackagePage {
            chrome: Chrome::new("Disclosure package", Some(&caller.actor), Nav::Sharing),
            id,
            person: PersonRow::of(&case.person),
            expires: long_date(package.expires_at.date_naive()),
            generated: long_date(package.generated_at.date_naive()),
            conditions: package.conditions.iter().map(condition_text).collect(),
            redacted: package.redactions.len(),
            package,
        },
    ))
}

/// Builds the package from the decision and the latest locked assessment, then shows it.
pub(crate) async fn build_package<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let id = caller.id(&id)?;
    let built = attempt(&state, &caller, move |app, who| {
        app.build_disclosure(&who.actor, id, &who.ctx)
    })
    .await;
    match built {
        Ok(_) => Ok(Redirect::to(&format!("/sharing/{id}/package")).into_response()),
        Err(error) if error.status() == StatusCode::UNPROCESSABLE_ENTITY => {
            let case = load_case(&state, &caller, id).await?;
            let errors = error
                .messages()
                .into_iter()
                .map(|m| (String::new(), m))
                .collect();
            Ok(request_page(
                &caller,
                &case,
                DecisionForm::default(),
                errors,
            ))
        }
        Err(error) => Err(caller.error(error)),
    }
}
