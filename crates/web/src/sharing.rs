//! Information sharing routes: record a partner agency's request about a person, decide it, build
//! the disclosure package, review its free text, approve and release it (the release is the
//! logged disclosure), withdraw the request, and read the package (410 once expired or
//! withdrawn). Ids are made by the server, never taken from the body.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use oasys_app::{Clock, DisclosureRelease, IdGenerator, SharingView, Storage};
use oasys_sharing_policy::{
    DecisionDraft, DisclosurePackage, ReleaseChannel, RequestDraft, SharingDecision,
    SharingRequest, SpanRedaction,
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

/// The sharing requests about the cases the caller works on, newest first: each with its person,
/// decision and latest package (`"view": "full"`), or for a case administrator its metadata only
/// (`"view": "metadata"`). Every row shown is audited as a consultation.
#[utoipa::path(get, path = "/api/v1/sharing-requests", tag = "sharing", params(InboxQuery),
    responses((status = 200, description = "Requests with their decisions and packages", body = [Object]),
        (status = 400, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn inbox<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(StrictQuery(query)): AuthFirst<StrictQuery<InboxQuery>>,
) -> Result<Json<Vec<SharingView>>, ApiError>
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

/// One sharing request: in full with its person, decision and latest package for whoever may
/// read it (`"view": "full"`), its metadata only for a case administrator (`"view": "metadata"`).
#[utoipa::path(get, path = "/api/v1/sharing-requests/{id}", tag = "sharing",
    params(("id" = uuid::Uuid, Path, description = "Sharing request id")),
    responses((status = 200, description = "The request, its decision and package", body = Object),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn get_request<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
) -> Result<Json<SharingView>, ApiError>
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

/// The review of one free-text block of the draft package.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// The element code of the text block (one of the package's `pending_review`).
    pub element: String,
    /// The spans to redact, in character positions (empty: the block needs no redaction).
    pub spans: Vec<SpanRedaction>,
}

/// Records the decider's review of one free-text block of the draft package; once every block
/// is reviewed the package can be approved.
#[utoipa::path(post, path = "/api/v1/sharing-requests/{id}/package/review", tag = "sharing",
    params(("id" = uuid::Uuid, Path, description = "Sharing request id")),
    request_body = ReviewBody,
    responses((status = 200, description = "The package after the review", body = Object),
        (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn review_text<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
    AuthFirst(StrictJson(body)): AuthFirst<StrictJson<ReviewBody>>,
) -> Result<Json<DisclosurePackage>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let package = state
        .as_caller(caller, move |app, caller| {
            let request_id = path_id(&id)?;
            Ok(app.review_disclosure_text(
                &caller.actor,
                request_id,
                &body.element,
                &body.spans,
                &caller.ctx,
            )?)
        })
        .await?;
    Ok(Json(package))
}

/// Approves the reviewed package: a manager with oversight of the case who did not make the
/// decision (on an Immediate request the decider may approve alone; the package is then flagged
/// for retrospective review).
#[utoipa::path(post, path = "/api/v1/sharing-requests/{id}/package/approval", tag = "sharing",
    params(("id" = uuid::Uuid, Path, description = "Sharing request id")),
    responses((status = 200, description = "The approved package", body = Object),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub async fn approve<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
) -> Result<Json<DisclosurePackage>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let package = state
        .as_caller(caller, move |app, caller| {
            let request_id = path_id(&id)?;
            Ok(app.approve_disclosure(&caller.actor, request_id, &caller.ctx)?)
        })
        .await?;
    Ok(Json(package))
}

/// Records another manager's review after the fact of a package one manager decided, approved
/// and released alone on an Immediate request.
#[utoipa::path(post, path = "/api/v1/sharing-requests/{id}/package/retrospective-review", tag = "sharing",
    params(("id" = uuid::Uuid, Path, description = "Sharing request id")),
    responses((status = 200, description = "The package with its retrospective review", body = Object),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub async fn retrospective_review<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
) -> Result<Json<DisclosurePackage>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let package = state
        .as_caller(caller, move |app, caller| {
            let request_id = path_id(&id)?;
            Ok(app.review_disclosure_retrospectively(&caller.actor, request_id, &caller.ctx)?)
        })
        .await?;
    Ok(Json(package))
}

/// How the approved package is released and to whom.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseBody {
    /// How it reaches the recipients.
    pub channel: ReleaseChannel,
    /// Who it is given to: named people and their agencies (at least one).
    pub recipients: Vec<String>,
}

/// Releases the approved package; the disclosure is logged (recipients, channel, content hash,
/// legal basis, decision) in the same transaction.
#[utoipa::path(post, path = "/api/v1/sharing-requests/{id}/package/release", tag = "sharing",
    params(("id" = uuid::Uuid, Path, description = "Sharing request id")),
    request_body = ReleaseBody,
    responses((status = 200, description = "The released package", body = Object),
        (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn release<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
    AuthFirst(StrictJson(body)): AuthFirst<StrictJson<ReleaseBody>>,
) -> Result<Json<DisclosurePackage>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let package = state
        .as_caller(caller, move |app, caller| {
            let request_id = path_id(&id)?;
            let release = DisclosureRelease {
                channel: body.channel,
                recipients: body.recipients,
            };
            Ok(app.release_disclosure(&caller.actor, request_id, &release, &caller.ctx)?)
        })
        .await?;
    Ok(Json(package))
}

/// Why the requester withdrew.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    /// The reason given.
    pub reason: String,
}

/// Records that the requester withdrew the request (any time before release).
#[utoipa::path(post, path = "/api/v1/sharing-requests/{id}/withdrawal", tag = "sharing",
    params(("id" = uuid::Uuid, Path, description = "Sharing request id")),
    request_body = WithdrawBody,
    responses((status = 200, description = "The withdrawn request", body = Object),
        (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn withdraw<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
    AuthFirst(StrictJson(body)): AuthFirst<StrictJson<WithdrawBody>>,
) -> Result<Json<SharingRequest>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let request = state
        .as_caller(caller, move |app, caller| {
            let request_id = path_id(&id)?;
            Ok(app.withdraw_sharing_request(
                &caller.actor,
                request_id,
                &body.reason,
                &caller.ctx,
            )?)
        })
        .await?;
    Ok(Json(request))
}

/// The request's disclosure package (a draft says so in its `status`). A released package past
/// its expiry, or the package of a withdrawn request, is 410 Gone.
#[utoipa::path(get, path = "/api/v1/sharing-requests/{id}/package", tag = "sharing",
    params(("id" = uuid::Uuid, Path, description = "Sharing request id")),
    responses((status = 200, description = "The package", body = Object),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 410, body = crate::error::Problem)))]
pub async fn get_package<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
) -> Result<Json<DisclosurePackage>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let package = state
        .as_caller(caller, move |app, caller| {
            let request_id = path_id(&id)?;
            Ok(app.disclosure_package(&caller.actor, request_id, &caller.ctx)?)
        })
        .await?;
    Ok(Json(package))
}
