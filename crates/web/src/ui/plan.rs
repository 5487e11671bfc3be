//! The sentence plan in the browser: drafted from the assessment (one objective per need, harm
//! first), then kept up to date: progress on objectives and steps, notes, objectives removed,
//! and the person's agreement (needed before the assessment can be signed). Every change is
//! sent to the app as a change over the revision the page showed; the page is read-only once
//! the assessment is signed or locked.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use oasys_app::{AgreementResponse, Clock, IdGenerator, Storage, StoredPlan};
use oasys_assessment_model::Section;
use oasys_sentence_plan::{
    AgreementStatus, InterventionProgress, Link, ObjectiveOutcome, ObjectiveProgress, PlanChange,
    PlanProgress, PlanType, RiskFactor,
};
use uuid::Uuid;

use super::{Browser, Chrome, Nav, UiError, attempt, call, long_date, page};
use crate::auth::Caller;
use crate::state::AppState;

/// Starts the plan and opens it (or opens the one already started): a review of the person's
/// latest signed plan when there is one, otherwise a draft from the assessment.
pub(crate) async fn draft<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let assessment_id = caller.id(&id)?;
    let plan = call(&state, &caller, move |app, who| {
        match app.plan_for_assessment(&who.actor, assessment_id, &who.ctx)? {
            Some(existing) => Ok(existing),
            None => app.start_plan(&who.actor, assessment_id, &who.ctx),
        }
    })
    .await?;
    Ok(Redirect::to(&format!("/plans/{}", plan.plan.id())).into_response())
}

struct StepView {
    id: Uuid,
    text: String,
    progress: String,
}

struct ObjectiveView {
    id: Uuid,
    title: String,
    text: String,
    measure: String,
    links: Vec<String>,
    target: String,
    progress: ObjectiveProgress,
    /// Carried forward from the previous plan by a review.
    copied_forward: bool,
    steps: Vec<StepView>,
}

/// The agreement as the page shows it.
struct AgreementView {
    status: &'static str,
    draft: bool,
    date: String,
    note: String,
    recorded_by: String,
}

