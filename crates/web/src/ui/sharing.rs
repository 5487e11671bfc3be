//! Information sharing in the browser: the inbox of partner agencies' requests, the decision form
//! (necessity and proportionality always stated), the withdrawal form, and the disclosure package:
//! while a draft it is marked DRAFT - NOT FOR RELEASE with its review, approval and release forms;
//! once released (and until it expires) it is shown exactly as shared, printable.

use std::collections::BTreeSet;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use oasys_app::{Clock, DisclosureRelease, IdGenerator, SharingCase, SharingView, Storage};
use oasys_sharing_policy::{
    DecisionDraft, DeclineCategory, DeclineReason, DisclosurePackage, MIN_STATEMENT_CHARS, Outcome,
    PackageStatus, RecipientCondition, RedactionReason, ReleaseChannel, RequestState,
    SpanRedaction, SubjectInformed, TemplateSection,
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
        .map(|view| match view {
            SharingView::Full(case) => InboxRow {
                id: case.request.record.id,
                agency: case.request.record.agency.name.clone(),
                person: PersonRow::of(&case.person),
                received: long_date(case.request.record.received_at.date_naive()),
                due: long_date(case.request.due_at.date_naive()),
                overdue: case.decision.is_none() && case.request.is_overdue(now),
                urgency: words(case.request.record.urgency),
                state: words(case.request.state),
            },
            // A case administrator sees identifiers only.
            SharingView::Metadata(summary) => InboxRow {
                id: summary.id,
                agency: summary.agency.clone(),
                person: PersonRow {
                    id: summary.person_id,
                    name: "Identifiers only".to_owned(),
                    crn: summary.crn.clone(),
                    date_of_birth: String::new(),
                },
                received: long_date(summary.received_at.date_naive()),
                due: long_date(summary.due_at.date_naive()),
                overdue: matches!(
                    summary.state,
                    RequestState::Received | RequestState::Assigned
                ) && now > summary.due_at,
                urgency: words(summary.urgency),
                state: words(summary.state),
            },
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
    /// The package's status in words, once one is built.
    package_status: Option<String>,
    /// Whether the reader sees the request in full (else its identifiers only).
    full: bool,
    /// Whether the requester can still withdraw (any state before release).
    withdrawable: bool,
    /// The reason typed into the withdrawal form.
    withdraw_reason: String,
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

/// The package's status in words for the request page.
fn package_words(package: &DisclosurePackage, state: RequestState) -> String {
    if state == RequestState::Withdrawn {
        return "Withdrawn: the package will not be released".to_owned();
    }
    match package.status {
        PackageStatus::Drafted => "Draft: text blocks to review".to_owned(),
        PackageStatus::RedactionReviewed => "Draft: reviewed, awaiting approval".to_owned(),
        PackageStatus::Approved => "Approved, not yet released".to_owned(),
        PackageStatus::Released => "Released".to_owned(),
        PackageStatus::Expired => "Expired: content no longer available".to_owned(),
    }
}

/// Whether a request in this state can still be withdrawn.
fn withdrawable(state: RequestState) -> bool {
    !matches!(
        state,
        RequestState::Released
            | RequestState::Expired
            | RequestState::Withdrawn
            | RequestState::Closed
    )
}

/// The request page of a reader who may see only the request's identifiers (a case administrator).
fn metadata_page(caller: &Caller, summary: &oasys_app::SharingRequestSummary) -> Response {
    page(
        StatusCode::OK,
        &RequestPage {
            chrome: Chrome::new("Sharing request", Some(&caller.actor), Nav::Sharing),
            id: summary.id,
            person: PersonRow {
                id: summary.person_id,
                name: String::new(),
                crn: summary.crn.clone(),
                date_of_birth: String::new(),
            },
            agency: summary.agency.clone(),
            requester: String::new(),
            legal_basis: String::new(),
            reference: String::new(),
            purpose: String::new(),
            requested: Vec::new(),
            due: long_date(summary.due_at.date_naive()),
            urgency: words(summary.urgency),
            state: words(summary.state),
            decision: None,
            package_status: None,
            full: false,
            withdrawable: false,
            withdraw_reason: String::new(),
            form: DecisionForm::default(),
            sections: Vec::new(),
            declines: Vec::new(),
            conditions: Vec::new(),
            errors: Vec::new(),
        },
    )
}

fn request_page(
    caller: &Caller,
    case: &SharingCase,
    form: DecisionForm,
    errors: Vec<(String, String)>,
) -> Response {
    request_page_with(caller, case, form, String::new(), errors)
}

fn request_page_with(
    caller: &Caller,
    case: &SharingCase,
    form: DecisionForm,
    withdraw_reason: String,
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
            package_status: case
                .package
                .as_ref()
                .map(|p| package_words(p, case.request.state)),
            full: true,
            withdrawable: withdrawable(case.request.state),
            withdraw_reason,
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

async fn load_view<S, C, I>(
    state: &AppState<S, C, I>,
    caller: &Caller,
    id: Uuid,
) -> Result<SharingView, UiError>
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

/// The request in full, or a 403 page for a reader who may see only its identifiers.
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
    match load_view(state, caller, id).await? {
        SharingView::Full(case) => Ok(*case),
        SharingView::Metadata(_) => Err(caller.error(
            ApiError::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden")
                .detail("You can see only this request's identifiers."),
        )),
    }
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
    Ok(match load_view(&state, &caller, id).await? {
        SharingView::Full(case) => {
            request_page(&caller, &case, DecisionForm::default(), Vec::new())
        }
        SharingView::Metadata(summary) => metadata_page(&caller, &summary),
    })
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

struct PackageItemView {
    element: String,
    label: String,
    value: String,
    pending: bool,
}

#[derive(Template)]
#[template(path = "sharing_package.html")]
struct PackagePage {
    chrome: Chrome,
    id: Uuid,
    person: PersonRow,
    package: DisclosurePackage,
    items: Vec<PackageItemView>,
    /// Not released yet: marked DRAFT - NOT FOR RELEASE, without the printable layout.
    draft: bool,
    status: String,
    expires: String,
    generated: String,
    released: String,
    channel: String,
    conditions: Vec<String>,
    redacted: usize,
    reasons: Vec<(String, String)>,
    channels: Vec<(String, String)>,
    recipients: String,
    errors: Vec<(String, String)>,
}

impl PackagePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

fn package_page(
    caller: &Caller,
    case: &SharingCase,
    package: DisclosurePackage,
    recipients: Option<String>,
    errors: Vec<(String, String)>,
) -> Response {
    let id = case.request.record.id;
    let draft = !matches!(package.status, PackageStatus::Released);
    let status = match package.status {
        PackageStatus::Drafted => "Draft: review every text block marked below",
        PackageStatus::RedactionReviewed => {
            "Draft: reviewed, awaiting approval by a manager who did not make the decision"
        }
        PackageStatus::Approved => "Approved: record how and to whom it is released",
        PackageStatus::Released => "Released",
        PackageStatus::Expired => "Expired",
    }
    .to_owned();
    let record = &case.request.record;
    let recipients = recipients.unwrap_or_else(|| {
        format!(
            "{}, {}, {}",
            record.requester.name, record.requester.role, record.agency.name
        )
    });
    let status_code = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = match (draft, errors.is_empty()) {
        (true, true) => "Draft disclosure package",
        (true, false) => "Error: Draft disclosure package",
        (false, _) => "Disclosure package",
    };
    page(
        status_code,
        &PackagePage {
            chrome: Chrome::new(title, Some(&caller.actor), Nav::Sharing),
            id,
            person: PersonRow::of(&case.person),
            items: package
                .items
                .iter()
                .map(|i| PackageItemView {
                    element: i.element.clone(),
                    label: i.label.clone(),
                    value: i.value.clone(),
                    pending: package.pending_review.contains(&i.element),
                })
                .collect(),
            draft,
            status,
            expires: long_date(package.expires_at.date_naive()),
            generated: long_date(package.generated_at.date_naive()),
            released: package
                .released_at
                .map(|at| long_date(at.date_naive()))
                .unwrap_or_default(),
            channel: package
                .channel
                .as_deref()
                .and_then(|code| ReleaseChannel::ALL.into_iter().find(|c| c.code() == code))
                .map(|c| c.label().to_owned())
                .unwrap_or_default(),
            conditions: package.conditions.iter().map(condition_text).collect(),
            redacted: package.redactions.len(),
            reasons: [
                RedactionReason::ThirdParty,
                RedactionReason::Victim,
                RedactionReason::Informant,
                RedactionReason::Health,
                RedactionReason::MarkedInText,
            ]
            .iter()
            .map(|r| (token(r), r.to_string()))
            .collect(),
            channels: ReleaseChannel::ALL
                .iter()
                .map(|c| (c.code().to_owned(), c.label().to_owned()))
                .collect(),
            recipients,
            errors,
            package,
        },
    )
}

/// The disclosure package: a draft marked DRAFT - NOT FOR RELEASE with its review, approval and
/// release forms, or the released package as shared (print it from the browser); 410 once
/// expired or withdrawn.
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
    let package = call(&state, &caller, move |app, who| {
        app.disclosure_package(&who.actor, id, &who.ctx)
    })
    .await?;
    let case = load_case(&state, &caller, id).await?;
    Ok(package_page(&caller, &case, package, None, Vec::new()))
}

/// The rule errors of a refused step, for the form that asked for it.
fn rule_errors(error: &ApiError, field: &str) -> Vec<(String, String)> {
    error
        .messages()
        .into_iter()
        .map(|m| (field.to_owned(), m))
        .collect()
}

/// Runs a step on the package; a broken rule shows the package again with the errors.
async fn package_step<S, C, I>(
    state: &AppState<S, C, I>,
    caller: &Caller,
    id: Uuid,
    field: &str,
    recipients: Option<String>,
    step: impl FnOnce(
        &oasys_app::App<S, C, I>,
        &Caller,
    ) -> Result<DisclosurePackage, oasys_app::AppError>
    + Send
    + 'static,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    match attempt(state, caller, step).await {
        Ok(_) => Ok(Redirect::to(&format!("/sharing/{id}/package")).into_response()),
        Err(error) if error.status() == StatusCode::UNPROCESSABLE_ENTITY => {
            let package = call(state, caller, move |app, who| {
                app.disclosure_package(&who.actor, id, &who.ctx)
            })
            .await?;
            let case = load_case(state, caller, id).await?;
            Ok(package_page(
                caller,
                &case,
                package,
                recipients,
                rule_errors(&error, field),
            ))
        }
        Err(error) => Err(caller.error(error)),
    }
}

/// The spans of `text` where the phrases occur (every occurrence, character positions); a phrase
/// that does not occur is an error naming it. Spans overlapping an earlier one are dropped.
fn phrase_spans(
    text: &str,
    phrases: &str,
    reason: RedactionReason,
) -> Result<Vec<SpanRedaction>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut spans: Vec<SpanRedaction> = Vec::new();
    for phrase in phrases.lines().map(str::trim).filter(|p| !p.is_empty()) {
        let needle: Vec<char> = phrase.chars().collect();
        let mut found = false;
        let mut start = 0;
        while start + needle.len() <= chars.len() {
            if chars[start..start + needle.len()] == needle[..] {
                found = true;
                spans.push(SpanRedaction {
                    start,
                    end: start + needle.len(),
                    reason,
                });
                start += needle.len();
            } else {
                start += 1;
            }
        }
        if !found {
            return Err(format!(
                "\u{201c}{phrase}\u{201d} does not appear in this text block"
            ));
        }
    }
    spans.sort_by_key(|s| (s.start, s.end));
    let mut kept: Vec<SpanRedaction> = Vec::new();
    for span in spans {
        if kept.last().is_none_or(|last| span.start >= last.end) {
            kept.push(span);
        }
    }
    Ok(kept)
}

/// The review form of one text block: phrases to redact (one a line) and why, or none.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReviewForm {
    element: String,
    #[serde(default)]
    redact: String,
    #[serde(default)]
    reason: String,
}

