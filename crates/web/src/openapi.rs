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
        plans::draft_plan, plans::get_plan, plans::save_plan,
        sharing::record_request, sharing::decide, sharing::build_package,
        audit::audit_entries, audit::verify_audit,
        assessments::create_assessment, assessments::get_assessment, assessments::apply_command,
        assessments::scores, assessments::history, assessments::reviews_due,
        sections::get_section, sections::put_section, sections::get_rmp, sections::put_rmp,
        sections::compare_assessments,
        health::live, health::ready,
    ),
    components(schemas(
        error::Problem, auth::LoginRequest, auth::LoginResponse, health::Health,
        assessments::CommandRequest, assessments::CreateAssessment, people::AllocationRequest,
        people::RegisterPerson, people::LaoRequest, plans::PlanBody,
        sharing::NewSharingRequest, sharing::NewDecision,
        sections::SectionView, sections::SectionBody, sections::ComparedSide,
        sections::ComparisonView,
    )),
    tags((name = "auth"), (name = "people"), (name = "assessments"),
        (name = "plans"), (name = "sharing"), (name = "audit"), (name = "health"))
)]
pub struct ApiDoc;

/// The document as pretty JSON with a trailing newline (what `docs/openapi.json` holds).
pub fn openapi_json() -> String {
    let mut text = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}
