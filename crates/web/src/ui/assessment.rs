//! Completing an assessment: start (carrying answers forward), the task list, one page per
//! section (error summary, inline errors, save and continue), scores with their reasons, signing
//! with the outstanding-questions check, countersigning and rejection.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use oasys_app::{
    AppError, ApplyOptions, Clock, IdGenerator, NewAssessmentRequest, Planned, Storage,
};
use oasys_assessment_model::{
    AnswerValue, Assessment, Command, CountersignRequirement, CourtReportTemplate, Missing,
    MissingReason, Purpose, Section, State as Lifecycle, completeness,
};
use oasys_sentence_plan::AgreementStatus;
use serde::Deserialize;
use uuid::Uuid;

use super::form::{Field, field, parse};
use super::people::{MatrixRow, matrix, state_tag};
use super::scores::{ReportView, view};
use super::{Browser, Chrome, Nav, UiError, attempt, call, long_date, page};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Sections in the order of the task list.
const ORDER: [Section; 17] = [
    Section::OffendingInformation,
    Section::OffenceAnalysis,
    Section::Accommodation,
    Section::EducationTrainingEmployability,
    Section::FinancialManagement,
    Section::Relationships,
    Section::LifestyleAndAssociates,
    Section::DrugMisuse,
    Section::AlcoholMisuse,
    Section::EmotionalWellbeing,
    Section::ThinkingAndBehaviour,
    Section::Attitudes,
    Section::Health,
    Section::RoshScreening,
    Section::FullAnalysis,
    Section::RoshSummary,
    Section::RiskManagementPlan,
];

/// The heading of a section.
pub(crate) fn section_title(section: Section) -> String {
    let name = match section {
        Section::OffendingInformation => "Offending information",
        Section::OffenceAnalysis => "Analysis of offences",
        Section::Accommodation => "Accommodation",
        Section::EducationTrainingEmployability => "Education, training and employability",
        Section::FinancialManagement => "Financial management and income",
        Section::Relationships => "Relationships",
        Section::LifestyleAndAssociates => "Lifestyle and associates",
        Section::DrugMisuse => "Drug misuse",
        Section::AlcoholMisuse => "Alcohol misuse",
        Section::EmotionalWellbeing => "Emotional well-being",
        Section::ThinkingAndBehaviour => "Thinking and behaviour",
        Section::Attitudes => "Attitudes",
        Section::Health => "Health and other considerations",
        Section::RoshScreening => "Risk of serious harm screening",
        Section::FullAnalysis => "Risk of serious harm full analysis",
        Section::RoshSummary => "Risk of serious harm summary",
        Section::RiskManagementPlan => "Risk management plan",
        Section::SentencePlan => "Sentence plan",
    };
    match section.number() {
        Some(n) => format!("{n}. {name}"),
        None => name.to_owned(),
    }
}

fn section_of(key: &str) -> Option<Section> {
    serde_json::from_value(serde_json::Value::String(key.to_owned())).ok()
}

/// The sections of the assessment's question set, in order.
fn sections(assessment: &Assessment) -> Vec<Section> {
    let set = assessment.question_set();
    ORDER
        .iter()
        .copied()
        .filter(|s| set.in_section(*s).next().is_some())
        .collect()
}

struct TaskRow {
    key: &'static str,
    title: String,
    /// (label, tag class).
    status: (&'static str, &'static str),
}

fn task_rows(assessment: &Assessment, missing: &[Missing]) -> Vec<TaskRow> {
    let set = assessment.question_set();
    sections(assessment)
        .into_iter()
        .map(|section| {
            let answered = set
                .in_section(section)
                .any(|q| assessment.answer(&q.code).is_some());
            let outstanding = missing.iter().any(|m| m.section == section);
            let status = match (answered, outstanding) {
                (_, false) if answered => ("Completed", ""),
                (false, false) => ("Optional", "govuk-tag--grey"),
                (false, true) => ("Not yet started", "govuk-tag--blue"),
                (true, _) => ("In progress", "govuk-tag--light-blue"),
            };
            TaskRow {
                key: section.key(),
                title: section_title(section),
                status,
            }
        })
        .collect()
}

/// What the signing check found missing, in words, with a link to where it is done.
struct Outstanding {
    href: String,
    text: String,
}