/// Records the review of one text block (the phrases typed are redacted wherever they occur).
pub(crate) async fn review<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let id = caller.id(&id)?;
    let case = load_case(&state, &caller, id).await?;
    let Some(package) = case.package.clone() else {
        return Err(caller.error(
            ApiError::not_found().detail("no package has been built for this request yet"),
        ));
    };
    let text = package
        .items
        .iter()
        .find(|i| i.element == form.element)
        .map(|i| i.value.clone())
        .unwrap_or_default();
    let reason = if form.redact.trim().is_empty() {
        RedactionReason::MarkedInText
    } else {
        match serde_json::from_value::<RedactionReason>(serde_json::Value::String(
            form.reason.clone(),
        )) {
            Ok(reason) => reason,
            Err(_) => {
                let errors = vec![(
                    format!("reason-{}", form.element),
                    "Choose why the words are redacted".to_owned(),
                )];
                return Ok(package_page(&caller, &case, package, None, errors));
            }
        }
    };
    let spans = match phrase_spans(&text, &form.redact, reason) {
        Ok(spans) => spans,
        Err(message) => {
            let errors = vec![(format!("redact-{}", form.element), message)];
            return Ok(package_page(&caller, &case, package, None, errors));
        }
    };
    let element = form.element.clone();
    let field = format!("redact-{element}");
    package_step(&state, &caller, id, &field, None, move |app, who| {
        app.review_disclosure_text(&who.actor, id, &element, &spans, &who.ctx)
    })
    .await
}

