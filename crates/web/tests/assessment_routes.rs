//! Assessment routes beyond create/read/commands: whole sections and the risk management plan
//! (one unit, `If-Match`), delete and restore through the commands route, cloning from the
//! previous assessment, and comparing two assessments with their score reports.

mod support;

use axum::http::{Method, StatusCode, header};
use chrono::Duration;
use serde_json::{Value, json};
use support::*;
use uuid::Uuid;

fn etag_of(reply: &Reply) -> String {
    reply
        .headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .expect("ETag")
        .to_owned()
}

fn section_uri(id: Uuid, key: &str) -> String {
    format!("/api/v1/assessments/{id}/sections/{key}")
}

async fn command(w: &World, id: Uuid, user: &str, etag: &str, body: Value) -> Reply {
    w.post(
        &format!("/api/v1/assessments/{id}/commands"),
        user,
        &body.to_string(),
        &[("if-match", etag)],
    )
    .await
}

#[tokio::test]
async fn a_section_is_read_and_saved_whole_in_one_unit() {
    let w = world();
    let (id, etag) = w.new_assessment().await;
    let uri = section_uri(id, "accommodation");

    let read = w.get(&uri, PO).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(etag_of(&read), etag);
    assert_eq!(read.body["section"], "accommodation");
    assert!(
        read.body["questions"]
            .as_array()
            .expect("questions")
            .contains(&json!("3.4"))
    );
    assert_eq!(read.body["answers"], json!({}));
    assert_eq!(
        read.headers[header::CACHE_CONTROL],
        "no-store",
        "personal data"
    );

    let body = json!({"answers": {"3.3": "yes", "3.4": {"problems": 2}}}).to_string();
    let saved = w.put(&uri, PO, &body, &[("if-match", &etag)]).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.body["answers"]["3.3"], "yes");
    assert_eq!(saved.body["answers"]["3.4"], json!({"problems": 2}));
    let new_etag = etag_of(&saved);
    assert_ne!(new_etag, etag);
    let before = read.body["version"].as_u64().expect("version");
    let version = saved.body["version"].as_u64().expect("version");
    assert_eq!(
        version,
        before + 2,
        "two answers saved in one unit, one version each"
    );

    // The same ETag again: someone else saved first.
    let stale = w.put(&uri, PO, &body, &[("if-match", &etag)]).await;
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        stale.text
    );
    assert_eq!(etag_of(&stale), new_etag, "412 carries the current ETag");
    let missing = w.put(&uri, PO, &body, &[]).await;
    assert_eq!(missing.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(missing.body["field"], "If-Match");

    // Saving the same answers changes nothing and keeps the version.
    let same = w.put(&uri, PO, &body, &[("if-match", &new_etag)]).await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.text);
    assert_eq!(etag_of(&same), new_etag);

    // A code left out is cleared.
    let cleared = w
        .put(
            &uri,
            PO,
            &json!({"answers": {"3.4": {"problems": 1}}}).to_string(),
            &[("if-match", &new_etag)],
        )
        .await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.text);
    assert_eq!(cleared.body["answers"], json!({"3.4": {"problems": 1}}));
    let full = w.get(&format!("/api/v1/assessments/{id}"), PO).await;
    assert_eq!(etag_of(&full), etag_of(&cleared));
}

