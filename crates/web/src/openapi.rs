//! The OpenAPI 3.1 document, generated from the handlers' and types' annotations; served at
//! `/api/openapi.json` and checked in as `docs/openapi.json` (a test fails when they differ).

use utoipa::OpenApi;

use crate::{assessments, audit, auth, error, health, people, plans, sections, sharing};

/// The API description.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "OASys API", version = "1", description = "Offender assessment system: JSON API v1"),
    paths(
        auth::login, auth::logout,
        people::get_person, people::search_people, people::caseload,
        people::person_assessments, people::allocate, people::register_person, people::set_lao,
        plans::draft_plan, plans::review_plan, plans::get_plan, plans::change_plan,
        plans::record_agreement, plans::plan_progress,
        sharing::record_request, sharing::decide, sharing::build_package,
        sharing::inbox, sharing::get_request, sharing::get_package, sharing::review_text,
        sharing::approve, sharing::release, sharing::withdraw, sharing::retrospective_review,
        audit::audit_entries, audit::verify_audit,
        assessments::create_assessment, assessments::get_assessment, assessments::apply_command,
        assessments::scores, assessments::history, assessments::events, assessments::reviews_due,
        sections::get_section, sections::put_section, sections::get_rmp, sections::put_rmp,
        sections::compare_assessments,
        health::live, health::ready,
    ),
    components(schemas(
        error::Problem, auth::LoginRequest, auth::LoginResponse, health::Health,
        assessments::CommandRequest, assessments::CreateAssessment, assessments::EventsPage,
        assessments::HistoryPage,
        people::AllocationRequest,
        people::RegisterPerson, people::LaoRequest, people::ListRow, plans::PlanChanges,
        plans::AgreementBody, plans::ProgressBody,
        sharing::NewSharingRequest, sharing::NewDecision, sharing::ReviewBody,
        sharing::ReleaseBody, sharing::WithdrawBody,
        sections::SectionView, sections::SectionBody, sections::ComparedSide,
        sections::ComparisonView,
    )),
    tags((name = "auth"), (name = "people"), (name = "assessments"),
        (name = "plans"), (name = "sharing"), (name = "audit"), (name = "health")),
    modifiers(&SharedRefusals)
)]
pub struct ApiDoc;

/// Documents the refusals every API route can give besides its own (found by schemathesis,
/// docs/reliability.md): problem documents are `application/problem+json`; every `/api/v1`
/// route may answer 401 (no session) and 503 (busy or store unavailable), a state-changing one
/// 403 (cross-site), one with a body 400, 413, 415 and 422, one with a query 400 and 422.
struct SharedRefusals;

impl utoipa::Modify for SharedRefusals {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

        let problem = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        PROBLEM,
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            )
        };
        for (path, item) in &mut openapi.paths.paths {
            if !path.starts_with("/api/v1/") {
                continue;
            }
            let mut operations = [
                (false, item.get.as_mut()),
                (true, item.put.as_mut()),
                (true, item.post.as_mut()),
                (true, item.delete.as_mut()),
                (true, item.patch.as_mut()),
            ];
            for (changes_state, operation) in &mut operations {
                let Some(operation) = operation else {
                    continue;
                };
                let has_query = operation
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| matches!(p.parameter_in, ParameterIn::Query));
                let mut shared = vec![
                    ("401", "Not signed in"),
                    (
                        "503",
                        "Busy or the database is unavailable; retry after Retry-After",
                    ),
                ];
                if *changes_state {
                    shared.push(("403", "Refused (policy, or a cross-site request)"));
                }
                if operation.request_body.is_some() {
                    shared.extend([
                        ("400", "Malformed JSON"),
                        ("413", "Body too large"),
                        ("415", "Body not application/json"),
                        ("422", "A field is missing, unknown or of the wrong type"),
                    ]);
                }
                if has_query {
                    shared.extend([
                        ("400", "Bad query string"),
                        ("422", "A parameter is invalid"),
                    ]);
                }
                let responses = &mut operation.responses.responses;
                for (status, description) in shared {
                    responses
                        .entry(status.to_owned())
                        .or_insert_with(|| problem(description));
                }
                for (status, response) in responses.iter_mut() {
                    if !status.starts_with(['4', '5']) {
                        continue;
                    }
                    if let RefOr::T(response) = response
                        && let Some(content) = response.content.shift_remove("application/json")
                    {
                        response.content.insert(PROBLEM.to_owned(), content);
                    }
                }
            }
        }
    }
}

/// The media type of every refusal (RFC 9457).
const PROBLEM: &str = "application/problem+json";

/// The document as pretty JSON with a trailing newline (what `docs/openapi.json` holds).
pub fn openapi_json() -> String {
    let mut text = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}