/// The signing check's findings for assessment `id`; the plan's links to the plan (or to the
/// task list's plan section when there is none yet).
fn outstanding(id: Uuid, plan: Option<Uuid>, missing: &[Missing]) -> Vec<Outstanding> {
    missing
        .iter()
        .map(|m| {
            if m.why == MissingReason::PlanNotAgreed {
                return Outstanding {
                    href: plan.map_or_else(
                        || format!("/assessments/{id}#sentence-plan"),
                        |plan| format!("/plans/{plan}"),
                    ),
                    text: if plan.is_some() {
                        "Sentence plan: record whether the person agrees with it".to_owned()
                    } else {
                        "Sentence plan: draft it and record whether the person agrees with it"
                            .to_owned()
                    },
                };
            }
            Outstanding {
                href: format!("/assessments/{id}/sections/{}", m.section.key()),
                text: format!(
                    "{}: {}",
                    section_title(m.section),
                    if m.codes.is_empty() {
                        format!("{:?}", m.why).to_lowercase().replace('_', " ")
                    } else {
                        format!("answer {}", m.codes.join(", "))
                    }
                ),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct TaskListPage {
    chrome: Chrome,
    id: Uuid,
    person_id: Uuid,
    crn: String,
    version: u64,
    purpose: String,
    started: String,
    status: (&'static str, &'static str),
    open: bool,
    awaiting: bool,
    /// Waiting for the second of two countersignatures.
    second_stage: bool,
    /// The first countersigner must send it on for a second countersignature.
    second_required: bool,
    tasks: Vec<TaskRow>,
    outstanding: Vec<Outstanding>,
    report: ReportView,
    matrix: Vec<MatrixRow>,
    overall: String,
    plan: Option<Uuid>,
    can_plan: bool,
    errors: Vec<String>,
}

/// An assessment with its scores, read together.
struct Loaded {
    assessment: Assessment,
    report: ReportView,
    /// The sentence plan drafted from it, when there is one the user may see.
    plan: Option<Uuid>,
    /// Whether the person's response to the plan is recorded (`Some(false)` with no plan);
    /// `None` for someone who may not see plans.
    plan_agreed: Option<bool>,
}

fn load<S: Storage, C: Clock, I: IdGenerator>(
    app: &oasys_app::App<S, C, I>,
    caller: &Caller,
    id: Uuid,
) -> Result<Loaded, AppError> {
    let assessment = app.assessment(&caller.actor, id, &caller.ctx)?;
    let scored = app.score_assessment(&caller.actor, id, None, &caller.ctx)?;
    // Someone who may see the assessment but not plans (a denial is audited) sees no plan link.
    let (plan, plan_agreed) = match app.plan_for_assessment(&caller.actor, id, &caller.ctx) {
        Ok(Some(stored)) => (
            Some(stored.plan.id()),
            Some(stored.plan.agreement().status != AgreementStatus::Draft),
        ),
        Ok(None) => (None, Some(false)),
        Err(_) => (None, None),
    };
    let report = view(&scored.report, assessment.question_set());
    Ok(Loaded {
        assessment,
        report,
        plan,
        plan_agreed,
    })
}

async fn load_async<S, C, I>(
    state: &AppState<S, C, I>,
    caller: &Caller,
    id: Uuid,
) -> Result<Loaded, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    call(state, caller, move |app, who| load(app, who, id)).await
}

fn task_list_page(caller: &Caller, loaded: Loaded, errors: Vec<String>) -> Response {
    let assessment = &loaded.assessment;
    let header = assessment.header();
    let missing = completeness(assessment, loaded.plan_agreed);
    let (matrix, overall) = matrix(assessment);
    let state = assessment.state();
    let title = if errors.is_empty() {
        "Assessment".to_owned()
    } else {
        "Error: Assessment".to_owned()
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page(
        status,
        &TaskListPage {
            chrome: Chrome::new(title, Some(&caller.actor), Nav::None),
            id: header.id,
            person_id: header.person.id,
            crn: header
                .person
                .crn
                .as_ref()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            version: assessment.version(),
            purpose: header.purpose.label().to_owned(),
            started: long_date(header.created_at.date_naive()),
            status: state_tag(state, assessment.deleted().is_some()),
            open: *state == Lifecycle::Open && assessment.deleted().is_none(),
            awaiting: matches!(
                state,
                Lifecycle::AwaitingCountersign { .. } | Lifecycle::AwaitingDoubleCountersign { .. }
            ),
            second_stage: matches!(state, Lifecycle::AwaitingDoubleCountersign { .. }),
            second_required: matches!(state, Lifecycle::AwaitingCountersign { .. })
                && assessment
                    .signing()
                    .is_some_and(|s| s.requirement == CountersignRequirement::Double),
            tasks: task_rows(assessment, &missing),
            outstanding: outstanding(header.id, loaded.plan, &missing),
            report: loaded.report,
            matrix,
            overall,
            plan: loaded.plan,
            // A plan is drafted while the assessment is an open draft; afterwards it is locked.
            can_plan: assessment.deleted().is_none() && *state == Lifecycle::Open,
            errors,
        },
    )
}

/// The task list: sections and their status, scores so far, sign or countersign.
pub(crate) async fn task_list<S, C, I>(
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
    let loaded = load_async(&state, &caller, id).await?;
    Ok(task_list_page(&caller, loaded, Vec::new()))
}

#[derive(Template)]
#[template(path = "scores.html")]
struct ScoresPage {
    chrome: Chrome,
    id: Uuid,
    report: ReportView,
}

/// Every predictor with its explanation, or what it still needs.
pub(crate) async fn scores<S, C, I>(
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
    let loaded = load_async(&state, &caller, id).await?;
    Ok(page(
        StatusCode::OK,
        &ScoresPage {
            chrome: Chrome::new("Scores and why", Some(&caller.actor), Nav::None),
            id,
            report: loaded.report,
        },
    ))
}

/// The start form.
#[derive(Debug, Deserialize)]
pub(crate) struct StartForm {
    purpose: String,
    #[serde(default)]
    clone_previous: Option<String>,
}

/// Starts an assessment (carrying answers forward when asked) and opens its task list.
pub(crate) async fn start<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
    Form(form): Form<StartForm>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let person_id = caller.id(&id)?;
    let purpose = Purpose::from_code(&form.purpose, "")
        .filter(|p| !matches!(p, Purpose::Other(_)))
        .ok_or_else(|| {
            caller.error(ApiError::unprocessable(
                Some("purpose".into()),
                "choose a purpose",
            ))
        })?;
    let request = NewAssessmentRequest {
        layer: purpose.default_layer(),
        purpose,
        court_report: CourtReportTemplate::None,
        clone_previous: form.clone_previous.is_some(),
    };
    let created = call(&state, &caller, move |app, who| {
        app.create_assessment(&who.actor, person_id, &request, &who.ctx)
    })
    .await?;
    Ok(Redirect::to(&format!("/assessments/{}", created.header().id)).into_response())
}

#[derive(Template)]
#[template(path = "section.html")]
struct SectionPage {
    chrome: Chrome,
    id: Uuid,
    key: &'static str,
    title: String,
    version: u64,
    editable: bool,
    /// The risk management plan section, with pillars still empty: offer the draft.
    offer_rmp_draft: bool,
    fields: Vec<Field>,
    errors: Vec<(String, String)>,
}

/// A section form posted back with what was wrong: (question code, message) pairs, the code
/// empty for a problem with the whole page.
struct Resubmitted<'a> {
    posted: &'a [(String, String)],
    errors: Vec<(String, String)>,
}

fn section_page_for(
    caller: &Caller,
    assessment: &Assessment,
    section: Section,
    posted: Option<Resubmitted<'_>>,
) -> Response {
    let set = assessment.question_set();
    let layer = assessment.header().layer;
    let (posted, errors) = match posted {
        Some(Resubmitted { posted, errors }) => (Some(posted), errors),
        None => (None, Vec::new()),
    };
    let fields = set
        .in_section(section)
        .map(|question| {
            let mut shown = field(
                question,
                assessment.answer(&question.code),
                question.required.for_layer(layer),
            );
            if let Some(posted) = posted {
                // Show what was typed, not what is stored, when the page comes back with errors.
                let raw: Vec<String> = posted
                    .iter()
                    .filter(|(k, _)| *k == question.code)
                    .map(|(_, v)| v.clone())
                    .collect();
                let part = |suffix: &str| {
                    posted
                        .iter()
                        .find(|(k, _)| *k == format!("{}{suffix}", question.code))
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                shown.values = raw;
                shown.date = (part(".day"), part(".month"), part(".year"));
                shown.error = errors
                    .iter()
                    .find(|(code, _)| *code == question.code)
                    .map(|(_, message)| message.clone());
            }
            shown
        })
        .collect();
    let title = section_title(section);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page(
        status,
        &SectionPage {
            chrome: Chrome::new(
                if errors.is_empty() {
                    title.clone()
                } else {
                    format!("Error: {title}")
                },
                Some(&caller.actor),
                Nav::None,
            ),
            id: assessment.header().id,
            key: section.key(),
            title,
            version: assessment.version(),
            editable: *assessment.state() == Lifecycle::Open && assessment.deleted().is_none(),
            offer_rmp_draft: section == Section::RiskManagementPlan
                && oasys_sentence_plan::REQUIRED_TEXT
                    .iter()
                    .any(|(code, _)| assessment.answer(code).is_none()),
            fields,
            errors: errors
                .into_iter()
                .map(|(code, message)| (format!("q-{}", code.replace(['.', ' '], "-")), message))
                .collect(),
        },
    )
}

/// One section's questions.
pub(crate) async fn section_page<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path((id, key)): Path<(String, String)>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let id = caller.id(&id)?;
    let section = section_of(&key).ok_or_else(|| caller.error(ApiError::not_found()))?;
    let loaded = load_async(&state, &caller, id).await?;
    if !sections(&loaded.assessment).contains(&section) {
        return Err(
            caller.error(ApiError::not_found().detail("this assessment has no such section"))
        );
    }
    Ok(section_page_for(&caller, &loaded.assessment, section, None))
}

fn version_of(posted: &[(String, String)]) -> Option<u64> {
    posted
        .iter()
        .find(|(k, _)| k == "version")
        .and_then(|(_, v)| v.parse().ok())
}

/// Saves a section's answers in one unit and goes on to the next section.
pub(crate) async fn save_section<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path((id, key)): Path<(String, String)>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let id = caller.id(&id)?;
    let section = section_of(&key).ok_or_else(|| caller.error(ApiError::not_found()))?;
    let expected = version_of(&posted).ok_or_else(|| {
        caller.error(
            ApiError::new(StatusCode::BAD_REQUEST, "bad-request", "Bad request")
                .detail("the form has no version: reload the page and save again")
                .field("version"),
        )
    })?;
    // One transaction: the answers are checked and turned into commands against the version read
    // in it (`App::apply_planned`); a page with errors comes back as a read to show them on.
    let form = posted.clone();
    let saved = attempt(&state, &caller, move |app, who| {
        let mut errors = Vec::new();
        let planned = app.apply_planned(
            &who.actor,
            id,
            expected,
            |stored| {
                let (commands, problems) = commands_from_form(stored, section, &form);
                errors = problems;
                errors.is_empty().then_some(commands)
            },
            &ApplyOptions::default(),
            &who.ctx,
        )?;
        Ok((planned, errors))
    })
    .await;
    let resubmitted = |assessment: &Assessment, errors: Vec<(String, String)>| {
        section_page_for(
            &caller,
            assessment,
            section,
            Some(Resubmitted {
                posted: &posted,
                errors,
            }),
        )
    };
    let assessment = match saved {
        Ok((Planned::Applied(saved), _)) => saved,
        Ok((Planned::Read(current), errors)) if !errors.is_empty() => {
            return Ok(resubmitted(&current, errors));
        }
        // Nothing to change.
        Ok((Planned::Read(current), _)) => current,
        Err(error) if error.status() == StatusCode::CONFLICT => {
            let message = "Someone else saved this assessment after you opened this page. \
                           Your answers are below: check them and save again."
                .to_owned();
            let reloaded = load_async(&state, &caller, id).await?;
            return Ok(resubmitted(
                &reloaded.assessment,
                vec![(String::new(), message)],
            ));
        }
        Err(error) if error.status() == StatusCode::UNPROCESSABLE_ENTITY => {
            let messages = error
                .messages()
                .into_iter()
                .map(|m| (String::new(), m))
                .collect();
            let reloaded = load_async(&state, &caller, id).await?;
            return Ok(resubmitted(&reloaded.assessment, messages));
        }
        Err(error) => return Err(caller.error(error)),
    };
    let order = sections(&assessment);
    let next = order
        .iter()
        .skip_while(|s| **s != section)
        .nth(1)
        .map_or_else(
            || format!("/assessments/{id}"),
            |s| format!("/assessments/{id}/sections/{}", s.key()),
        );
    Ok(Redirect::to(&next).into_response())
}

/// The commands a posted section form asks of `stored` (confirming the section when it was
/// carried forward unconfirmed), or the answers that do not parse, by question code.
fn commands_from_form(
    stored: &Assessment,
    section: Section,
    posted: &[(String, String)],
) -> (Vec<Command>, Vec<(String, String)>) {
    let mut commands = Vec::new();
    let mut errors = Vec::new();
    for question in stored.question_set().in_section(section) {
        match parse(question, posted) {
            Err(message) => errors.push((question.code.clone(), message)),
            Ok(value) => match (value, stored.answer(&question.code)) {
                (Some(value), answered) if answered != Some(&value) => {
                    commands.push(Command::Answer {
                        code: question.code.clone(),
                        value,
                    });
                }
                (None, Some(_)) => commands.push(Command::ClearAnswer {
                    code: question.code.clone(),
                }),
                _ => {}
            },
        }
    }
    if errors.is_empty() && stored.unconfirmed_sections().contains(&section) {
        commands.push(Command::ConfirmSection { section });
    }
    (commands, errors)
}

/// Signing, countersigning and rejecting forms.
#[derive(Debug, Deserialize)]
pub(crate) struct LifecycleForm {
    version: u64,
    #[serde(default)]
    countersigner: Option<String>,
    #[serde(default)]
    comment: Option<String>,
    /// Countersigning: ask for a second countersignature (from `countersigner`).
    #[serde(default)]
    send_for_second: Option<String>,
    /// Countersigning: `second` when this is the second countersignature.
    #[serde(default)]
    stage: Option<String>,
}

#[derive(Template)]
#[template(path = "confirmation.html")]
struct Confirmation {
    chrome: Chrome,
    heading: &'static str,
    body: &'static str,
}

/// Where a transition leaves the user: back on the assessment, or on a confirmation page (a
/// countersigner's access to the assessment ends with the task).
#[derive(Clone, Copy)]
enum After {
    Assessment,
    Confirm(&'static str, &'static str),
}

async fn transition<S, C, I>(
    state: &AppState<S, C, I>,
    caller: Caller,
    id: Uuid,
    form: LifecycleForm,
    command: Command,
    after: After,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let options = ApplyOptions {
        review_events: Vec::new(),
        countersigner: form.countersigner.filter(|c| !c.trim().is_empty()),
    };
    let applied = attempt(state, &caller, move |app, who| {
        app.apply(&who.actor, id, form.version, command, &options, &who.ctx)
    })
    .await;
    match applied {
        Ok(_) => match after {
            After::Assessment => Ok(Redirect::to(&format!("/assessments/{id}")).into_response()),
            After::Confirm(heading, body) => Ok(page(
                StatusCode::OK,
                &Confirmation {
                    chrome: Chrome::new(heading, Some(&caller.actor), Nav::None),
                    heading,
                    body,
                },
            )),
        },
        Err(error)
            if matches!(
                error.status(),
                StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY
            ) =>
        {
            let mut messages = error.messages();
            if error.status() == StatusCode::CONFLICT {
                messages = vec![
                    "Someone else changed this assessment: check it again before you go on"
                        .to_owned(),
                ];
            }
            let loaded = load_async(state, &caller, id).await?;
            Ok(task_list_page(&caller, loaded, messages))
        }
        Err(error) => Err(caller.error(error)),
    }
}

/// Signs and locks the assessment (refused with the outstanding questions when incomplete).
pub(crate) async fn sign<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
    Form(form): Form<LifecycleForm>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let id = caller.id(&id)?;
    // The app reads the sentence plan's agreement from the stored plan, whatever is sent here.
    let command = Command::Sign { plan_agreed: None };
    transition(&state, caller, id, form, command, After::Assessment).await
}

