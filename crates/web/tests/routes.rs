//! Registration and LAO lists, sentence plans, sharing requests and audit over HTTP: for each
//! route a success, a denial and bad input (a 4xx problem naming the field, never a 5xx).

mod support;

use axum::http::{StatusCode, header};
use oasys_sharing_policy::{
    DecisionDraft, LegalBasis, Outcome, RecipientCondition, SubjectInformed, TemplateSection,
};
use serde_json::{Value, json};
use support::*;
use uuid::Uuid;

/// The request as JSON, the id included (the route must refuse it).
fn request_body_value() -> Value {
    serde_json::to_value(sharing_draft("X123456")).expect("json")
}

fn without(value: Value, keys: &[&str]) -> String {
    let mut value = value;
    if let Some(object) = value.as_object_mut() {
        for key in keys {
            object.remove(*key);
        }
    }
    value.to_string()
}

fn decision_body() -> Value {
    let draft = DecisionDraft {
        id: Uuid::nil(),
        request_id: Uuid::nil(),
        outcome: Outcome::ShareFull,
        decided_at: now(),
        legal_basis_confirmed: LegalBasis::Ca1989S47,
        basis_note: None,
        necessity:
            "The local authority needs the risk analysis to protect the child named in the request."
                .into(),
        proportionality:
            "Only the analysis relevant to children is shared; raw answers stay with probation."
                .into(),
        sections: TemplateSection::ALL.into_iter().collect(),
        exceptions: Vec::new(),
        conditions: RecipientCondition::standard(),
        subject_informed: SubjectInformed::No {
            reason: "Informing him could put the child at risk.".into(),
        },
        decline_reason: None,
    };
    serde_json::to_value(draft).expect("json")
}

