//! Authentication over HTTP: login with argon2id, cookie attributes, session rotation, no account
//! enumeration, logout ending the session, timeouts, disabled users and bearer tokens.

mod support;

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode, header};
use chrono::Duration;
use oasys_app::{AccountRepository, ApiToken, UserAccount};
use oasys_sharing_policy::{Action, Role};
use oasys_web::{SECURE_COOKIE, hash_password, secret_hash};
use support::*;
use uuid::Uuid;

const LOGIN: &str = "/api/v1/auth/login";

fn credentials(user: &str, password: &str) -> String {
    format!(r#"{{"username":"{user}","password":"{password}"}}"#)
}

async fn login(w: &World, body: &str, cookie: Option<&str>) -> Reply {
    let mut extra = vec![];
    if let Some(c) = cookie {
        extra.push(("cookie", c));
    }
    w.call(Method::POST, LOGIN, None, Some(body), &extra).await
}

#[tokio::test]
async fn login_rotates_and_logout_ends_the_session() {
    let w = world();
    w.db.create_user(&UserAccount {
        username: "PO7".to_owned(),
        password_hash: hash_password("correct horse battery").expect("hash"),
        profile: profile(Role::Practitioner, AREA),
        disabled: false,
        created_at: now(),
    })
    .expect("user");

    let wrong = login(&w, &credentials("PO7", "wrong password!"), None).await;
    let unknown = login(&w, &credentials("nobody", "wrong password!"), None).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.text, unknown.text, "no account enumeration");
    assert!(!wrong.headers.contains_key(header::SET_COOKIE));

    let first = login(&w, &credentials("PO7", "correct horse battery"), None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.body["username"], "PO7");
    let set = first.headers[header::SET_COOKIE].to_str().expect("cookie");
    for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(attribute), "{set}");
    }
    assert!(set.starts_with(&format!("{SECURE_COOKIE}=")), "{set}");
    let first_cookie = set.split(';').next().expect("pair").to_owned();
    let token = first_cookie.split_once('=').expect("value").1;
    assert_eq!(token.len(), 64, "256-bit token");

    let me = |c: String| {
        let w = &w;
        async move {
            w.call(
                Method::GET,
                "/api/v1/caseload",
                None,
                None,
                &[("cookie", &c)],
            )
            .await
            .status
        }
    };
    assert_eq!(me(first_cookie.clone()).await, StatusCode::OK);

    // Logging in again with the old cookie replaces it.
    let second = login(
        &w,
        &credentials("PO7", "correct horse battery"),
        Some(&first_cookie),
    )
    .await;
    assert_eq!(second.status, StatusCode::OK);
    let second_cookie = second.headers[header::SET_COOKIE]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_owned();
    assert_ne!(first_cookie, second_cookie);
    assert_eq!(me(first_cookie).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(second_cookie.clone()).await, StatusCode::OK);

    let out = w
        .call(
            Method::POST,
            "/api/v1/auth/logout",
            None,
            None,
            &[("cookie", &second_cookie)],
        )
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(out.headers.contains_key("clear-site-data"));
    assert_eq!(me(second_cookie).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn no_session_is_401_and_sessions_time_out() {
    let w = world();
    let anonymous = w
        .call(Method::GET, "/api/v1/caseload", None, None, &[])
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        anonymous.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let forged = w
        .call(
            Method::GET,
            "/api/v1/caseload",
            None,
            None,
            &[("cookie", &format!("{SECURE_COOKIE}=forged"))],
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);

    assert_eq!(w.get("/api/v1/caseload", PO).await.status, StatusCode::OK);
    *w.clock.0.lock().expect("clock") = now() + Duration::minutes(31);
    assert_eq!(
        w.get("/api/v1/caseload", PO).await.status,
        StatusCode::UNAUTHORIZED
    );

    *w.clock.0.lock().expect("clock") = now();
    w.db.set_disabled(CASE_ADMIN, true).expect("disable");
    assert_eq!(
        w.get("/api/v1/caseload", CASE_ADMIN).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn bearer_tokens_work_until_revoked() {
    let w = world();
    let id = Uuid::from_u128(77);
    w.db.create_api_token(&ApiToken {
        id,
        token_hash: secret_hash("api-secret"),
        username: PO.to_owned(),
        scope: BTreeSet::from([Action::ViewPerson]),
        created_at: now(),
        expires_at: None,
        revoked_at: None,
    })
    .expect("token");
    let uri = format!("/api/v1/people/{PERSON}");
    let call = || {
        w.call(
            Method::GET,
            &uri,
            None,
            None,
            &[("authorization", "Bearer api-secret")],
        )
    };
    let ok = call().await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    w.db.revoke_api_token(id, now()).expect("revoke");
    assert_eq!(call().await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cross_site_writes_are_refused() {
    let w = world();
    let uri = format!("/api/v1/people/{PERSON}/assessments");
    let body = r#"{"layer":"layer3_full","purpose":"start_of_community_order"}"#;
    for extra in [
        [("sec-fetch-site", "cross-site"), ("x-none", "")],
        [
            ("origin", "https://evil.example"),
            ("host", "oasys.example"),
        ],
    ] {
        let reply = w.post(&uri, PO, body, &extra).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text);
        assert_eq!(reply.body["field"], "Origin");
    }
    // Reads are never refused for it, and nothing was written.
    let read = w
        .call(
            Method::GET,
            &format!("/api/v1/people/{PERSON}/assessments"),
            Some(PO),
            None,
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body.as_array().map(Vec::len), Some(0));
    let same = w
        .post(
            &uri,
            PO,
            body,
            &[
                ("origin", "https://oasys.example"),
                ("host", "oasys.example"),
            ],
        )
        .await;
    assert_eq!(same.status, StatusCode::CREATED, "{}", same.text);
}
