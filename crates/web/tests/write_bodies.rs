//! Property: a random JSON body sent to any write route never gets a 5xx (nor a panic, which the
//! catch-panic layer would turn into a 500), and when the answer is a 4xx nothing was written:
//! every data table of the database has the same content before and after. (Audit events are
//! written on purpose for refusals, sessions are touched by every request and failed logins are
//! counted, so `audit_log`, `audit_chain`, `sessions` and `login_attempts` are left out.)
//!
//! Bodies are either valid ones with one mutation (a key dropped, an unknown key, a value of
//! another type, a value replaced) or documents generated from the API's own keys and words.
//! Cases come from `OASYS_FUZZ_CASES` (default 64).

mod support;

use axum::body::Body;
use axum::http::{Method, Request, header};
use diesel::sql_types::Text;
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection, sql_query};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use support::*;
use uuid::Uuid;

/// Tables whose rows are not "data" for this property (see the module documentation).
const NOT_DATA: &[&str] = &[
    "audit_log",
    "audit_chain",
    "sessions",
    "login_attempts",
    "__diesel_schema_migrations",
];

#[derive(QueryableByName)]
struct Named {
    #[diesel(sql_type = Text)]
    name: String,
}

/// A digest of every data table's rows, in a stable order.
fn fingerprint(url: &str) -> String {
    let path = url.strip_prefix("sqlite://").unwrap_or(url);
    let mut conn = SqliteConnection::establish(path).expect("open sqlite");
    let tables: Vec<Named> = sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )
    .load(&mut conn)
    .expect("tables");
    let mut digest = Sha256::new();
    for table in tables
        .iter()
        .filter(|t| !NOT_DATA.contains(&t.name.as_str()))
    {
        let columns: Vec<Named> = sql_query("SELECT name FROM pragma_table_info(?) ORDER BY cid")
            .bind::<Text, _>(&table.name)
            .load(&mut conn)
            .expect("columns");
        // Table and column names come from the schema itself, never from a request.
        let row = columns
            .iter()
            .map(|c| format!("quote(\"{}\")", c.name))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let query = format!(
            "SELECT COALESCE(group_concat(r, char(10)), '') AS name \
             FROM (SELECT {row} AS r FROM \"{}\" ORDER BY 1)",
            table.name
        );
        let rows: Vec<Named> = sql_query(query).load(&mut conn).expect("rows");
        digest.update(table.name.as_bytes());
        for r in rows {
            digest.update(r.name.as_bytes());
        }
    }
    digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const KEYS: &[&str] = &[
    "answers",
    "command",
    "code",
    "value",
    "reason",
    "layer",
    "purpose",
    "clone_previous",
    "practitioner",
    "team",
    "excluded",
    "restricted_to",
    "id",
    "version",
    "problems",
    "text",
    "3.4",
    "RM30",
];

const WORDS: &[&str] = &[
    "answer",
    "delete",
    "restore",
    "sign",
    "yes",
    "no",
    "layer3_full",
    "start_of_community_order",
    "PO2",
    "T1",
    "3.4",
    "RM30",
    "",
    "\u{0}",
    "'; DROP TABLE assessments; --",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e9f64..1e9).prop_map(Value::from),
        prop::sample::select(WORDS).prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::from),
    ]
}