#[tokio::test]
async fn registering_a_person_is_for_administrators() {
    let w = world();
    let id = Uuid::from_u128(77);
    let body = serde_json::to_string(&person(id, "X777777", "Newcomer")).expect("json");
    for user in [PO, CASE_ADMIN, ANALYST, AUDITOR] {
        let reply = w.post("/api/v1/people", user, &body, &[]).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{user}: {}",
            reply.text
        );
    }
    let reply = w.post("/api/v1/people", ADMIN, &body, &[]).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.body["id"], id.to_string());
    let again = w.post("/api/v1/people", ADMIN, &body, &[]).await;
    assert!(again.status.is_client_error(), "{}", again.text);

    let mut extra: Value = serde_json::from_str(&body).expect("json");
    extra["colour"] = Value::from("red");
    let unknown = w
        .post("/api/v1/people", ADMIN, &extra.to_string(), &[])
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.text
    );
    assert_eq!(unknown.body["field"], "colour");
    let mut wrong: Value = serde_json::from_str(&body).expect("json");
    wrong["date_of_birth"] = Value::from("last tuesday");
    let wrong = w
        .post("/api/v1/people", ADMIN, &wrong.to_string(), &[])
        .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.text
    );
    assert_eq!(wrong.body["field"], "date_of_birth");
    let malformed = w.post("/api/v1/people", ADMIN, "{", &[]).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn lao_lists_are_set_by_administrators() {
    let w = world();
    let uri = format!("/api/v1/people/{PERSON}/lao");
    let body = r#"{"excluded":["PO2"],"restricted_to":[],"exclusion_message":null,"restriction_message":null}"#;
    for user in [PO, PO_SAME_AREA, ANALYST, AUDITOR] {
        let reply = w.put(&uri, user, body, &[]).await;
        assert!(
            matches!(reply.status.as_u16(), 403 | 404),
            "{user}: {} {}",
            reply.status,
            reply.text
        );
    }
    let reply = w.put(&uri, ADMIN, body, &[]).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
    // PO2 is now excluded from the person's record.
    let read = w
        .get(&format!("/api/v1/people/{PERSON}"), PO_SAME_AREA)
        .await;
    assert_eq!(read.status, StatusCode::FORBIDDEN, "{}", read.text);

    let bad = w.put(&uri, ADMIN, r#"{"excluded":"PO2"}"#, &[]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert_eq!(bad.body["field"], "excluded");
    let unknown = w
        .put(
            &format!("/api/v1/people/{}/lao", Uuid::from_u128(999)),
            ADMIN,
            body,
            &[],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.text);
}

#[tokio::test]
async fn sentence_plans_draft_read_change_and_agree_with_if_match_until_locked() {
    let w = world();
    let (assessment, _) = w.new_assessment().await;
    let draft_uri = format!("/api/v1/assessments/{assessment}/plan");
    for user in [PO_SAME_AREA, CASE_ADMIN, ANALYST] {
        let reply = w.post(&draft_uri, user, "{}", &[]).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{user}: {}",
            reply.text
        );
    }
    let hidden = w.post(&draft_uri, PO_OTHER_AREA, "{}", &[]).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.text);
    let drafted = w.post(&draft_uri, PO, "{}", &[]).await;
    assert_eq!(drafted.status, StatusCode::CREATED, "{}", drafted.text);
    let plan = drafted.body.clone();
    let id = plan["id"].as_str().expect("plan id").to_owned();
    let etag = drafted.headers[header::ETAG]
        .to_str()
        .expect("etag")
        .to_owned();
    assert_eq!(etag, format!("\"{id}-1\""));

    let uri = format!("/api/v1/plans/{id}");
    let read = w.get(&uri, PO).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.headers[header::ETAG], etag.as_str());
    assert_eq!(read.body, plan);
    assert_eq!(
        w.get(&uri, PO_SAME_AREA).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.get(&uri, PO_OTHER_AREA).await.status,
        StatusCode::NOT_FOUND
    );

    let changes_uri = format!("{uri}/changes");
    let body = json!({"changes": [{"change": "note", "text": "Met at the office"}]}).to_string();
    let missing = w.post(&changes_uri, PO, &body, &[]).await;
    assert_eq!(missing.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(missing.body["field"], "If-Match");
    let denied = w
        .post(&changes_uri, PO_SAME_AREA, &body, &[("if-match", &etag)])
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.text);
    let saved = w
        .post(&changes_uri, PO, &body, &[("if-match", &etag)])
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(
        saved.body["notes"][0]["date"], "2026-03-02",
        "{}",
        saved.text
    );
    let next = format!("\"{id}-2\"");
    assert_eq!(saved.headers[header::ETAG], next.as_str());
    let stale = w
        .post(&changes_uri, PO, &body, &[("if-match", &etag)])
        .await;
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        stale.text
    );
    assert_eq!(stale.headers[header::ETAG], next.as_str());

    let malformed = w.post(&changes_uri, PO, "{", &[("if-match", &next)]).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    // What the service sets (dates, history, signing) cannot be sent.
    for forged in [
        json!({"changes": [{"change": "note", "text": "x", "date": "2020-01-01"}]}),
        json!({"changes": [{"change": "sign"}]}),
        json!({"changes": [], "signing": "COUNTERSIGNED"}),
    ] {
        let refused = w
            .post(
                &changes_uri,
                PO,
                &forged.to_string(),
                &[("if-match", &next)],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{forged}: {}",
            refused.text
        );
    }
    let unknown =
        json!({"changes": [{"change": "remove_objective", "objective": Uuid::from_u128(5)}]});
    let unknown = w
        .post(
            &changes_uri,
            PO,
            &unknown.to_string(),
            &[("if-match", &next)],
        )
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.text
    );
    assert!(
        unknown.text.contains("has no objective"),
        "{}",
        unknown.text
    );

    // The person's agreement: the plan crate's rules, and who recorded it is the caller.
    let agreement_uri = format!("{uri}/agreement");
    for (body, expected) in [
        (
            json!({"status": "DO_NOT_AGREE", "date": "2026-03-02"}),
            "a note is required",
        ),
        (
            json!({"status": "AGREED"}),
            "date of the person's agreement is required",
        ),
        (
            json!({"status": "AGREED", "date": "2026-03-09"}),
            "in the future",
        ),
    ] {
        let refused = w
            .post(
                &agreement_uri,
                PO,
                &body.to_string(),
                &[("if-match", &next)],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.text
        );
        assert!(
            refused.text.contains(expected),
            "{expected}: {}",
            refused.text
        );
    }
    let forged = json!({"status": "AGREED", "date": "2026-03-02", "recorded_by": "SPO1"});
    let forged = w
        .post(
            &agreement_uri,
            PO,
            &forged.to_string(),
            &[("if-match", &next)],
        )
        .await;
    assert_eq!(
        forged.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        forged.text
    );
    assert_eq!(forged.body["field"], "recorded_by");
    // Nothing was written by the refused requests.
    assert_eq!(w.get(&uri, PO).await.headers[header::ETAG], next.as_str());
    let agreed = w
        .post(
            &agreement_uri,
            PO,
            &json!({"status": "AGREED", "date": "2026-03-02"}).to_string(),
            &[("if-match", &next)],
        )
        .await;
    assert_eq!(agreed.status, StatusCode::OK, "{}", agreed.text);
    assert_eq!(agreed.body["agreement"]["status"], "AGREED");
    assert_eq!(agreed.body["agreement"]["recorded_by"], PO);
    let agreed_tag = format!("\"{id}-3\"");
    assert_eq!(agreed.headers[header::ETAG], agreed_tag.as_str());

    // Locked with its assessment: read-only, every change a 409 naming the lock.
    let read = w
        .get(&format!("/api/v1/assessments/{assessment}"), PO)
        .await;
    let lock = w
        .post(
            &format!("/api/v1/assessments/{assessment}/commands"),
            PO,
            r#"{"command":{"command":"lock_incomplete","reason":"Moved away"}}"#,
            &[(
                "if-match",
                read.headers[header::ETAG].to_str().expect("etag"),
            )],
        )
        .await;
    assert_eq!(lock.status, StatusCode::OK, "{}", lock.text);
    for (target, body) in [
        (&changes_uri, body.clone()),
        (
            &agreement_uri,
            json!({"status": "AGREED", "date": "2026-03-02"}).to_string(),
        ),
    ] {
        let locked = w
            .post(target, PO, &body, &[("if-match", &agreed_tag)])
            .await;
        assert_eq!(locked.status, StatusCode::CONFLICT, "{}", locked.text);
        assert!(locked.text.contains("plan is locked"), "{}", locked.text);
    }
    // Locking the assessment locked the plan (one revision more, LOCKED_INCOMPLETE), and the
    // refused changes wrote nothing.
    let locked_tag = format!("\"{id}-4\"");
    let locked_plan = w.get(&uri, PO).await;
    assert_eq!(locked_plan.headers[header::ETAG], locked_tag.as_str());
    assert_eq!(locked_plan.body["signing"], "LOCKED_INCOMPLETE");
    assert_eq!(locked_plan.body["signing_events"][0]["from"], "UNSIGNED");

    // The next assessment starts its plan as a review of this one (locked with its assessment).
    let (next, _) = w.new_assessment().await;
    let review_uri = format!("/api/v1/assessments/{next}/review-plan");
    let reviewed = w.post(&review_uri, PO, "{}", &[]).await;
    assert_eq!(reviewed.status, StatusCode::CREATED, "{}", reviewed.text);
    assert_conforms("SentencePlan", &reviewed.body);
    assert_eq!(reviewed.body["plan_type"], "REVIEW");
    assert_eq!(reviewed.body["version"], 2);
    assert_eq!(reviewed.body["previous"], id.as_str());
    assert_eq!(reviewed.body["agreement"]["status"], "DRAFT");
    let reviewed_id = reviewed.body["id"].as_str().expect("id");
    let progress = w
        .get(&format!("/api/v1/plans/{reviewed_id}/progress"), PO)
        .await;
    assert_eq!(progress.status, StatusCode::OK, "{}", progress.text);
    assert_conforms("ProgressBody", &progress.body);
    assert_eq!(progress.body["previous"], id.as_str());
    assert!(
        progress.body["progress"]["objectives"].is_array(),
        "{}",
        progress.text
    );
    let first = w.get(&format!("{uri}/progress"), PO).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.body, json!({"previous": null, "progress": null}));
    assert_eq!(
        w.get(&format!("{uri}/progress"), PO_SAME_AREA).await.status,
        StatusCode::FORBIDDEN
    );
    let again = w.post(&review_uri, PO, "{}", &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    assert_eq!(w.get(&uri, PO).await.body, locked_plan.body);
    let nowhere = w
        .post("/api/v1/assessments/not-an-id/plan", PO, "{}", &[])
        .await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sharing_request_decision_and_package() {
    let w = world();
    let uri = format!("/api/v1/people/{PERSON}/sharing-requests");
    let body = without(request_body_value(), &["id"]);
    for user in [PO_OTHER_AREA, ANALYST, AUDITOR] {
        let reply = w.post(&uri, user, &body, &[]).await;
        assert!(
            matches!(reply.status.as_u16(), 403 | 404),
            "{user}: {} {}",
            reply.status,
            reply.text
        );
    }
    let with_id = w
        .post(&uri, PO, &request_body_value().to_string(), &[])
        .await;
    assert_eq!(
        with_id.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        with_id.text
    );
    assert_eq!(with_id.body["field"], "id");
    let mut wrong = request_body_value();
    wrong["urgency"] = Value::from("whenever");
    let wrong = w.post(&uri, PO, &without(wrong, &["id"]), &[]).await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.text
    );
    assert_eq!(wrong.body["field"], "urgency");
    let mut other = request_body_value();
    other["subject_crn"] = Value::from("X999999");
    let other = w.post(&uri, PO, &without(other, &["id"]), &[]).await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        other.text
    );

    let recorded = w.post(&uri, PO, &body, &[]).await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text);
    let request_id = recorded.body["record"]["id"]
        .as_str()
        .expect("request id")
        .to_owned();
    assert_ne!(request_id, Uuid::nil().to_string());

    let package_uri = format!("/api/v1/sharing-requests/{request_id}/package");
    let early = w.post(&package_uri, PO, "{}", &[]).await;
    assert!(
        matches!(early.status.as_u16(), 403 | 422),
        "{} {}",
        early.status,
        early.text
    );

    let decide_uri = format!("/api/v1/sharing-requests/{request_id}/decision");
    let decision = without(decision_body(), &["id", "request_id"]);
    for user in [PO_SAME_AREA, CASE_ADMIN, ANALYST] {
        let reply = w.post(&decide_uri, user, &decision, &[]).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{user}: {}",
            reply.text
        );
    }
    let hidden = w.post(&decide_uri, PO_OTHER_AREA, &decision, &[]).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.text);
    let with_ids = w
        .post(&decide_uri, PO, &without(decision_body(), &["id"]), &[])
        .await;
    assert_eq!(with_ids.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(with_ids.body["field"], "request_id");
    let mut blank = decision_body();
    blank["necessity"] = Value::from("");
    let blank = w
        .post(&decide_uri, PO, &without(blank, &["id", "request_id"]), &[])
        .await;
    assert_eq!(
        blank.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        blank.text
    );
    let decided = w.post(&decide_uri, PO, &decision, &[]).await;
    assert_eq!(decided.status, StatusCode::CREATED, "{}", decided.text);
    assert_eq!(decided.body["record"]["request_id"], request_id.as_str());
    let twice = w.post(&decide_uri, PO, &decision, &[]).await;
    assert!(twice.status.is_client_error(), "{}", twice.text);

    // A package needs a locked assessment; the person has none yet: a broken rule, not a 5xx.
    let denied = w.post(&package_uri, PO_SAME_AREA, "{}", &[]).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.text);
    let none = w.post(&package_uri, PO, "{}", &[]).await;
    assert_eq!(
        none.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        none.text
    );
    let unknown = w
        .post(
            &format!("/api/v1/sharing-requests/{}/package", Uuid::from_u128(999)),
            PO,
            "{}",
            &[],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn audit_is_for_auditors_stating_a_purpose() {
    let w = world();
    let purpose = ("x-justification", "Quarterly access review");
    let missing = w.get("/api/v1/audit", AUDITOR).await;
    assert_eq!(
        missing.status,
        StatusCode::PRECONDITION_REQUIRED,
        "{}",
        missing.text
    );
    assert_eq!(missing.body["field"], "X-Justification");
    assert!(missing.text.contains("purpose"), "{}", missing.text);
    let blank = w
        .call(
            axum::http::Method::GET,
            "/api/v1/audit",
            Some(AUDITOR),
            None,
            &[("x-justification", "  ")],
        )
        .await;
    assert_eq!(blank.status, StatusCode::PRECONDITION_REQUIRED);

    let get = |uri: &'static str, user: &'static str| {
        let w = &w;
        async move {
            w.call(axum::http::Method::GET, uri, Some(user), None, &[purpose])
                .await
        }
    };
    for user in [PO, CASE_ADMIN, ANALYST, ADMIN] {
        let reply = get("/api/v1/audit", user).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{user}: {}",
            reply.text
        );
        let reply = get("/api/v1/audit/verify", user).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{user}: {}",
            reply.text
        );
    }
    let all = get("/api/v1/audit?limit=500", AUDITOR).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert!(all.body.as_array().is_some_and(|e| !e.is_empty()));
    let one = get("/api/v1/audit?limit=1", AUDITOR).await;
    assert_eq!(one.body.as_array().map(Vec::len), Some(1), "{}", one.text);
    let person = get(
        "/api/v1/audit?person=00000000-0000-0000-0000-000000000001&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z",
        AUDITOR,
    )
    .await;
    assert_eq!(person.status, StatusCode::OK, "{}", person.text);
    assert!(
        person.body.as_array().is_some_and(|e| !e.is_empty()
            && e.iter()
                .all(|x| x["entry"]["subject_person"] == PERSON.to_string())),
        "{}",
        person.text
    );

    for uri in [
        "/api/v1/audit?from=yesterday",
        "/api/v1/audit?person=nobody",
        "/api/v1/audit?colour=red",
        "/api/v1/audit?limit=-1",
    ] {
        let reply = get(uri, AUDITOR).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{uri}: {}",
            reply.text
        );
    }
    for uri in [
        "/api/v1/audit?limit=0",
        "/api/v1/audit?limit=100000",
        "/api/v1/audit?from=2027-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
    ] {
        let reply = get(uri, AUDITOR).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{uri}: {}",
            reply.text
        );
    }

    let verified = get("/api/v1/audit/verify", AUDITOR).await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.text);
    assert!(verified.body.is_object(), "{}", verified.text);
}

