//! The role × route × caseload matrix over HTTP: every cell's status is asserted, so an
//! unexpected 2xx (or a 403 where existence must stay hidden) fails.

mod support;

use axum::http::{Method, StatusCode, header};
use support::*;
use uuid::Uuid;

const OK: u16 = 200;
const CREATED: u16 = 201;
const FORBIDDEN: u16 = 403;
const HIDDEN: u16 = 404;

/// Users in matrix column order.
const USERS: [&str; 6] = [
    PO,
    PO_SAME_AREA,
    PO_OTHER_AREA,
    PO_EXCLUDED,
    CASE_ADMIN,
    ANALYST,
];

struct Row {
    name: &'static str,
    method: Method,
    uri: String,
    body: Option<&'static str>,
    /// Expected status per user in `USERS` order.
    expect: [u16; 6],
    /// Send `If-Match` with the current `ETag` of this assessment (read as its practitioner).
    if_match: Option<Uuid>,
}

async fn check(w: &World, rows: &[Row]) {
    let mut failures = Vec::new();
    for row in rows {
        // The ETag as read before the row: the first user's write makes it stale for the
        // others, who must be refused by the policy before the version is checked.
        let mut etag = String::new();
        if let Some(id) = row.if_match {
            let current = w.get(&format!("/api/v1/assessments/{id}"), PO).await;
            etag = current.headers[header::ETAG]
                .to_str()
                .expect("etag")
                .to_owned();
        }
        for (user, expected) in USERS.iter().zip(row.expect) {
            let extra: &[(&str, &str)] = if row.if_match.is_some() {
                &[("if-match", &etag)]
            } else {
                &[]
            };
            let reply = w
                .call(row.method.clone(), &row.uri, Some(user), row.body, extra)
                .await;
            if reply.status.as_u16() != expected {
                failures.push(format!(
                    "{} as {user}: expected {expected}, got {} {}",
                    row.name, reply.status, reply.text
                ));
            }
            assert!(!reply.status.is_server_error(), "{} as {user}", row.name);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const CREATE: &str = r#"{"layer":"layer3_full","purpose":"start_of_community_order"}"#;

#[tokio::test]
async fn people_routes() {
    let w = world();
    // PO allocated · PO same area · PO other area · PO excluded (from the LAO case) · case admin · analyst
    let rows = [
        Row {
            name: "read allocated person",
            method: Method::GET,
            uri: format!("/api/v1/people/{PERSON}"),
            body: None,
            // A case administrator sees identifiers only (no identifiers route yet).
            expect: [OK, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
            if_match: None,
        },
        Row {
            name: "read LAO person",
            method: Method::GET,
            uri: format!("/api/v1/people/{LAO_PERSON}"),
            body: None,
            expect: [
                FORBIDDEN, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
            ],
            if_match: None,
        },
        Row {
            name: "read unknown person",
            method: Method::GET,
            uri: format!("/api/v1/people/{}", Uuid::from_u128(999)),
            body: None,
            expect: [HIDDEN; 6],
            if_match: None,
        },
        Row {
            name: "caseload",
            method: Method::GET,
            uri: "/api/v1/caseload".to_owned(),
            body: None,
            // Everyone has a caseload; it is empty unless cases are allocated to them.
            expect: [OK; 6],
            if_match: None,
        },
    ];
    check(&w, &rows).await;
}

#[tokio::test]
async fn assessment_routes() {
    let w = world();
    let (id, _) = w.new_assessment().await;
    let rows = [
        Row {
            name: "read assessment",
            method: Method::GET,
            uri: format!("/api/v1/assessments/{id}"),
            body: None,
            expect: [OK, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
            if_match: None,
        },
        Row {
            name: "score assessment",
            method: Method::GET,
            uri: format!("/api/v1/assessments/{id}/scores"),
            body: None,
            expect: [OK, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
            if_match: None,
        },
        Row {
            name: "assessment history",
            method: Method::GET,
            uri: format!("/api/v1/assessments/{id}/history"),
            body: None,
            expect: [OK, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
            if_match: None,
        },
        Row {
            name: "assessment event log",
            method: Method::GET,
            uri: format!("/api/v1/assessments/{id}/events"),
            body: None,
            expect: [OK, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
            if_match: None,
        },
        Row {
            name: "a person's assessments",
            method: Method::GET,
            uri: format!("/api/v1/people/{PERSON}/assessments"),
            body: None,
            expect: [OK, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
            if_match: None,
        },
        Row {
            name: "start a second assessment",
            method: Method::POST,
            uri: format!("/api/v1/people/{PERSON}/assessments"),
            body: Some(CREATE),
            // The allocated practitioner already has one open: a broken rule, not a 2xx.
            expect: [422, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
            if_match: None,
        },
        Row {
            name: "start an assessment on the LAO case",
            method: Method::POST,
            uri: format!("/api/v1/people/{LAO_PERSON}/assessments"),
            body: Some(CREATE),
            expect: [
                FORBIDDEN, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
            ],
            if_match: None,
        },
        Row {
            name: "read a section",
            method: Method::GET,
            uri: format!("/api/v1/assessments/{id}/sections/accommodation"),
            body: None,
            expect: [OK, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
            if_match: None,
        },
        Row {
            name: "read the risk management plan",
            method: Method::GET,
            uri: format!("/api/v1/assessments/{id}/risk-management-plan"),
            body: None,
            expect: [OK, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
            if_match: None,
        },
        Row {
            name: "compare assessments",
            method: Method::GET,
            uri: format!("/api/v1/assessments/{id}/compare/{id}"),
            body: None,
            expect: [OK, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
            if_match: None,
        },
        Row {
            name: "save a section",
            method: Method::PUT,
            uri: format!("/api/v1/assessments/{id}/sections/accommodation"),
            body: Some(r#"{"answers":{"3.4":{"problems":1}}}"#),
            expect: [OK, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
            if_match: Some(id),
        },
        Row {
            name: "save the risk management plan",
            method: Method::PUT,
            uri: format!("/api/v1/assessments/{id}/risk-management-plan"),
            body: Some(r#"{"answers":{"RM30":{"text":"Weekly"}}}"#),
            expect: [OK, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
            if_match: Some(id),
        },
        Row {
            name: "answer through the commands route",
            method: Method::POST,
            uri: format!("/api/v1/assessments/{id}/commands"),
            body: Some(r#"{"command":{"command":"answer","code":"3.5","value":{"problems":1}}}"#),
            expect: [OK, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
            if_match: Some(id),
        },
        Row {
            name: "restore an undeleted assessment",
            method: Method::POST,
            uri: format!("/api/v1/assessments/{id}/commands"),
            body: Some(r#"{"command":{"command":"restore","reason":"Needed"}}"#),
            // Restoring is for managers over the team.
            expect: [
                FORBIDDEN, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
            ],
            if_match: Some(id),
        },
        Row {
            name: "delete the draft",
            method: Method::POST,
            uri: format!("/api/v1/assessments/{id}/commands"),
            body: Some(r#"{"command":{"command":"delete","reason":"Started in error"}}"#),
            // Last: the assessor deletes their own open draft; nobody else may.
            expect: [OK, FORBIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
            if_match: Some(id),
        },
    ];
    check(&w, &rows).await;
}

#[tokio::test]
async fn search_leaves_out_what_the_caller_may_not_see() {
    let w = world();
    let names = |reply: &Reply| reply.body.as_array().map_or(0, Vec::len);
    let mine = w.get("/api/v1/people?name=exam", PO).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    assert_eq!(names(&mine), 1);
    let lao = w.get("/api/v1/people?crn=X654321", PO_EXCLUDED).await;
    assert_eq!(lao.status, StatusCode::OK, "{}", lao.text);
    // The excluded user is in the team: a placeholder row (CRN only), never the person.
    assert_eq!(names(&lao), 1, "{}", lao.text);
    assert_eq!(lao.body[0]["row"], "restricted", "{}", lao.text);
    assert!(!lao.text.contains("Sample"), "{}", lao.text);
    let other = w.get("/api/v1/people?name=exam", PO_OTHER_AREA).await;
    assert_eq!(names(&other), 0, "{}", other.text);
    for user in [PO_SAME_AREA, CASE_ADMIN, ANALYST] {
        let caseload = w.get("/api/v1/caseload", user).await;
        assert_eq!(names(&caseload), 0, "{user}: {}", caseload.text);
    }
    let excluded = w.get("/api/v1/caseload", PO_EXCLUDED).await;
    assert!(!excluded.text.contains("Sample"), "{}", excluded.text);
    let analyst = w.get("/api/v1/people?name=exam", ANALYST).await;
    assert!(
        analyst.status != StatusCode::OK || names(&analyst) == 0,
        "{}",
        analyst.text
    );
}

#[tokio::test]
async fn created_is_201_for_the_allocated_practitioner_only() {
    let w = world();
    let uri = format!("/api/v1/people/{PERSON}/assessments");
    for user in [PO_SAME_AREA, PO_OTHER_AREA, CASE_ADMIN, ANALYST] {
        let reply = w.post(&uri, user, CREATE, &[]).await;
        assert!(!reply.status.is_success(), "{user}: {}", reply.text);
    }
    let reply = w.post(&uri, PO, CREATE, &[]).await;
    assert_eq!(reply.status.as_u16(), CREATED, "{}", reply.text);
}

#[tokio::test]
async fn allocation_by_a_case_admin_takes_effect_on_the_next_request() {
    let w = world();
    let uri = format!("/api/v1/people/{PERSON}/allocation");
    let body = r#"{"practitioner":"PO2","team":"T1"}"#;
    let person = format!("/api/v1/people/{PERSON}");
    assert_eq!(w.get(&person, PO).await.status, StatusCode::OK);
    for user in [PO, PO_SAME_AREA, PO_OTHER_AREA, ANALYST] {
        let reply = w.post(&uri, user, body, &[]).await;
        assert!(!reply.status.is_success(), "{user}: {}", reply.text);
    }
    let reply = w.post(&uri, CASE_ADMIN, body, &[]).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
    assert_eq!(w.get(&person, PO_SAME_AREA).await.status, StatusCode::OK);
    assert_eq!(w.get(&person, PO).await.status, StatusCode::FORBIDDEN);
    let bad = w
        .post(
            &uri,
            CASE_ADMIN,
            r#"{"practitioner":"PO2","team":"t 1"}"#,
            &[],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["field"], "team");
}

#[tokio::test]
async fn sharing_read_routes() {
    let w = world();
    let created = w
        .post(
            &format!("/api/v1/people/{PERSON}/sharing-requests"),
            PO,
            &sharing_request_json("X123456"),
            &[],
        )
        .await;
    assert_eq!(created.status.as_u16(), CREATED, "{}", created.text);
    let id = created.body["record"]["id"]
        .as_str()
        .expect("request id")
        .to_owned();
    let rows = [
        Row {
            name: "read a sharing request",
            method: Method::GET,
            uri: format!("/api/v1/sharing-requests/{id}"),
            body: None,
            // Whoever may view the person reads the request in full; a case administrator of
            // the team reads its identifiers only (checked below).
            expect: [OK, FORBIDDEN, HIDDEN, FORBIDDEN, OK, FORBIDDEN],
            if_match: None,
        },
        Row {
            name: "read an unknown sharing request",
            method: Method::GET,
            uri: format!("/api/v1/sharing-requests/{}", Uuid::from_u128(999)),
            body: None,
            expect: [HIDDEN; 6],
            if_match: None,
        },
        Row {
            name: "sharing inbox",
            method: Method::GET,
            uri: "/api/v1/sharing-requests".to_owned(),
            body: None,
            // Everyone has an inbox; it lists only the cases they work on.
            expect: [OK; 6],
            if_match: None,
        },
    ];
    check(&w, &rows).await;
    let read = format!("/api/v1/sharing-requests/{id}");
    let full = w.get(&read, PO).await;
    assert_eq!(full.body["view"], "full", "{}", full.text);
    assert!(full.text.contains("Section 47 enquiry"), "{}", full.text);
    let metadata = w.get(&read, CASE_ADMIN).await;
    assert_eq!(metadata.body["view"], "metadata", "{}", metadata.text);
    assert_eq!(metadata.body["crn"], "X123456", "{}", metadata.text);
    for content in [
        "Section 47 enquiry",
        "Child One",
        "\"person\"",
        "\"decision\"",
    ] {
        assert!(
            !metadata.text.contains(content),
            "a case administrator read {content}: {}",
            metadata.text
        );
    }
    let count = |reply: &Reply| reply.body.as_array().map_or(0, Vec::len);
    for (user, expected) in [
        (PO, 1),
        (CASE_ADMIN, 1),
        (PO_SAME_AREA, 0),
        (PO_OTHER_AREA, 0),
        (PO_EXCLUDED, 0),
        (ANALYST, 0),
    ] {
        let inbox = w.get("/api/v1/sharing-requests", user).await;
        assert_eq!(count(&inbox), expected, "{user}: {}", inbox.text);
    }
    let inbox = w.get("/api/v1/sharing-requests?limit=1", PO).await;
    assert_eq!(
        inbox.body[0]["request"]["record"]["id"],
        id.as_str(),
        "{}",
        inbox.text
    );
    for bad in ["limit=0", "limit=1000", "limit=x", "colour=red"] {
        let reply = w.get(&format!("/api/v1/sharing-requests?{bad}"), PO).await;
        assert!(
            reply.status.is_client_error(),
            "{bad}: {} {}",
            reply.status,
            reply.text
        );
    }
}
