//! Operations: Prometheus metrics at `/metrics` (who may read them, what they count, no personal
//! data), load shedding across all routes counted as shed, and HSTS only behind TLS.

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use oasys_app::{AppError, Storage};
use oasys_web::{HSTS, MAX_IN_FLIGHT, WebConfig, secret_hash};
use support::*;
use tower::ServiceExt;

/// `GET /metrics` as if connected from `peer`, with extra headers.
async fn scrape(w: &World, peer: Option<&str>, extra: &[(&str, &str)]) -> Reply {
    let mut builder = Request::builder().uri("/metrics");
    for (name, value) in extra {
        builder = builder.header(*name, *value);
    }
    if let Some(peer) = peer {
        let addr: SocketAddr = peer.parse().expect("address");
        builder = builder.extension(ConnectInfo(addr));
    }
    w.send(builder.body(Body::empty()).expect("request")).await
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_without_personal_data() {
    let w = world();
    let (id, _) = w.new_assessment().await;
    assert_eq!(
        w.get(&format!("/api/v1/assessments/{id}"), PO).await.status,
        StatusCode::OK
    );
    let marker = "Zqxmarker";
    let search = w.get(&format!("/api/v1/people?name={marker}"), PO).await;
    assert_eq!(search.status, StatusCode::OK, "{}", search.text);
    let _ = w.get(&format!("/api/v1/people/{marker}"), PO).await;

    let reply = scrape(&w, Some("127.0.0.1:40000"), &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert!(
        reply.headers[header::CONTENT_TYPE]
            .to_str()
            .is_ok_and(|t| t.starts_with("application/openmetrics-text")),
    );
    let text = &reply.text;
    for expected in [
        r#"oasys_http_requests_total{method="GET",route="/api/v1/assessments/{id}",status="200"} 1"#,
        r#"oasys_http_requests_total{method="POST",route="/api/v1/people/{id}/assessments",status="201"} 1"#,
        r#"oasys_http_requests_total{method="GET",route="/api/v1/people/{id}",status="404"} 1"#,
        r#"oasys_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/people"}"#,
        r#"oasys_http_request_duration_seconds_count{method="GET",route="/api/v1/people"} 1"#,
        "oasys_http_requests_in_flight 1",
        "oasys_http_requests_shed_total 0",
        "oasys_database_up 1",
        "oasys_database_check_seconds ",
        "# EOF",
    ] {
        assert!(text.contains(expected), "missing {expected} in\n{text}");
    }
    for secret in [marker, &id.to_string(), "X123456", "Example", PO] {
        assert!(!text.contains(secret), "{secret} leaked into\n{text}");
    }
    assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn only_loopback_or_the_scrape_token_reads_metrics() {
    let w = world();
    for (peer, extra, why) in [
        (None, vec![], "no peer address"),
        (Some("10.1.2.3:5000"), vec![], "another host"),
        (
            Some("127.0.0.1:5000"),
            vec![("x-forwarded-for", "203.0.113.7")],
            "through a proxy",
        ),
        (
            Some("127.0.0.1:5000"),
            vec![("forwarded", "for=203.0.113.7")],
            "through a proxy",
        ),
    ] {
        let reply = scrape(&w, peer, &extra).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{why}: {}", reply.text);
        assert!(!reply.text.contains("oasys_"), "{why}");
    }
    assert_eq!(
        scrape(&w, Some("[::1]:5000"), &[]).await.status,
        StatusCode::OK
    );
    // A session does not open the metrics.
    let cookie = cookie(ADMIN);
    let with_session = scrape(&w, None, &[("cookie", &cookie)]).await;
    assert_eq!(with_session.status, StatusCode::NOT_FOUND);

    let token = w_with_token();
    let w = world_with(token.0);
    let local = scrape(&w, Some("127.0.0.1:5000"), &[]).await;
    assert_eq!(
        local.status,
        StatusCode::NOT_FOUND,
        "a token, once set, is needed from loopback too"
    );
    let wrong = scrape(&w, None, &[("authorization", "Bearer nope")]).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    let bearer = format!("Bearer {}", token.1);
    let right = scrape(&w, Some("10.1.2.3:5000"), &[("authorization", &bearer)]).await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.text);
    assert!(right.text.contains("oasys_database_up 1"));
}

fn w_with_token() -> (WebConfig, &'static str) {
    let secret = "scrape-token-0123456789abcdef";
    let config = WebConfig {
        metrics_token_hash: Some(secret_hash(secret)),
        ..WebConfig::default()
    };
    (config, secret)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_limit_requests_on_any_route_are_shed_with_503_and_counted() {
    let w = world();
    // Hold SQLite's writer lock: every authenticated request touches its session (a write) and
    // waits, so the first MAX_IN_FLIGHT requests stay in flight while the rest arrive.
    let db = oasys_storage::Database::open(&w.url).expect("another handle");
    let (held, release) = std::sync::mpsc::channel::<()>();
    let (locked, is_locked) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        db.in_transaction(|_| {
            let _ = locked.send(());
            let _ = release.recv_timeout(Duration::from_secs(3));
            Ok::<(), AppError>(())
        })
    });
    is_locked
        .recv_timeout(Duration::from_secs(5))
        .expect("writer lock taken");
    let total = MAX_IN_FLIGHT + 24;
    let mut tasks = Vec::new();
    for i in 0..total {
        // Two routes: the limit is one for the whole server, not one per route.
        let uri = if i % 2 == 0 {
            "/api/v1/caseload".to_owned()
        } else {
            format!("/api/v1/people/{PERSON}")
        };
        let request = Request::builder()
            .uri(uri)
            .header(header::COOKIE, cookie(PO))
            .body(Body::empty())
            .expect("request");
        tasks.push(tokio::spawn(w.router.clone().oneshot(request)));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(held);
    holder.join().expect("holder").expect("transaction");
    let mut ok = 0;
    let mut shed = 0;
    for task in tasks {
        let response = task.await.expect("task").expect("infallible");
        match response.status() {
            StatusCode::OK => ok += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(response.headers()[header::RETRY_AFTER], "1");
                shed += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(ok + shed, total);
    assert!(
        shed >= total - MAX_IN_FLIGHT,
        "{shed} shed of {total}: the limit is global"
    );
    let metrics = scrape(&w, Some("127.0.0.1:1"), &[]).await;
    assert!(
        metrics
            .text
            .contains(&format!("oasys_http_requests_shed_total {shed}")),
        "{}",
        metrics.text
    );
}

#[tokio::test]
async fn hsts_only_over_tls() {
    let plain = world();
    for reply in [
        plain.get("/api/v1/caseload", PO).await,
        plain
            .call(
                axum::http::Method::GET,
                "/health/live",
                None,
                None,
                &[("x-forwarded-proto", "https")],
            )
            .await,
    ] {
        assert!(
            !reply
                .headers
                .contains_key(header::STRICT_TRANSPORT_SECURITY),
            "plain HTTP, proxy not trusted"
        );
    }

    let https = world_with(WebConfig {
        https_origin: true,
        ..WebConfig::default()
    });
    for reply in [
        https.get("/api/v1/caseload", PO).await,
        https.get("/api/v1/nowhere", PO).await,
        https
            .call(axum::http::Method::GET, "/api/v1/caseload", None, None, &[])
            .await,
        https
            .call(axum::http::Method::GET, "/health/live", None, None, &[])
            .await,
    ] {
        assert_eq!(
            reply.headers[header::STRICT_TRANSPORT_SECURITY],
            HSTS,
            "{} {}",
            reply.status,
            reply.text
        );
    }

    let proxied = world_with(WebConfig {
        trust_forwarded_proto: true,
        ..WebConfig::default()
    });
    for (proto, expected) in [
        (Some("https"), true),
        (Some("HTTPS"), true),
        (Some("https, http"), true),
        (Some("http"), false),
        (None, false),
    ] {
        let extra: Vec<(&str, &str)> = proto
            .map(|p| ("x-forwarded-proto", p))
            .into_iter()
            .collect();
        let reply = proxied
            .call(axum::http::Method::GET, "/health/live", None, None, &extra)
            .await;
        assert_eq!(
            reply
                .headers
                .contains_key(header::STRICT_TRANSPORT_SECURITY),
            expected,
            "{proto:?}"
        );
    }
}
