//! Information sharing routes: record a partner agency's request about a person, decide it, and
//! build the disclosure package. Ids are made by the server, never taken from the body.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use oasys_app::{Clock, IdGenerator, SharingCase, Storage};
use oasys_sharing_policy::{
    DecisionDraft, DisclosurePackage, RequestDraft, SharingDecision, SharingRequest,
};
use serde::Deserialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{AuthFirst, Credentials};
use crate::error::ApiError;
use crate::extract::{StrictJson, StrictQuery, from_value, path_id, with_server_ids};
use crate::state::AppState;

/// A request from a partner agency (the `RequestDraft` fields without `id`).
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct NewSharingRequest(pub serde_json::Value);

impl utoipa::PartialSchema for NewSharingRequest {
    fn schema() -> RefOr<Schema> {
        without_server_ids::<RequestDraft>(
            &["id"],
            "A request from a partner agency, as recorded (the server makes its id).",
        )
    }
}

impl ToSchema for NewSharingRequest {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        RequestDraft::schemas(schemas);
    }
}

/// A decision on a request (the `DecisionDraft` fields without `id` and `request_id`).
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct NewDecision(pub serde_json::Value);

impl utoipa::PartialSchema for NewDecision {
    fn schema() -> RefOr<Schema> {
        without_server_ids::<DecisionDraft>(
            &["id", "request_id"],
            "A decision on a request, before its checks (the server sets its id and the request's).",
        )
    }
}

impl ToSchema for NewDecision {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        DecisionDraft::schemas(schemas);
    }
}

/// The schema of a draft without the ids the server makes (`with_server_ids` refuses them in a
/// body), so that the document describes exactly the body the route takes.
fn without_server_ids<T: ToSchema>(ids: &[&str], description: &str) -> RefOr<Schema> {
    let mut schema = T::schema();
    if let RefOr::T(Schema::Object(object)) = &mut schema {
        for id in ids {
            object.properties.remove(*id);
        }
        object
            .required
            .retain(|field| !ids.contains(&field.as_str()));
        object.description = Some(description.to_owned());
    }
    schema
}

/// Records a partner agency's request for information about a person.
#[utoipa::path(post, path = "/api/v1/people/{id}/sharing-requests", tag = "sharing",
    params(("id" = uuid::Uuid, Path, description = "Person id")),
    request_body = NewSharingRequest,
    responses((status = 201, description = "The recorded request", body = Object),
        (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn record_request<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
    AuthFirst(StrictJson(NewSharingRequest(body))): AuthFirst<StrictJson<NewSharingRequest>>,
) -> Result<(StatusCode, Json<SharingRequest>), ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let request = state
        .as_caller(caller, move |app, caller| {
            let person_id = path_id(&id)?;
            let draft: RequestDraft = from_value(with_server_ids(body, &["id"])?)?;
            Ok(app.record_sharing_request(&caller.actor, person_id, draft, &caller.ctx)?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(request)))
}

/// Decides a request: share in full, in part, or decline, with the justification.
#[utoipa::path(post, path = "/api/v1/sharing-requests/{id}/decision", tag = "sharing",
    params(("id" = uuid::Uuid, Path, description = "Sharing request id")),
    request_body = NewDecision,
    responses((status = 201, description = "The recorded decision", body = Object),
        (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub async fn decide<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
    AuthFirst(StrictJson(NewDecision(body))): AuthFirst<StrictJson<NewDecision>>,
) -> Result<(StatusCode, Json<SharingDecision>), ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let decision = state
        .as_caller(caller, move |app, caller| {
            let request_id = path_id(&id)?;
            let draft: DecisionDraft = from_value(with_server_ids(body, &["id", "request_id"])?)?;
            Ok(app.decide_sharing_request(&caller.actor, request_id, draft, &caller.ctx)?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(decision)))
}

/// Builds the disclosure package of a decided request from the latest locked assessment.
#[utoipa::path(post, path = "/api/v1/sharing-requests/{id}/package", tag = "sharing",
    params(("id" = uuid::Uuid, Path, description = "Sharing request id")),
    responses((status = 201, description = "The draft disclosure package", body = Object),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn build_package<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
) -> Result<(StatusCode, Json<DisclosurePackage>), ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let package = state
        .as_caller(caller, move |app, caller| {
            let request_id = path_id(&id)?;
            Ok(app.build_disclosure(&caller.actor, request_id, &caller.ctx)?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(package)))
}

/// Most requests one inbox page lists.
const INBOX_LIMIT: usize = 200;

/// How many requests to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// At most this many, newest first (default 50, at most 200).
    pub limit: Option<usize>,
}

/// The sharing requests about the cases the caller works on, newest first, each with its decision
/// and latest package (every row shown is audited as a consultation).
#[utoipa::path(get, path = "/api/v1/sharing-requests", tag = "sharing", params(InboxQuery),
    responses((status = 200, description = "Requests with their decisions and packages", body = [Object]),
        (status = 400, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn inbox<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(StrictQuery(query)): AuthFirst<StrictQuery<InboxQuery>>,
) -> Result<Json<Vec<SharingCase>>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let cases = state
        .as_caller(caller, move |app, caller| {
            let limit = query.limit.unwrap_or(50);
            if limit == 0 || limit > INBOX_LIMIT {
                return Err(ApiError::unprocessable(
                    Some("limit".to_owned()),
                    format!("limit must be between 1 and {INBOX_LIMIT}"),
                ));
            }
            Ok(app.sharing_inbox(&caller.actor, limit, &caller.ctx)?)
        })
        .await?;
    Ok(Json(cases))
}

/// One sharing request with its decision and latest package, for someone who works on the case.
#[utoipa::path(get, path = "/api/v1/sharing-requests/{id}", tag = "sharing",
    params(("id" = uuid::Uuid, Path, description = "Sharing request id")),
    responses((status = 200, description = "The request, its decision and package", body = Object),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn get_request<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
) -> Result<Json<SharingCase>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let case = state
        .as_caller(caller, move |app, caller| {
            let request_id = path_id(&id)?;
            Ok(app.sharing_request(&caller.actor, request_id, &caller.ctx)?)
        })
        .await?;
    Ok(Json(case))
}
