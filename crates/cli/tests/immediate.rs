//! Sharing spec §2.8 "immediate effect" through the real server: a practitioner reads a case, the
//! operator reallocates it with `oasys allocate`, and the next request of the first practitioner is
//! refused without a new login; an `oasys lao exclude` bars the new one just as fast.

mod testdb;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use testdb::{TestDb, add_people, assert_code, person, stdout};

struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(url: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oasys"))
        .args(["serve", "--addr", "127.0.0.1:0", "--database", url])
        .env_remove("OASYS_CONFIG")
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

/// `oasys user add` with the password on standard input.
fn add_user(db: &TestDb, username: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oasys"))
        .args([
            "user",
            "add",
            username,
            "--role",
            "practitioner",
            "--grade",
            "3",
        ])
        .args(["--area", "North", "--team", "N1", "--database", &db.url])
        .env_remove("OASYS_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run oasys");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"correct horse battery\n")
        .expect("password");
    assert_code(&child.wait_with_output().expect("wait"), 0);
}

/// A bearer token for `username` (printed once by `oasys token create`).
fn token(db: &TestDb, username: &str) -> String {
    let out = db.oasys(&["token", "create", username, "--scope", "view_person"]);
    assert_code(&out, 0);
    stdout(&out)
        .lines()
        .find_map(|l| l.strip_prefix("secret "))
        .expect("secret")
        .to_owned()
}

fn read_person(base: &str, token: &str, id: &str) -> u16 {
    match ureq::get(&format!("{base}/api/v1/people/{id}"))
        .header("authorization", &format!("Bearer {token}"))
        .call()
    {
        Ok(response) => response.status().as_u16(),
        Err(ureq::Error::StatusCode(code)) => code,
        Err(other) => panic!("request failed: {other}"),
    }
}

#[test]
fn reallocation_and_exclusion_take_effect_on_the_next_request() {
    let db = TestDb::sqlite();
    add_people(&db.open(), &[person(1, "N1")]);
    add_user(&db, "poa");
    add_user(&db, "pob");
    assert_code(&db.oasys(&["team", "area", "N1", "North"]), 0);
    assert_code(&db.oasys(&["allocate", "T000001", "poa"]), 0);
    let (a, b) = (token(&db, "poa"), token(&db, "pob"));
    let id = person(1, "N1").id.to_string();

    let server = serve(&db.url);
    assert_eq!(
        read_person(&server.1, &a, &id),
        200,
        "the case manager reads"
    );
    assert_eq!(read_person(&server.1, &b, &id), 403, "a team-mate does not");
    assert_code(&db.oasys(&["allocate", "T000001", "pob"]), 0);
    assert_eq!(read_person(&server.1, &a, &id), 403, "access ended at once");
    assert_eq!(read_person(&server.1, &b, &id), 200, "and began at once");
    assert_code(&db.oasys(&["lao", "exclude", "T000001", "pob"]), 0);
    assert_eq!(
        read_person(&server.1, &b, &id),
        403,
        "excluded though allocated"
    );
}
