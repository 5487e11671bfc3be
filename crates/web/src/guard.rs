//! Request guards in front of every route: CSRF (spec S11: a state-changing request must come
//! from our own origin), load shedding (spec R8: 503 with Retry-After instead of queueing) and
//! HSTS behind TLS (spec S16).

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower::BoxError;

use crate::error::ApiError;
use crate::state::WebConfig;

/// Requests handled at once before new ones are shed (about the pool size times a small factor).
pub const MAX_IN_FLIGHT: usize = 64;

/// Refuses a state-changing request sent by another site: `Sec-Fetch-Site: cross-site` or
/// `same-site`, or an `Origin` whose host is not the request's `Host`. Requests without either
/// header (API clients, curl) pass; bearer tokens are never sent by a browser on its own.
pub async fn same_origin(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || !cross_site(&request) {
        return next.run(request).await;
    }
    ApiError::new(
        StatusCode::FORBIDDEN,
        "cross-site",
        "Cross-site request refused",
    )
    .detail("state-changing requests must come from this site")
    .field("Origin")
    .into_response()
}

fn cross_site(request: &Request) -> bool {
    let headers = request.headers();
    let fetch_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    if let Some(site) = fetch_site {
        return !matches!(site.as_str(), "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest.trim_end_matches('/'));
    match (origin_host, host) {
        (Some(origin), Some(host)) => !origin.eq_ignore_ascii_case(host),
        _ => true,
    }
}

/// Turns a shed request (or a failed layer) into a problem response.
pub async fn overloaded(error: BoxError) -> Response {
    if error.is::<tower::load_shed::error::Overloaded>() {
        let mut response = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "Service busy",
        )
        .detail("too many requests in progress: try again shortly")
        .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        response.extensions_mut().insert(crate::metrics::Shed);
        return response;
    }
    ApiError::internal().into_response()
}

/// `Strict-Transport-Security` sent when the server is reached over TLS: one year, subdomains
/// included (no `preload`: that is a decision for the domain's owner).
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Whether the request reached us over TLS: the public origin is https, or a trusted proxy said
/// so with `X-Forwarded-Proto` (the first value, when several proxies appended theirs).
fn over_tls(config: &WebConfig, request: &Request) -> bool {
    config.https_origin
        || (config.trust_forwarded_proto
            && request
                .headers()
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https")))
}

/// Adds HSTS to every response of a request that came over TLS (spec S16); plain HTTP gets
/// none (browsers ignore it there, and a test deployment must stay reachable).
pub async fn transport_security(
    State(config): State<WebConfig>,
    request: Request,
    next: Next,
) -> Response {
    let tls = over_tls(&config, &request);
    let mut response = next.run(request).await;
    if tls {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            header::HeaderValue::from_static(HSTS),
        );
    }
    response
}
