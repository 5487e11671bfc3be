//! The same API journey on SQLite and on PostgreSQL (when `OASYS_TEST_POSTGRES_URL` is set, as
//! `cargo xtask ci` does): a practitioner works a case from caseload to a locked assessment, a
//! clone, a comparison, a plan and a sharing request; an auditor reads and verifies the log.
//! Every step's status is asserted, and the two backends must answer alike, body for body.

mod support;

use axum::http::StatusCode;
use serde_json::{Value, json};
use support::*;
use uuid::Uuid;

fn etag(reply: &Reply) -> String {
    reply
        .headers
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn id_of(reply: &Reply) -> Uuid {
    reply.body["header"]["id"]
        .as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
        .expect("assessment id")
}

trait WithoutRequestIds {
    fn clone_without_request_ids(&self) -> Reply;
}

impl WithoutRequestIds for Reply {
    fn clone_without_request_ids(&self) -> Reply {
        let mut body = self.body.clone();
        for row in body.as_array_mut().into_iter().flatten() {
            if let Some(object) = row.as_object_mut() {
                object.remove("entry_hash");
                object.remove("prev_hash");
            }
            if let Some(entry) = row.get_mut("entry").and_then(Value::as_object_mut) {
                entry.remove("correlation_id");
            }
        }
        Reply {
            status: self.status,
            headers: self.headers.clone(),
            body,
            text: self.text.clone(),
        }
    }
}

/// One step of the journey: its name, the status and the body (for comparing backends).
struct Step {
    name: &'static str,
    status: StatusCode,
    body: Value,
}

fn step(steps: &mut Vec<Step>, name: &'static str, reply: &Reply, expected: StatusCode) {
    assert_eq!(reply.status, expected, "{name}: {}", reply.text);
    assert!(!reply.status.is_server_error(), "{name}");
    steps.push(Step {
        name,
        status: reply.status,
        body: reply.body.clone(),
    });
}

async fn journey(w: &World) -> Vec<Step> {
    let mut steps = Vec::new();
    let s = &mut steps;
    let caseload = w.get("/api/v1/caseload", PO).await;
    step(s, "caseload", &caseload, StatusCode::OK);
    assert!(caseload.text.contains("X123456"), "{}", caseload.text);

    let (first, created_etag) = w.new_assessment().await;
    let section = format!("/api/v1/assessments/{first}/sections/accommodation");
    let answers = json!({"answers": {"3.3": "no", "3.4": {"problems": 2}, "3.5": {"problems": 1}}});
    let no_match = w.put(&section, PO, &answers.to_string(), &[]).await;
    step(
        s,
        "section without If-Match",
        &no_match,
        StatusCode::PRECONDITION_REQUIRED,
    );
    let saved = w
        .put(
            &section,
            PO,
            &answers.to_string(),
            &[("if-match", &created_etag)],
        )
        .await;
    step(s, "save a section", &saved, StatusCode::OK);
    let stale = w
        .put(
            &section,
            PO,
            &answers.to_string(),
            &[("if-match", &created_etag)],
        )
        .await;
    step(s, "stale save", &stale, StatusCode::PRECONDITION_FAILED);
    let bad = w
        .put(
            &section,
            PO,
            &json!({"answers": {"3.4": {"problems": 9}}}).to_string(),
            &[("if-match", &etag(&saved))],
        )
        .await;
    step(
        s,
        "value outside the vocabulary",
        &bad,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    let rmp = w
        .put(
            &format!("/api/v1/assessments/{first}/risk-management-plan"),
            PO,
            &json!({"answers": {"RM30": {"text": "Weekly supervision."}}}).to_string(),
            &[("if-match", &etag(&saved))],
        )
        .await;
    step(s, "save the risk management plan", &rmp, StatusCode::OK);
    let scores = w
        .get(&format!("/api/v1/assessments/{first}/scores"), PO)
        .await;
    step(s, "scores", &scores, StatusCode::OK);
    let locked = w
        .post(
            &format!("/api/v1/assessments/{first}/commands"),
            PO,
            r#"{"command":{"command":"lock_incomplete","reason":"Moved out of the area"}}"#,
            &[("if-match", &etag(&rmp))],
        )
        .await;
    step(s, "lock incomplete", &locked, StatusCode::OK);
    let locked_write = w
        .put(
            &section,
            PO,
            &answers.to_string(),
            &[("if-match", &etag(&locked))],
        )
        .await;
    assert!(
        locked_write.status.is_client_error(),
        "{}",
        locked_write.text
    );
    step(
        s,
        "write to a locked assessment",
        &locked_write,
        locked_write.status,
    );

    *w.clock.0.lock().expect("clock") += chrono::Duration::minutes(5);
    let clone = w
        .post(
            &format!("/api/v1/people/{PERSON}/assessments"),
            PO,
            r#"{"layer":"layer3_full","purpose":"start_of_community_order","clone_previous":true}"#,
            &[],
        )
        .await;
    step(
        s,
        "clone the locked assessment",
        &clone,
        StatusCode::CREATED,
    );
    let second = id_of(&clone);
    let compared = w
        .get(&format!("/api/v1/assessments/{first}/compare/{second}"), PO)
        .await;
    step(s, "compare", &compared, StatusCode::OK);
    let history = w
        .get(&format!("/api/v1/assessments/{first}/history"), PO)
        .await;
    step(s, "history", &history, StatusCode::OK);
    assert!(
        history.body["versions"]
            .as_array()
            .is_some_and(|v| v.len() >= 5),
        "{}",
        history.text
    );

    let locked_draft = w
        .post(&format!("/api/v1/assessments/{first}/plan"), PO, "{}", &[])
        .await;
    step(
        s,
        "no plan is drafted for a locked assessment",
        &locked_draft,
        StatusCode::CONFLICT,
    );
    let plan = w
        .post(&format!("/api/v1/assessments/{second}/plan"), PO, "{}", &[])
        .await;
    step(s, "draft a sentence plan", &plan, StatusCode::CREATED);
    let plan_id = plan.body["id"].as_str().unwrap_or_default().to_owned();
    let read_plan = w.get(&format!("/api/v1/plans/{plan_id}"), PO).await;
    step(s, "read the plan", &read_plan, StatusCode::OK);
    assert!(
        read_plan.body["objectives"]
            .as_array()
            .is_some_and(|o| !o.is_empty()),
        "{}",
        read_plan.text
    );
    assert_conforms("SentencePlan", &read_plan.body);
    let note = json!({"changes": [{"change": "note", "text": "Agreed to meet weekly"}]});
    let saved_plan = w
        .post(
            &format!("/api/v1/plans/{plan_id}/changes"),
            PO,
            &note.to_string(),
            &[("if-match", &etag(&read_plan))],
        )
        .await;
    step(s, "change the plan", &saved_plan, StatusCode::OK);
    assert_conforms("SentencePlan", &saved_plan.body);
    let stale_plan = w
        .post(
            &format!("/api/v1/plans/{plan_id}/changes"),
            PO,
            &note.to_string(),
            &[("if-match", &etag(&read_plan))],
        )
        .await;
    step(
        s,
        "stale plan change",
        &stale_plan,
        StatusCode::PRECONDITION_FAILED,
    );
    let agreement = json!({"status": "AGREED", "date": "2026-03-02"});
    let agreed = w
        .post(
            &format!("/api/v1/plans/{plan_id}/agreement"),
            PO,
            &agreement.to_string(),
            &[("if-match", &etag(&saved_plan))],
        )
        .await;
    step(s, "record the person's agreement", &agreed, StatusCode::OK);
    assert_eq!(
        agreed.body["agreement"]["recorded_by"], "PO1",
        "{}",
        agreed.text
    );

    let request = w
        .post(
            &format!("/api/v1/people/{PERSON}/sharing-requests"),
            PO,
            &sharing_request_json("X123456"),
            &[],
        )
        .await;
    step(s, "record a sharing request", &request, StatusCode::CREATED);

    let deleted = w
        .post(
            &format!("/api/v1/assessments/{second}/commands"),
            PO,
            r#"{"command":{"command":"delete","reason":"Started in error"}}"#,
            &[("if-match", &etag(&clone))],
        )
        .await;
    step(s, "delete the draft clone", &deleted, StatusCode::OK);
    let locked_plan = w
        .post(
            &format!("/api/v1/plans/{plan_id}/changes"),
            PO,
            &note.to_string(),
            &[("if-match", &etag(&agreed))],
        )
        .await;
    step(
        s,
        "the plan of a deleted assessment cannot change",
        &locked_plan,
        StatusCode::FORBIDDEN,
    );

    let denied = w
        .get(&format!("/api/v1/assessments/{first}"), PO_SAME_AREA)
        .await;
    step(s, "not in the caseload", &denied, StatusCode::FORBIDDEN);
    let hidden = w
        .get(&format!("/api/v1/assessments/{first}"), PO_OTHER_AREA)
        .await;
    step(s, "another area", &hidden, StatusCode::NOT_FOUND);

    let audit = w
        .call(
            axum::http::Method::GET,
            "/api/v1/audit?limit=500",
            Some(AUDITOR),
            None,
            &[("x-justification", "Quarterly access review")],
        )
        .await;
    // Request ids (and so the hashes over them) differ from run to run: compare the rest.
    step(
        s,
        "audit entries",
        &audit.clone_without_request_ids(),
        StatusCode::OK,
    );
    assert!(
        audit.body.as_array().is_some_and(|v| v.len() > 20),
        "{}",
        audit.text
    );
    let mut verify = w.get("/api/v1/audit/verify", AUDITOR).await;
    assert_eq!(verify.body["result"], "intact", "{}", verify.text);
    if let Some(object) = verify.body.as_object_mut() {
        object.remove("head_hash");
    }
    step(s, "verify the audit chain", &verify, StatusCode::OK);
    let ready = w
        .call(axum::http::Method::GET, "/health/ready", None, None, &[])
        .await;
    step(s, "ready", &ready, StatusCode::OK);
    steps
}

#[tokio::test]
async fn the_same_journey_on_every_backend() {
    let mut transcripts = Vec::new();
    for (backend, w) in worlds() {
        transcripts.push((backend, journey(&w).await));
    }
    let Some(((first_backend, reference), others)) = transcripts.split_first() else {
        panic!("no backend");
    };
    for (backend, steps) in others {
        assert_eq!(steps.len(), reference.len());
        for (a, b) in reference.iter().zip(steps) {
            assert_eq!(a.name, b.name);
            assert_eq!(
                a.status, b.status,
                "{}: {first_backend} vs {backend}",
                a.name
            );
            assert!(
                a.body == b.body,
                "{}: {first_backend} and {backend} answered differently:\n{}\n{}",
                a.name,
                a.body,
                b.body
            );
        }
    }
}
