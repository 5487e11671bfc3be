//! `oasys user` and `oasys token` end to end: an operator adds an account and a token, the server
//! lets them in, and after disabling or revoking it does not; every change is in the audit log.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

fn oasys(database: &str, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oasys"))
        .args(args)
        .args(["--database", database])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run oasys");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(database: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oasys"))
        .args(["serve", "--addr", "127.0.0.1:0", "--database", database])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start oasys serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let base = line
        .trim()
        .strip_prefix("oasys listening on ")
        .expect("listening line")
        .to_owned();
    Server(child, base)
}

fn login(base: &str, username: &str, password: &str) -> u16 {
    match ureq::post(&format!("{base}/api/v1/auth/login"))
        .send_json(serde_json::json!({"username": username, "password": password}))
    {
        Ok(response) => response.status().as_u16(),
        Err(ureq::Error::StatusCode(code)) => code,
        Err(other) => panic!("login request failed: {other}"),
    }
}

fn caseload_with(base: &str, token: &str) -> u16 {
    match ureq::get(&format!("{base}/api/v1/caseload"))
        .header("authorization", &format!("Bearer {token}"))
        .call()
    {
        Ok(response) => response.status().as_u16(),
        Err(ureq::Error::StatusCode(code)) => code,
        Err(other) => panic!("request failed: {other}"),
    }
}

#[test]
fn operators_manage_accounts_and_tokens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite://{}", dir.path().join("oasys.db").display());
    let profile = [
        "--role",
        "practitioner",
        "--grade",
        "3",
        "--area",
        "North",
        "--team",
        "N1",
    ];
    let mut add = vec!["user", "add", "jsmith"];
    add.extend(profile);
    let out = oasys(&db, &add, "correct horse battery\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A short password, an unknown role and a taken username are refused with a reason.
    let short = oasys(
        &db,
        &[
            "user",
            "add",
            "short",
            "--role",
            "practitioner",
            "--area",
            "North",
        ],
        "tiny\n",
    );
    assert_eq!(short.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&short.stderr).contains("12 characters"));
    let bad_role = oasys(
        &db,
        &["user", "add", "x", "--role", "wizard", "--area", "North"],
        "correct horse battery\n",
    );
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("unknown role"));
    assert_eq!(
        oasys(&db, &add, "correct horse battery\n").status.code(),
        Some(2)
    );

    // A token needs a scope and an expiry within a year; a wrong action names the right ones.
    for (args, says) in [
        (&["token", "create", "jsmith"][..], "--scope"),
        (
            &[
                "token",
                "create",
                "jsmith",
                "--scope",
                "view_person",
                "--expires-days",
                "0",
            ],
            "--expires-days",
        ),
        (
            &["token", "create", "jsmith", "--scope", "view_persons"],
            "the actions are: view_identifiers, view_person",
        ),
    ] {
        let refused = oasys(&db, args, "");
        assert!(!refused.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    let token = oasys(
        &db,
        &[
            "token",
            "create",
            "jsmith",
            "--scope",
            "view_person",
            "--expires-days",
            "30",
        ],
        "",
    );
    assert!(
        token.status.success(),
        "{}",
        String::from_utf8_lossy(&token.stderr)
    );
    let printed = String::from_utf8_lossy(&token.stdout).into_owned();
    let id = printed
        .lines()
        .find_map(|l| l.strip_prefix("token id "))
        .expect("token id")
        .to_owned();
    let secret = printed
        .lines()
        .find_map(|l| l.strip_prefix("secret "))
        .expect("secret")
        .to_owned();

    {
        let server = serve(&db);
        assert_eq!(login(&server.1, "jsmith", "correct horse battery"), 200);
        assert_eq!(login(&server.1, "jsmith", "wrong password here"), 401);
        assert_eq!(caseload_with(&server.1, &secret), 200);
        assert!(oasys(&db, &["token", "revoke", &id], "").status.success());
        assert_eq!(caseload_with(&server.1, &secret), 401);
        assert!(
            oasys(&db, &["user", "disable", "jsmith"], "")
                .status
                .success()
        );
        assert_eq!(login(&server.1, "jsmith", "correct horse battery"), 401);
    }
    // The four changes that succeeded are audited (the refused ones rolled back), and the chain verifies.
    let status = oasys(&db, &["db", "status", "--format", "json"], "");
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).expect("status json");
    assert!(
        status["rows"]["audit_log"].as_u64().expect("audit rows") >= 4,
        "{status}"
    );
    let verify = oasys(&db, &["db", "verify"], "");
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}
