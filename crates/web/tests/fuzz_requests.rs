//! Hostile input through the whole router (issue 11): property-generated JSON bodies, raw bytes,
//! query strings, path ids and `If-Match` headers on every route that parses outside input. A
//! panic would surface as the catch-panic layer's 500, so the property is: never a 5xx, and every
//! refusal is a problem document (`application/problem+json` with a status).
//!
//! Cases per property come from `OASYS_FUZZ_CASES` (default 64; `cargo xtask fuzz` runs many more).

mod support;

use axum::body::Body;
use axum::http::{Method, Request, header};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value};
use support::*;

fn cases() -> u32 {
    std::env::var("OASYS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

/// Field names and values the API knows, so generated documents reach deep into the parsers.
const KEYS: &[&str] = &[
    "command",
    "code",
    "value",
    "problems",
    "text",
    "yes",
    "count",
    "date",
    "options",
    "layer",
    "purpose",
    "court_report",
    "clone_previous",
    "countersigner",
    "review_events",
    "plan_agreed",
    "changes",
    "change",
    "status",
    "note",
    "reason",
    "comment",
    "send_for_second",
    "section",
    "assessor",
    "username",
    "password",
    "excluded",
    "restricted_to",
    "exclusion_message",
    "restriction_message",
    "id",
    "ids",
    "crn",
    "pnc",
    "nomis_id",
    "family_name",
    "given_name",
    "date_of_birth",
    "gender",
    "location",
    "community",
    "custody",
    "pdu",
    "team",
    "practitioner",
    "recipient",
    "purpose_code",
    "decision",
    "objectives",
    "revision",
    "person_id",
    "assessment_id",
];

const WORDS: &[&str] = &[
    "answer",
    "clear_answer",
    "sign",
    "countersign",
    "second_countersign",
    "lock_incomplete",
    "reject",
    "rollback",
    "delete",
    "restore",
    "void",
    "confirm_section",
    "reassign_assessor",
    "3.4",
    "3.97",
    "2.1",
    "layer1",
    "layer3_full",
    "start_of_community_order",
    "male",
    "female",
    "X123456",
    "T1",
    "PO1",
    "2026-03-02",
    "2026-02-30",
    "00000000-0000-0000-0000-000000000001",
    "",
    "\u{0}",
    "\u{202e}",
    "<script>",
    "'; DROP TABLE assessments; --",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop::sample::select(WORDS).prop_map(Value::from),
        ".{0,24}".prop_map(Value::from),
        (1usize..40_000).prop_map(|n| Value::from("x".repeat(n))),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(KEYS).prop_map(str::to_owned),
        1 => ".{0,12}",
    ]
}

/// Any JSON value, keys and words biased to the API's vocabulary.
fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A body: a generated document, one nested under `command`, raw bytes, or truncated JSON.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => json_value().prop_map(|v| v.to_string().into_bytes()),
        3 => (prop::sample::select(WORDS), prop::collection::vec((key(), json_value()), 0..4))
            .prop_map(|(name, fields)| {
                let mut command = Map::new();
                command.insert("command".to_owned(), Value::from(name));
                command.extend(fields);
                serde_json::json!({ "command": command }).to_string().into_bytes()
            }),
        2 => prop::collection::vec(any::<u8>(), 0..256),
        1 => (json_value(), any::<prop::sample::Index>()).prop_map(|(v, cut)| {
            let text = v.to_string().into_bytes();
            let at = cut.index(text.len() + 1);
            text[..at].to_vec()
        }),
    ]
}

/// Bytes percent-encoded into a query string.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A query string: known and unknown parameters with hostile values, repeated ones, raw junk.
fn query() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        prop::sample::select(
            &[
                "crn", "name", "person", "from", "to", "limit", "before", "team", "page", "q",
            ][..]
        )
        .prop_map(str::to_owned),
        ".{0,8}".prop_map(|s| encode(&s)),
    ];
    let value = prop_oneof![
        prop::sample::select(WORDS).prop_map(encode),
        any::<i64>().prop_map(|n| n.to_string()),
        ".{0,40}".prop_map(|s| encode(&s)),
        "[%&=+a-z0-9]{0,20}",
    ];
    prop::collection::vec((name, value), 0..5).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// Checks one reply: never a 5xx, and a refusal is a problem document naming its status.
fn check(reply: &Reply, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        reply.status.as_u16() < 500,
        "{what} answered {}: {}",
        reply.status,
        reply.text
    );
    if reply.status.is_client_error() {
        let kind = reply
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        prop_assert_eq!(kind, "application/problem+json", "{}: {}", what, reply.text);
        prop_assert_eq!(
            reply.body["status"].as_u64(),
            Some(u64::from(reply.status.as_u16())),
            "{}: {}",
            what,
            reply.text
        );
    }
    Ok(())
}