#[tokio::test]
async fn bad_section_input_names_the_field_and_writes_nothing() {
    let w = world();
    let (id, etag) = w.new_assessment().await;
    let uri = section_uri(id, "accommodation");
    let cases = [
        (
            json!({"answers": {"3.4": {"problems": 2}, "RM30": {"text": "x"}}}),
            "answers.RM30",
            "belongs to section risk_management_plan",
        ),
        (
            json!({"answers": {"3.4": {"problems": 7}}}),
            "answers.3.4",
            "not allowed",
        ),
        (
            json!({"answers": {"99.99": "yes"}}),
            "answers.99.99",
            "unknown question",
        ),
        (
            json!({"answers": {"3.4": "yes"}}),
            "answers.3.4",
            "not allowed",
        ),
        (
            json!({"answers": {}, "version": 7}),
            "version",
            "unknown field",
        ),
        (
            json!({"answers": {"3.4": {"colour": 1}}}),
            "answers.3.4",
            "unknown variant",
        ),
    ];
    for (body, field, reason) in cases {
        let reply = w
            .put(&uri, PO, &body.to_string(), &[("if-match", &etag)])
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            reply.text
        );
        assert_eq!(reply.body["field"], field, "{body}: {}", reply.text);
        assert!(
            reply.body["detail"]
                .as_str()
                .is_some_and(|d| d.contains(reason)),
            "{body}: {}",
            reply.text
        );
    }
    // Someone who may not see the assessment learns nothing from bad input either.
    let bad = json!({"answers": {"3.4": {"problems": 7}}}).to_string();
    for (user, status) in [
        (PO_OTHER_AREA, StatusCode::NOT_FOUND),
        (PO_SAME_AREA, StatusCode::FORBIDDEN),
        (ANALYST, StatusCode::FORBIDDEN),
    ] {
        let reply = w.put(&uri, user, &bad, &[("if-match", &etag)]).await;
        assert_eq!(reply.status, status, "{user}: {}", reply.text);
        let valid = json!({"answers": {"3.4": {"problems": 1}}}).to_string();
        let reply = w.put(&uri, user, &valid, &[("if-match", &etag)]).await;
        assert_eq!(reply.status, status, "{user}: {}", reply.text);
    }
    let malformed = w
        .put(&uri, PO, r#"{"answers": {"3.4""#, &[("if-match", &etag)])
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    let after = w.get(&uri, PO).await;
    assert_eq!(etag_of(&after), etag, "nothing was written");
    assert_eq!(after.body["answers"], json!({}));

    for key in ["no_such_section", "sentence_plan"] {
        let reply = w.get(&section_uri(id, key), PO).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{key}: {}", reply.text);
    }
    let unknown = w
        .get(&section_uri(Uuid::from_u128(999), "accommodation"), PO)
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_risk_management_plan_is_its_section() {
    let w = world();
    let (id, etag) = w.new_assessment().await;
    let uri = format!("/api/v1/assessments/{id}/risk-management-plan");
    let read = w.get(&uri, PO).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.body["section"], "risk_management_plan");
    assert!(
        read.body["questions"]
            .as_array()
            .expect("questions")
            .contains(&json!("RM30"))
    );
    let body = json!({"answers": {
        "RM30": {"text": "Weekly supervision appointments."},
        "RM34": {"text": "Recall if contact with the victim."},
        "RM8": "no"
    }});
    let saved = w
        .put(&uri, PO, &body.to_string(), &[("if-match", &etag)])
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    let section = w.get(&section_uri(id, "risk_management_plan"), PO).await;
    assert_eq!(section.body["answers"], saved.body["answers"]);
    assert_eq!(
        section.body["answers"]["RM30"]["text"],
        "Weekly supervision appointments."
    );
    assert_eq!(etag_of(&section), etag_of(&saved));
    for user in [PO_SAME_AREA, PO_OTHER_AREA, CASE_ADMIN, ANALYST] {
        let reply = w
            .put(
                &uri,
                user,
                &body.to_string(),
                &[("if-match", &etag_of(&saved))],
            )
            .await;
        assert!(
            !reply.status.is_success() && !reply.status.is_server_error(),
            "{user}: {}",
            reply.text
        );
    }
}

#[tokio::test]
async fn delete_and_restore_go_through_the_commands_route() {
    let w = world();
    w.add_spo("SPO9");
    let (id, etag) = w.new_assessment().await;
    let deleted = command(
        &w,
        id,
        PO,
        &etag,
        json!({"command": {"command": "delete", "reason": "Started in error"}}),
    )
    .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.text);
    assert_eq!(deleted.body["deleted"]["reason"], "Started in error");
    let etag = etag_of(&deleted);

    // The practitioner may no longer open the deleted assessment, but the person's overview
    // still opens, listing it as deleted without its scores.
    let opened = w.get(&format!("/assessments/{id}"), PO).await;
    assert_eq!(opened.status, StatusCode::FORBIDDEN, "{}", opened.text);
    let overview = w.get(&format!("/people/{PERSON}"), PO).await;
    assert_eq!(overview.status, StatusCode::OK, "{}", overview.text);
    assert!(overview.text.contains(">Deleted<"), "{}", overview.text);

    // Restoring is a manager's action over the team.
    let by_po = command(
        &w,
        id,
        PO,
        &etag,
        json!({"command": {"command": "restore", "reason": "Needed after all"}}),
    )
    .await;
    assert_eq!(by_po.status, StatusCode::FORBIDDEN, "{}", by_po.text);
    let no_reason = command(
        &w,
        id,
        "SPO9",
        &etag,
        json!({"command": {"command": "restore", "reason": " "}}),
    )
    .await;
    assert_eq!(
        no_reason.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        no_reason.text
    );
    let restored = command(
        &w,
        id,
        "SPO9",
        &etag,
        json!({"command": {"command": "restore", "reason": "Needed after all"}}),
    )
    .await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.text);
    assert!(restored.body["deleted"].is_null(), "{}", restored.text);
    let again = command(
        &w,
        id,
        "SPO9",
        &etag_of(&restored),
        json!({"command": {"command": "restore", "reason": "Twice"}}),
    )
    .await;
    assert!(
        again.status.is_client_error(),
        "restoring an undeleted assessment: {}",
        again.text
    );
}

