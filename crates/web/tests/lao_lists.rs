//! Limited access cases in the API's lists (search, caseload, reviews due): a placeholder row
//! (`row: restricted`, CRN only) for a caller with a team or area relation who is excluded,
//! restricted or has not sent `X-Justification`; the full row (`row: visible`) with a reason;
//! nothing for a caller with no relation (sharing spec §2.6).

mod support;

use axum::http::{Method, StatusCode};
use oasys_app::{AccountRepository, AuditLog};
use serde_json::{Value, json};
use support::*;

const REASON: (&str, &str) = ("x-justification", "Preparing the pre-sentence report");

/// The one row of a list reply, checked to be a placeholder for `crn` with nothing personal.
fn placeholder(reply: &Reply, crn: &str) -> Value {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let rows = reply.body.as_array().expect("an array");
    assert_eq!(rows.len(), 1, "{}", reply.text);
    let row = &rows[0];
    let mut keys: Vec<&str> = row
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["crn", "message", "person_id", "reason", "row"]);
    assert_eq!(row["row"], "restricted");
    assert_eq!(row["crn"], crn);
    for personal in ["Sample", "Example", "Sam", "1990", "date_of_birth", "PDU1"] {
        assert!(!reply.text.contains(personal), "{personal}: {}", reply.text);
    }
    row.clone()
}

/// Restricts `PERSON` to its case manager (as the administrator).
async fn restrict_person_to_po(w: &World) {
    let lao = json!({
        "excluded": [],
        "restricted_to": [PO],
        "exclusion_message": null,
        "restriction_message": "Restricted to the case manager"
    });
    let reply = w
        .put(
            &format!("/api/v1/people/{PERSON}/lao"),
            ADMIN,
            &lao.to_string(),
            &[],
        )
        .await;
    assert!(reply.status.is_success(), "{}", reply.text);
}

#[tokio::test]
async fn an_excluded_user_of_the_team_gets_placeholders_in_search_and_caseload() {
    let w = world();
    let search = w.get("/api/v1/people?crn=X654321", PO_EXCLUDED).await;
    let row = placeholder(&search, "X654321");
    assert_eq!(row["person_id"], LAO_PERSON.to_string());
    assert_eq!(row["reason"], "excluded");
    assert_eq!(row["message"], "You are excluded from this record");
    // A stated reason does not lift an exclusion.
    let caseload = w
        .call(
            Method::GET,
            "/api/v1/caseload",
            Some(PO_EXCLUDED),
            None,
            &[REASON],
        )
        .await;
    assert_eq!(placeholder(&caseload, "X654321")["reason"], "excluded");
    // Someone in another area learns nothing.
    let other = w.get("/api/v1/people?crn=X654321", PO_OTHER_AREA).await;
    assert_eq!(other.body, json!([]), "{}", other.text);
}

#[tokio::test]
async fn a_listed_user_gets_the_row_once_they_say_why_and_others_a_placeholder() {
    let w = world();
    let (id, etag) = w.new_assessment().await;
    let locked = w
        .post(
            &format!("/api/v1/assessments/{id}/commands"),
            PO,
            r#"{"command":{"command":"lock_incomplete","reason":"Moved out of the area"}}"#,
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(locked.status, StatusCode::OK, "{}", locked.text);
    restrict_person_to_po(&w).await;

    for uri in [
        "/api/v1/people?crn=X123456",
        "/api/v1/caseload",
        "/api/v1/reviews-due?before=2030-01-01",
    ] {
        let unstated = w.get(uri, PO).await;
        let row = placeholder(&unstated, "X123456");
        assert_eq!(row["reason"], "reason_needed", "{uri}");
        assert_eq!(row["person_id"], PERSON.to_string());
        let stated = w.call(Method::GET, uri, Some(PO), None, &[REASON]).await;
        assert_eq!(stated.status, StatusCode::OK, "{}", stated.text);
        assert_eq!(stated.body[0]["row"], "visible", "{uri}: {}", stated.text);
    }
    let search = w
        .call(
            Method::GET,
            "/api/v1/people?crn=X123456",
            Some(PO),
            None,
            &[REASON],
        )
        .await;
    assert_eq!(search.body[0]["family_name"], "Example", "{}", search.text);

    // A colleague of the team, not on the list: the restriction message.
    let colleague = w.get("/api/v1/people?crn=X123456", PO_SAME_AREA).await;
    let row = placeholder(&colleague, "X123456");
    assert_eq!(row["reason"], "restricted");
    assert_eq!(row["message"], "Restricted to the case manager");

    // Each placeholder was audited as the denial or missing reason it stands for.
    let audit = w
        .call(
            Method::GET,
            &format!("/api/v1/audit?person={PERSON}&limit=500"),
            Some(AUDITOR),
            None,
            &[(
                "x-justification",
                "Checking access to a limited access case",
            )],
        )
        .await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.text);
    let entries = audit.body.as_array().expect("entries");
    let by = |actor: &str, operation: &str| {
        entries
            .iter()
            .filter(|e| e["entry"]["actor"] == actor && e["entry"]["operation"] == operation)
            .count()
    };
    assert!(by(PO_SAME_AREA, "security") >= 1, "{}", audit.text);
    assert!(by(PO, "security") >= 3, "{}", audit.text);
}

