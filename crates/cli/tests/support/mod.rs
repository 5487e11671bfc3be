//! Helpers for the end-to-end tests: run the real `oasys` binary in a directory with a clean
//! environment, and seed audit entries through the storage crate.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use chrono::{TimeZone, Utc};
use oasys_app::{AuditLog, AuditOutcome, NewAuditEntry, Operation};
use oasys_storage::Database;
use uuid::Uuid;

/// Runs `oasys ARGS` in `dir` with the `OASYS_*` variables removed, then `envs` set.
pub fn oasys_env(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oasys"));
    cmd.current_dir(dir)
        .args(args)
        .env_remove("OASYS_DATABASE_URL")
        .env_remove("OASYS_CONFIG")
        .env_remove("OASYS_FORMAT");
    for (name, value) in envs {
        cmd.env(name, value);
    }
    cmd.output().expect("run oasys")
}

/// Runs `oasys ARGS` in `dir` with a clean environment.
pub fn oasys(dir: &Path, args: &[&str]) -> Output {
    oasys_env(dir, args, &[])
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The exit code, with stdout and stderr shown when it differs from `expected`.
pub fn assert_code(out: &Output, expected: i32) {
    assert_eq!(
        out.status.code(),
        Some(expected),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
}

/// Parses the JSON report on stdout.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(out)))
}

/// Appends `n` audit entries to the database at `url`.
pub fn seed_audit(url: &str, n: u32) {
    let db = Database::open(url).expect("open the database");
    for i in 1..=n {
        db.append(&NewAuditEntry {
            event_id: Uuid::from_u128(u128::from(i) + 1_000),
            occurred_at: Utc
                .with_ymd_and_hms(2026, 1, i.clamp(1, 28), 9, 0, 0)
                .single()
                .expect("a valid time"),
            actor: "PO1".to_owned(),
            actor_role: "practitioner".to_owned(),
            correlation_id: Some(format!("req-{i}")),
            operation: Operation::Consultation,
            action: "person.view".to_owned(),
            subject_person: Some(Uuid::from_u128(7)),
            subject_ref: None,
            recipients: Vec::new(),
            justification: None,
            outcome: AuditOutcome::Allowed,
            details: serde_json::json!({ "page": "summary", "n": i }),
        })
        .expect("append an audit entry");
    }
}
