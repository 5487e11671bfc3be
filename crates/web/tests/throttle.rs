//! Login throttling shared across server instances (spec S3): the failed-login count lives in
//! the database, so the 101st failure in an hour is refused by any instance, before hashing,
//! and the window reopens an hour later; a successful login clears the count.

mod support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use oasys_app::{AccountRepository, AuditLog, AuditOutcome, AuditQuery, UserAccount};
use oasys_web::hash_password;
use support::*;
use tower::ServiceExt;

async fn login(router: &Router, username: &str, password: &str) -> (StatusCode, Option<String>) {
    let body = serde_json::json!({"username": username, "password": password}).to_string();
    let request = Request::builder()
        .method("POST")
        .uri("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let retry = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (response.status(), retry)
}

const HOUR: Duration = Duration::hours(1);

#[tokio::test]
async fn the_101st_failure_is_refused_by_every_instance_until_the_window_closes() {
    let w = world();
    let first = w.router.clone();
    let second = w.another_instance();
    let now = now();
    // 99 failures already counted (by any instance), then the 100th through the first instance.
    for _ in 0..99 {
        w.db.record_login_failure("PO1", now, HOUR).expect("count");
    }
    let (status, _) = login(&first, "PO1", "wrong password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        w.db.login_failures("po1", now, HOUR)
            .expect("read")
            .map(|f| f.count),
        Some(100)
    );
    // The second instance refuses at once, for any spelling of the name.
    for (router, name) in [(&second, "PO1"), (&first, "po1"), (&second, "Po1")] {
        let (status, retry) = login(router, name, "wrong password").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{name}");
        assert_eq!(retry.as_deref(), Some("3600"), "{name}");
    }
    assert_eq!(
        w.db.login_failures("PO1", now, HOUR)
            .expect("read")
            .map(|f| f.count),
        Some(100),
        "refused attempts are not hashed nor counted"
    );
    let throttled =
        w.db.query(&AuditQuery {
            limit: 1000,
            ..AuditQuery::default()
        })
        .expect("audit")
        .into_iter()
        .filter(|e| {
            e.entry.action == "login"
                && e.entry.outcome
                    == AuditOutcome::Denied {
                        code: "too_many_attempts".to_owned(),
                    }
        })
        .count();
    assert_eq!(throttled, 3, "each refused attempt is in the security log");
    // Other users are unaffected.
    let (status, _) = login(&second, "PO2", "wrong password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // An hour later the window has closed: no permanent lock-out by an attacker.
    *w.clock.0.lock().expect("clock") += HOUR + Duration::seconds(1);
    let (status, _) = login(&second, "PO1", "wrong password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_successful_login_clears_the_count_for_every_instance() {
    let w = world();
    let password = "a long enough passphrase";
    w.db.create_user(&UserAccount {
        username: "PO7".to_owned(),
        password_hash: hash_password(password).expect("hash"),
        profile: profile(oasys_sharing_policy::Role::Practitioner, AREA),
        disabled: false,
        created_at: now(),
    })
    .expect("user");
    for _ in 0..50 {
        w.db.record_login_failure("PO7", now(), HOUR)
            .expect("count");
    }
    let second = w.another_instance();
    let (status, _) = login(&second, "PO7", password).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(w.db.login_failures("PO7", now(), HOUR).expect("read"), None);
    // Unknown usernames are counted like known ones (no enumeration through the throttle).
    let (status, _) = login(&w.router, "nobody-here", "whatever").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        w.db.login_failures("nobody-here", now(), HOUR)
            .expect("read")
            .map(|f| f.count),
        Some(1)
    );
}