/// A browser form post as `cookie` (same-origin unless `extra` says otherwise).
async fn post_form(
    w: &World,
    uri: &str,
    cookie: &str,
    form: &str,
    extra: &[(&str, &str)],
) -> Reply {
    let mut builder = axum::http::Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(axum::http::header::COOKIE, cookie)
        .header(
            axum::http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        );
    for (name, value) in extra {
        builder = builder.header(*name, *value);
    }
    w.send(
        builder
            .body(axum::body::Body::from(form.to_owned()))
            .expect("request"),
    )
    .await
}

fn location(reply: &Reply) -> &str {
    reply
        .headers
        .get(axum::http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn in_the_browser_a_listed_user_gives_a_reason_once_per_session_to_open_the_record() {
    let w = world();
    let (assessment, _) = w.new_assessment().await;
    restrict_person_to_po(&w).await;
    let reason_page = format!("/people/{PERSON}/reason");
    let assessment_page = format!("/assessments/{assessment}");
    let refused = w.get(&assessment_page, PO).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "no reason yet");
    assert!(
        refused
            .text
            .contains("Say why you need to open this record"),
        "{}",
        refused.text
    );

    // Search and caseload show the placeholder with a link to the reason page, nothing personal.
    for uri in ["/search?q=X123456", "/caseload"] {
        let page = w.get(uri, PO).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(
            page.text.contains("Restricted record"),
            "{uri}: {}",
            page.text
        );
        assert!(page.text.contains("X123456"), "{uri}");
        assert!(page.text.contains(&reason_page), "{uri}: {}", page.text);
        assert!(!page.text.contains("Example"), "{uri}: {}", page.text);
        assert!(
            !page.text.contains("1 January 1990"),
            "{uri}: {}",
            page.text
        );
    }
    // Opening the record without a reason leads to the reason form.
    let person = w.get(&format!("/people/{PERSON}"), PO).await;
    assert!(person.status.is_redirection(), "{}", person.text);
    assert_eq!(location(&person), reason_page);
    let form = w.get(&reason_page, PO).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("Why do you need to open this record?"));

    // A reason that is too short or too long is refused with the GOV.UK error summary.
    for (bad, message) in [
        ("reason=++", "Enter why you need to open this record"),
        ("reason=Too+short", "10 characters or more"),
    ] {
        let refused = post_form(&w, &reason_page, &cookie(PO), bad, &[]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(
            refused.text.contains("govuk-error-summary"),
            "{}",
            refused.text
        );
        assert!(refused.text.contains(message), "{}", refused.text);
    }
    let long = format!("reason={}", "x".repeat(501));
    let refused = post_form(&w, &reason_page, &cookie(PO), &long, &[]).await;
    assert!(
        refused.text.contains("500 characters or fewer"),
        "{}",
        refused.text
    );
    // Another site cannot post a reason in the user's name.
    let forged = post_form(
        &w,
        &reason_page,
        &cookie(PO),
        "reason=Forged+by+another+site",
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // With a reason the record opens, and each page states it in the audit log.
    let given = post_form(
        &w,
        &reason_page,
        &cookie(PO),
        "reason=++Preparing+the+court+report+due+Monday++",
        &[],
    )
    .await;
    assert!(given.status.is_redirection(), "{}", given.text);
    assert_eq!(location(&given), format!("/people/{PERSON}"));
    let person = w.get(&format!("/people/{PERSON}"), PO).await;
    assert_eq!(person.status, StatusCode::OK, "{}", person.text);
    assert!(person.text.contains("Example"), "{}", person.text);
    // The person's assessment pages state the same reason, and so do the lists.
    let opened = w.get(&assessment_page, PO).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.text);
    for uri in ["/search?q=X123456", "/caseload"] {
        let page = w.get(uri, PO).await;
        assert!(page.text.contains("Example"), "{uri}: {}", page.text);
        assert!(
            !page.text.contains("Restricted record"),
            "{uri}: {}",
            page.text
        );
    }
    let audit = w
        .call(
            Method::GET,
            &format!("/api/v1/audit?person={PERSON}&limit=500"),
            Some(AUDITOR),
            None,
            &[(
                "x-justification",
                "Checking access to a limited access case",
            )],
        )
        .await;
    assert!(
        audit.body.as_array().expect("entries").iter().any(|e| {
            e["entry"]["actor"] == PO
                && e["entry"]["operation"] == "consultation"
                && e["entry"]["justification"] == "Preparing the court report due Monday"
        }),
        "{}",
        audit.text
    );

    // Another session of the same user has not given a reason.
    w.db.create_session(&oasys_app::Session {
        token_hash: oasys_web::secret_hash("second-session-of-PO1"),
        username: PO.to_owned(),
        created_at: now(),
        last_seen_at: now(),
    })
    .expect("session");
    let other = w
        .send(
            axum::http::Request::builder()
                .uri(format!("/people/{PERSON}"))
                .header(
                    axum::http::header::COOKIE,
                    format!("{}=second-session-of-PO1", oasys_web::SECURE_COOKIE),
                )
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(location(&other), reason_page);
}

#[tokio::test]
async fn in_the_browser_an_excluded_user_sees_the_placeholder_only() {
    let w = world();
    let page = w.get("/caseload", PO_EXCLUDED).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Restricted record"), "{}", page.text);
    assert!(page.text.contains("X654321"));
    assert!(page.text.contains("You are excluded from this record"));
    assert!(!page.text.contains("/reason"), "no way in: {}", page.text);
    assert!(!page.text.contains("Sample"), "{}", page.text);
    let search = w.get("/search?q=X654321", PO_EXCLUDED).await;
    assert!(search.text.contains("Restricted record"), "{}", search.text);
    assert!(!search.text.contains(&format!("/people/{LAO_PERSON}")));
    // Direct access is still refused, with the case's message.
    let person = w.get(&format!("/people/{LAO_PERSON}"), PO_EXCLUDED).await;
    assert_eq!(person.status, StatusCode::FORBIDDEN);
    assert!(person.text.contains("You are excluded from this record"));
}

#[tokio::test]
async fn taking_a_name_off_a_list_needs_a_second_manager_with_their_password() {
    let w = world();
    w.add_spo("SPO9");
    w.db.set_password_hash(
        "SPO9",
        &oasys_web::hash_password("a second manager's password").expect("hash"),
    )
    .expect("password");
    let lifted = |approval: Value| {
        json!({
            "excluded": [],
            "restricted_to": [],
            "exclusion_message": null,
            "restriction_message": null,
            "approval": approval,
        })
        .to_string()
    };
    let uri = format!("/api/v1/people/{LAO_PERSON}/lao");
    let unapproved = w.put(&uri, ADMIN, &lifted(Value::Null), &[]).await;
    assert_eq!(
        unapproved.status,
        StatusCode::CONFLICT,
        "{}",
        unapproved.text
    );
    assert!(
        unapproved.text.contains(PO_EXCLUDED),
        "names who comes off: {}",
        unapproved.text
    );
    let wrong = json!({"username": "SPO9", "password": "not the password"});
    let refused = w.put(&uri, ADMIN, &lifted(wrong), &[]).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert_eq!(refused.body["field"], "approval");
    let search = w.get("/api/v1/people?crn=X654321", PO_EXCLUDED).await;
    assert_eq!(
        placeholder(&search, "X654321")["reason"],
        "excluded",
        "nothing was lifted"
    );

    let right = json!({"username": "SPO9", "password": "a second manager's password"});
    let approved = w.put(&uri, ADMIN, &lifted(right), &[]).await;
    assert_eq!(approved.status, StatusCode::NO_CONTENT, "{}", approved.text);
    let search = w.get("/api/v1/people?crn=X654321", PO_EXCLUDED).await;
    assert_eq!(search.body[0]["row"], "visible", "{}", search.text);
    let logged = format!(
        "{:?}",
        w.db.query(&oasys_app::AuditQuery {
            limit: 1000,
            ..Default::default()
        })
        .expect("audit")
    );
    assert!(logged.contains("lao_removal_approved"));
    assert!(
        !logged.contains("a second manager's password"),
        "the approver's password is never logged"
    );
}