/// The form's comment, or (`Err`) the task list again saying it is missing.
async fn required_comment<S, C, I>(
    state: &AppState<S, C, I>,
    caller: &Caller,
    id: Uuid,
    form: &LifecycleForm,
    missing: &str,
) -> Result<Result<String, Response>, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let comment = form.comment.as_deref().unwrap_or_default().trim();
    if !comment.is_empty() {
        return Ok(Ok(comment.to_owned()));
    }
    let loaded = load_async(state, caller, id).await?;
    Ok(Err(task_list_page(
        caller,
        loaded,
        vec![missing.to_owned()],
    )))
}

/// Locks an assessment that cannot be completed, with the reason (it may still need countersigning).
pub(crate) async fn lock_incomplete<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
    Form(form): Form<LifecycleForm>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let id = caller.id(&id)?;
    let missing = "Enter the reason the assessment cannot be completed";
    let reason = match required_comment(&state, &caller, id, &form, missing).await? {
        Ok(reason) => reason,
        Err(page) => return Ok(page),
    };
    let command = Command::LockIncomplete { reason };
    transition(&state, caller, id, form, command, After::Assessment).await
}

/// Countersigns an assessment waiting for it.
pub(crate) async fn countersign<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
    Form(form): Form<LifecycleForm>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let id = caller.id(&id)?;
    let countersigned = After::Confirm(
        "Assessment countersigned",
        "The assessment is locked. Your countersigning task is closed.",
    );
    let (command, after) = if form.stage.as_deref() == Some("second") {
        (Command::SecondCountersign, countersigned)
    } else if form.send_for_second.is_some() {
        (
            Command::Countersign {
                send_for_second: true,
            },
            After::Confirm(
                "Sent for a second countersignature",
                "Your countersignature is recorded and your task is closed. The second \
                 countersigner you named now has the assessment to countersign.",
            ),
        )
    } else {
        (
            Command::Countersign {
                send_for_second: false,
            },
            countersigned,
        )
    };
    transition(&state, caller, id, form, command, after).await
}

