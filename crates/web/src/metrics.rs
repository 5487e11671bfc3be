//! Prometheus metrics at `/metrics` (OpenMetrics text): requests by method, route template and
//! status, a latency histogram, requests in flight, shed requests, and the database's health
//! checked at scrape time. Labels never hold a URI, a query, an id or anything from a body, so
//! the page carries no personal data (spec R14, S18).
//!
//! Who may read it: a client that presents `Authorization: Bearer <metrics token>` when
//! `WebConfig::metrics_token_hash` is set; otherwise only a client connected from a loopback
//! address that came through no proxy (no `Forwarded` / `X-Forwarded-For`). Everyone else gets
//! the same 404 as for an unknown route. The exporter needs no listener of its own.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use axum::Extension;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use oasys_app::{Clock, IdGenerator, Storage};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::auth::secret_hash;
use crate::error::ApiError;
use crate::state::AppState;

/// Upper bounds of the latency buckets, in seconds (1 ms to 10 s: the request timeout).
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// Marks a response made by the load-shedding guard (counted as shed).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shed;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// The metrics of one server (shared by every request through `AppState`).
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
    shed: Counter,
    db_up: Gauge,
    db_check_seconds: Gauge<f64, AtomicU64>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("oasys");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        let latency: Family<RouteLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by method and route template",
            latency.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "http_requests_in_flight",
            "Requests being answered now",
            in_flight.clone(),
        );
        let shed = Counter::default();
        registry.register(
            "http_requests_shed",
            "Requests refused with 503 because too many were in progress",
            shed.clone(),
        );
        let db_up = Gauge::default();
        registry.register(
            "database_up",
            "1 when the database answered the last scrape's check, else 0",
            db_up.clone(),
        );
        let db_check_seconds = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "database_check_seconds",
            "How long the last scrape's database check took",
            db_check_seconds.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            in_flight,
            shed,
            db_up,
            db_check_seconds,
        }
    }
}

/// Decrements the in-flight gauge however the request ends (even when its future is dropped).
struct InFlight(Gauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Middleware: counts and times every request under its route template (never its URI).
pub(crate) async fn record(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    metrics.in_flight.inc();
    let guard = InFlight(metrics.in_flight.clone());
    let started = Instant::now();
    let response = next.run(request).await;
    drop(guard);
    let seconds = started.elapsed().as_secs_f64();
    if response.extensions().get::<Shed>().is_some() {
        metrics.shed.inc();
    }
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method: method.clone(),
            route: route.clone(),
            status: response.status().as_u16(),
        })
        .inc();
    metrics
        .latency
        .get_or_create(&RouteLabels { method, route })
        .observe(seconds);
    response
}

/// Whether the request may read the metrics (see the module's documentation).
fn may_read(headers: &HeaderMap, peer: Option<SocketAddr>, token_hash: Option<&str>) -> bool {
    if let Some(expected) = token_hash {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| secret_hash(token.trim()));
        return presented.is_some_and(|hash| constant_time_eq(&hash, expected));
    }
    let proxied = headers.contains_key("forwarded") || headers.contains_key("x-forwarded-for");
    !proxied && peer.is_some_and(|addr| addr.ip().is_loopback())
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// `GET /metrics`: the OpenMetrics text, after checking the database.
pub(crate) async fn metrics<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
) -> Response
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let token = state.config.metrics_token_hash.as_deref();
    if !may_read(
        &headers,
        peer.map(|Extension(ConnectInfo(addr))| addr),
        token,
    ) {
        return ApiError::not_found()
            .detail("no such route")
            .into_response();
    }
    let started = Instant::now();
    let up = state
        .blocking(|app| Ok(app.store().case_access(uuid::Uuid::nil()).is_ok()))
        .await
        .unwrap_or(false);
    let metrics = &state.metrics;
    metrics.db_up.set(i64::from(up));
    metrics
        .db_check_seconds
        .set(started.elapsed().as_secs_f64());
    let mut text = String::new();
    if prometheus_client::encoding::text::encode(&mut text, &metrics.registry).is_err() {
        return ApiError::internal().into_response();
    }
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> Option<SocketAddr> {
        text.parse().ok()
    }

    #[test]
    fn loopback_reads_without_a_token_unless_proxied() {
        let none = HeaderMap::new();
        assert!(may_read(&none, addr("127.0.0.1:5000"), None));
        assert!(may_read(&none, addr("[::1]:5000"), None));
        assert!(!may_read(&none, addr("10.0.0.7:5000"), None));
        assert!(!may_read(&none, None, None), "unknown peer");
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.9"));
        assert!(!may_read(&proxied, addr("127.0.0.1:5000"), None));
    }

    #[test]
    fn a_configured_token_is_required_from_everywhere() {
        let hash = secret_hash("scrape-secret");
        let mut headers = HeaderMap::new();
        assert!(!may_read(&headers, addr("127.0.0.1:1"), Some(&hash)));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer wrong"),
        );
        assert!(!may_read(&headers, addr("127.0.0.1:1"), Some(&hash)));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer scrape-secret"),
        );
        assert!(may_read(&headers, addr("10.0.0.7:1"), Some(&hash)));
    }
}
