//! People routes: read one person, search by CRN or name, the caller's caseload, a person's
//! assessments and allocation, registration and the LAO lists.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use oasys_app::{
    AssessmentSummary, CaseloadEntry, Clock, IdGenerator, Listed, PersonQuery, Storage,
};
use oasys_assessment_model::{Crn, OrgCode, Person};
use oasys_sharing_policy::LaoLists;
use serde::Deserialize;
use std::collections::BTreeSet;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{AuthFirst, Credentials, confirm_password};
use crate::error::ApiError;
use crate::extract::{StrictJson, StrictQuery, path_id};
use crate::state::AppState;

/// Most people a search returns.
const SEARCH_LIMIT: usize = 50;

/// Search parameters: exactly one of `crn` or `name` (a family-name prefix).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeopleSearch {
    /// Exact CRN.
    pub crn: Option<String>,
    /// Start of the family name.
    pub name: Option<String>,
}

/// The query a search names: exactly one of a valid CRN or a non-blank name.
fn person_query(search: PeopleSearch) -> Result<PersonQuery, ApiError> {
    match (search.crn, search.name) {
        (Some(crn), None) => {
            Ok(PersonQuery::Crn(Crn::parse(&crn).map_err(|e| {
                ApiError::unprocessable(Some("crn".to_owned()), e.to_string())
            })?))
        }
        (None, Some(name)) if !name.trim().is_empty() => Ok(PersonQuery::Name {
            family: name,
            given: None,
        }),
        _ => Err(ApiError::unprocessable(
            Some("crn".to_owned()),
            "give exactly one of crn or name",
        )),
    }
}

/// The documented shape of one row of a list of people (search, caseload, reviews due); the
/// rows themselves are the app's `Listed` values.
#[derive(Debug)]
pub struct ListRow;

impl utoipa::PartialSchema for ListRow {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, OneOfBuilder, Type};
        let string = |values: &[&str], description: &str| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(values.to_vec()))
                .description(Some(description))
        };
        OneOfBuilder::new()
            .description(Some(
                "One row of a list of people, named by `row`. `visible`: the full record (the \
                 person, caseload entry or review due) with `row` added. `restricted`: a \
                 placeholder (\"Restricted record\") for a limited access case the caller has a \
                 team or area relation to but may not see, or may see only with a stated reason \
                 (send `X-Justification`); it carries only the person's id and CRN and why, never \
                 the name, date of birth, offence or risk. Cases the caller may not learn of are \
                 left out.",
            ))
            .item(
                ObjectBuilder::new()
                    .property("row", string(&["visible"], "A row the caller may see"))
                    .required("row")
                    .additional_properties(Some(AdditionalProperties::FreeForm(true))),
            )
            .item(
                ObjectBuilder::new()
                    .property("row", string(&["restricted"], "A placeholder row"))
                    .required("row")
                    .property(
                        "person_id",
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                                utoipa::openapi::KnownFormat::Uuid,
                            ))),
                    )
                    .required("person_id")
                    .property(
                        "crn",
                        ObjectBuilder::new()
                            .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                                Type::String,
                                Type::Null,
                            ]))
                            .description(Some("The person's CRN, when they have one")),
                    )
                    .required("crn")
                    .property(
                        "reason",
                        string(
                            &["excluded", "restricted", "reason_needed"],
                            "`excluded`: the caller is on the exclusion list; `restricted`: the \
                             case is restricted and the caller is not on the list; \
                             `reason_needed`: the caller may open the record once they say why \
                             (`X-Justification`)",
                        ),
                    )
                    .required("reason")
                    .property(
                        "message",
                        ObjectBuilder::new().schema_type(Type::String).description(Some(
                            "What to tell the user: the case's exclusion or restriction message, \
                             or that a reason is needed",
                        )),
                    )
                    .required("message")
                    .additional_properties(Some(AdditionalProperties::FreeForm(false))),
            )
            .into()
    }
}

impl ToSchema for ListRow {}

/// One person.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people",
    params(("id" = uuid::Uuid, Path, description = "Person id")),
    responses((status = 200, description = "The person", body = Person),
        (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem)))]
pub async fn get_person<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
) -> Result<Json<Person>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let person = state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            Ok(app.person(&caller.actor, id, &caller.ctx)?)
        })
        .await?;
    Ok(Json(person))
}

/// People matching a CRN or a name prefix: each row the full person (`row: visible`) or, for a
/// limited access case the caller has a team or area relation to but may not see (or may see
/// only with `X-Justification`, not sent), a placeholder (`row: restricted`); people the caller
/// may not learn of are left out.
#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(PeopleSearch),
    responses((status = 200, description = "Matching people, or placeholders for limited access cases", body = [ListRow]),
        (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub async fn search_people<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(StrictQuery(search)): AuthFirst<StrictQuery<PeopleSearch>>,
) -> Result<Json<Vec<Listed<Person>>>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let people = state
        .as_caller(caller, move |app, caller| {
            let query = person_query(search)?;
            Ok(app.search_people(&caller.actor, &query, SEARCH_LIMIT, &caller.ctx)?)
        })
        .await?;
    Ok(Json(people))
}