/// Sends an assessment back to its assessor with a comment.
pub(crate) async fn reject<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
    Form(form): Form<LifecycleForm>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let id = caller.id(&id)?;
    let missing = "Enter a comment saying what the assessor must change";
    let comment = match required_comment(&state, &caller, id, &form, missing).await? {
        Ok(comment) => comment,
        Err(page) => return Ok(page),
    };
    let after = After::Confirm(
        "Assessment returned to the assessor",
        "The assessor can see your comment and change the assessment.",
    );
    transition(&state, caller, id, form, Command::Reject { comment }, after).await
}

/// Fills the empty pillars of the risk management plan (RM30–RM34) with a draft gathered from
/// the assessment and its sentence plan, then shows the section to edit.
pub(crate) async fn draft_rmp<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
    Form(form): Form<LifecycleForm>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let id = caller.id(&id)?;
    let drafted = attempt(&state, &caller, move |app, who| {
        let assessment = app.assessment(&who.actor, id, &who.ctx)?;
        let person = app.person(&who.actor, assessment.header().person.id, &who.ctx)?;
        let plan = app
            .plan_for_assessment(&who.actor, id, &who.ctx)
            .ok()
            .flatten()
            .map(|stored| stored.plan);
        let commands: Vec<Command> = oasys_sentence_plan::draft_rmp(
            &assessment,
            plan.as_ref(),
            oasys_sentence_plan::setting_of(&person),
        )
        .into_iter()
        .filter(|(code, _)| assessment.answer(code).is_none())
        .map(|(code, text)| Command::Answer {
            code: code.to_owned(),
            value: AnswerValue::Text(text),
        })
        .collect();
        if commands.is_empty() {
            return Ok(());
        }
        let options = ApplyOptions::default();
        app.apply_all(&who.actor, id, form.version, commands, &options, &who.ctx)
            .map(|_| ())
    })
    .await;
    let section = format!("/assessments/{id}/sections/risk_management_plan");
    match drafted {
        Ok(()) => Ok(Redirect::to(&section).into_response()),
        Err(error) if error.status() == StatusCode::CONFLICT => {
            let loaded = load_async(&state, &caller, id).await?;
            let message = "Someone else saved this assessment after you opened it: try again";
            Ok(task_list_page(&caller, loaded, vec![message.to_owned()]))
        }
        Err(error) => Err(caller.error(error)),
    }
}