#[tokio::test]
async fn a_package_is_built_from_the_latest_locked_assessment() {
    let w = world();
    let (assessment, etag) = w.new_assessment().await;
    let locked = w
        .post(
            &format!("/api/v1/assessments/{assessment}/commands"),
            PO,
            r#"{"command":{"command":"lock_incomplete","reason":"Moved out of the area"}}"#,
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(locked.status, StatusCode::OK, "{}", locked.text);
    let recorded = w
        .post(
            &format!("/api/v1/people/{PERSON}/sharing-requests"),
            PO,
            &without(request_body_value(), &["id"]),
            &[],
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text);
    let request_id = recorded.body["record"]["id"]
        .as_str()
        .expect("request id")
        .to_owned();
    let decided = w
        .post(
            &format!("/api/v1/sharing-requests/{request_id}/decision"),
            PO,
            &without(decision_body(), &["id", "request_id"]),
            &[],
        )
        .await;
    assert_eq!(decided.status, StatusCode::CREATED, "{}", decided.text);
    let uri = format!("/api/v1/sharing-requests/{request_id}/package");
    let denied = w.post(&uri, PO_SAME_AREA, "{}", &[]).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.text);
    let package = w.post(&uri, PO, "{}", &[]).await;
    assert_eq!(package.status, StatusCode::CREATED, "{}", package.text);
    assert_eq!(package.body["request_id"], request_id.as_str());
    assert_eq!(package.body["assessment_id"], assessment.to_string());
    // The request has moved on: a second package is refused, not a 5xx.
    let again = w.post(&uri, PO, "{}", &[]).await;
    assert!(again.status.is_client_error(), "{}", again.text);
}

