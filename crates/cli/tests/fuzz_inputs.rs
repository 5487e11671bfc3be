//! Hostile input files through the real binary (issue 11): property-generated mutations of real
//! records for every command that reads outside files — `oasys score` (JSON Lines and CSV),
//! `oasys import` (JSON Lines), `oasys outcomes import` (CSV and JSON Lines) and
//! `oasys offences import` (CSV). The property: the command never panics or dies on a signal,
//! exits 0, 1 (records refused) or 2 (the file refused), and says why whenever it is not 0.
//!
//! Each case is a file of several records; cases per command come from `OASYS_FUZZ_CASES`
//! (default 16; `cargo xtask fuzz` runs many more).

mod support;
mod testdb;

use std::path::Path;
use std::process::Output;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value};
use testdb::TestDb;

fn cases() -> u32 {
    std::env::var("OASYS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

const SCORE_SEEDS: &str = include_str!("fixtures/worked_examples.jsonl");
const EXPORT_SEEDS: &str = include_str!("fixtures/demo_export.jsonl");
const OFFENCES: &str = include_str!("../../../testdata/offence_categories.csv");
const OUTCOMES_HEADER: &str =
    "crn,follow_up_start,follow_up_end,first_reoffence,offence_category,violent,sexual";
const OUTCOME_ROWS: &[&str] = &[
    "T000001,2025-01-01,2027-01-01,,,false,false",
    "T000002,2025-01-01,2027-01-01,2025-06-01,robbery,yes,no",
    "T000003,2025-02-01,2027-02-01,2026-01-05,Theft,0,1",
];

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// Values that break parsers: impossible dates, extreme numbers, odd text.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop::sample::select(
            &[
                "2026-02-30",
                "0000-01-01",
                "+275760-09-13",
                "2026-13-01",
                "1e400",
                "-1",
                "NaN",
                "",
                "male",
                "female",
                "02700",
                "fraud_and_forgery",
                "\u{0}",
                "\u{202e}",
                "T000001",
                "yes",
                "true",
            ][..]
        )
        .prop_map(Value::from),
        ".{0,30}".prop_map(Value::from),
        (1usize..5000).prop_map(|n| Value::from("9".repeat(n))),
    ]
}