fn agreement_label(status: AgreementStatus) -> &'static str {
    match status {
        AgreementStatus::Draft => "Not yet recorded (draft)",
        AgreementStatus::Agreed => "Agrees with the plan",
        AgreementStatus::DoNotAgree => "Does not agree with the plan",
        AgreementStatus::CouldNotAnswer => "Could not answer",
    }
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    id: Uuid,
    assessment_id: Uuid,
    revision: u64,
    version: u32,
    /// "Review plan" for a review, otherwise "Sentence plan".
    kind: &'static str,
    created: String,
    editable: bool,
    /// For a review: each objective of the previous plan and what became of it.
    progress: Vec<(String, String)>,
    /// The person's response in words, with its date, note and who recorded it.
    agreement: AgreementView,
    objectives: Vec<ObjectiveView>,
    notes: Vec<(String, String)>,
    objective_codes: Vec<(String, &'static str)>,
    step_codes: Vec<(String, &'static str)>,
    /// What a new objective can address: (the link as JSON, its label).
    link_options: Vec<(String, String)>,
    errors: Vec<String>,
}

fn token(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl PlanPage {
    fn is_progress(&self, objective: &ObjectiveView, code: &str) -> bool {
        token(&objective.progress) == code
    }
}

fn plan_page(caller: &Caller, shown: &Shown, errors: Vec<String>) -> Response {
    let stored = &shown.plan;
    let plan = &stored.plan;
    let objectives = plan
        .objectives()
        .iter()
        .map(|o| ObjectiveView {
            id: o.id,
            title: o.title.clone(),
            text: o.text.clone(),
            measure: o.measure.clone(),
            links: o.links.iter().map(ToString::to_string).collect(),
            target: o
                .target_date
                .map_or_else(|| "Future goal".to_owned(), long_date),
            progress: o.progress,
            copied_forward: o.copied_forward,
            steps: o
                .interventions
                .iter()
                .map(|i| StepView {
                    id: i.id,
                    text: i.text.clone(),
                    progress: i.progress.label().to_owned(),
                })
                .collect(),
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page(
        status,
        &PlanPage {
            chrome: Chrome::new(
                if errors.is_empty() {
                    "Sentence plan"
                } else {
                    "Error: Sentence plan"
                },
                Some(&caller.actor),
                Nav::None,
            ),
            id: plan.id(),
            assessment_id: plan.assessment_id(),
            revision: stored.revision,
            version: plan.version(),
            kind: if plan.plan_type() == PlanType::Review {
                "a review of the previous plan"
            } else {
                "a new plan"
            },
            created: long_date(plan.created()),
            editable: !stored.locked,
            progress: shown.progress.clone(),
            agreement: AgreementView {
                status: agreement_label(plan.agreement().status),
                draft: plan.agreement().status == AgreementStatus::Draft,
                date: plan.agreement().date.map(long_date).unwrap_or_default(),
                note: plan.agreement().note.clone().unwrap_or_default(),
                recorded_by: plan.agreement().recorded_by.clone().unwrap_or_default(),
            },
            objectives,
            notes: plan
                .notes()
                .iter()
                .map(|n| (long_date(n.date), n.text.clone()))
                .collect(),
            objective_codes: ObjectiveProgress::ALL
                .iter()
                .map(|p| (token(p), p.label()))
                .collect(),
            step_codes: InterventionProgress::ALL
                .iter()
                .map(|p| (token(p), p.label()))
                .collect(),
            link_options: Section::NEEDS
                .iter()
                .map(|s| Link::Need(*s))
                .chain(RiskFactor::ALL.iter().map(|r| Link::Risk(*r)))
                .filter_map(|link| Some((serde_json::to_string(&link).ok()?, link.to_string())))
                .collect(),
            errors,
        },
    )
}

async fn load<S, C, I>(
    state: &AppState<S, C, I>,
    caller: &Caller,
    id: Uuid,
) -> Result<Shown, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    call(state, caller, move |app, who| {
        app.plan_with_progress(&who.actor, id, &who.ctx)
    })
    .await
    .map(|(plan, progress)| Shown {
        progress: progress.map(|p| progress_rows(&p)).unwrap_or_default(),
        plan,
    })
}

/// A plan as the page shows it: the plan and, for a review, what became of each objective.
struct Shown {
    plan: StoredPlan,
    progress: Vec<(String, String)>,
}

/// Each objective's outcome since the previous plan, in words.
fn progress_rows(progress: &PlanProgress) -> Vec<(String, String)> {
    progress
        .objectives
        .iter()
        .map(|change| {
            let outcome = match change.outcome {
                ObjectiveOutcome::Achieved => "Achieved".to_owned(),
                ObjectiveOutcome::PartiallyAchieved => "Partially achieved".to_owned(),
                ObjectiveOutcome::NotAchieved { code } => code.label().to_owned(),
                ObjectiveOutcome::Removed { code: Some(code) } => code.label().to_owned(),
                ObjectiveOutcome::Removed { code: None } => "Removed".to_owned(),
                ObjectiveOutcome::Added => "Added".to_owned(),
                ObjectiveOutcome::CarriedOver => "Carried over".to_owned(),
            };
            (change.title.clone(), outcome)
        })
        .collect()
}

/// The plan.
pub(crate) async fn show<S, C, I>(
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
    let stored = load(&state, &caller, id).await?;
    Ok(plan_page(&caller, &stored, Vec::new()))
}

/// One change to the plan, as the forms post it (read from the posted pairs: checkboxes repeat
/// their name).
#[derive(Debug, Default)]
pub(crate) struct PlanForm {
    revision: u64,
    change: String,
    objective: Option<Uuid>,
    step: Option<Uuid>,
    progress: Option<String>,
    text: Option<String>,
    title: String,
    measure: String,
    links: Vec<String>,
    target: (String, String, String),
    agreement: Option<String>,
    agreement_date: (String, String, String),
}

impl PlanForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut change = Self::default();
        for (key, value) in pairs {
            match key.as_str() {
                "revision" => change.revision = value.parse().unwrap_or(0),
                "change" => change.change = value,
                "objective" => change.objective = Uuid::parse_str(&value).ok(),
                "step" => change.step = Uuid::parse_str(&value).ok(),
                "progress" => change.progress = Some(value),
                "text" => change.text = Some(value),
                "title" => change.title = value,
                "measure" => change.measure = value,
                "links" => change.links.push(value),
                "target_day" => change.target.0 = value,
                "target_month" => change.target.1 = value,
                "target_year" => change.target.2 = value,
                "agreement" => change.agreement = Some(value),
                "agreement_day" => change.agreement_date.0 = value,
                "agreement_month" => change.agreement_date.1 = value,
                "agreement_year" => change.agreement_date.2 = value,
                _ => {}
            }
        }
        change
    }
}

/// A day, month and year as typed: `Ok(None)` when all three are empty, `Err` when not a date.
fn typed_date(
    (day, month, year): &(String, String, String),
) -> Result<Option<chrono::NaiveDate>, ()> {
    if day.trim().is_empty() && month.trim().is_empty() && year.trim().is_empty() {
        return Ok(None);
    }
    match (
        day.trim().parse(),
        month.trim().parse(),
        year.trim().parse(),
    ) {
        (Ok(d), Ok(m), Ok(y)) => chrono::NaiveDate::from_ymd_opt(y, m, d).map(Some).ok_or(()),
        _ => Err(()),
    }
}

/// The objective the "add an objective" form describes.
fn new_objective(form: &PlanForm) -> Result<PlanChange, String> {
    let links: Vec<Link> = form
        .links
        .iter()
        .filter_map(|code| serde_json::from_str(code).ok())
        .collect();
    let target_date = typed_date(&form.target)
        .map_err(|()| "Enter a real target date, or leave it empty for a future goal".to_owned())?;
    if form.title.trim().is_empty() {
        return Err("Enter the objective's title".to_owned());
    }
    if links.is_empty() {
        return Err("Choose at least one need or risk the objective addresses".to_owned());
    }
    Ok(PlanChange::AddObjective {
        title: form.title.trim().to_owned(),
        text: form.text.as_deref().unwrap_or_default().trim().to_owned(),
        links,
        measure: form.measure.trim().to_owned(),
        target_date,
    })
}

fn parse_code<T: serde::de::DeserializeOwned>(code: Option<&str>) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code?.to_owned())).ok()
}