async fn raw(
    w: &World,
    method: Method,
    uri: &str,
    user: &str,
    body: Vec<u8>,
    extra: &[(&str, String)],
) -> Reply {
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::COOKIE, cookie(user))
        .header(header::CONTENT_TYPE, "application/json");
    for (name, value) in extra {
        builder = builder.header(*name, value.as_str());
    }
    w.send(builder.body(Body::from(body)).expect("request"))
        .await
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn hostile_bodies_on_every_route_that_reads_one_never_give_a_5xx() {
    let rt = rt();
    let w = rt.block_on(async { world() });
    let (assessment, _) = rt.block_on(w.new_assessment());
    let plan_draft = format!("/api/v1/assessments/{assessment}/plan");
    let commands = format!("/api/v1/assessments/{assessment}/commands");
    let read = format!("/api/v1/assessments/{assessment}");
    let targets: Vec<(Method, String, &str)> = vec![
        (Method::POST, commands.clone(), PO),
        (Method::POST, "/api/v1/auth/login".to_owned(), PO),
        (
            Method::POST,
            format!("/api/v1/people/{PERSON}/assessments"),
            PO,
        ),
        (Method::POST, "/api/v1/people".to_owned(), ADMIN),
        (Method::PUT, format!("/api/v1/people/{PERSON}/lao"), ADMIN),
        (
            Method::POST,
            format!("/api/v1/people/{PERSON}/allocation"),
            ADMIN,
        ),
        (
            Method::POST,
            format!("/api/v1/people/{PERSON}/sharing-requests"),
            PO,
        ),
        (
            Method::POST,
            format!("/api/v1/sharing-requests/{PERSON}/decision"),
            PO,
        ),
        (Method::POST, plan_draft, PO),
        (
            Method::POST,
            format!("/api/v1/plans/{assessment}/changes"),
            PO,
        ),
        (
            Method::POST,
            format!("/api/v1/plans/{assessment}/agreement"),
            PO,
        ),
    ];
    let tried = std::cell::Cell::new(0_u64);
    runner()
        .run(
            &(prop::sample::select(targets), body(), any::<bool>()),
            |((method, uri, user), body, fresh_tag)| {
                tried.set(tried.get() + 1);
                rt.block_on(async {
                    // The current ETag (or a stale or foreign one) so commands reach the parser
                    // and, when the body is valid, the use case.
                    let tag = if fresh_tag {
                        let current = w.get(&read, PO).await;
                        current.headers[header::ETAG]
                            .to_str()
                            .unwrap_or_default()
                            .to_owned()
                    } else {
                        format!("\"{assessment}-1\"")
                    };
                    let reply =
                        raw(&w, method.clone(), &uri, user, body, &[("if-match", tag)]).await;
                    check(&reply, &format!("{method} {uri}"))
                })
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
    // The assessment is still readable and whole after everything that was thrown at it.
    let after = rt.block_on(w.get(&read, PO));
    assert_eq!(after.status.as_u16(), 200, "{}", after.text);
    eprintln!(
        "reliability: fuzz web-bodies inputs={} failures=0",
        tried.get()
    );
}

#[test]
fn hostile_query_strings_path_ids_and_if_match_never_give_a_5xx() {
    let rt = rt();
    let w = rt.block_on(async { world() });
    let (assessment, _) = rt.block_on(w.new_assessment());
    let routes: Vec<(String, &str)> = vec![
        ("/api/v1/people".to_owned(), PO),
        ("/api/v1/audit".to_owned(), AUDITOR),
        ("/api/v1/reviews-due".to_owned(), PO),
        ("/api/v1/caseload".to_owned(), PO),
        (format!("/api/v1/people/{PERSON}/assessments"), PO),
        (format!("/api/v1/assessments/{assessment}/history"), PO),
        (format!("/api/v1/assessments/{assessment}/events"), PO),
        (format!("/api/v1/assessments/{assessment}/scores"), PO),
        ("/api/v1/audit/verify".to_owned(), AUDITOR),
    ];
    let segment = prop_oneof![
        Just(assessment.to_string()),
        Just(PERSON.to_string()),
        ".{0,40}".prop_map(|s| encode(&s)),
        "[0-9a-fA-F-]{30,40}",
    ];
    let id_routes: &'static [&'static str] = &[
        "/api/v1/people/{}",
        "/api/v1/assessments/{}",
        "/api/v1/assessments/{}/scores",
        "/api/v1/assessments/{}/history",
        "/api/v1/assessments/{}/events",
        "/api/v1/plans/{}",
        "/api/v1/people/{}/assessments",
    ];
    let header_text = "[ -~]{0,60}";
    let tried = std::cell::Cell::new(0_u64);
    runner()
        .run(
            &(
                prop::sample::select(routes),
                query(),
                segment,
                prop::sample::select(id_routes),
                header_text,
            ),
            |((route, user), q, id, template, junk)| {
                tried.set(tried.get() + 3);
                rt.block_on(async {
                    let uri = format!("{route}?{q}");
                    let reply = w
                        .call(
                            Method::GET,
                            &uri,
                            Some(user),
                            None,
                            &[("x-justification", "fuzzing the query parser")],
                        )
                        .await;
                    check(&reply, &uri)?;
                    let by_id = template.replace("{}", &id);
                    let reply = w.get(&by_id, PO).await;
                    check(&reply, &by_id)?;
                    let commands = format!("/api/v1/assessments/{assessment}/commands");
                    let body =
                        r#"{"command":{"command":"answer","code":"3.4","value":{"problems":1}}}"#;
                    let reply = w
                        .post(&commands, PO, body, &[("if-match", junk.as_str())])
                        .await;
                    check(&reply, &format!("If-Match {junk:?}"))?;
                    prop_assert!(
                        reply.status.as_u16() != 200 || junk.contains(&assessment.to_string())
                    );
                    Ok(())
                })
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "reliability: fuzz web-query-path-header inputs={} failures=0",
        tried.get()
    );
}