fn document() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..5).prop_map(|pairs| {
                Value::Object(
                    pairs
                        .into_iter()
                        .map(|(k, v)| ((*k).to_owned(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// How a valid body is spoiled.
#[derive(Debug, Clone)]
enum Mutation {
    DropKey(usize),
    UnknownKey(String),
    Retype(usize, Value),
    Nest(usize, Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DropKey),
        "[a-z_]{1,10}".prop_map(Mutation::UnknownKey),
        (any::<usize>(), leaf()).prop_map(|(i, v)| Mutation::Retype(i, v)),
        (any::<usize>(), document()).prop_map(|(i, v)| Mutation::Nest(i, v)),
    ]
}

fn mutate(valid: &Value, how: &Mutation) -> Value {
    let mut value = valid.clone();
    let Some(object) = value.as_object_mut() else {
        return value;
    };
    let keys: Vec<String> = object.keys().cloned().collect();
    let pick = |i: usize| keys.get(i % keys.len().max(1)).cloned();
    match how {
        Mutation::DropKey(i) => {
            if let Some(k) = pick(*i) {
                object.remove(&k);
            }
        }
        Mutation::UnknownKey(k) => {
            object.insert(format!("x_{k}"), Value::from(1));
        }
        Mutation::Retype(i, v) | Mutation::Nest(i, v) => {
            if let Some(k) = pick(*i) {
                object.insert(k, v.clone());
            }
        }
    }
    value
}

/// A write route, who calls it, a valid body, and whether it needs the assessment's ETag.
struct Target {
    method: Method,
    uri: String,
    user: &'static str,
    valid: Value,
    if_match: bool,
}

async fn send(w: &World, target: &Target, body: &Value, etag: &str) -> Reply {
    let mut builder = Request::builder()
        .method(target.method.clone())
        .uri(&target.uri)
        .header(header::COOKIE, cookie(target.user))
        .header(header::CONTENT_TYPE, "application/json");
    if target.if_match {
        builder = builder.header(header::IF_MATCH, etag);
    }
    w.send(builder.body(Body::from(body.to_string())).expect("request"))
        .await
}

fn cases() -> u32 {
    std::env::var("OASYS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

#[test]
fn random_bodies_never_give_a_5xx_and_a_4xx_writes_nothing() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let w = world();
    let (assessment, _) = rt.block_on(w.new_assessment());
    let read = format!("/api/v1/assessments/{assessment}");
    let targets = [
        Target {
            method: Method::PUT,
            uri: format!("{read}/sections/accommodation"),
            user: PO,
            valid: json!({"answers": {"3.4": {"problems": 1}}}),
            if_match: true,
        },
        Target {
            method: Method::PUT,
            uri: format!("{read}/risk-management-plan"),
            user: PO,
            valid: json!({"answers": {"RM30": {"text": "Weekly"}}}),
            if_match: true,
        },
        Target {
            method: Method::POST,
            uri: format!("{read}/commands"),
            user: PO,
            valid: json!({"command": {"command": "answer", "code": "3.5", "value": {"problems": 2}}}),
            if_match: true,
        },
        Target {
            method: Method::POST,
            uri: format!("/api/v1/people/{PERSON}/assessments"),
            user: PO,
            valid: json!({"layer": "layer3_full", "purpose": "start_of_community_order"}),
            if_match: false,
        },
        Target {
            method: Method::POST,
            uri: format!("/api/v1/people/{PERSON}/allocation"),
            user: CASE_ADMIN,
            valid: json!({"practitioner": "PO1", "team": "T1"}),
            if_match: false,
        },
        Target {
            method: Method::PUT,
            uri: format!("/api/v1/people/{LAO_PERSON}/lao"),
            user: ADMIN,
            valid: json!({"excluded": ["PO4"], "restricted_to": [], "exclusion_message": "Excluded", "restriction_message": null}),
            if_match: false,
        },
        Target {
            method: Method::POST,
            uri: "/api/v1/people".to_owned(),
            user: ADMIN,
            valid: serde_json::to_value(person(Uuid::from_u128(70), "X700000", "Newcomer"))
                .expect("json"),
            if_match: false,
        },
    ];
    // The fingerprint sees a write: a valid save changes it.
    rt.block_on(async {
        let etag = w.get(&read, PO).await.headers[header::ETAG]
            .to_str()
            .expect("etag")
            .to_owned();
        let before = fingerprint(&w.url);
        let saved = send(&w, &targets[0], &targets[0].valid, &etag).await;
        assert_eq!(saved.status.as_u16(), 200, "{}", saved.text);
        assert_ne!(
            before,
            fingerprint(&w.url),
            "the fingerprint missed a write"
        );
    });
    let strategy = (
        0..targets.len(),
        prop_oneof![mutation().prop_map(Ok), document().prop_map(Err),],
    );
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let refused = std::cell::Cell::new(0_u32);
    runner
        .run(&strategy, |(index, shape)| {
            let target = &targets[index];
            let body = match &shape {
                Ok(how) => mutate(&target.valid, how),
                Err(document) => document.clone(),
            };
            rt.block_on(async {
                let current = w.get(&read, PO).await;
                let etag = current
                    .headers
                    .get(header::ETAG)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("\"none\"")
                    .to_owned();
                let before = fingerprint(&w.url);
                let reply = send(&w, target, &body, &etag).await;
                let after = fingerprint(&w.url);
                let what = format!("{} {} {body}", target.method, target.uri);
                prop_assert!(
                    !reply.status.is_server_error(),
                    "{what}: {} {}",
                    reply.status,
                    reply.text
                );
                if reply.status.is_client_error() {
                    refused.set(refused.get() + 1);
                    prop_assert_eq!(
                        &before,
                        &after,
                        "{}: {} but data changed: {}",
                        what,
                        reply.status,
                        reply.text
                    );
                    prop_assert!(
                        reply.headers[header::CONTENT_TYPE] == "application/problem+json",
                        "{what}: {}",
                        reply.text
                    );
                }
                Ok::<(), TestCaseError>(())
            })
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        refused.get() > 0,
        "no body was refused: the generator is too tame"
    );
}
