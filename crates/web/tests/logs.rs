//! No personal data in logs: a marker planted in a person's name, a query string, a password
//! and an assessment answer never appears in anything traced at TRACE level.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::{Method, StatusCode};
use support::*;

const MARKER: &str = "Zqxvmarker";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_planted_marker_never_reaches_the_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("one subscriber per test binary");

    let w = world();
    let (id, etag) = w.new_assessment().await;
    let answer = format!(
        r#"{{"command":{{"command":"answer","code":"{MARKER}","value":{{"problems":1}}}}}}"#
    );
    let reply = w
        .post(
            &format!("/api/v1/assessments/{id}/commands"),
            PO,
            &answer,
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let search = w.get(&format!("/api/v1/people?name={MARKER}"), PO).await;
    assert_eq!(search.status, StatusCode::OK);
    let login = w
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(&format!(
                r#"{{"username":"{MARKER}","password":"{MARKER}"}}"#
            )),
            &[],
        )
        .await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED);
    let cookie = w
        .call(
            Method::GET,
            "/api/v1/caseload",
            None,
            None,
            &[("cookie", &format!("x={MARKER}"))],
        )
        .await;
    assert_eq!(cookie.status, StatusCode::UNAUTHORIZED);

    let logs = String::from_utf8_lossy(&captured.0.lock().expect("logs")).into_owned();
    assert!(!logs.is_empty(), "the subscriber saw the requests");
    assert!(
        !logs.contains(MARKER),
        "marker leaked into the logs:\n{logs}"
    );
    assert!(
        !logs.contains("session-of-"),
        "a session token leaked into the logs"
    );
}
