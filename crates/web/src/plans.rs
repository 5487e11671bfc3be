//! Sentence plan routes: draft one from an assessment, read it (with `ETag` = storage revision),
//! and save edits (with `If-Match`: 428 without it, 412 when stale).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use oasys_app::{Clock, IdGenerator, Storage};
use oasys_sentence_plan::SentencePlan;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::{AuthFirst, Credentials};
use crate::error::ApiError;
use crate::extract::{StrictJson, if_match, path_id, stale_to_412};
use crate::state::AppState;

/// The plan as JSON with `ETag: "<plan id>-<revision>"`.
fn with_etag(plan: &SentencePlan, revision: u64, status: StatusCode) -> Response {
    crate::extract::json_with_etag(plan, plan.id(), revision, status)
}

/// An edited sentence plan (the whole plan as read, with the changes).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct PlanBody(pub SentencePlan);

/// Drafts an initial sentence plan from an assessment (one objective per need, harm first).
#[utoipa::path(post, path = "/api/v1/assessments/{id}/plan", tag = "plans",
    params(("id" = uuid::Uuid, Path, description = "Assessment id")),
    responses((status = 201, description = "The drafted plan; ETag header", body = SentencePlan),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
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

/// Saves an edited plan; `If-Match` must carry the `ETag` of the revision edited.
#[utoipa::path(put, path = "/api/v1/plans/{id}", tag = "plans",
    params(("id" = uuid::Uuid, Path, description = "Plan id"),
        ("If-Match" = String, Header, description = "ETag of the revision read")),
    request_body = PlanBody,
    responses((status = 200, description = "The saved plan; ETag header", body = SentencePlan),
        (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 412, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn save_plan<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
    headers: HeaderMap,
    AuthFirst(StrictJson(PlanBody(plan))): AuthFirst<StrictJson<PlanBody>>,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let (plan, revision) = state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            let expected = if_match(&headers, id)?;
            if plan.id() != id {
                return Err(ApiError::unprocessable(
                    Some("id".to_owned()),
                    "the plan's id is not the one in the path",
                ));
            }
            let revision = app
                .save_plan(&caller.actor, &plan, expected, &caller.ctx)
                .map_err(|error| stale_to_412(error.into(), id))?;
            Ok((plan, revision))
        })
        .await?;
    Ok(with_etag(&plan, revision, StatusCode::OK))
}
