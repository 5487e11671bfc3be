//! Authentication over HTTP: login with argon2id, cookie attributes, session rotation, no account
//! enumeration, logout ending the session, timeouts, disabled users and bearer tokens.

mod support;

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode, header};
use chrono::Duration;
use oasys_app::{
    AccountRepository, ApiToken, AuditLog, AuditOutcome, AuditQuery, Operation, UserAccount,
};
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

/// A practitioner, PO7, who signs in with the password "correct horse battery".
fn add_po7(w: &World) {
    w.db.create_user(&UserAccount {
        username: "PO7".to_owned(),
        password_hash: hash_password("correct horse battery").expect("hash"),
        profile: profile(Role::Practitioner, AREA),
        disabled: false,
        created_at: now(),
    })
    .expect("user");
}

#[tokio::test]
async fn login_rotates_and_logout_ends_the_session() {
    let w = world();
    add_po7(&w);

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

    // Every sign-in, failed or not, and the sign-out are in the security log; what was typed
    // for an unknown account is not, nor is any password.
    let entries =
        w.db.query(&AuditQuery {
            limit: 1000,
            ..AuditQuery::default()
        })
        .expect("audit");
    let doors: Vec<(String, String, String, AuditOutcome)> = entries
        .iter()
        .filter(|e| e.entry.operation == Operation::Security)
        .filter(|e| matches!(e.entry.action.as_str(), "login" | "logout"))
        .map(|e| {
            (
                e.entry.actor.clone(),
                e.entry.actor_role.clone(),
                e.entry.action.clone(),
                e.entry.outcome.clone(),
            )
        })
        .collect();
    let wrong = || AuditOutcome::Denied {
        code: "wrong_credentials".to_owned(),
    };
    let row = |actor: &str, role: &str, action: &str, outcome: AuditOutcome| {
        (
            actor.to_owned(),
            role.to_owned(),
            action.to_owned(),
            outcome,
        )
    };
    assert_eq!(
        doors,
        [
            row("PO7", "practitioner", "login", wrong()),
            row("(no such account)", "unknown", "login", wrong()),
            row("PO7", "practitioner", "login", AuditOutcome::Allowed),
            row("PO7", "practitioner", "login", AuditOutcome::Allowed),
            row("PO7", "practitioner", "logout", AuditOutcome::Allowed),
        ]
    );
    let logged = format!("{entries:?}");
    for secret in ["nobody", "wrong password!", "correct horse battery"] {
        assert!(!logged.contains(secret), "{secret} was logged");
    }
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
async fn a_login_deletes_the_sessions_that_expired() {
    let w = world();
    add_po7(&w);
    // The world's users signed in at `now()`; PO uses the session 20 minutes later.
    *w.clock.0.lock().expect("clock") = now() + Duration::minutes(20);
    assert_eq!(w.get("/api/v1/caseload", PO).await.status, StatusCode::OK);

    // 35 minutes after `now()` every other session has been idle for more than 30 minutes.
    *w.clock.0.lock().expect("clock") = now() + Duration::minutes(35);
    let login = login(&w, &credentials("PO7", "correct horse battery"), None).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text);

    // Back at a time when they were all live: the expired ones are gone from the database, PO's
    // (idle for 15 minutes only) is kept.
    *w.clock.0.lock().expect("clock") = now() + Duration::minutes(21);
    assert_eq!(
        w.get("/api/v1/caseload", CASE_ADMIN).await.status,
        StatusCode::UNAUTHORIZED,
        "an expired session is deleted at the next login"
    );
    assert_eq!(w.get("/api/v1/caseload", PO).await.status, StatusCode::OK);
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
    // The token does no more than its scope, although its account (the case manager) could.
    let (assessment, _) = w.new_assessment().await;
    let beyond = w
        .call(
            Method::GET,
            &format!("/api/v1/assessments/{assessment}"),
            None,
            None,
            &[("authorization", "Bearer api-secret")],
        )
        .await;
    assert_eq!(beyond.status, StatusCode::FORBIDDEN, "{}", beyond.text);
    assert!(
        beyond.text.contains("token does not allow"),
        "{}",
        beyond.text
    );
    assert_eq!(
        w.get(&format!("/api/v1/assessments/{assessment}"), PO)
            .await
            .status,
        StatusCode::OK,
        "signed in, the same account may"
    );
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

/// Stores an API token for `user` allowing every action (the role's own limits still apply)
/// under `secret`.
fn token_for(w: &World, user: &str, id: u128, secret: &str) -> Uuid {
    let id = Uuid::from_u128(id);
    w.db.create_api_token(&ApiToken {
        id,
        token_hash: secret_hash(secret),
        username: user.to_owned(),
        scope: Action::ALL.into_iter().collect(),
        created_at: now(),
        expires_at: None,
        revoked_at: None,
    })
    .expect("token");
    id
}

/// The JSON routes authenticate inside the hop that runs their use case: the token and the
/// account are read afresh there on every request, so a revoked token and a disabled account
/// are refused on the very next read and write, and nothing is written for them.
#[tokio::test]
async fn revoked_tokens_and_disabled_accounts_are_refused_on_the_very_next_request() {
    let w = world();
    let (assessment, _) = w.new_assessment().await;
    let read = format!("/api/v1/assessments/{assessment}");
    let section = format!("/api/v1/assessments/{assessment}/sections/accommodation");
    let get = |secret: &'static str| {
        let (w, read) = (&w, read.clone());
        async move {
            let bearer = format!("Bearer {secret}");
            w.call(
                Method::GET,
                &read,
                None,
                None,
                &[("authorization", &bearer)],
            )
            .await
        }
    };
    let save = |secret: &'static str, tag: String, problems: u8| {
        let (w, section) = (&w, section.clone());
        async move {
            let bearer = format!("Bearer {secret}");
            let body = format!(r#"{{"answers":{{"3.4":{{"problems":{problems}}}}}}}"#);
            let extra = [("authorization", bearer.as_str()), ("if-match", &tag)];
            w.call(Method::PUT, &section, None, Some(&body), &extra)
                .await
        }
    };
    let etag = |reply: &Reply| {
        reply.headers[header::ETAG]
            .to_str()
            .expect("etag")
            .to_owned()
    };

    // A token works for reads and writes until it is revoked; the next request is refused.
    let revoked = token_for(&w, PO, 91, "soon-revoked");
    let ok = get("soon-revoked").await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let saved = save("soon-revoked", etag(&ok), 1).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    let current = etag(&saved);
    w.db.revoke_api_token(revoked, now()).expect("revoke");
    let refused = get("soon-revoked").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.text);
    assert_eq!(refused.body["status"], 401);
    let refused = save("soon-revoked", current.clone(), 2).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.text);

    // A live token of an account disabled since its last request is refused too (disabling
    // ends sessions, not tokens: this is the account check itself).
    token_for(&w, PO, 92, "account-disabled");
    let ok = get("account-disabled").await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(etag(&ok), current, "nothing written for a revoked token");
    w.db.set_disabled(PO, true).expect("disable");
    let refused = get("account-disabled").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.text);
    let refused = save("account-disabled", current.clone(), 2).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.text);

    // Enabled again, the same token works on the next request, and nothing was written.
    w.db.set_disabled(PO, false).expect("enable");
    let ok = get("account-disabled").await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(etag(&ok), current, "nothing written for a disabled account");
}

