//! A disclosure package after it is built, over HTTP (sharing spec §3.3, §3.5, §3.6): the JSON
//! routes for review, approval by a second person, release (one disclosure audit row),
//! withdrawal and expiry (410 Gone), and the browser pages (a draft is marked DRAFT - NOT FOR
//! RELEASE; the printable layout only once released).

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::Duration;
use oasys_app::{AccountRepository, Session};
use oasys_sharing_policy::{
    DecisionDraft, LegalBasis, Outcome, RecipientCondition, SubjectInformed, TemplateSection,
};
use oasys_web::secret_hash;
use serde_json::{Value, json};
use support::*;
use uuid::Uuid;

const ANALYSIS: &str =
    "Analysis: he spoke about his neighbour Jo Bloggs and contact with children.";
const RECIPIENT: &str = "A Worker, Social worker, Anytown Children's Services";

fn decision_body() -> String {
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
    let mut value = serde_json::to_value(draft).expect("json");
    if let Some(object) = value.as_object_mut() {
        object.remove("id");
        object.remove("request_id");
    }
    value.to_string()
}

/// Locks an assessment of `PERSON` whose 6.97 analysis is free text to review.
async fn lock_an_assessment(w: &World) {
    let (assessment, etag) = w.new_assessment().await;
    let commands = format!("/api/v1/assessments/{assessment}/commands");
    let answered = w
        .post(
            &commands,
            PO,
            &json!({"command": {"command": "answer", "code": "6.97", "value": {"text": ANALYSIS}}})
                .to_string(),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.text);
    let etag = answered.headers[header::ETAG]
        .to_str()
        .expect("etag")
        .to_owned();
    let locked = w
        .post(
            &commands,
            PO,
            r#"{"command":{"command":"lock_incomplete","reason":"Moved out of the area"}}"#,
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(locked.status, StatusCode::OK, "{}", locked.text);
}

/// Records a request, has `decider` decide to share and build the package: the request id.
async fn drafted(w: &World, decider: &str) -> String {
    lock_an_assessment(w).await;
    let recorded = w
        .post(
            &format!("/api/v1/people/{PERSON}/sharing-requests"),
            PO,
            &sharing_request_json("X123456"),
            &[],
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text);
    let id = recorded.body["record"]["id"]
        .as_str()
        .expect("request id")
        .to_owned();
    let decided = w
        .post(
            &format!("/api/v1/sharing-requests/{id}/decision"),
            decider,
            &decision_body(),
            &[],
        )
        .await;
    assert_eq!(decided.status, StatusCode::CREATED, "{}", decided.text);
    let built = w
        .post(
            &format!("/api/v1/sharing-requests/{id}/package"),
            decider,
            "{}",
            &[],
        )
        .await;
    assert_eq!(built.status, StatusCode::CREATED, "{}", built.text);
    id
}

/// Reviews every pending text block, redacting nothing; returns the last package.
async fn review_all(w: &World, by: &str, id: &str) -> Value {
    let package = w
        .get(&format!("/api/v1/sharing-requests/{id}/package"), by)
        .await;
    assert_eq!(package.status, StatusCode::OK, "{}", package.text);
    let mut last = package.body.clone();
    for element in package.body["pending_review"].as_array().expect("pending") {
        let reviewed = w
            .post(
                &format!("/api/v1/sharing-requests/{id}/package/review"),
                by,
                &json!({"element": element, "spans": []}).to_string(),
                &[],
            )
            .await;
        assert_eq!(reviewed.status, StatusCode::OK, "{}", reviewed.text);
        last = reviewed.body;
    }
    last
}

fn release_body() -> String {
    json!({"channel": "secure_email", "recipients": [RECIPIENT]}).to_string()
}

/// The audit entries about `PERSON` with this operation.
async fn audited(w: &World, operation: &str) -> Vec<Value> {
    let reply = w
        .call(
            Method::GET,
            &format!("/api/v1/audit?person={PERSON}&limit=1000"),
            Some(AUDITOR),
            None,
            &[("x-justification", "Disclosure log check")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply
        .body
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["entry"]["operation"] == operation)
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_package_is_reviewed_approved_by_a_second_person_and_released_once() {
    let w = world();
    w.add_spo("SPO1");
    let id = drafted(&w, PO).await;
    let package_uri = format!("/api/v1/sharing-requests/{id}/package");
    let draft = w.get(&package_uri, PO).await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.text);
    assert_eq!(draft.body["status"], "drafted");
    assert!(
        draft.body["pending_review"]
            .as_array()
            .is_some_and(|p| p.iter().any(|e| e == "6.97")),
        "{}",
        draft.text
    );
    // Someone outside the case cannot read or review it.
    assert_eq!(
        w.get(&package_uri, PO_SAME_AREA).await.status,
        StatusCode::FORBIDDEN
    );
    // A bad review names the problem; unknown fields are refused.
    let review_uri = format!("{package_uri}/review");
    for body in [
        json!({"element": "9.99", "spans": []}),
        json!({"element": "6.97", "spans": [{"start": 5, "end": 9999, "reason": "third_party"}]}),
    ] {
        let bad = w.post(&review_uri, PO, &body.to_string(), &[]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    }
    let extra = w
        .post(
            &review_uri,
            PO,
            r#"{"element":"6.97","spans":[],"by":"SPO1"}"#,
            &[],
        )
        .await;
    assert!(extra.status.is_client_error(), "{}", extra.text);
    // Approval and release wait for the review.
    let approval_uri = format!("{package_uri}/approval");
    let release_uri = format!("{package_uri}/release");
    let early = w.post(&approval_uri, "SPO1", "{}", &[]).await;
    assert_eq!(early.status, StatusCode::FORBIDDEN, "{}", early.text);
    let start = ANALYSIS.find("Jo Bloggs").expect("name");
    let redacted = w
        .post(
            &review_uri,
            PO,
            &json!({"element": "6.97", "spans": [{"start": start, "end": start + 9, "reason": "third_party"}]})
                .to_string(),
            &[],
        )
        .await;
    assert_eq!(redacted.status, StatusCode::OK, "{}", redacted.text);
    assert!(
        !redacted.text.contains("Jo Bloggs") && redacted.text.contains("[redacted: third party]"),
        "{}",
        redacted.text
    );
    let reviewed = review_all(&w, PO, &id).await;
    assert_eq!(reviewed["status"], "redaction_reviewed", "{reviewed}");
    // The decider is a practitioner: practitioners never approve; a manager does.
    let own = w.post(&approval_uri, PO, "{}", &[]).await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "{}", own.text);
    let early = w.post(&release_uri, PO, &release_body(), &[]).await;
    assert_eq!(early.status, StatusCode::FORBIDDEN, "{}", early.text);
    let approved = w.post(&approval_uri, "SPO1", "{}", &[]).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    assert_eq!(approved.body["approved_by"], "SPO1");
    // Release needs a known channel and a named recipient.
    for body in [
        json!({"channel": "carrier_pigeon", "recipients": [RECIPIENT]}),
        json!({"channel": "post", "recipients": []}),
        json!({"channel": "post"}),
    ] {
        let bad = w.post(&release_uri, PO, &body.to_string(), &[]).await;
        assert!(
            matches!(bad.status.as_u16(), 400 | 422),
            "{body}: {} {}",
            bad.status,
            bad.text
        );
    }
    assert!(audited(&w, "disclosure").await.is_empty());
    let released = w.post(&release_uri, PO, &release_body(), &[]).await;
    assert_eq!(released.status, StatusCode::OK, "{}", released.text);
    assert_eq!(released.body["status"], "released");
    assert_eq!(released.body["channel"], "secure_email");
    assert_eq!(released.body["released_to"], json!([RECIPIENT]));
    let again = w.post(&release_uri, PO, &release_body(), &[]).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN, "{}", again.text);
    // Exactly one disclosure row, with the recipients and the hash of what was released.
    let disclosures = audited(&w, "disclosure").await;
    assert_eq!(disclosures.len(), 1, "{disclosures:?}");
    let row = &disclosures[0]["entry"];
    assert_eq!(row["actor"], PO);
    assert_eq!(row["recipients"], json!([RECIPIENT]));
    assert_eq!(
        row["details"]["content_sha256"],
        released.body["content_sha256"]
    );
    // The decision's row is found by the person's audit search.
    let alterations = audited(&w, "alteration").await;
    assert!(
        alterations
            .iter()
            .any(|e| e["entry"]["action"] == "decide_sharing_request"),
        "{alterations:?}"
    );
    // The released package is served until it expires, then 410 Gone.
    let served = w.get(&package_uri, PO).await;
    assert_eq!(served.status, StatusCode::OK, "{}", served.text);
    days_later(&w, 31, PO);
    let gone = w.get(&package_uri, PO).await;
    assert_eq!(gone.status, StatusCode::GONE, "{}", gone.text);
    assert!(!gone.text.contains("Analysis"), "{}", gone.text);
    let read = w.get(&format!("/api/v1/sharing-requests/{id}"), PO).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.body["request"]["state"], "expired");
    assert_eq!(read.body["package"]["status"], "expired");
    assert!(!read.text.contains("Analysis"), "{}", read.text);
    days_later(&w, 0, AUDITOR);
    assert_eq!(audited(&w, "disclosure").await.len(), 1);
    assert_eq!(audited(&w, "erasure").await.len(), 1);
}

