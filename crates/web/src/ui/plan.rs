//! The sentence plan in the browser: drafted from the assessment (one objective per need, harm
//! first), then kept up to date: progress on objectives and steps, notes, objectives removed.
//! Every change is saved over the revision the page showed.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use oasys_app::{Clock, IdGenerator, Storage, StoredPlan};
use oasys_assessment_model::Section;
use oasys_sentence_plan::{
    InterventionProgress, Link, NewObjective, ObjectiveProgress, RiskFactor, SentencePlan,
};
use uuid::Uuid;

use super::{Browser, Chrome, Nav, UiError, attempt, call, long_date, page};
use crate::auth::Caller;
use crate::state::AppState;

/// Drafts the plan from the assessment and opens it (or opens the one already drafted).
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
            None => app.draft_plan(&who.actor, assessment_id, &who.ctx),
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
    steps: Vec<StepView>,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    id: Uuid,
    assessment_id: Uuid,
    revision: u64,
    version: u32,
    created: String,
    editable: bool,
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

fn plan_page(caller: &Caller, stored: &StoredPlan, errors: Vec<String>) -> Response {
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
            created: long_date(plan.created()),
            editable: plan.signing().is_editable(),
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
) -> Result<StoredPlan, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    call(state, caller, move |app, who| {
        app.plan(&who.actor, id, &who.ctx)
    })
    .await
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
pub(crate) struct PlanChange {
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
}

impl PlanChange {
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
                _ => {}
            }
        }
        change
    }
}

/// The objective the "add an objective" form describes.
fn new_objective(change: &PlanChange, id: Uuid) -> Result<NewObjective, String> {
    let links: Vec<Link> = change
        .links
        .iter()
        .filter_map(|code| serde_json::from_str(code).ok())
        .collect();
    let (day, month, year) = &change.target;
    let target_date = if day.trim().is_empty() && month.trim().is_empty() && year.trim().is_empty()
    {
        None
    } else {
        let date = match (
            day.trim().parse(),
            month.trim().parse(),
            year.trim().parse(),
        ) {
            (Ok(d), Ok(m), Ok(y)) => chrono::NaiveDate::from_ymd_opt(y, m, d),
            _ => None,
        };
        Some(date.ok_or("Enter a real target date, or leave it empty for a future goal")?)
    };
    if change.title.trim().is_empty() {
        return Err("Enter the objective's title".to_owned());
    }
    if links.is_empty() {
        return Err("Choose at least one need or risk the objective addresses".to_owned());
    }
    Ok(NewObjective {
        id,
        title: change.title.trim().to_owned(),
        text: change.text.as_deref().unwrap_or_default().trim().to_owned(),
        links,
        measure: change.measure.trim().to_owned(),
        target_date,
    })
}

fn parse_code<T: serde::de::DeserializeOwned>(code: Option<&str>) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code?.to_owned())).ok()
}

/// Applies the change to the plan; `Err` says in words what is wrong.
fn apply(
    plan: &mut SentencePlan,
    change: &PlanChange,
    today: chrono::NaiveDate,
    new_id: Uuid,
) -> Result<(), String> {
    let note = change
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    let objective = || {
        change
            .objective
            .ok_or_else(|| "choose an objective".to_owned())
    };
    match change.change.as_str() {
        "objective_progress" => {
            let progress = parse_code::<ObjectiveProgress>(change.progress.as_deref())
                .ok_or("choose the objective's progress")?;
            plan.record_objective_progress(objective()?, progress, today, note)
                .map_err(|e| e.to_string())
        }
        "step_progress" => {
            let progress = parse_code::<InterventionProgress>(change.progress.as_deref())
                .ok_or("choose the step's progress")?;
            let step = change.step.ok_or("choose a step")?;
            plan.record_intervention_progress(objective()?, step, progress, today, note)
                .map_err(|e| e.to_string())
        }
        "note" => {
            let text = note.ok_or("write the note")?;
            plan.add_note(today, &text).map_err(|e| e.to_string())
        }
        "remove" => plan
            .remove_objective(objective()?)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        "add_objective" => plan
            .add_objective(new_objective(change, new_id)?, today)
            .map_err(|problems| {
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            }),
        _ => Err("unknown change".to_owned()),
    }
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
    let change = PlanChange::from_pairs(pairs);
    let mut stored = load(&state, &caller, id).await?;
    if stored.revision != change.revision {
        let message = "Someone else changed this plan after you opened it: check it and try again";
        return Ok(plan_page(&caller, &stored, vec![message.to_owned()]));
    }
    let today = state.clock.now().date_naive();
    if let Err(message) = apply(&mut stored.plan, &change, today, state.app.new_id()) {
        return Ok(plan_page(&caller, &stored, vec![message]));
    }
    let plan = stored.plan.clone();
    let revision = change.revision;
    let saved = attempt(&state, &caller, move |app, who| {
        app.save_plan(&who.actor, &plan, revision, &who.ctx)
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
            Ok(plan_page(&caller, &reloaded, error.messages()))
        }
        Err(error) => Err(caller.error(error)),
    }
}