/// Credentials that do not authenticate are refused with 401 before anything else about the
/// request is judged (the path id, the query, `If-Match`, the content type, the body), exactly
/// as when the caller was resolved before the other extractors ran; with good credentials the
/// same requests get their own refusals.
#[tokio::test]
async fn bad_credentials_are_401_before_any_other_refusal() {
    let w = world();
    let (assessment, tag) = w.new_assessment().await;
    let revoked = token_for(&w, PO, 93, "revoked");
    w.db.revoke_api_token(revoked, now()).expect("revoke");
    let section = format!("/api/v1/assessments/{assessment}/sections/accommodation");
    let commands = format!("/api/v1/assessments/{assessment}/commands");
    let answer = r#"{"answers":{"3.4":{"problems":1}}}"#;
    let command = r#"{"command":{"command":"answer","code":"3.4","value":{"problems":1}}}"#;
    // (method, uri, content type, body, If-Match, the refusal with good credentials)
    let cases = vec![
        (
            Method::GET,
            "/api/v1/assessments/not-an-id".to_owned(),
            "",
            "",
            None,
            404,
        ),
        (
            Method::GET,
            "/api/v1/assessments/%FF".to_owned(),
            "",
            "",
            None,
            400,
        ),
        (
            Method::GET,
            "/api/v1/people?crn=bad".to_owned(),
            "",
            "",
            None,
            422,
        ),
        (
            Method::GET,
            "/api/v1/people?unknown=1".to_owned(),
            "",
            "",
            None,
            400,
        ),
        (
            Method::GET,
            "/api/v1/sharing-requests?limit=0".to_owned(),
            "",
            "",
            None,
            422,
        ),
        (
            Method::PUT,
            section.clone(),
            "application/json",
            answer,
            None,
            428,
        ),
        (
            Method::PUT,
            section.clone(),
            "application/json",
            "{",
            Some(tag.as_str()),
            400,
        ),
        (
            Method::PUT,
            section.clone(),
            "application/json",
            r#"{"answerz":{}}"#,
            Some(tag.as_str()),
            422,
        ),
        (
            Method::POST,
            commands.clone(),
            "text/plain",
            command,
            Some(tag.as_str()),
            415,
        ),
        (
            Method::POST,
            commands.clone(),
            "application/json",
            command,
            Some("\"other-1\""),
            412,
        ),
    ];
    let forged = format!("{SECURE_COOKIE}=forged");
    for (method, uri, kind, body, if_match, refusal) in cases {
        let send = |credential: Option<(&'static str, String)>| {
            let (w, method, uri) = (&w, method.clone(), uri.clone());
            async move {
                let mut request = axum::http::Request::builder().method(method).uri(uri);
                if let Some((name, value)) = credential {
                    request = request.header(name, value);
                }
                if !kind.is_empty() {
                    request = request.header(header::CONTENT_TYPE, kind);
                }
                if let Some(tag) = if_match {
                    request = request.header(header::IF_MATCH, tag);
                }
                let body = axum::body::Body::from(body.to_owned());
                w.send(request.body(body).expect("request")).await
            }
        };
        for credential in [
            None,
            Some(("authorization", "Bearer revoked".to_owned())),
            Some(("cookie", forged.clone())),
        ] {
            let what = format!("{method} {uri} with {credential:?}");
            let reply = send(credential).await;
            assert_eq!(
                reply.status,
                StatusCode::UNAUTHORIZED,
                "{what}: {}",
                reply.text
            );
            assert_eq!(
                reply.body["type"],
                "https://oasys.invalid/problems/unauthenticated"
            );
        }
        let reply = send(Some(("cookie", cookie(PO)))).await;
        assert_eq!(
            reply.status.as_u16(),
            refusal,
            "{method} {uri}: {}",
            reply.text
        );
    }
}
