//! End-to-end tests of `oasys db`: the real binary on SQLite files in temporary directories
//! (migrate, status, backup, restore, verify, tampering found, bad URLs).

mod support;

use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};
use support::*;

#[test]
fn migrate_then_status() {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = oasys(dir.path(), &["db", "status"]);
    assert_code(&status, 2);
    assert!(
        stderr(&status).contains("oasys db migrate"),
        "a missing database says how to create one: {}",
        stderr(&status)
    );
    assert!(
        !dir.path().join("oasys.db").exists(),
        "status creates nothing"
    );

    let migrate = oasys(dir.path(), &["db", "migrate", "--format", "json"]);
    assert_code(&migrate, 0);
    let report = json(&migrate);
    assert_eq!(report["backend"], "sqlite");
    let applied_now = report["applied_now"].as_array().expect("a list");
    assert!(!applied_now.is_empty(), "a fresh database gets migrations");
    assert_eq!(report["applied"], report["applied_now"]);
    assert!(dir.path().join("oasys.db").exists());

    let again = oasys(dir.path(), &["db", "migrate", "--format", "json"]);
    assert_code(&again, 0);
    assert_eq!(json(&again)["applied_now"], serde_json::json!([]));

    let status = oasys(dir.path(), &["db", "status", "--format", "json"]);
    assert_code(&status, 0);
    let status = json(&status);
    assert_eq!(status["migrations"]["applied"], report["applied"]);
    assert_eq!(status["migrations"]["pending"], serde_json::json!([]));
    assert_eq!(status["rows"]["people"], 0);
    assert_eq!(status["rows"]["audit_log"], 0);

    let table = oasys(dir.path(), &["db", "status"]);
    assert_code(&table, 0);
    assert!(stdout(&table).contains("migrations pending"));
    assert!(stdout(&table).contains("rows in audit_log"));
}

#[test]
fn backup_then_restore_gives_the_same_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = dir.path().join("live.db");
    let source_url = format!("sqlite://{}", source.display());
    assert_code(
        &oasys(dir.path(), &["db", "migrate", "--database", &source_url]),
        0,
    );
    seed_audit(&source_url, 4);

    let backup = oasys(
        dir.path(),
        &[
            "db",
            "backup",
            "nightly.db",
            "--database",
            &source_url,
            "--format",
            "json",
        ],
    );
    assert_code(&backup, 0);
    let manifest = json(&backup);
    assert_eq!(manifest["path"], "nightly.db");
    assert_eq!(manifest["sha256"].as_str().map(str::len), Some(64));
    let bytes = std::fs::metadata(dir.path().join("nightly.db"))
        .expect("the backup exists")
        .len();
    assert_eq!(manifest["bytes"], bytes);

    let again = oasys(
        dir.path(),
        &["db", "backup", "nightly.db", "--database", &source_url],
    );
    assert_code(&again, 2);
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );

    let restore = oasys(
        dir.path(),
        &[
            "db",
            "restore",
            "nightly.db",
            "--database",
            "restored.db",
            "--format",
            "json",
        ],
    );
    assert_code(&restore, 0);
    assert_eq!(json(&restore)["ok"], true);

    let into_existing = oasys(
        dir.path(),
        &["db", "restore", "nightly.db", "--database", "restored.db"],
    );
    assert_code(&into_existing, 2);
    assert!(
        stderr(&into_existing).contains("already exists"),
        "{}",
        stderr(&into_existing)
    );

    let verify_source = oasys(
        dir.path(),
        &[
            "db",
            "verify",
            "--database",
            &source_url,
            "--format",
            "json",
        ],
    );
    let verify_restored = oasys(
        dir.path(),
        &[
            "db",
            "verify",
            "--database",
            "restored.db",
            "--format",
            "json",
        ],
    );
    assert_code(&verify_source, 0);
    assert_code(&verify_restored, 0);
    let (a, b) = (json(&verify_source), json(&verify_restored));
    assert_eq!(a["audit"]["entries"], 4);
    assert_eq!(a["audit"], b["audit"], "the same chain, to the head hash");

    let counts = |url: &str| {
        json(&oasys(
            dir.path(),
            &["db", "status", "--database", url, "--format", "json"],
        ))["rows"]
            .clone()
    };
    assert_eq!(counts(&source_url), counts("restored.db"));
}

