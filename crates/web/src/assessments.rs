//! Assessment routes: create, read (with `ETag`), apply a lifecycle command (with `If-Match`),
//! score, and list reviews due.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Days, NaiveDate};
use oasys_app::{
    AppError, ApplyOptions, Clock, IdGenerator, Listed, NewAssessmentRequest, ReviewDueEntry,
    ReviewScope, ScoredAssessment, Storage,
};
use oasys_assessment_model::{Assessment, Command, Event, OrgCode, ReviewEvent, WithoutEvents};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{AuthFirst, Credentials};
use crate::error::ApiError;
use crate::extract::{StrictJson, StrictQuery, if_match, path_id, stale_to_412};
use crate::state::AppState;

/// Most reviews one request lists.
const REVIEWS_LIMIT: usize = 200;

/// A lifecycle command with what it may need besides.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommandRequest {
    /// The command, named by `command`: `answer` (`code`, `value`), `clear_answer` (`code`),
    /// `confirm_section` (`section`), `reassign_assessor` (`assessor`), `sign` (no fields: the
    /// sentence plan's agreement is read from the stored plan, and a `plan_agreed` sent is
    /// ignored; refused while there is no plan or its agreement is DRAFT, unless the purpose is
    /// risk-only or court or the layer standalone), `lock_incomplete` (`reason`), `countersign`
    /// (`send_for_second`), `second_countersign`, `reject` (`comment`), `rollback` (`reason`), `delete` (`reason`: the assessor's own open
    /// draft, or a manager over the team for a signed one), `restore` (`reason`: a manager over
    /// the team), `void` (`reason`).
    #[schema(value_type = Object)]
    pub command: Command,
    /// Staff id of the countersigner, when the command sends the assessment for countersigning.
    #[serde(default)]
    pub countersigner: Option<String>,
    /// Events that bring the next review forward.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub review_events: Vec<ReviewEvent>,
}

/// Starting an assessment (see `NewAssessmentRequest`).
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct CreateAssessment(pub NewAssessmentRequest);

impl utoipa::PartialSchema for CreateAssessment {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .description(Some(
                "Starts an assessment. With `clone_previous: true` the answers of the person's \
                 latest locked (complete or locked-incomplete), undeleted assessment are copied \
                 forward and their sections must be confirmed (saving a section confirms it); \
                 422 when there is none.",
            ))
            .property(
                "layer",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["layer1_basic", "layer3_full", "standalone"])),
            )
            .required("layer")
            .property(
                "purpose",
                ObjectBuilder::new().description(Some(
                    "Why the assessment is done, e.g. `start_of_community_order`",
                )),
            )
            .required("purpose")
            .property(
                "court_report",
                ObjectBuilder::new().description(Some("Court report template (default none)")),
            )
            .property(
                "clone_previous",
                ObjectBuilder::new()
                    .schema_type(Type::Boolean)
                    .description(Some("Copy the latest locked assessment (default false)")),
            )
            .into()
    }
}

impl ToSchema for CreateAssessment {}

/// Which reviews to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReviewsDueQuery {
    /// Reviews due before this date (default: 28 days from today).
    #[param(value_type = Option<String>, format = Date)]
    pub before: Option<NaiveDate>,
    /// A team's reviews instead of the caller's own.
    pub team: Option<String>,
}

/// The assessment as JSON, without its event log (`GET …/events` pages through that), with its
/// strong `ETag`.
fn with_etag(assessment: &Assessment, status: StatusCode) -> Response {
    crate::extract::json_with_etag(
        &assessment.without_events(),
        assessment.header().id,
        assessment.version(),
        status,
    )
}

/// Starts an assessment for a person (optionally cloned from the latest locked one).
#[utoipa::path(post, path = "/api/v1/people/{id}/assessments", tag = "assessments",
    params(("id" = uuid::Uuid, Path, description = "Person id")),
    request_body = CreateAssessment,
    responses((status = 201, description = "Created; ETag header", body = Object),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_assessment<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
    AuthFirst(StrictJson(CreateAssessment(request))): AuthFirst<StrictJson<CreateAssessment>>,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let assessment = state
        .as_caller(caller, move |app, caller| {
            let person_id = path_id(&id)?;
            Ok(app.create_assessment(&caller.actor, person_id, &request, &caller.ctx)?)
        })
        .await?;
    Ok(with_etag(&assessment, StatusCode::CREATED))
}

/// One assessment, with `ETag: "<id>-<version>"`.
#[utoipa::path(get, path = "/api/v1/assessments/{id}", tag = "assessments",
    params(("id" = uuid::Uuid, Path, description = "Assessment id")),
    responses((status = 200, description = "The assessment; ETag header", body = Object),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn get_assessment<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
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
    Ok(with_etag(&assessment, StatusCode::OK))
}

/// Applies a lifecycle command; `If-Match` must carry the `ETag` of the version changed.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/commands", tag = "assessments",
    params(("id" = uuid::Uuid, Path, description = "Assessment id"),
        ("If-Match" = String, Header, description = "ETag of the version read")),
    request_body = CommandRequest,
    responses((status = 200, description = "The new version; ETag header", body = Object),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn apply_command<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
    headers: HeaderMap,
    AuthFirst(StrictJson(request)): AuthFirst<StrictJson<CommandRequest>>,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let assessment = state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            let expected = if_match(&headers, id)?;
            let options = ApplyOptions {
                review_events: request.review_events,
                countersigner: request.countersigner,
            };
            app.apply(
                &caller.actor,
                id,
                expected,
                request.command,
                &options,
                &caller.ctx,
            )
            .map_err(|error| stale_to_412(error.into(), id))
        })
        .await?;
    Ok(with_etag(&assessment, StatusCode::OK))
}

