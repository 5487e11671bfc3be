//! The OpenAPI document: `docs/openapi.json` must equal the generated one (regenerate with
//! `OASYS_UPDATE_OPENAPI=1 cargo test -p oasys-web --test openapi`), and the server serves it.

mod support;

use std::path::PathBuf;

use axum::http::StatusCode;
use support::*;

fn checked_in() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

#[test]
fn checked_in_document_matches_the_code() {
    let generated = oasys_web::openapi_json();
    let path = checked_in();
    if std::env::var_os("OASYS_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("write docs/openapi.json");
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == generated,
        "docs/openapi.json is out of date: run OASYS_UPDATE_OPENAPI=1 cargo test -p oasys-web --test openapi"
    );
    let doc: serde_json::Value = serde_json::from_str(&generated).expect("json");
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
    );
    for path in [
        "/api/v1/auth/login",
        "/api/v1/people/{id}",
        "/api/v1/assessments/{id}/commands",
        "/api/v1/people/{id}/lao",
        "/api/v1/plans/{id}",
        "/api/v1/sharing-requests/{id}/decision",
        "/api/v1/audit",
        "/api/v1/audit/verify",
        "/health/ready",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
}

#[tokio::test]
async fn served_at_api_openapi_json_without_login() {
    let w = world();
    let reply = w
        .call(
            axum::http::Method::GET,
            "/api/openapi.json",
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text, oasys_web::openapi_json());
}

#[tokio::test]
async fn health_answers_and_security_headers_are_set() {
    let w = world();
    for uri in ["/health/live", "/health/ready"] {
        let reply = w.call(axum::http::Method::GET, uri, None, None, &[]).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        assert_eq!(reply.body["status"], "ok");
    }
    let reply = w.get(&format!("/api/v1/people/{PERSON}"), PO).await;
    for (name, value) in [
        ("cache-control", "no-store"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
    ] {
        assert_eq!(reply.headers[name], value, "{name}");
    }
    assert!(
        reply.headers["content-security-policy"]
            .to_str()
            .is_ok_and(|v| v.contains("frame-ancestors 'none'"))
    );
    assert!(reply.headers.contains_key("x-request-id"));
}
