//! Section routes: read a whole section's answers (with the assessment's `ETag`) and save a whole
//! section in one unit (`If-Match`), the risk management plan being the `risk_management_plan`
//! section; and comparing two assessments of a person with both score reports.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use oasys_app::{App, ApplyOptions, Clock, IdGenerator, Planned, ScoredAssessment, Storage};
use oasys_assessment_model::{
    AnswerValue, Assessment, Command, Comparison, Section, State as Lifecycle, compare,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::{AuthFirst, Caller, Credentials};
use crate::error::ApiError;
use crate::extract::{StrictJson, if_match, path_id, stale_to_412};
use crate::state::AppState;

/// One section of an assessment: its questions and the answers given.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionView {
    /// The assessment's id.
    pub assessment_id: Uuid,
    /// The assessment version read (also in the `ETag`).
    pub version: u64,
    /// The section's key (`risk_management_plan`, `accommodation`…).
    pub section: String,
    /// Every question code of the section, in document order.
    pub questions: Vec<String>,
    /// The answers given, by question code.
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, AnswerValue>,
    /// Whether the section was copied from a previous assessment and not yet confirmed (saving
    /// it confirms it).
    pub unconfirmed: bool,
}

/// A whole section's answers: every code of the section that should hold an answer. A code
/// of the section left out is cleared; a code of another section is refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionBody {
    /// Answers by question code (`{"RM30": {"text": "…"}, "RM8": "yes"}`).
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, AnswerValue>,
}

/// The section a path names; an unknown key or a section without questions is 404.
fn section_of(assessment: &Assessment, key: &str) -> Result<Section, ApiError> {
    let section: Section = serde_json::from_value(serde_json::Value::String(key.to_owned()))
        .map_err(|_| ApiError::not_found().detail("no such section"))?;
    if assessment
        .question_set()
        .in_section(section)
        .next()
        .is_none()
    {
        return Err(ApiError::not_found().detail("this assessment has no such section"));
    }
    Ok(section)
}

fn view(assessment: &Assessment, section: Section) -> SectionView {
    let set = assessment.question_set();
    let questions: Vec<String> = set.in_section(section).map(|q| q.code.clone()).collect();
    let answers = questions
        .iter()
        .filter_map(|code| {
            assessment
                .answer(code)
                .map(|value| (code.clone(), value.clone()))
        })
        .collect();
    SectionView {
        assessment_id: assessment.header().id,
        version: assessment.version(),
        section: section.key().to_owned(),
        questions,
        answers,
        unconfirmed: assessment.unconfirmed_sections().contains(&section),
    }
}

fn with_etag(assessment: &Assessment, section: Section) -> Response {
    crate::extract::json_with_etag(
        &view(assessment, section),
        assessment.header().id,
        assessment.version(),
        StatusCode::OK,
    )
}

/// The commands that turn the stored section into `wanted`: answers that differ, answers
/// cleared, and the confirmation of a copied section. Every bad code or value is named.
fn commands_for(
    assessment: &Assessment,
    section: Section,
    wanted: &BTreeMap<String, AnswerValue>,
) -> Result<Vec<Command>, ApiError> {
    let set = assessment.question_set();
    let mut problems = Vec::new();
    for (code, value) in wanted {
        let field = format!("answers.{code}");
        match set.check(code, value) {
            Err(error) => problems.push((field, error.to_string())),
            Ok(question) if question.section != section => problems.push((
                field,
                format!(
                    "question {code} belongs to section {}, not {}",
                    question.section.key(),
                    section.key()
                ),
            )),
            Ok(_) => {}
        }
    }
    if let Some((field, _)) = problems.first() {
        let messages: Vec<String> = problems.iter().map(|(f, m)| format!("{f}: {m}")).collect();
        return Err(
            ApiError::unprocessable(Some(field.clone()), messages.join("; ")).with_errors(messages),
        );
    }
    let mut commands = Vec::new();
    for question in set.in_section(section) {
        match (
            wanted.get(&question.code),
            assessment.answer(&question.code),
        ) {
            (Some(value), stored) if stored != Some(value) => commands.push(Command::Answer {
                code: question.code.clone(),
                value: value.clone(),
            }),
            (None, Some(_)) => commands.push(Command::ClearAnswer {
                code: question.code.clone(),
            }),
            _ => {}
        }
    }
    if assessment.unconfirmed_sections().contains(&section) {
        commands.push(Command::ConfirmSection { section });
    }
    Ok(commands)
}

