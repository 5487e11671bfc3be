//! Limited access cases in the API's lists (search, caseload, reviews due): a placeholder row
//! (`row: restricted`, CRN only) for a caller with a team or area relation who is excluded,
//! restricted or has not sent `X-Justification`; the full row (`row: visible`) with a reason;
//! nothing for a caller with no relation (sharing spec §2.6).

mod support;

use axum::http::{Method, StatusCode};
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
