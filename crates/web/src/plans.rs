//! Sentence plan routes: draft one from an assessment, read it (with `ETag` = storage revision),
//! change it and record the person's agreement (with `If-Match`: 428 without it, 412 when
//! stale; 409 once the plan is locked because its assessment is signed or locked).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use oasys_app::{AgreementResponse, Clock, IdGenerator, Storage};
use oasys_sentence_plan::{AgreementStatus, PlanChange, PlanProgress, SentencePlan};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{AuthFirst, Credentials};
use crate::error::ApiError;
use crate::extract::{StrictJson, if_match, path_id, stale_to_412};
use crate::state::AppState;

/// The plan as JSON with `ETag: "<plan id>-<revision>"`.
fn with_etag(plan: &SentencePlan, revision: u64, status: StatusCode) -> Response {
    crate::extract::json_with_etag(plan, plan.id(), revision, status)
}

/// Changes to a sentence plan, applied in order as one. Each is dated today by the service and
/// an added objective or step gets its id there; the agreement is recorded through
/// `…/agreement`, and signing status, versions and progress history cannot be written.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanChanges {
    /// The changes, each named by `change`: `add_objective` (`title`, `links`, optional
    /// `text`, `measure`, `target_date`), `add_step` (`objective`, `actors`, `timescale`,
    /// optional `catalogue_code`, `text`), `objective_progress` (`objective`, `progress`,
    /// optional `note`), `step_progress` (`objective`, `step`, `progress`, optional `note`),
    /// `note` (`text`), `remove_objective` (`objective`), `move_objective` (`objective`,
    /// `position`).
    pub changes: Vec<PlanChange>,
}

/// The person's response to the plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementBody {
    /// `AGREED`, `DO_NOT_AGREE` or `COULD_NOT_ANSWER`.
    pub status: AgreementStatus,
    /// When the person gave it (required): not before the plan date, not after today.
    #[schema(value_type = Option<String>, format = Date)]
    pub date: Option<NaiveDate>,
    /// Why (required for `DO_NOT_AGREE` and `COULD_NOT_ANSWER`).
    #[serde(default)]
    pub note: Option<String>,
}

/// Drafts an initial sentence plan from an assessment (one objective per need, harm first).
#[utoipa::path(post, path = "/api/v1/assessments/{id}/plan", tag = "plans",
    params(("id" = uuid::Uuid, Path, description = "Assessment id")),
    responses((status = 201, description = "The drafted plan; ETag header", body = SentencePlan),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, description = "The assessment is locked or already has a plan",
            body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub async fn draft_plan<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let stored = state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            Ok(app.draft_plan(&caller.actor, id, &caller.ctx)?)
        })
        .await?;
    Ok(with_etag(
        &stored.plan,
        stored.revision,
        StatusCode::CREATED,
    ))
}

/// Starts the assessment's plan as a review of the person's latest signed plan: open objectives
/// are carried forward with their history, closed ones stay in the earlier version.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/review-plan", tag = "plans",
    params(("id" = uuid::Uuid, Path, description = "Assessment id")),
    responses((status = 201, description = "The review plan; ETag header", body = SentencePlan),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, description = "The assessment is locked or already has a plan",
            body = crate::error::Problem),
        (status = 422, description = "The person has no signed plan", body = crate::error::Problem)))]
pub async fn review_plan<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let stored = state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            Ok(app.review_plan(&caller.actor, id, &caller.ctx)?)
        })
        .await?;
    Ok(with_etag(
        &stored.plan,
        stored.revision,
        StatusCode::CREATED,
    ))
}

/// One sentence plan, with `ETag: "<id>-<revision>"`.
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "plans",
    params(("id" = uuid::Uuid, Path, description = "Plan id")),
    responses((status = 200, description = "The plan; ETag header", body = SentencePlan),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn get_plan<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let stored = state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            Ok(app.plan(&caller.actor, id, &caller.ctx)?)
        })
        .await?;
    Ok(with_etag(&stored.plan, stored.revision, StatusCode::OK))
}

/// What a plan achieved since the version it was made from.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressBody {
    /// The plan version compared with (`null` for a first plan).
    pub previous: Option<uuid::Uuid>,
    /// Each objective's outcome and the steps completed (`null` for a first plan).
    pub progress: Option<PlanProgress>,
}

/// Progress since the previous plan version: each objective achieved, partially or not achieved
/// (with its code), removed, added or carried over, and the steps completed.
#[utoipa::path(get, path = "/api/v1/plans/{id}/progress", tag = "plans",
    params(("id" = uuid::Uuid, Path, description = "Plan id")),
    responses((status = 200, description = "Progress since the previous version", body = ProgressBody),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn plan_progress<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
) -> Result<axum::Json<ProgressBody>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let body = state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            let (stored, progress) = app.plan_with_progress(&caller.actor, id, &caller.ctx)?;
            Ok(ProgressBody {
                previous: stored.plan.previous(),
                progress,
            })
        })
        .await?;
    Ok(axum::Json(body))
}

/// Changes a plan: applies the changes in order, as one, over the revision in `If-Match`.
#[utoipa::path(post, path = "/api/v1/plans/{id}/changes", tag = "plans",
    params(("id" = uuid::Uuid, Path, description = "Plan id"),
        ("If-Match" = String, Header, description = "ETag of the revision read")),
    request_body = PlanChanges,
    responses((status = 200, description = "The changed plan; ETag header", body = SentencePlan),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, description = "The plan is locked: its assessment is signed, locked, \
            awaiting countersignature, voided or deleted", body = crate::error::Problem),
        (status = 412, body = crate::error::Problem), (status = 422, body = crate::error::Problem),
        (status = 428, body = crate::error::Problem)))]
pub async fn change_plan<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
    headers: HeaderMap,
    AuthFirst(StrictJson(body)): AuthFirst<StrictJson<PlanChanges>>,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let stored = state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            let expected = if_match(&headers, id)?;
            app.change_plan(&caller.actor, id, expected, body.changes, &caller.ctx)
                .map_err(|error| stale_to_412(error.into(), id))
        })
        .await?;
    Ok(with_etag(&stored.plan, stored.revision, StatusCode::OK))
}

/// Records the person's response to the plan over the revision in `If-Match`; who recorded it
/// is the caller.
#[utoipa::path(post, path = "/api/v1/plans/{id}/agreement", tag = "plans",
    params(("id" = uuid::Uuid, Path, description = "Plan id"),
        ("If-Match" = String, Header, description = "ETag of the revision read")),
    request_body = AgreementBody,
    responses((status = 200, description = "The plan with the agreement; ETag header", body = SentencePlan),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, description = "The plan is locked", body = crate::error::Problem),
        (status = 412, body = crate::error::Problem), (status = 422, body = crate::error::Problem),
        (status = 428, body = crate::error::Problem)))]
pub async fn record_agreement<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
    headers: HeaderMap,
    AuthFirst(StrictJson(body)): AuthFirst<StrictJson<AgreementBody>>,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let stored = state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            let expected = if_match(&headers, id)?;
            let response = AgreementResponse {
                status: body.status,
                date: body.date,
                note: body.note,
            };
            app.record_plan_agreement(&caller.actor, id, expected, response, &caller.ctx)
                .map_err(|error| stale_to_412(error.into(), id))
        })
        .await?;
    Ok(with_etag(&stored.plan, stored.revision, StatusCode::OK))
}
