//! Countersigning in the browser, double countersigning included: a rank 1 practitioner's Very
//! High assessment needs two countersignatures; the task list tells the first countersigner so
//! and asks for the second one's name, refuses a countersignature that does not send it on, and
//! the named second countersigner finishes it from the same page.

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use oasys_app::{AccountRepository, AssessmentRepository};
use oasys_assessment_model::{Rank, State};
use oasys_sharing_policy::Role;
use serde_json::json;
use support::*;
use uuid::Uuid;

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

fn state(w: &World, id: Uuid) -> (State, u64) {
    let a = w.db.assessment_state(id).expect("read").expect("stored");
    (a.state().clone(), a.version())
}

#[tokio::test]
async fn a_very_high_rank_one_assessment_is_countersigned_twice_in_the_browser() {
    let w = world();
    let mut rank_one = profile(Role::Practitioner, AREA);
    rank_one.grade = Rank::new(1).ok();
    w.db.set_profile(PO, &rank_one).expect("rank 1");
    w.add_spo("SPO8");
    w.add_spo("SPO9");
    let (id, etag) = w.new_assessment().await;
    let rated = w
        .post(
            &format!("/api/v1/assessments/{id}/commands"),
            PO,
            &json!({"command": {"command": "answer", "code": "SUM6.2.1",
                "value": {"risk_level": "V"}}})
            .to_string(),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(rated.status, StatusCode::OK, "{}", rated.text);
    let (_, version) = state(&w, id);
    let locked = form(
        &w,
        &format!("/assessments/{id}/lock-incomplete"),
        PO,
        &format!("version={version}&comment=Court+tomorrow&countersigner=SPO9"),
    )
    .await;
    assert!(
        locked.status.is_success() || locked.status.is_redirection(),
        "{} {}",
        locked.status,
        locked.text
    );
    let (now, version) = state(&w, id);
    assert_eq!(now, State::AwaitingCountersign { incomplete: true });

    // The first countersigner is told a second countersignature is needed.
    let page = w.get(&format!("/assessments/{id}"), "SPO9").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.text.contains("needs two countersignatures"),
        "{}",
        page.text
    );
    assert!(page.text.contains("name=\"send_for_second\" value=\"yes\""));
    let alone = form(
        &w,
        &format!("/assessments/{id}/countersign"),
        "SPO9",
        &format!("version={version}"),
    )
    .await;
    assert_eq!(
        alone.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        alone.text
    );
    assert!(
        alone.text.contains("second countersignature is required"),
        "{}",
        alone.text
    );
    let unnamed = form(
        &w,
        &format!("/assessments/{id}/countersign"),
        "SPO9",
        &format!("version={version}&send_for_second=yes"),
    )
    .await;
    assert_eq!(
        unnamed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unnamed.text
    );
    assert_eq!(
        state(&w, id).0,
        State::AwaitingCountersign { incomplete: true }
    );
    let sent = form(
        &w,
        &format!("/assessments/{id}/countersign"),
        "SPO9",
        &format!("version={version}&send_for_second=yes&countersigner=SPO8"),
    )
    .await;
    assert!(sent.status.is_success(), "{}", sent.text);
    assert!(
        sent.text.contains("Sent for a second countersignature"),
        "{}",
        sent.text
    );
    let (now, version) = state(&w, id);
    assert_eq!(now, State::AwaitingDoubleCountersign { incomplete: true });

    // The second countersigner finishes it from the task list.
    let page = w.get(&format!("/assessments/{id}"), "SPO8").await;
    assert!(
        page.text.contains("Give the second countersignature"),
        "{}",
        page.text
    );
    let done = form(
        &w,
        &format!("/assessments/{id}/countersign"),
        "SPO8",
        &format!("version={version}&stage=second"),
    )
    .await;
    assert!(done.status.is_success(), "{}", done.text);
    assert_eq!(state(&w, id).0, State::LockedIncomplete);
}