#[tokio::test]
async fn the_documented_schemas_describe_the_bodies_routes_take_and_give() {
    let w = world();
    // A person, as registered and as read back.
    let person =
        serde_json::to_value(person(Uuid::from_u128(78), "X777778", "Schema")).expect("json");
    assert_conforms("RegisterPerson", &person);
    let registered = w
        .post("/api/v1/people", ADMIN, &person.to_string(), &[])
        .await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{}",
        registered.text
    );
    assert_conforms("Person", &registered.body);
    let read = w.get(&format!("/api/v1/people/{PERSON}"), PO).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_conforms("Person", &read.body);

    // LAO lists.
    let lao: Value = serde_json::from_str(
        r#"{"excluded":["PO2"],"restricted_to":[],"exclusion_message":null,"restriction_message":null}"#,
    )
    .expect("json");
    assert_conforms("LaoRequest", &lao);

    // A sharing request and its decision, as the routes take them: without the server's ids,
    // which the document leaves out (a body carrying one does not conform).
    let request: Value =
        serde_json::from_str(&without(request_body_value(), &["id"])).expect("json");
    assert_conforms("NewSharingRequest", &request);
    assert!(!schema_of("NewSharingRequest").is_valid(&request_body_value()));
    let recorded = w
        .post(
            &format!("/api/v1/people/{PERSON}/sharing-requests"),
            PO,
            &request.to_string(),
            &[],
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text);
    let decision: Value =
        serde_json::from_str(&without(decision_body(), &["id", "request_id"])).expect("json");
    assert_conforms("NewDecision", &decision);
    assert!(!schema_of("NewDecision").is_valid(&decision_body()));

    // A sentence plan, as drafted and read, and the changes and agreement the routes take.
    let (assessment, _) = w.new_assessment().await;
    let drafted = w
        .post(
            &format!("/api/v1/assessments/{assessment}/plan"),
            PO,
            "{}",
            &[],
        )
        .await;
    assert_eq!(drafted.status, StatusCode::CREATED, "{}", drafted.text);
    assert_conforms("SentencePlan", &drafted.body);
    let objective = Uuid::from_u128(5);
    assert_conforms(
        "PlanChanges",
        &json!({"changes": [
            {"change": "note", "text": "Met at the office"},
            {"change": "objective_progress", "objective": objective, "progress": "ONGOING"},
            {"change": "add_objective", "title": "Stay in work",
             "links": [{"need": "education_training_employability"}], "target_date": null},
        ]}),
    );
    assert_conforms(
        "AgreementBody",
        &json!({"status": "DO_NOT_AGREE", "date": "2026-03-02", "note": "Wants a later start"}),
    );

    // The schemas are not vacuous: a wrong type or an unknown field is caught.
    let mut wrong = person.clone();
    wrong["gender"] = Value::from("unknown");
    assert!(!schema_of("RegisterPerson").is_valid(&wrong));
    let mut extra = lao.clone();
    extra["colour"] = Value::from("red");
    assert!(!schema_of("LaoRequest").is_valid(&extra));
}