fn any_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((".{0,8}", inner), 0..4)
                .prop_map(|p| Value::Object(p.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// One change to a record.
#[derive(Debug, Clone)]
enum Mutation {
    /// Set a field (an existing one by index, or a new name) to a value.
    Set(prop::sample::Index, Option<String>, Value),
    /// Remove a field.
    Remove(prop::sample::Index),
    /// Replace a nested object's field (the first object-valued field).
    Deep(prop::sample::Index, Value),
    /// Overwrite a byte of the serialized text.
    Byte(prop::sample::Index, u8),
    /// Cut the text short.
    Truncate(prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<prop::sample::Index>(), prop::option::weighted(0.2, "[a-z_]{1,12}"), prop_oneof![3 => leaf(), 1 => any_json()])
            .prop_map(|(i, k, v)| Mutation::Set(i, k, v)),
        2 => any::<prop::sample::Index>().prop_map(Mutation::Remove),
        2 => (any::<prop::sample::Index>(), leaf()).prop_map(|(i, v)| Mutation::Deep(i, v)),
        1 => (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Byte(i, b)),
        1 => any::<prop::sample::Index>().prop_map(Mutation::Truncate),
    ]
}

fn set_in(
    object: &mut Map<String, Value>,
    index: &prop::sample::Index,
    key: Option<&str>,
    value: Value,
) {
    let name = key.map(str::to_owned).or_else(|| {
        (!object.is_empty())
            .then(|| object.keys().nth(index.index(object.len())).cloned())
            .flatten()
    });
    if let Some(name) = name {
        object.insert(name, value);
    }
}

/// Applies the mutations to a JSON line; text-level ones last.
fn mutate_json(line: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut value: Value = serde_json::from_str(line).unwrap_or(Value::Null);
    for m in mutations {
        let Some(object) = value.as_object_mut() else {
            break;
        };
        match m {
            Mutation::Set(i, k, v) => set_in(object, i, k.as_deref(), v.clone()),
            Mutation::Remove(i) => {
                if !object.is_empty() {
                    let name = object.keys().nth(i.index(object.len())).cloned();
                    if let Some(name) = name {
                        object.remove(&name);
                    }
                }
            }
            Mutation::Deep(i, v) => {
                if let Some(inner) = object.values_mut().find_map(Value::as_object_mut) {
                    set_in(inner, i, None, v.clone());
                }
            }
            Mutation::Byte(..) | Mutation::Truncate(_) => {}
        }
    }
    let mut bytes = value.to_string().into_bytes();
    mutate_bytes(&mut bytes, mutations);
    bytes
}

fn mutate_bytes(bytes: &mut Vec<u8>, mutations: &[Mutation]) {
    for m in mutations {
        match m {
            Mutation::Byte(i, b) if !bytes.is_empty() => {
                let at = i.index(bytes.len());
                bytes[at] = *b;
            }
            Mutation::Truncate(i) => {
                let at = i.index(bytes.len() + 1);
                bytes.truncate(at);
            }
            _ => {}
        }
    }
}

/// Applies the mutations to a CSV row: `Set`/`Deep` replace a cell with the value's text (quoted
/// or raw), `Remove` drops a cell, text-level ones last.
fn mutate_csv_row(row: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut cells: Vec<String> = row.split(',').map(str::to_owned).collect();
    for m in mutations {
        match m {
            Mutation::Set(i, _, v) | Mutation::Deep(i, v) if !cells.is_empty() => {
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let at = i.index(cells.len());
                cells[at] = if text.contains([',', '"', '\n']) && at % 2 == 0 {
                    format!("\"{}\"", text.replace('"', "\"\""))
                } else {
                    text
                };
            }
            Mutation::Remove(i) if !cells.is_empty() => {
                let at = i.index(cells.len());
                cells.remove(at);
            }
            _ => {}
        }
    }
    let mut bytes = cells.join(",").into_bytes();
    mutate_bytes(&mut bytes, mutations);
    bytes
}

/// A file of 1 to 6 mutated records drawn from `seeds`, each with its mutations.
fn records(seeds: Vec<String>) -> impl Strategy<Value = Vec<(String, Vec<Mutation>)>> {
    prop::collection::vec(
        (
            prop::sample::select(seeds),
            prop::collection::vec(mutation(), 0..4),
        ),
        1..6,
    )
}

fn check(out: &Output, what: &str, input: &[u8]) -> Result<(), TestCaseError> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let shown = String::from_utf8_lossy(&input[..input.len().min(2000)]).into_owned();
    prop_assert!(
        !stderr.contains("panicked"),
        "{what} panicked on:\n{shown}\nstderr:\n{stderr}"
    );
    let code = out.status.code();
    prop_assert!(
        matches!(code, Some(0..=2)),
        "{what} exited with {:?} on:\n{shown}\nstderr:\n{stderr}",
        out.status
    );
    if code != Some(0) {
        prop_assert!(
            !stderr.trim().is_empty() || !stdout.trim().is_empty(),
            "{what} failed without saying why on:\n{shown}"
        );
    }
    Ok(())
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the input file");
    path.to_str().expect("utf-8 path").to_owned()
}

fn join(parts: Vec<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend(p);
        out.push(b'\n');
    }
    out
}