/// What the posted form asks for.
enum Asked {
    /// A change to the plan.
    Change(PlanChange),
    /// The person's response.
    Agreement(AgreementResponse),
}

/// The change the form describes; `Err` says in words what is missing.
fn asked(form: &PlanForm) -> Result<Asked, String> {
    let note = form
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    let objective = || {
        form.objective
            .ok_or_else(|| "choose an objective".to_owned())
    };
    let change = match form.change.as_str() {
        "objective_progress" => PlanChange::ObjectiveProgress {
            objective: objective()?,
            progress: parse_code(form.progress.as_deref())
                .ok_or("choose the objective's progress")?,
            note,
        },
        "step_progress" => PlanChange::StepProgress {
            objective: objective()?,
            step: form.step.ok_or("choose a step")?,
            progress: parse_code(form.progress.as_deref()).ok_or("choose the step's progress")?,
            note,
        },
        "note" => PlanChange::Note {
            text: note.ok_or("write the note")?,
        },
        "remove" => PlanChange::RemoveObjective {
            objective: objective()?,
        },
        "add_objective" => new_objective(form)?,
        "agreement" => {
            let status = parse_code::<AgreementStatus>(form.agreement.as_deref())
                .filter(|s| *s != AgreementStatus::Draft)
                .ok_or("Choose whether the person agrees with the plan")?;
            let date = typed_date(&form.agreement_date)
                .map_err(|()| "Enter a real date for the person's response".to_owned())?
                .ok_or("Enter the date the person gave their response")?;
            return Ok(Asked::Agreement(AgreementResponse {
                status,
                date: Some(date),
                note,
            }));
        }
        _ => return Err("unknown change".to_owned()),
    };
    Ok(Asked::Change(change))
}

/// Saves one change over the revision shown; a stale page is refused with the plan reloaded.
pub(crate) async fn change<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let id = caller.id(&id)?;
    let form = PlanForm::from_pairs(pairs);
    let asked = match asked(&form) {
        Ok(asked) => asked,
        Err(message) => {
            let stored = load(&state, &caller, id).await?;
            return Ok(plan_page(&caller, &stored, vec![message]));
        }
    };
    let revision = form.revision;
    let saved = attempt(&state, &caller, move |app, who| match asked {
        Asked::Change(change) => app.change_plan(&who.actor, id, revision, vec![change], &who.ctx),
        Asked::Agreement(response) => {
            app.record_plan_agreement(&who.actor, id, revision, response, &who.ctx)
        }
    })
    .await;
    match saved {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}")).into_response()),
        Err(error)
            if matches!(
                error.status(),
                StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY
            ) =>
        {
            let reloaded = load(&state, &caller, id).await?;
            let mut messages = error.messages();
            if error.status() == StatusCode::CONFLICT && !reloaded.plan.locked {
                messages = vec![
                    "Someone else changed this plan after you opened it: check it and try again"
                        .to_owned(),
                ];
            }
            Ok(plan_page(&caller, &reloaded, messages))
        }
        Err(error) => Err(caller.error(error)),
    }
}
