//! Crash safety on SQLite: a child process writing assessments (with their audit events) is
//! killed with SIGKILL mid-run; every acknowledged write must survive and the database must check.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use oasys_app::{AssessmentRepository, ChainReport};
use oasys_storage::Database;
use uuid::Uuid;

#[test]
fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("crash.db");
    let path_text = path.to_str().expect("utf-8 path").to_owned();
    let mut acknowledged: Vec<Uuid> = Vec::new();
    // Several rounds, killed after a different number of acknowledgements each time.
    for (round, kill_after) in [3_usize, 17, 40, 9].into_iter().enumerate() {
        let start = (round as u64 + 1) * 100_000;
        let mut child = Command::new(env!("CARGO_BIN_EXE_crash-writer"))
            .args([&path_text, &start.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the writer");
        let stdout = child.stdout.take().expect("child stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut seen = 0;
        while seen < kill_after {
            let line = lines
                .next()
                .expect("the writer stopped early")
                .expect("read ack");
            let id = line.strip_prefix("ack ").expect("ack line");
            acknowledged.push(Uuid::parse_str(id).expect("ack id"));
            seen += 1;
        }
        child.kill().expect("SIGKILL the writer");
        // Acknowledgements already written before the kill count too.
        for line in lines.map_while(Result::ok) {
            if let Some(id) = line.strip_prefix("ack ") {
                acknowledged.push(Uuid::parse_str(id).expect("ack id"));
            }
        }
        let status = child.wait().expect("reap the writer");
        assert!(!status.success(), "the writer was killed, not finished");

        let db = Database::open(&path_text).expect("reopen after the crash");
        for id in &acknowledged {
            assert!(
                db.get_assessment(*id).expect("read").is_some(),
                "acknowledged write {id} lost"
            );
        }
        let report = db.integrity_check().expect("integrity check");
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        match report.audit {
            ChainReport::Intact { entries, .. } => assert!(entries >= acknowledged.len() as u64),
            broken => panic!("audit chain after crash: {broken:?}"),
        }
    }
}
