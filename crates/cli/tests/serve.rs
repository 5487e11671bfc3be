//! `oasys serve --demo` end to end: the real binary on a free loopback port with a fresh SQLite
//! file, a demo user signs in over HTTP and sees their caseload, and SIGTERM stops it cleanly.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn the_demo_server_serves_a_signed_in_practitioner_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}", dir.path().join("oasys.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_oasys"))
        .args([
            "serve",
            "--demo",
            "--addr",
            "127.0.0.1:0",
            "--database",
            &database,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start oasys serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read the first line");
    let base = line
        .trim()
        .strip_prefix("oasys listening on ")
        .expect("the listening line")
        .to_owned();

    let ready = ureq::get(&format!("{base}/health/ready"))
        .call()
        .expect("ready");
    assert_eq!(ready.status(), 200);

    let login = ureq::post(&format!("{base}/api/v1/auth/login"))
        .send_json(serde_json::json!({"username": "practitioner", "password": "practitioner-demo-password"}))
        .expect("login");
    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let mut caseload = ureq::get(&format!("{base}/api/v1/caseload"))
        .header("cookie", &cookie)
        .call()
        .expect("caseload");
    let entries: serde_json::Value = caseload.body_mut().read_json().expect("json");
    let names: Vec<&str> = entries
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|e| e["person"]["family_name"].as_str())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.iter().all(|n| n.ends_with("(demo)")), "{names:?}");

    // Without a session the API refuses.
    assert!(
        ureq::get(&format!("{base}/api/v1/caseload"))
            .call()
            .is_err()
    );

    let terminated = Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .expect("kill");
    assert!(terminated.success());
    let status = child.wait().expect("wait");
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}
