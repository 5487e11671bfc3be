//! `oasys offences import|status` end to end: the reference catalogue loads, re-importing it
//! changes nothing, a bad file changes nothing and names the line, a new file replaces the old.

mod testdb;

use std::path::PathBuf;

use oasys_app::{AuditLog, AuditQuery, OffenceRepository};
use testdb::{assert_code, backends, json, stderr};

fn reference() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/offence_categories.csv")
}

fn imports(db: &testdb::TestDb) -> usize {
    db.open()
        .query(&AuditQuery {
            limit: 1000,
            ..AuditQuery::default()
        })
        .expect("audit")
        .iter()
        .filter(|e| e.entry.action == "offences.import")
        .count()
}

#[test]
fn the_catalogue_imports_once_and_is_replaced_atomically() {
    let reference = reference();
    let reference = reference.to_str().expect("utf-8 path");
    let lines = std::fs::read_to_string(reference).expect("read the reference");
    let codes = lines.lines().count() - 1;
    for db in backends() {
        let status = json(&db.oasys(&["offences", "status", "--format", "json"]));
        assert_eq!(status["codes"], 0);

        let out = db.oasys(&["offences", "import", reference, "--format", "json"]);
        assert_code(&out, 0);
        let report = json(&out);
        assert_eq!(report["result"], "imported", "on {}", db.backend);
        assert_eq!(report["codes"], codes);
        assert_eq!(db.open().offence_count().unwrap(), codes as u64);
        let stored = db.open().offences().unwrap();
        let burglary = stored
            .iter()
            .find(|r| r.code == "02800")
            .expect("02800 stored");
        assert_eq!(burglary.ogrs3_status, "mapped");

        // The same file again: nothing changes, nothing is audited.
        let again = json(&db.oasys(&["offences", "import", reference, "--format", "json"]));
        assert_eq!(again["result"], "unchanged");
        assert_eq!(imports(&db), 1);

        // A bad row anywhere stops the import before anything is written.
        let mut bad = lines.lines().take(5).collect::<Vec<_>>().join("\n");
        bad.push_str("\n9999,,,not_mapped,,,,,,,false,false,x,y,z\n");
        let bad_path = db.dir().join("bad.csv");
        std::fs::write(&bad_path, bad).unwrap();
        let out = db.oasys(&["offences", "import", bad_path.to_str().unwrap()]);
        assert_code(&out, 2);
        assert!(stderr(&out).contains("line 6"), "{}", stderr(&out));
        let header = lines.lines().next().unwrap();
        let first = lines.lines().nth(1).unwrap();
        let dup_path = db.dir().join("dup.csv");
        std::fs::write(&dup_path, format!("{header}\n{first}\n{first}\n")).unwrap();
        let out = db.oasys(&["offences", "import", dup_path.to_str().unwrap()]);
        assert_code(&out, 2);
        assert!(
            stderr(&out).contains("already given on line 2"),
            "{}",
            stderr(&out)
        );
        assert_eq!(db.open().offence_count().unwrap(), codes as u64);

        // A smaller catalogue replaces the whole of the old one.
        let small = lines.lines().take(11).collect::<Vec<_>>().join("\n");
        let small_path = db.dir().join("small.csv");
        std::fs::write(&small_path, small).unwrap();
        let out = db.oasys(&[
            "offences",
            "import",
            small_path.to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert_code(&out, 0);
        assert_eq!(json(&out)["replaced"], codes);
        assert_eq!(db.open().offence_count().unwrap(), 10);
        assert_eq!(imports(&db), 2);
    }
}