async fn read_section<S, C, I>(
    state: &AppState<S, C, I>,
    caller: Credentials,
    id: String,
    key: &str,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let assessment = state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            Ok(app.assessment(&caller.actor, id, &caller.ctx)?)
        })
        .await?;
    let section = section_of(&assessment, key)?;
    Ok(with_etag(&assessment, section))
}

async fn save_section<S, C, I>(
    state: &AppState<S, C, I>,
    caller: Credentials,
    id: String,
    key: &str,
    headers: HeaderMap,
    body: SectionBody,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let key = key.to_owned();
    let (assessment, section) = state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            let expected = if_match(&headers, id)?;
            save_checked(app, caller, id, expected, &key, &body)
                .map_err(|error| stale_to_412(error, id))
        })
        .await?;
    Ok(with_etag(&assessment, section))
}

/// Saves the section as the authenticated caller (on the blocking pool).
fn save_checked<S, C, I>(
    app: &App<S, C, I>,
    caller: &Caller,
    id: Uuid,
    expected: u64,
    key: &str,
    body: &SectionBody,
) -> Result<(Assessment, Section), ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    // One transaction and one read: the commands are worked out from the version read in it,
    // and the policy is asked (and audited) before anything is written or shown. Every other
    // outcome (nothing to change, bad input) comes back as an audited read and is explained
    // below, so a caller who may not see the assessment learns nothing from it.
    let planned = app.apply_planned(
        &caller.actor,
        id,
        expected,
        |stored| {
            let section = section_of(stored, key).ok()?;
            commands_for(stored, section, &body.answers).ok()
        },
        &ApplyOptions::default(),
        &caller.ctx,
    )?;
    let current = match planned {
        Planned::Applied(saved) => {
            let section = section_of(&saved, key)?;
            return Ok((saved, section));
        }
        Planned::Read(current) => current,
    };
    let section = section_of(&current, key)?;
    // The plan found nothing to apply on this very version: say why (bad input, with the
    // field), or confirm the section is already as asked.
    commands_for(&current, section, &body.answers)?;
    if current.version() != expected {
        return Err(ApiError::from(oasys_app::AppError::Conflict {
            reason: "the assessment was changed by someone else: reload it".to_owned(),
            current_version: Some(current.version()),
        }));
    }
    // Nothing differs: fine when the caller could have changed it (the assessor of an open,
    // undeleted draft).
    let editable = *current.state() == Lifecycle::Open
        && current.deleted().is_none()
        && current.header().assessor == caller.actor.id;
    if !editable {
        return Err(
            ApiError::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden")
                .detail("only the assessor may change an open assessment"),
        );
    }
    Ok((current, section))
}

/// One section's questions and answers, with the assessment's `ETag`.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/sections/{section}", tag = "assessments",
    params(("id" = uuid::Uuid, Path, description = "Assessment id"),
        ("section" = String, Path, description = "Section key, e.g. `risk_management_plan`")),
    responses((status = 200, description = "The section; ETag header", body = SectionView),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn get_section<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path((id, key))): AuthFirst<Path<(String, String)>>,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    read_section(&state, caller, id, &key).await
}

/// Saves a whole section in one unit: every answer changed, every answer left out cleared,
/// a copied section confirmed; all or nothing. `If-Match` must carry the assessment's `ETag`.
#[utoipa::path(put, path = "/api/v1/assessments/{id}/sections/{section}", tag = "assessments",
    params(("id" = uuid::Uuid, Path, description = "Assessment id"),
        ("section" = String, Path, description = "Section key, e.g. `risk_management_plan`"),
        ("If-Match" = String, Header, description = "ETag of the assessment version read")),
    request_body = SectionBody,
    responses((status = 200, description = "The saved section; ETag header", body = SectionView),
        (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
        (status = 412, body = crate::error::Problem), (status = 422, body = crate::error::Problem),
        (status = 428, body = crate::error::Problem)))]
