//! Bad input and optimistic concurrency over HTTP: each a 4xx problem body naming the field and
//! the reason (never a 5xx), and `ETag` / `If-Match` giving 428, 412 and 200.

mod support;

use axum::http::{StatusCode, header};
use support::*;

fn answer(code: &str) -> String {
    format!(r#"{{"command":{{"command":"answer","code":"{code}","value":{{"problems":1}}}}}}"#)
}

#[tokio::test]
async fn etag_and_if_match() {
    let w = world();
    let (id, etag) = w.new_assessment().await;
    let read = w.get(&format!("/api/v1/assessments/{id}"), PO).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.headers[header::ETAG], etag.as_str());
    assert_eq!(etag, format!("\"{id}-1\""));
    let uri = format!("/api/v1/assessments/{id}/commands");

    let missing = w.post(&uri, PO, &answer("3.4"), &[]).await;
    assert_eq!(
        missing.status,
        StatusCode::PRECONDITION_REQUIRED,
        "{}",
        missing.text
    );
    assert_eq!(missing.body["field"], "If-Match");

    let done = w
        .post(&uri, PO, &answer("3.4"), &[("if-match", &etag)])
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let next = format!("\"{id}-2\"");
    assert_eq!(done.headers[header::ETAG], next.as_str());

    let stale = w
        .post(&uri, PO, &answer("3.4"), &[("if-match", &etag)])
        .await;
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        stale.text
    );
    assert_eq!(stale.headers[header::ETAG], next.as_str());
    assert_eq!(stale.body["field"], "If-Match");

    let foreign = w
        .post(
            &uri,
            PO,
            &answer("3.4"),
            &[("if-match", "\"someone-else-1\"")],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::PRECONDITION_FAILED);
}

#[tokio::test]
async fn bad_bodies_name_the_field() {
    let w = world();
    let (id, etag) = w.new_assessment().await;
    let uri = format!("/api/v1/assessments/{id}/commands");
    let send = |body: String| {
        let w = &w;
        let uri = uri.clone();
        let etag = etag.clone();
        async move { w.post(&uri, PO, &body, &[("if-match", &etag)]).await }
    };

    let malformed = send(r#"{"command": "#.to_owned()).await;
    assert_eq!(
        malformed.status,
        StatusCode::BAD_REQUEST,
        "{}",
        malformed.text
    );
    assert_eq!(
        malformed.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );

    let unknown = send(r#"{"command":{"command":"sign"},"version":7}"#.to_owned()).await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.text
    );
    assert_eq!(unknown.body["field"], "version", "{}", unknown.text);

    let wrong_type =
        send(r#"{"command":{"command":"answer","code":34,"value":1}}"#.to_owned()).await;
    assert_eq!(
        wrong_type.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong_type.text
    );
    assert!(
        wrong_type.body["field"]
            .as_str()
            .is_some_and(|f| f.starts_with("command")),
        "{}",
        wrong_type.text
    );

    let unknown_code = send(answer("99.99")).await;
    assert_eq!(
        unknown_code.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown_code.text
    );
    assert!(unknown_code.text.contains("99.99"), "{}", unknown_code.text);

    // Signing an empty assessment is an illegal transition: refused naming what is missing,
    // the sentence plan among it whatever `plan_agreed` the client sends.
    let illegal = send(r#"{"command":{"command":"sign","plan_agreed":true}}"#.to_owned()).await;
    assert!(
        illegal
            .text
            .contains("no sentence plan for this assessment"),
        "{}",
        illegal.text
    );
    assert_eq!(
        illegal.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        illegal.text
    );
    assert!(
        illegal.body["errors"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "{}",
        illegal.text
    );
    // Nothing was written by any of them.
    let read = w.get(&format!("/api/v1/assessments/{id}"), PO).await;
    assert_eq!(read.headers[header::ETAG], etag.as_str());
}

#[tokio::test]
async fn oversize_and_wrong_content_type() {
    let w = world();
    let uri = format!("/api/v1/people/{PERSON}/assessments");
    let huge = format!(r#"{{"layer":"{}"}}"#, "x".repeat(300 * 1024));
    let reply = w.post(&uri, PO, &huge, &[]).await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.text
    );
    assert_eq!(reply.body["field"], "body");

    let reply = w
        .call(
            axum::http::Method::POST,
            &uri,
            Some(PO),
            None,
            &[("content-type", "text/plain")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let reply = w.post(&uri, PO, r#"{"layer":"layer9"}"#, &[]).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );
    assert_eq!(reply.body["field"], "layer", "{}", reply.text);
}

#[tokio::test]
async fn bad_ids_and_queries_are_4xx() {
    let w = world();
    let reply = w.get("/api/v1/people/not-a-uuid", PO).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = w.get("/api/v1/people?crn=nonsense", PO).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );
    assert_eq!(reply.body["field"], "crn");
    let reply = w.get("/api/v1/people?colour=red", PO).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    let reply = w.get("/api/v1/reviews-due?before=yesterday", PO).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    let reply = w.get("/api/v1/nowhere", PO).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        reply.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
}