#[tokio::test]
async fn the_same_manager_cannot_approve_their_own_decision() {
    let w = world();
    w.add_spo("SPO1");
    w.add_spo("SPO2");
    let id = drafted(&w, "SPO1").await;
    review_all(&w, "SPO1", &id).await;
    let approval_uri = format!("/api/v1/sharing-requests/{id}/package/approval");
    let own = w.post(&approval_uri, "SPO1", "{}", &[]).await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "{}", own.text);
    assert!(own.text.contains("second person"), "{}", own.text);
    let other = w.post(&approval_uri, "SPO2", "{}", &[]).await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.text);
}

#[tokio::test]
async fn an_immediate_package_released_by_one_manager_is_reviewed_by_another() {
    let w = world();
    w.add_spo("SPO1");
    w.add_spo("SPO2");
    lock_an_assessment(&w).await;
    let mut body: Value = serde_json::from_str(&sharing_request_json("X123456")).expect("json");
    body["urgency"] = json!("immediate");
    let recorded = w
        .post(
            &format!("/api/v1/people/{PERSON}/sharing-requests"),
            PO,
            &body.to_string(),
            &[],
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text);
    let id = recorded.body["record"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let base = format!("/api/v1/sharing-requests/{id}");
    for (uri, body, expected) in [
        (
            format!("{base}/decision"),
            decision_body(),
            StatusCode::CREATED,
        ),
        (
            format!("{base}/package"),
            "{}".to_owned(),
            StatusCode::CREATED,
        ),
    ] {
        let reply = w.post(&uri, "SPO1", &body, &[]).await;
        assert_eq!(reply.status, expected, "{uri}: {}", reply.text);
    }
    review_all(&w, "SPO1", &id).await;
    let approved = w
        .post(&format!("{base}/package/approval"), "SPO1", "{}", &[])
        .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    assert_eq!(approved.body["retrospective_review_required"], true);
    let released = w
        .post(
            &format!("{base}/package/release"),
            "SPO1",
            &release_body(),
            &[],
        )
        .await;
    assert_eq!(released.status, StatusCode::OK, "{}", released.text);
    // The browser shows the flag and the review form to the managers.
    let page = w.get(&format!("/sharing/{id}/package"), "SPO2").await;
    assert!(
        page.text.contains("Retrospective review needed")
            && page.text.contains("/package/retrospective-review"),
        "{}",
        page.text
    );
    let review_uri = format!("{base}/package/retrospective-review");
    let own = w.post(&review_uri, "SPO1", "{}", &[]).await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "{}", own.text);
    let practitioner = w.post(&review_uri, PO, "{}", &[]).await;
    assert_eq!(
        practitioner.status,
        StatusCode::FORBIDDEN,
        "{}",
        practitioner.text
    );
    redirected_to(
        &form(
            &w,
            &format!("/sharing/{id}/package/retrospective-review"),
            "SPO2",
            "",
        )
        .await,
        &format!("/sharing/{id}/package"),
    );
    let page = w.get(&format!("/sharing/{id}/package"), "SPO2").await;
    assert!(
        page.text.contains("Reviewed after the fact by SPO2"),
        "{}",
        page.text
    );
    let again = w.post(&review_uri, "SPO2", "{}", &[]).await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        again.text
    );
}