/// Every predictor and need section scored from the assessment's answers.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/scores", tag = "assessments",
    params(("id" = uuid::Uuid, Path, description = "Assessment id")),
    responses((status = 200, description = "The score report", body = Object),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn scores<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
) -> Result<Json<ScoredAssessment>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let scored = state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            Ok(app.score_assessment(&caller.actor, id, None, &caller.ctx)?)
        })
        .await?;
    Ok(Json(scored))
}

/// Reviews falling due: the caller's own, or a team's. A limited access case the caller may not
/// see (or may see only with `X-Justification`, not sent) is a placeholder row (`row:
/// restricted`) when the caller has a team or area relation to it, else left out.
#[utoipa::path(get, path = "/api/v1/reviews-due", tag = "assessments", params(ReviewsDueQuery),
    responses((status = 200, description = "Reviews due, soonest first, or placeholders for limited access cases", body = [crate::people::ListRow]),
        (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn reviews_due<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(StrictQuery(query)): AuthFirst<StrictQuery<ReviewsDueQuery>>,
) -> Result<Json<Vec<Listed<ReviewDueEntry>>>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let today = state.clock.now().date_naive();
    let before = query
        .before
        .unwrap_or_else(|| today.checked_add_days(Days::new(28)).unwrap_or(today));
    let entries = state
        .as_caller(caller, move |app, caller| {
            let scope = match query.team {
                Some(team) => ReviewScope::Team(OrgCode::parse(&team).map_err(|e| {
                    ApiError::unprocessable(Some("team".to_owned()), e.to_string())
                })?),
                None => ReviewScope::Practitioner(caller.actor.id.clone()),
            };
            Ok(app.reviews_due(&caller.actor, &scope, before, REVIEWS_LIMIT, &caller.ctx)?)
        })
        .await?;
    Ok(Json(entries))
}

/// Which page of an assessment's versions or event log to read.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Versions or events after this version (default 0: from the first).
    pub after: Option<u64>,
    /// At most this many (1 to 500, default 100).
    pub limit: Option<usize>,
}

/// How many versions or events a page holds when the request does not say.
const PAGE: usize = 100;

impl PageQuery {
    fn after(&self) -> u64 {
        self.after.unwrap_or(0)
    }

    fn limit(&self) -> usize {
        self.limit.unwrap_or(PAGE)
    }

    /// A use case's error, with a broken rule blamed on `limit` (the only rule a page request
    /// can break once its id has parsed).
    fn blame_limit(error: AppError) -> ApiError {
        let invalid = matches!(error, AppError::Invalid(_));
        let error = ApiError::from(error);
        if invalid { error.field("limit") } else { error }
    }

    /// The `after` of the next page: the last version of a full page, `None` after a short one.
    fn next_after(&self, got: usize, last: Option<u64>) -> Option<u64> {
        (got == self.limit()).then_some(last).flatten()
    }
}

/// A page of an assessment's stored versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryPage<'a> {
    /// The versions, oldest first, each without its event log.
    #[schema(value_type = Vec<Object>)]
    pub versions: Vec<WithoutEvents<'a>>,
    /// The `after` that reads the next page, when this one was full; `null` at the end.
    pub next_after: Option<u64>,
}

/// An assessment's stored versions (every save makes one), a page at a time: `after` the last
/// version seen, at most `limit`; each without its event log.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/history", tag = "assessments",
    params(("id" = uuid::Uuid, Path, description = "Assessment id"), PageQuery),
    responses((status = 200, description = "Versions after `after`, oldest first, without events", body = HistoryPage),
        (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn history<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
    AuthFirst(StrictQuery(query)): AuthFirst<StrictQuery<PageQuery>>,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let (after, limit) = (query.after(), query.limit());
    let versions = state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            app.assessment_history(&caller.actor, id, after, limit, &caller.ctx)
                .map_err(PageQuery::blame_limit)
        })
        .await?;
    let next_after = query.next_after(versions.len(), versions.last().map(Assessment::version));
    let versions = versions.iter().map(Assessment::without_events).collect();
    Ok(Json(HistoryPage {
        versions,
        next_after,
    })
    .into_response())
}

/// A page of an assessment's event log.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventsPage {
    /// The events, oldest first.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<Event>,
    /// The `after` that reads the next page, when this one was full; `null` at the end of the
    /// log.
    pub next_after: Option<u64>,
}

/// The assessment's event log (every transition and answer change: who, when, from and to which
/// status, comment), a page at a time: `after` the last version seen, at most `limit` events.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/events", tag = "assessments",
    params(("id" = uuid::Uuid, Path, description = "Assessment id"), PageQuery),
    responses((status = 200, description = "Events after `after`, oldest first", body = EventsPage),
        (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn events<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
    AuthFirst(StrictQuery(query)): AuthFirst<StrictQuery<PageQuery>>,
) -> Result<Json<EventsPage>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let (after, limit) = (query.after(), query.limit());
    let events = state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            app.assessment_events(&caller.actor, id, after, limit, &caller.ctx)
                .map_err(PageQuery::blame_limit)
        })
        .await?;
    let next_after = query.next_after(events.len(), events.last().map(|e| e.version));
    Ok(Json(EventsPage { events, next_after }))
}