/// Approves the reviewed package (a manager who did not make the decision).
pub(crate) async fn approve<S, C, I>(
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
    package_step(&state, &caller, id, "approve", None, move |app, who| {
        app.approve_disclosure(&who.actor, id, &who.ctx)
    })
    .await
}

/// Records another manager's review after the fact of a package approved alone.
pub(crate) async fn retrospective_review<S, C, I>(
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
    package_step(
        &state,
        &caller,
        id,
        "retrospective",
        None,
        move |app, who| app.review_disclosure_retrospectively(&who.actor, id, &who.ctx),
    )
    .await
}

/// The release form: the channel and who it is given to (one a line).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReleaseForm {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    recipients: String,
}

/// Releases the approved package; the disclosure is logged with the release.
pub(crate) async fn release<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
    Form(form): Form<ReleaseForm>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let id = caller.id(&id)?;
    let channel = ReleaseChannel::ALL
        .into_iter()
        .find(|c| c.code() == form.channel);
    let recipients: Vec<String> = form
        .recipients
        .lines()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect();
    let mut errors = Vec::new();
    if channel.is_none() {
        errors.push((
            "channel".to_owned(),
            "Choose how the package is released".to_owned(),
        ));
    }
    if recipients.is_empty() {
        errors.push((
            "recipients".to_owned(),
            "Name who the package is given to".to_owned(),
        ));
    }
    let (Some(channel), false) = (channel, recipients.is_empty()) else {
        let case = load_case(&state, &caller, id).await?;
        let package = call(&state, &caller, move |app, who| {
            app.disclosure_package(&who.actor, id, &who.ctx)
        })
        .await?;
        return Ok(package_page(
            &caller,
            &case,
            package,
            Some(form.recipients),
            errors,
        ));
    };
    let release = DisclosureRelease {
        channel,
        recipients,
    };
    package_step(
        &state,
        &caller,
        id,
        "recipients",
        Some(form.recipients),
        move |app, who| app.release_disclosure(&who.actor, id, &release, &who.ctx),
    )
    .await
}

/// The withdrawal form.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WithdrawForm {
    #[serde(default)]
    reason: String,
}

/// Records the requester's withdrawal and shows the request again.
pub(crate) async fn withdraw<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let id = caller.id(&id)?;
    let reason = form.reason.trim().to_owned();
    if reason.is_empty() {
        let case = load_case(&state, &caller, id).await?;
        return Ok(request_page_with(
            &caller,
            &case,
            DecisionForm::default(),
            String::new(),
            vec![(
                "reason".to_owned(),
                "Say why the request was withdrawn".to_owned(),
            )],
        ));
    }
    let withdrawn = attempt(&state, &caller, move |app, who| {
        app.withdraw_sharing_request(&who.actor, id, &reason, &who.ctx)
    })
    .await;
    match withdrawn {
        Ok(_) => Ok(Redirect::to(&format!("/sharing/{id}")).into_response()),
        Err(error) if error.status() == StatusCode::UNPROCESSABLE_ENTITY => {
            let case = load_case(&state, &caller, id).await?;
            Ok(request_page_with(
                &caller,
                &case,
                DecisionForm::default(),
                form.reason,
                rule_errors(&error, "reason"),
            ))
        }
        Err(error) => Err(caller.error(error)),
    }
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