#[tokio::test]
async fn a_withdrawn_request_is_refused_and_its_package_gone() {
    let w = world();
    w.add_spo("SPO1");
    let id = drafted(&w, PO).await;
    review_all(&w, PO, &id).await;
    let withdraw_uri = format!("/api/v1/sharing-requests/{id}/withdrawal");
    let blank = w.post(&withdraw_uri, PO, r#"{"reason":" "}"#, &[]).await;
    assert_eq!(
        blank.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        blank.text
    );
    let outsider = w
        .post(&withdraw_uri, PO_OTHER_AREA, r#"{"reason":"closed"}"#, &[])
        .await;
    assert_eq!(outsider.status, StatusCode::NOT_FOUND, "{}", outsider.text);
    let withdrawn = w
        .post(&withdraw_uri, PO, r#"{"reason":"The enquiry closed"}"#, &[])
        .await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.text);
    assert_eq!(withdrawn.body["state"], "withdrawn");
    let package_uri = format!("/api/v1/sharing-requests/{id}/package");
    let gone = w.get(&package_uri, PO).await;
    assert_eq!(gone.status, StatusCode::GONE, "{}", gone.text);
    let approval = w
        .post(&format!("{package_uri}/approval"), "SPO1", "{}", &[])
        .await;
    assert_eq!(approval.status, StatusCode::FORBIDDEN, "{}", approval.text);
    let twice = w
        .post(&withdraw_uri, PO, r#"{"reason":"again"}"#, &[])
        .await;
    assert_eq!(twice.status, StatusCode::FORBIDDEN, "{}", twice.text);
}

/// Moves the clock on (past a package's expiry) and gives `user` a fresh session at the new time.
fn days_later(w: &World, days: i64, user: &str) {
    let now = {
        let mut clock = w.clock.0.lock().expect("clock");
        *clock += Duration::days(days);
        *clock
    };
    let token_hash = secret_hash(&format!("session-of-{user}"));
    w.db.revoke_session(&token_hash).expect("revoke");
    w.db.create_session(&Session {
        token_hash,
        username: user.to_owned(),
        created_at: now,
        last_seen_at: now,
    })
    .expect("session");
}

/// A browser form post as `user`.
async fn form(w: &World, uri: &str, user: &str, body: &str) -> Reply {
    w.send(
        Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::COOKIE, cookie(user))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .expect("request"),
    )
    .await
}

fn redirected_to(reply: &Reply, location: &str) {
    assert!(
        reply.status.is_redirection(),
        "{} {}",
        reply.status,
        reply.text
    );
    assert_eq!(reply.headers[header::LOCATION], location);
}

#[tokio::test]
async fn the_browser_marks_a_draft_and_prints_only_a_released_package() {
    let w = world();
    w.add_spo("SPO1");
    let id = drafted(&w, PO).await;
    let page_uri = format!("/sharing/{id}/package");
    let draft = w.get(&page_uri, PO).await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.text);
    assert!(
        draft.text.contains("DRAFT - NOT FOR RELEASE"),
        "{}",
        draft.text
    );
    assert!(
        !draft.text.contains("Content fingerprint"),
        "{}",
        draft.text
    );
    assert!(draft.text.contains("/package/review"), "{}", draft.text);
    // The request page links the draft and offers the withdrawal form.
    let request_page = w.get(&format!("/sharing/{id}"), PO).await;
    assert!(
        request_page.text.contains("Draft: text blocks to review")
            && request_page
                .text
                .contains(&format!("/sharing/{id}/withdraw")),
        "{}",
        request_page.text
    );
    // A phrase that is not in the text is refused with its field; one that is, is redacted.
    let missing = form(
        &w,
        &format!("{page_uri}/review"),
        PO,
        "element=6.97&redact=Nobody+Here&reason=third_party",
    )
    .await;
    assert_eq!(
        missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        missing.text
    );
    assert!(missing.text.contains("does not appear"), "{}", missing.text);
    let reviewed = form(
        &w,
        &format!("{page_uri}/review"),
        PO,
        "element=6.97&redact=Jo+Bloggs&reason=third_party",
    )
    .await;
    redirected_to(&reviewed, &page_uri);
    review_all(&w, PO, &id).await;
    let reviewed_page = w.get(&page_uri, PO).await;
    assert!(
        reviewed_page.text.contains("DRAFT - NOT FOR RELEASE")
            && !reviewed_page.text.contains("Jo Bloggs")
            && reviewed_page.text.contains("/package/approve"),
        "{}",
        reviewed_page.text
    );
    let refused = form(&w, &format!("{page_uri}/approve"), PO, "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    redirected_to(
        &form(&w, &format!("{page_uri}/approve"), "SPO1", "").await,
        &page_uri,
    );
    let approved_page = w.get(&page_uri, PO).await;
    assert!(
        approved_page.text.contains("DRAFT - NOT FOR RELEASE")
            && approved_page.text.contains("/package/release"),
        "{}",
        approved_page.text
    );
    let no_channel = form(
        &w,
        &format!("{page_uri}/release"),
        PO,
        "channel=&recipients=A+Worker",
    )
    .await;
    assert_eq!(
        no_channel.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        no_channel.text
    );
    redirected_to(
        &form(
            &w,
            &format!("{page_uri}/release"),
            PO,
            "channel=handed_over&recipients=A+Worker%2C+Anytown+Children%27s+Services",
        )
        .await,
        &page_uri,
    );
    let released = w.get(&page_uri, PO).await;
    assert_eq!(released.status, StatusCode::OK, "{}", released.text);
    assert!(
        !released.text.contains("DRAFT - NOT FOR RELEASE"),
        "{}",
        released.text
    );
    assert!(
        released.text.contains("OFFICIAL-SENSITIVE")
            && released.text.contains("Content fingerprint")
            && released.text.contains("Printed and handed over"),
        "{}",
        released.text
    );
    // Past its expiry the page is gone.
    days_later(&w, 31, PO);
    let gone = w.get(&page_uri, PO).await;
    assert_eq!(gone.status, StatusCode::GONE, "{}", gone.text);
}

#[tokio::test]
async fn the_browser_withdraws_a_request() {
    let w = world();
    let recorded = w
        .post(
            &format!("/api/v1/people/{PERSON}/sharing-requests"),
            PO,
            &sharing_request_json("X123456"),
            &[],
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text);
    let id = recorded.body["record"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let blank = form(&w, &format!("/sharing/{id}/withdraw"), PO, "reason=").await;
    assert_eq!(
        blank.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        blank.text
    );
    assert!(blank.text.contains("Say why"), "{}", blank.text);
    redirected_to(
        &form(
            &w,
            &format!("/sharing/{id}/withdraw"),
            PO,
            "reason=The+enquiry+closed",
        )
        .await,
        &format!("/sharing/{id}"),
    );
    let page = w.get(&format!("/sharing/{id}"), PO).await;
    assert!(
        page.text.contains("Withdrawn") && !page.text.contains("Record the withdrawal"),
        "{}",
        page.text
    );
    // A case administrator sees the request's identifiers only.
    let admin = w.get(&format!("/sharing/{id}"), CASE_ADMIN).await;
    assert_eq!(admin.status, StatusCode::OK, "{}", admin.text);
    assert!(
        admin.text.contains("identifiers") && !admin.text.contains("Section 47 enquiry"),
        "{}",
        admin.text
    );
}
