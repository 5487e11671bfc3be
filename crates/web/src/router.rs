//! The router: `/api/v1` routes, health and the OpenAPI document, behind layers for request ids,
//! tracing without personal data, load shedding, CSRF, body limit, timeout, panics and headers.

use std::time::Duration;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use oasys_app::{Clock, IdGenerator, Storage};
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::load_shed::LoadShedLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::ApiError;
use crate::extract::BODY_LIMIT;
use crate::state::AppState;
use crate::{
    assessments, audit, auth, guard, health, metrics, openapi, people, plans, sections, sharing,
};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A whole request may take this long (spec R10).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

async fn not_found() -> ApiError {
    ApiError::not_found().detail("no such route")
}

async fn openapi_document() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi::openapi_json(),
    )
        .into_response()
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal().into_response()
}

/// The span of a request: method, route template and request id only (never the URI, whose
/// query may hold a name or a CRN).
fn span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!("request", method = %request.method(), route, request_id = id)
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Builds the router over the application.
pub fn router<S, C, I>(state: AppState<S, C, I>) -> Router
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let recorded = std::sync::Arc::clone(&state.metrics);
    let transport = state.config.clone();
    let api = Router::new()
        .route("/auth/login", post(auth::login::<S, C, I>))
        .route("/auth/logout", post(auth::logout::<S, C, I>))
        .route(
            "/people",
            get(people::search_people::<S, C, I>).post(people::register_person::<S, C, I>),
        )
        .route("/people/{id}/lao", put(people::set_lao::<S, C, I>))
        .route(
            "/people/{id}/sharing-requests",
            post(sharing::record_request::<S, C, I>),
        )
        .route("/sharing-requests", get(sharing::inbox::<S, C, I>))
        .route(
            "/sharing-requests/{id}",
            get(sharing::get_request::<S, C, I>),
        )
        .route(
            "/sharing-requests/{id}/decision",
            post(sharing::decide::<S, C, I>),
        )
        .route(
            "/sharing-requests/{id}/package",
            post(sharing::build_package::<S, C, I>).get(sharing::get_package::<S, C, I>),
        )
        .route(
            "/sharing-requests/{id}/package/review",
            post(sharing::review_text::<S, C, I>),
        )
        .route(
            "/sharing-requests/{id}/package/approval",
            post(sharing::approve::<S, C, I>),
        )
        .route(
            "/sharing-requests/{id}/package/release",
            post(sharing::release::<S, C, I>),
        )
        .route(
            "/sharing-requests/{id}/package/retrospective-review",
            post(sharing::retrospective_review::<S, C, I>),
        )
        .route(
            "/sharing-requests/{id}/withdrawal",
            post(sharing::withdraw::<S, C, I>),
        )
        .route("/assessments/{id}/plan", post(plans::draft_plan::<S, C, I>))
        .route(
            "/assessments/{id}/review-plan",
            post(plans::review_plan::<S, C, I>),
        )
        .route("/plans/{id}", get(plans::get_plan::<S, C, I>))
        .route("/plans/{id}/changes", post(plans::change_plan::<S, C, I>))
        .route("/plans/{id}/progress", get(plans::plan_progress::<S, C, I>))
        .route(
            "/plans/{id}/agreement",
            post(plans::record_agreement::<S, C, I>),
        )
        .route("/audit", get(audit::audit_entries::<S, C, I>))
        .route("/audit/verify", get(audit::verify_audit::<S, C, I>))
        .route("/people/{id}", get(people::get_person::<S, C, I>))
        .route(
            "/people/{id}/assessments",
            post(assessments::create_assessment::<S, C, I>)
                .get(people::person_assessments::<S, C, I>),
        )
        .route("/people/{id}/allocation", post(people::allocate::<S, C, I>))
        .route("/caseload", get(people::caseload::<S, C, I>))
        .route("/reviews-due", get(assessments::reviews_due::<S, C, I>))
        .route(
            "/assessments/{id}",
            get(assessments::get_assessment::<S, C, I>),
        )
        .route(
            "/assessments/{id}/commands",
            post(assessments::apply_command::<S, C, I>),
        )
        .route(
            "/assessments/{id}/scores",
            get(assessments::scores::<S, C, I>),
        )
        .route(
            "/assessments/{id}/history",
            get(assessments::history::<S, C, I>),
        )
        .route(
            "/assessments/{id}/events",
            get(assessments::events::<S, C, I>),
        )
        .route(
            "/assessments/{id}/sections/{section}",
            get(sections::get_section::<S, C, I>).put(sections::put_section::<S, C, I>),
        )
        .route(
            "/assessments/{id}/risk-management-plan",
            get(sections::get_rmp::<S, C, I>).put(sections::put_rmp::<S, C, I>),
        )
        .route(
            "/assessments/{id}/compare/{other}",
            get(sections::compare_assessments::<S, C, I>),
        );
    Router::new()
        .nest("/api/v1", api)
        .merge(crate::ui::routes())
        .route("/api/openapi.json", get(openapi_document))
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready::<S, C, I>))
        .route("/metrics", get(metrics::metrics::<S, C, I>))
        .fallback(not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(guard::same_origin))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(header_layer(header::CACHE_CONTROL, "no-store"))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "no-referrer"))
        .layer(header_layer(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        ))
        .layer(header_layer(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(guard::overloaded))
                .layer(LoadShedLayer::new())
                // One semaphore for the whole server (`Router::layer` builds the layer once
                // per route: a plain `ConcurrencyLimitLayer` would limit each route on its own).
                .layer(GlobalConcurrencyLimitLayer::new(guard::MAX_IN_FLIGHT)),
        )
        .layer(axum::middleware::from_fn_with_state(
            recorded,
            metrics::record,
        ))
        .layer(axum::middleware::from_fn_with_state(
            transport,
            guard::transport_security,
        ))
        .layer(TraceLayer::new_for_http().make_span_with(span))
        .layer(SetSensitiveRequestHeadersLayer::new([
            header::AUTHORIZATION,
            header::COOKIE,
        ]))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}