/// Locks an assessment with an answer in accommodation and returns its id.
async fn locked_assessment(w: &World) -> Uuid {
    let (id, etag) = w.new_assessment().await;
    let saved = w
        .put(
            &section_uri(id, "accommodation"),
            PO,
            &json!({"answers": {"3.4": {"problems": 2}, "3.5": {"problems": 1}}}).to_string(),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    let locked = command(
        w,
        id,
        PO,
        &etag_of(&saved),
        json!({"command": {"command": "lock_incomplete", "reason": "Moved out of the area"}}),
    )
    .await;
    assert_eq!(locked.status, StatusCode::OK, "{}", locked.text);
    id
}

#[tokio::test]
async fn cloning_copies_the_previous_assessment_and_saving_confirms_a_section() {
    let w = world();
    let source = locked_assessment(&w).await;
    let uri = format!("/api/v1/people/{PERSON}/assessments");
    let clone =
        r#"{"layer":"layer3_full","purpose":"start_of_community_order","clone_previous":true}"#;
    for user in [PO_SAME_AREA, PO_OTHER_AREA, CASE_ADMIN, ANALYST] {
        let reply = w.post(&uri, user, clone, &[]).await;
        assert!(!reply.status.is_success(), "{user}: {}", reply.text);
    }
    let created = w.post(&uri, PO, clone, &[]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.body["header"]["id"]
        .as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
        .expect("id");
    assert_ne!(id, source);
    let section = w.get(&section_uri(id, "accommodation"), PO).await;
    assert_eq!(section.body["answers"]["3.4"], json!({"problems": 2}));
    assert_eq!(section.body["unconfirmed"], true, "{}", section.text);
    let confirmed = w
        .put(
            &section_uri(id, "accommodation"),
            PO,
            &json!({"answers": section.body["answers"]}).to_string(),
            &[("if-match", &etag_of(&section))],
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text);
    assert_eq!(confirmed.body["unconfirmed"], false);
    assert_ne!(etag_of(&confirmed), etag_of(&section));

    // Without a locked assessment there is nothing to copy (the policy refuses a clone that
    // names no source).
    let fresh = world();
    let none = fresh.post(&uri, PO, clone, &[]).await;
    assert_eq!(none.status, StatusCode::FORBIDDEN, "{}", none.text);
    assert!(
        none.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("clone"))
    );
}

#[tokio::test]
async fn two_assessments_are_compared_with_both_score_reports() {
    let w = world();
    let earlier = locked_assessment(&w).await;
    // Later, within the session's idle timeout.
    *w.clock.0.lock().expect("clock") += Duration::minutes(20);
    let (later, etag) = {
        let reply = w
            .post(
                &format!("/api/v1/people/{PERSON}/assessments"),
                PO,
                r#"{"layer":"layer3_full","purpose":"start_of_community_order","clone_previous":true}"#,
                &[],
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        let id = reply.body["header"]["id"]
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .expect("id");
        (id, etag_of(&reply))
    };
    let changed = w
        .put(
            &section_uri(later, "accommodation"),
            PO,
            &json!({"answers": {"3.4": {"problems": 0}, "3.5": {"problems": 1}}}).to_string(),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);

    let uri = format!("/api/v1/assessments/{earlier}/compare/{later}");
    let reply = w.get(&uri, PO).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["earlier"]["assessment_id"], earlier.to_string());
    assert_eq!(reply.body["later"]["assessment_id"], later.to_string());
    assert!(reply.body["earlier"]["scores"]["report"].is_object());
    assert!(reply.body["later"]["scores"]["report"].is_object());
    let answers = reply.body["changes"]["answers"]
        .as_array()
        .expect("answer changes");
    assert!(
        answers.iter().any(|c| c.to_string().contains("\"3.4\"")),
        "{}",
        reply.text
    );
    assert!(
        !answers.iter().any(|c| c.to_string().contains("\"3.5\"")),
        "3.5 did not change: {}",
        reply.text
    );
    assert_eq!(
        reply.body["changes"]["needs"].as_array().map(Vec::len),
        Some(11)
    );

    let reversed = w
        .get(
            &format!("/api/v1/assessments/{later}/compare/{earlier}"),
            PO,
        )
        .await;
    assert_eq!(
        reversed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reversed.text
    );
    assert_eq!(reversed.body["field"], "other");
    let unknown = w
        .get(
            &format!(
                "/api/v1/assessments/{earlier}/compare/{}",
                Uuid::from_u128(999)
            ),
            PO,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    for user in [PO_SAME_AREA, CASE_ADMIN, ANALYST] {
        let denied = w.get(&uri, user).await;
        assert_eq!(
            denied.status,
            StatusCode::FORBIDDEN,
            "{user}: {}",
            denied.text
        );
    }
    let hidden = w.get(&uri, PO_OTHER_AREA).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let head = w.call(Method::DELETE, &uri, Some(PO), None, &[]).await;
    assert_eq!(head.status, StatusCode::METHOD_NOT_ALLOWED);
}