/// The caller's caseload: each row a caseload entry (`row: visible`) or a placeholder
/// (`row: restricted`) for a limited access case the caller is excluded or restricted from, or may
/// open only with `X-Justification` (not sent).
#[utoipa::path(get, path = "/api/v1/caseload", tag = "people",
    responses((status = 200, description = "People allocated to the caller, or placeholders for limited access cases", body = [ListRow]),
        (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn caseload<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
) -> Result<Json<Vec<Listed<CaseloadEntry>>>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let entries = state
        .as_caller(caller, |app, caller| {
            Ok(app.caseload(&caller.actor, &caller.ctx)?)
        })
        .await?;
    Ok(Json(entries))
}

/// The person's assessments (summaries, newest first as stored).
#[utoipa::path(get, path = "/api/v1/people/{id}/assessments", tag = "people",
    params(("id" = uuid::Uuid, Path, description = "Person id")),
    responses((status = 200, description = "Assessment summaries", body = [Object]),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn person_assessments<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
) -> Result<Json<Vec<AssessmentSummary>>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let summaries = state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            Ok(app.assessments_for_person(&caller.actor, id, &caller.ctx)?)
        })
        .await?;
    Ok(Json(summaries))
}

/// Who a person is allocated to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllocationRequest {
    /// Staff id of the case manager.
    pub practitioner: String,
    /// Their team code.
    pub team: String,
}

/// Allocates (or reallocates) a person to a practitioner; takes effect on the next request.
#[utoipa::path(post, path = "/api/v1/people/{id}/allocation", tag = "people",
    params(("id" = uuid::Uuid, Path, description = "Person id")),
    request_body = AllocationRequest,
    responses((status = 204, description = "Allocated"),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub async fn allocate<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
    AuthFirst(StrictJson(request)): AuthFirst<StrictJson<AllocationRequest>>,
) -> Result<StatusCode, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            let team = OrgCode::parse(&request.team)
                .map_err(|e| ApiError::unprocessable(Some("team".to_owned()), e.to_string()))?;
            if request.practitioner.trim().is_empty() {
                return Err(ApiError::unprocessable(
                    Some("practitioner".to_owned()),
                    "name the practitioner",
                ));
            }
            Ok(app.allocate(&caller.actor, id, &request.practitioner, &team, &caller.ctx)?)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A person to register (the full record; people normally arrive from case management).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct RegisterPerson(pub Person);

/// Registers a person (administrators only).
#[utoipa::path(post, path = "/api/v1/people", tag = "people",
    request_body = RegisterPerson,
    responses((status = 201, description = "Registered", body = Person),
        (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub async fn register_person<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(StrictJson(RegisterPerson(person))): AuthFirst<StrictJson<RegisterPerson>>,
) -> Result<(StatusCode, Json<Person>), ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let person = state
        .as_caller(caller, move |app, caller| {
            app.register_person(&caller.actor, &person, &caller.ctx)?;
            Ok(person)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(person)))
}

/// A person's limited-access-offender lists, and the second manager's approval a change needs
/// when it takes a name off either list.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LaoRequest {
    /// Staff ids barred from the case.
    pub excluded: BTreeSet<String>,
    /// When not empty, only these staff ids may see the case.
    pub restricted_to: BTreeSet<String>,
    /// Shown to an excluded user.
    pub exclusion_message: Option<String>,
    /// Shown to a user outside the restriction list.
    pub restriction_message: Option<String>,
    /// Needed when the change takes a name off either list (otherwise 409).
    #[serde(default)]
    pub approval: Option<LaoApproval>,
}

/// A second manager (SPO or above over the case), re-authenticated by their password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LaoApproval {
    /// The approver's username.
    pub username: String,
    /// The approver's password, checked now (never stored or logged).
    pub password: String,
}

/// Replaces a person's limited-access-offender lists. Adding names takes effect at once; taking
/// a name off either list needs `approval` by a second manager (409 without it; 422 on
/// `approval` when their password is wrong).
#[utoipa::path(put, path = "/api/v1/people/{id}/lao", tag = "people",
    params(("id" = uuid::Uuid, Path, description = "Person id")),
    request_body = LaoRequest,
    responses((status = 204, description = "Replaced"),
        (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
pub async fn set_lao<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    AuthFirst(Path(id)): AuthFirst<Path<String>>,
    AuthFirst(StrictJson(request)): AuthFirst<StrictJson<LaoRequest>>,
) -> Result<StatusCode, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    // An approver's password is hashed behind the login semaphore, once the caller is known.
    let permit = match &request.approval {
        Some(_) => Some(
            state
                .hashing
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| ApiError::internal())?,
        ),
        None => None,
    };
    let now = state.clock.now();
    state
        .as_caller(caller, move |app, caller| {
            let id = path_id(&id)?;
            let _permit = permit;
            let approved_by = request
                .approval
                .as_ref()
                .map(|a| confirm_password(app.store(), &a.username, &a.password, "approval", now))
                .transpose()?;
            let lao = LaoLists {
                excluded: request.excluded,
                restricted_to: request.restricted_to,
                exclusion_message: request.exclusion_message,
                restriction_message: request.restriction_message,
            };
            Ok(app.set_lao(&caller.actor, id, &lao, approved_by.as_deref(), &caller.ctx)?)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