#[test]
fn score_survives_hostile_json_lines_and_csv() {
    let dir = tempfile::tempdir().expect("temp dir");
    let seeds = lines(SCORE_SEEDS);
    // CSV columns: the union of the seed records' fields.
    let mut columns: Vec<String> = Vec::new();
    for line in &seeds {
        if let Ok(Value::Object(o)) = serde_json::from_str::<Value>(line) {
            for k in o.keys() {
                if !columns.contains(k) {
                    columns.push(k.clone());
                }
            }
        }
    }
    let csv_rows: Vec<String> = seeds
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|v| {
            columns
                .iter()
                .map(|c| match &v[c] {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    let header = columns.join(",");
    let mut runner = runner();
    let result = runner.run(
        &(
            records(seeds),
            records(csv_rows),
            prop::collection::vec(mutation(), 0..2),
        ),
        |(jsonl, csv, header_mutations)| {
            let jsonl = join(jsonl.iter().map(|(l, m)| mutate_json(l, m)).collect());
            let path = write(dir.path(), "in.jsonl", &jsonl);
            let out = support::oasys(
                dir.path(),
                &["score", "--input", &path, "--format", "jsonl"],
            );
            check(&out, "oasys score (JSON Lines)", &jsonl)?;
            let mut csv_text = mutate_csv_row(&header, &header_mutations);
            csv_text.push(b'\n');
            csv_text.extend(join(
                csv.iter().map(|(l, m)| mutate_csv_row(l, m)).collect(),
            ));
            let path = write(dir.path(), "in.csv", &csv_text);
            let out = support::oasys(dir.path(), &["score", "--input", &path, "--format", "csv"]);
            check(&out, "oasys score (CSV)", &csv_text)
        },
    );
    result.unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "reliability: fuzz cli-score files={} failures=0",
        u64::from(cases()) * 2
    );
}

#[test]
fn imports_survive_hostile_files() {
    let db = TestDb::sqlite();
    let store = db.open();
    testdb::add_people(
        &store,
        &(1..=3).map(|n| testdb::person(n, "T1")).collect::<Vec<_>>(),
    );
    drop(store);
    testdb::add_user(
        &db.open(),
        "tester",
        oasys_sharing_policy::Role::Administrator,
        "AREA1",
        &[],
        &[],
    );
    let export = lines(EXPORT_SEEDS);
    let offences: Vec<String> = lines(OFFENCES).into_iter().skip(1).take(40).collect();
    let offence_header = lines(OFFENCES).into_iter().next().expect("a header");
    let outcome_rows: Vec<String> = OUTCOME_ROWS.iter().map(|s| (*s).to_owned()).collect();
    let outcome_json: Vec<String> = OUTCOME_ROWS
        .iter()
        .map(|row| {
            let object: Map<String, Value> = OUTCOMES_HEADER
                .split(',')
                .zip(row.split(','))
                .map(|(k, v)| (k.to_owned(), Value::from(v)))
                .collect();
            Value::Object(object).to_string()
        })
        .collect();
    let mut runner = runner();
    let result = runner.run(
        &(
            records(export),
            records(offences),
            records(outcome_rows),
            records(outcome_json),
        ),
        |(export, offences, outcomes_csv, outcomes_jsonl)| {
            let dir = db.dir();
            let file = join(export.iter().map(|(l, m)| mutate_json(l, m)).collect());
            let path = write(dir, "import.jsonl", &file);
            check(&db.oasys(&["import", &path]), "oasys import", &file)?;

            let mut file = offence_header.clone().into_bytes();
            file.push(b'\n');
            file.extend(join(
                offences.iter().map(|(l, m)| mutate_csv_row(l, m)).collect(),
            ));
            let path = write(dir, "offences.csv", &file);
            check(
                &db.oasys(&["offences", "import", &path]),
                "oasys offences import",
                &file,
            )?;

            let mut file = OUTCOMES_HEADER.as_bytes().to_vec();
            file.push(b'\n');
            file.extend(join(
                outcomes_csv
                    .iter()
                    .map(|(l, m)| mutate_csv_row(l, m))
                    .collect(),
            ));
            let path = write(dir, "outcomes.csv", &file);
            check(
                &db.oasys(&["outcomes", "import", &path]),
                "oasys outcomes import (CSV)",
                &file,
            )?;

            let file = join(
                outcomes_jsonl
                    .iter()
                    .map(|(l, m)| mutate_json(l, m))
                    .collect(),
            );
            let path = write(dir, "outcomes.jsonl", &file);
            check(
                &db.oasys(&["outcomes", "import", &path, "--input-format", "jsonl"]),
                "oasys outcomes import (JSON Lines)",
                &file,
            )
        },
    );
    result.unwrap_or_else(|e| panic!("{e}"));
    // The database is still whole after every refused and accepted record.
    let verify = db.oasys(&["db", "verify"]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    eprintln!(
        "reliability: fuzz cli-imports files={} failures=0",
        u64::from(cases()) * 4
    );
}