/// The assessment and its history come without the event log, which grows with every save; the
/// log and the history are read a page at a time, by those who may see the assessment.
#[tokio::test]
async fn the_event_log_is_paged_apart_from_the_assessment() {
    let w = world();
    let (assessment, mut etag) = w.new_assessment().await;
    let section = format!("/api/v1/assessments/{assessment}/sections/accommodation");
    for problems in [1, 2, 0, 1] {
        let answers = json!({"answers": {"3.4": {"problems": problems}}}).to_string();
        let saved = w.put(&section, PO, &answers, &[("if-match", &etag)]).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
        etag = saved.headers[header::ETAG]
            .to_str()
            .expect("etag")
            .to_owned();
    }
    let read = w
        .get(&format!("/api/v1/assessments/{assessment}"), PO)
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.body["version"], 5);
    assert!(read.body.get("events").is_none(), "{}", read.text);
    let history = w
        .get(&format!("/api/v1/assessments/{assessment}/history"), PO)
        .await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.text);
    assert_conforms("HistoryPage", &history.body);
    let versions = history.body["versions"].as_array().expect("a list");
    assert_eq!(versions.len(), 5);
    assert!(versions.iter().all(|v| v.get("events").is_none()));
    assert_eq!(history.body["next_after"], Value::Null);
    let paged = w
        .get(
            &format!("/api/v1/assessments/{assessment}/history?after=1&limit=3"),
            PO,
        )
        .await;
    assert_eq!(paged.status, StatusCode::OK, "{}", paged.text);
    let listed: Vec<_> = paged.body["versions"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v["version"].as_u64().expect("version"))
        .collect();
    assert_eq!(listed, [2, 3, 4]);
    assert_eq!(paged.body["next_after"], 4);
    let refused = w
        .get(
            &format!("/api/v1/assessments/{assessment}/history?limit=0"),
            PO,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["field"], "limit", "{}", refused.text);

    let events = format!("/api/v1/assessments/{assessment}/events");
    let mut seen = Vec::new();
    let mut query = "?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let page = w.get(&format!("{events}{query}"), PO).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert_conforms("EventsPage", &page.body);
        pages += 1;
        let listed = page.body["events"].as_array().expect("events");
        assert!(listed.len() <= 2);
        seen.extend(
            listed
                .iter()
                .map(|e| e["version"].as_u64().expect("version")),
        );
        match page.body["next_after"].as_u64() {
            Some(after) => query = format!("?limit=2&after={after}"),
            None => break,
        }
    }
    assert_eq!(seen, [1, 2, 3, 4, 5]);
    assert_eq!(pages, 3);
    let whole = w.get(&events, PO).await;
    assert_eq!(whole.body["events"].as_array().map(Vec::len), Some(5));
    assert_eq!(whole.body["next_after"], Value::Null);
    assert_eq!(whole.body["events"][0]["actor"], PO);

    for (query, status) in [
        ("?limit=0", StatusCode::UNPROCESSABLE_ENTITY),
        ("?limit=501", StatusCode::UNPROCESSABLE_ENTITY),
        ("?limit=ten", StatusCode::BAD_REQUEST),
        ("?after=-1", StatusCode::BAD_REQUEST),
        ("?colour=red", StatusCode::BAD_REQUEST),
    ] {
        let refused = w.get(&format!("{events}{query}"), PO).await;
        assert_eq!(refused.status, status, "{query}: {}", refused.text);
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            assert_eq!(refused.body["field"], "limit", "{query}: {}", refused.text);
        }
    }
    assert_eq!(
        w.get(&events, PO_SAME_AREA).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.get(&events, PO_OTHER_AREA).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_review_plan_needs_a_signed_plan_to_review() {
    let w = world();
    let (assessment, _) = w.new_assessment().await;
    let reply = w
        .post(
            &format!("/api/v1/assessments/{assessment}/review-plan"),
            PO,
            "{}",
            &[],
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );
    assert!(
        reply.text.contains("no signed sentence plan to review"),
        "{}",
        reply.text
    );
    let denied = w
        .post(
            &format!("/api/v1/assessments/{assessment}/review-plan"),
            PO_SAME_AREA,
            "{}",
            &[],
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.text);
}