#[test]
fn verify_finds_a_tampered_audit_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("oasys.db");
    let url = path.display().to_string();
    assert_code(&oasys(dir.path(), &["db", "migrate"]), 0);
    seed_audit(&url, 5);
    assert_code(&oasys(dir.path(), &["db", "verify"]), 0);

    // As an attacker with file access would: drop the guards, then edit an entry.
    let mut conn = SqliteConnection::establish(&url).expect("raw connection");
    conn.batch_execute(
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; \
         DROP TRIGGER audit_chain_forward; \
         UPDATE audit_log SET details = '{\"page\":\"other\"}' WHERE seq = 3;",
    )
    .expect("tamper");
    drop(conn);

    let verify = oasys(dir.path(), &["db", "verify"]);
    assert_code(&verify, 1);
    assert!(
        stderr(&verify).contains("audit entry 3 was altered"),
        "the first problem is named: {}",
        stderr(&verify)
    );
    assert!(
        stdout(&verify).contains("problems found"),
        "{}",
        stdout(&verify)
    );

    let json_report = oasys(dir.path(), &["db", "verify", "--format", "json"]);
    assert_code(&json_report, 1);
    let report = json(&json_report);
    assert_eq!(report["ok"], false);
    assert_eq!(report["audit"]["result"], "broken");
}

#[test]
fn bad_database_urls_are_usage_errors_that_say_what_to_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scheme = oasys(
        dir.path(),
        &["db", "migrate", "--database", "mysql://me:secret@db/oasys"],
    );
    assert_code(&scheme, 2);
    assert!(
        stderr(&scheme).contains("sqlite://PATH"),
        "{}",
        stderr(&scheme)
    );
    assert!(
        !stderr(&scheme).contains("secret"),
        "no password in messages"
    );

    let missing_dir = dir.path().join("no/such/dir/oasys.db");
    let url = format!("sqlite://{}", missing_dir.display());
    let unreachable = oasys(dir.path(), &["db", "migrate", "--database", &url]);
    assert_code(&unreachable, 2);
    assert!(
        stderr(&unreachable).contains("check the URL"),
        "{}",
        stderr(&unreachable)
    );

    let verify = oasys(dir.path(), &["db", "verify", "--database", &url]);
    assert_code(&verify, 2);
    assert!(
        stderr(&verify).contains("oasys db migrate"),
        "{}",
        stderr(&verify)
    );

    let no_backup = oasys(
        dir.path(),
        &["db", "restore", "absent.db", "--database", "new.db"],
    );
    assert_code(&no_backup, 2);
    assert!(
        stderr(&no_backup).contains("no backup at"),
        "{}",
        stderr(&no_backup)
    );
}

#[test]
fn status_reports_pending_migrations_without_applying_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_code(&oasys(dir.path(), &["db", "migrate"]), 0);
    let path = dir.path().join("oasys.db");
    let mut conn =
        SqliteConnection::establish(&path.display().to_string()).expect("raw connection");
    conn.batch_execute(
        "DELETE FROM __diesel_schema_migrations \
         WHERE version = (SELECT MAX(version) FROM __diesel_schema_migrations)",
    )
    .expect("forget the newest migration");
    drop(conn);

    for _ in 0..2 {
        let status = oasys(dir.path(), &["db", "status", "--format", "json"]);
        assert_code(&status, 1);
        let report = json(&status);
        assert_eq!(
            report["migrations"]["pending"].as_array().map(Vec::len),
            Some(1)
        );
        assert_eq!(report["rows"], serde_json::Value::Null);
        assert!(
            stderr(&status).contains("run `oasys db migrate`"),
            "{}",
            stderr(&status)
        );
    }
}