pub async fn put_section<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path((id, key))): AuthFirst<Path<(String, String)>>,
    headers: HeaderMap,
    AuthFirst(StrictJson(body)): AuthFirst<StrictJson<SectionBody>>,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    save_section(&state, caller, id, &key, headers, body).await
}

/// The risk management plan (the `risk_management_plan` section), with the assessment's `ETag`.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/risk-management-plan", tag = "plans",
    params(("id" = uuid::Uuid, Path, description = "Assessment id")),
    responses((status = 200, description = "The plan's answers; ETag header", body = SectionView),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn get_rmp<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    read_section(&state, caller, id, Section::RiskManagementPlan.key()).await
}

/// Saves the whole risk management plan (as `PUT …/sections/risk_management_plan`).
#[utoipa::path(put, path = "/api/v1/assessments/{id}/risk-management-plan", tag = "plans",
    params(("id" = uuid::Uuid, Path, description = "Assessment id"),
        ("If-Match" = String, Header, description = "ETag of the assessment version read")),
    request_body = SectionBody,
    responses((status = 200, description = "The saved plan; ETag header", body = SectionView),
        (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
        (status = 412, body = crate::error::Problem), (status = 422, body = crate::error::Problem),
        (status = 428, body = crate::error::Problem)))]
pub async fn put_rmp<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
    headers: HeaderMap,
    AuthFirst(StrictJson(body)): AuthFirst<StrictJson<SectionBody>>,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    save_section(
        &state,
        caller,
        id,
        Section::RiskManagementPlan.key(),
        headers,
        body,
    )
    .await
}

/// One side of a comparison.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComparedSide {
    /// The assessment's id.
    pub assessment_id: Uuid,
    /// The version compared.
    pub version: u64,
    /// Every predictor and need section scored from that version.
    #[schema(value_type = Object)]
    pub scores: ScoredAssessment,
}

/// What changed between two assessments of one person.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComparisonView {
    /// The earlier assessment.
    pub earlier: ComparedSide,
    /// The later assessment.
    pub later: ComparedSide,
    /// Header, answer, need, ROSH and RMP changes.
    #[schema(value_type = Object)]
    pub changes: Comparison,
}

/// Compares an earlier assessment (`id`) with a later one (`other`) of the same person: what
/// changed, with both score reports. Different people, a voided one or the wrong order is 422.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/compare/{other}", tag = "assessments",
    params(("id" = uuid::Uuid, Path, description = "The earlier assessment's id"),
        ("other" = uuid::Uuid, Path, description = "The later assessment's id")),
    responses((status = 200, description = "The changes and both score reports", body = ComparisonView),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub async fn compare_assessments<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path((id, other))): AuthFirst<Path<(String, String)>>,
) -> Result<Json<ComparisonView>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let view = state
        .as_caller(caller, move |app, caller| {
            let earlier_id = path_id(&id)?;
            let later_id = path_id(&other)?;
            let (actor, ctx) = (&caller.actor, &caller.ctx);
            let earlier = app.assessment(actor, earlier_id, ctx)?;
            let later = app.assessment(actor, later_id, ctx)?;
            let changes = compare(&earlier, &later).map_err(|e| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "not-comparable",
                    "These assessments cannot be compared",
                )
                .detail(e.to_string())
                .field("other")
            })?;
            let side = |assessment: &Assessment| -> Result<ComparedSide, ApiError> {
                let id = assessment.header().id;
                Ok(ComparedSide {
                    assessment_id: id,
                    version: assessment.version(),
                    scores: app.score_assessment(actor, id, None, ctx)?,
                })
            };
            Ok(ComparisonView {
                earlier: side(&earlier)?,
                later: side(&later)?,
                changes,
            })
        })
        .await?;
    Ok(Json(view))
}
