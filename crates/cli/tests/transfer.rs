//! `oasys import` and `oasys export` end to end, on SQLite and (when `OASYS_TEST_POSTGRES_URL` is
//! set) PostgreSQL: a round trip gives identical files, re-importing changes nothing, a file with
//! bad records stores the good ones and names the bad by line, and `oasys reviews due` lists what
//! was imported. The fixture is an export of `oasys serve --demo` (fictional people).

mod testdb;

use std::path::PathBuf;

use oasys_app::{AuditLog, AuditQuery};
use serde_json::Value;
use testdb::{TestDb, assert_code, backends, json, stderr, stdout};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo_export.jsonl")
}

fn fixture_lines() -> Vec<String> {
    std::fs::read_to_string(fixture())
        .expect("read the fixture")
        .lines()
        .map(str::to_owned)
        .collect()
}

fn actions(db: &TestDb, action: &str) -> usize {
    db.open()
        .query(&AuditQuery {
            limit: 10_000,
            ..AuditQuery::default()
        })
        .expect("audit")
        .iter()
        .filter(|e| e.entry.action == action)
        .count()
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn round_trip_is_identical_and_reimport_changes_nothing() {
    let source = fixture();
    let expected = std::fs::read_to_string(&source).expect("fixture");
    for db in backends() {
        let out = db.oasys(&["import", path(&source), "--format", "json"]);
        assert_code(&out, 0);
        let report = json(&out);
        assert_eq!(
            (
                &report["imported"],
                &report["unchanged"],
                &report["rejected"]
            ),
            (&Value::from(7), &Value::from(0), &Value::from(0)),
            "on {}",
            db.backend
        );
        assert_eq!(actions(&db, "import.person"), 4);
        assert_eq!(actions(&db, "import.assessment"), 3);

        let again = db.oasys(&["import", path(&source)]);
        assert_code(&again, 0);
        let text = stdout(&again);
        assert!(text.contains("unchanged  7"), "{text}");
        assert!(text.contains("imported   0"), "{text}");
        assert_eq!(actions(&db, "import.person"), 4, "nothing new is audited");

        // Export to a file, and to stdout: both are the fixture, byte for byte.
        let exported = db.dir().join("export.jsonl");
        let out = db.oasys(&["export", "--output", path(&exported)]);
        assert_code(&out, 0);
        assert!(stdout(&out).contains("people       4"), "{}", stdout(&out));
        assert_eq!(std::fs::read_to_string(&exported).unwrap(), expected);
        let out = db.oasys(&["export"]);
        assert_code(&out, 0);
        assert_eq!(stdout(&out), expected);
        assert!(stderr(&out).contains("exported 4 people and 3 assessments"));
        assert_eq!(actions(&db, "export"), 2);
        // An export never overwrites.
        let out = db.oasys(&["export", "--output", path(&exported)]);
        assert_code(&out, 2);
        assert!(
            stderr(&out).contains("never overwrites"),
            "{}",
            stderr(&out)
        );

        // Into a second, empty database of the same backend: the same export comes back.
        let copy = if db.backend == "sqlite" {
            TestDb::sqlite()
        } else {
            TestDb::postgres(&std::env::var(testdb::PG_VAR).expect("set"))
        };
        assert_code(&copy.oasys(&["import", path(&exported)]), 0);
        let out = copy.oasys(&["export"]);
        assert_code(&out, 0);
        assert_eq!(stdout(&out), expected);
    }
}

#[test]
fn bad_records_are_reported_by_line_and_the_good_ones_stored() {
    let lines = fixture_lines();
    let person: Value = serde_json::from_str(&lines[0]).unwrap();
    // A different person holding the first person's CRN.
    let mut same_crn = person.clone();
    same_crn["person"]["id"] = Value::from("00000000-0000-4000-8000-000000000001");
    // An invalid CRN.
    let mut bad_crn = person.clone();
    bad_crn["person"]["id"] = Value::from("00000000-0000-4000-8000-000000000002");
    bad_crn["person"]["ids"]["crn"] = Value::from("12345");
    // The first person again, changed.
    let mut changed = person.clone();
    changed["person"]["given_name"] = Value::from("Robin");
    // An assessment whose person is not in the file (line 5 of the fixture, person D000003,
    // is left out below).
    let orphan = lines[4].clone();
    let file = [
        lines[0].clone(),                  // 1 ok
        "{not json".to_owned(),            // 2 malformed
        same_crn.to_string(),              // 3 CRN taken
        String::new(),                     // 4 blank: skipped
        bad_crn.to_string(),               // 5 invalid field
        lines[1].clone(),                  // 6 ok
        r#"{"kind":"planet"}"#.to_owned(), // 7 unknown kind
        orphan,                            // 8 person missing
        changed.to_string(),               // 9 differs from the stored person
        lines[5].clone(),                  // 10 ok: assessment of the person on line 6
    ]
    .join("\n");
    for db in backends() {
        let input = db.dir().join("mixed.jsonl");
        std::fs::write(&input, &file).unwrap();
        let out = db.oasys(&["import", path(&input), "--format", "json"]);
        assert_code(&out, 1);
        let report = json(&out);
        assert_eq!(report["imported"], 3, "on {}: {report}", db.backend);
        assert_eq!(report["rejected"], 6);
        let rejected: Vec<u64> = report["rejections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["line"].as_u64().unwrap())
            .collect();
        assert_eq!(rejected, [2, 3, 5, 7, 8, 9]);
        let err = stderr(&out);
        for needle in [
            "line 2: ",
            "line 3 (person 00000000-0000-4000-8000-000000000001): person conflicts",
            "line 5, field `person.ids.crn`: invalid crn",
            "line 7, field `kind`: unknown kind",
            "line 7",
            "line 8 (assessment",
            "import the person first",
            "line 9 (person",
            "never overwrites",
        ] {
            assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
        }
        // Nothing half-imported: the rejected people are not stored, and a second run stores
        // nothing new and rejects the same lines.
        let out = db.oasys(&["import", path(&input), "--format", "json"]);
        assert_code(&out, 1);
        let again = json(&out);
        assert_eq!(
            (again["imported"].as_u64(), again["unchanged"].as_u64()),
            (Some(0), Some(3))
        );
        assert_eq!(again["rejected"], 6);
        let exported = stdout(&db.oasys(&["export"]));
        assert_eq!(exported.lines().count(), 3);
        assert!(!exported.contains("Robin"));
        assert_eq!(actions(&db, "import.person"), 2);
    }
}

#[test]
fn reviews_due_lists_imported_assessments_before_the_date() {
    for db in backends() {
        assert_code(&db.oasys(&["import", path(&fixture())]), 0);
        let out = db.oasys(&[
            "reviews",
            "due",
            "--before",
            "2030-01-01",
            "--format",
            "json",
        ]);
        assert_code(&out, 0);
        let due = json(&out);
        let due = due.as_array().expect("a list");
        assert_eq!(due.len(), 1, "on {}: {due:?}", db.backend);
        assert_eq!(due[0]["crn"], "D000002");
        assert_eq!(due[0]["due"], "2027-01-19");
        assert_eq!(due[0]["team"], "DEMO1");
        assert_eq!(due[0]["assessor"], "practitioner");
        // Strictly before the date; by team; by practitioner.
        let none = db.oasys(&["reviews", "due", "--before", "2027-01-19"]);
        assert_code(&none, 0);
        assert!(stdout(&none).contains("no reviews due before 2027-01-19"));
        let team = json(&db.oasys(&[
            "reviews",
            "due",
            "--team",
            "DEMO1",
            "--before",
            "2030-01-01",
            "--format",
            "json",
        ]));
        assert_eq!(team.as_array().unwrap().len(), 1);
        let other = json(&db.oasys(&[
            "reviews",
            "due",
            "--team",
            "OTHER",
            "--before",
            "2030-01-01",
            "--format",
            "json",
        ]));
        assert!(other.as_array().unwrap().is_empty());
        let table = stdout(&db.oasys(&[
            "reviews",
            "due",
            "--practitioner",
            "practitioner",
            "--before",
            "2030-01-01",
        ]));
        assert!(table.starts_with("DUE"), "{table}");
        assert!(table.contains("D000002"), "{table}");
        let bad = db.oasys(&["reviews", "due", "--team", "lower"]);
        assert_code(&bad, 2);
        assert!(stderr(&bad).contains("--team"), "{}", stderr(&bad));
        assert_eq!(
            actions(&db, "reviews.due"),
            5,
            "every listing but the refused one"
        );
    }
}

#[test]
fn export_pages_through_every_record_once_in_id_order() {
    use oasys_app::{AppError, Storage};
    for db in backends() {
        let store = db.open();
        // More than two export pages, stored in one transaction.
        let people: Vec<_> = (1..=1100).map(|n| testdb::person(n, "N1")).collect();
        store
            .in_transaction(|repos| -> Result<(), AppError> {
                for p in &people {
                    repos.insert_person(p)?;
                }
                Ok(())
            })
            .expect("store people");
        let out = db.oasys(&["export"]);
        assert_code(&out, 0);
        let ids: Vec<String> = stdout(&out)
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).expect("json line");
                assert_eq!(v["kind"], "person");
                v["person"]["id"].as_str().expect("id").to_owned()
            })
            .collect();
        assert_eq!(ids.len(), 1100, "on {}", db.backend);
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted, "every person once, by id");
    }
}
