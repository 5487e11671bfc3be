//! `cargo xtask reliability` and `cargo xtask fuzz` (issue 11; docs/reliability.md).
//!
//! `fuzz`: the proptest fuzz targets with many cases (request bodies, query strings, path ids and
//! `If-Match` through the router; score, import, outcomes and offences files through the binary).
//!
//! `reliability`: the long pass of everything: the fuzz targets, the server tests at full length
//! (SIGKILL rounds on SQLite and PostgreSQL, the 8-client edit race, overload at 4×, the PostgreSQL
//! outage), the access property over generated populations, and schemathesis against the served OpenAPI document. Each step prints its figures on
//! `reliability:` lines; every step is bounded by its case or round count.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::{cargo, describe, postgres, root, run};

/// Cases per web fuzz property in the long pass (each case is one or three requests).
const WEB_FUZZ_CASES: &str = "3000";
/// Cases per CLI fuzz property in the long pass (each case is one file per command).
const CLI_FUZZ_CASES: &str = "200";
/// SIGKILL rounds per backend in the long pass (spec R5: at least 50).
const CRASH_ROUNDS: &str = "60";
/// Rounds of stopping PostgreSQL itself under the write load (spec R5).
const PG_KILL_ROUNDS: &str = "50";
/// Successful edits per client in the edit race (spec R1: 8 writers × 200; with eight writers on
/// one record each success costs about four 412s: 1 to 2 minutes per backend in a debug build,
/// since reads no longer load the event log).
const EDIT_ROUNDS: &str = "200";
/// Seconds of overload.
const OVERLOAD_SECS: &str = "10";
/// Generated populations the access property checks.
const ACCESS_POPULATIONS: &str = "40";
/// Examples schemathesis generates per operation and phase.
const SCHEMATHESIS_EXAMPLES: &str = "100";

/// `cargo xtask fuzz`: the fuzz targets with many cases.
pub(crate) fn fuzz() -> Result<()> {
    let mut web = cargo();
    web.args([
        "test",
        "-p",
        "oasys-web",
        "--test",
        "fuzz_requests",
        "--",
        "--nocapture",
    ]);
    web.env("OASYS_FUZZ_CASES", WEB_FUZZ_CASES);
    run(web)?;
    let mut cli = cargo();
    cli.args([
        "test",
        "-p",
        "oasys-cli",
        "--test",
        "fuzz_inputs",
        "--",
        "--nocapture",
    ]);
    cli.env("OASYS_FUZZ_CASES", CLI_FUZZ_CASES);
    run(cli)?;
    eprintln!("xtask fuzz: no input made anything panic");
    Ok(())
}

/// `cargo xtask reliability`: fuzz, the server tests at full length, schemathesis;
/// `cargo xtask reliability schemathesis`: only the schemathesis step;
/// `cargo xtask reliability soak [--minutes N]`: the memory soak (crate::soak), on its own.
pub(crate) fn reliability(args: &[String]) -> Result<()> {
    match args.first().map(String::as_str) {
        Some("schemathesis") => return schemathesis(SCHEMATHESIS_EXAMPLES),
        Some("soak") => return crate::soak::soak(&args[1..]),
        _ => {}
    }
    fuzz()?;
    let url = postgres::ensure_running()?;
    let mut server = cargo();
    server.args([
        "test",
        "-p",
        "oasys-cli",
        "--test",
        "reliability_server",
        "--",
        "--nocapture",
        "--test-threads",
        "1",
    ]);
    server
        .env(postgres::URL_VAR, url)
        .env("OASYS_CRASH_ROUNDS", CRASH_ROUNDS)
        .env("OASYS_PG_KILL_ROUNDS", PG_KILL_ROUNDS)
        .env("OASYS_EDIT_ROUNDS", EDIT_ROUNDS)
        .env("OASYS_OVERLOAD_SECS", OVERLOAD_SECS);
    run(server)?;
    let mut access = cargo();
    access.args([
        "test",
        "-p",
        "oasys-web",
        "--test",
        "reliability_access",
        "--",
        "--nocapture",
    ]);
    access.env("OASYS_ACCESS_CASES", ACCESS_POPULATIONS);
    run(access)?;
    schemathesis(SCHEMATHESIS_EXAMPLES)?;
    eprintln!("xtask reliability: all passed (figures on the `reliability:` lines above)");
    Ok(())
}

/// The demo server, killed when dropped.
struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_demo(binary: &Path, dir: &Path) -> Result<Served> {
    let database = format!("sqlite://{}", dir.join("oasys.db").display());
    let mut cmd = Command::new(binary);
    cmd.args([
        "serve",
        "--demo",
        "--insecure-cookies",
        "--addr",
        "127.0.0.1:0",
        "--database",
        &database,
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    eprintln!("$ {}", describe(&cmd));
    let mut child = cmd.spawn().context("could not start oasys serve")?;
    let stdout = child.stdout.take().context("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .context("could not read the listening line")?;
    let Some(base) = line.trim().strip_prefix("oasys listening on ") else {
        let _ = child.kill();
        bail!("oasys serve did not start: {line:?}");
    };
    Ok(Served {
        base: base.to_owned(),
        child,
    })
}

/// Signs in as `user` with curl and returns the session cookie.
fn login(base: &str, user: &str) -> Result<String> {
    let body = format!(r#"{{"username":"{user}","password":"{user}-demo-password"}}"#);
    for _ in 0..30 {
        let out = Command::new("curl")
            .args([
                "-s",
                "-i",
                "-H",
                "content-type: application/json",
                "-d",
                &body,
                &format!("{base}/api/v1/auth/login"),
            ])
            .output()
            .context("could not run curl")?;
        let text = String::from_utf8_lossy(&out.stdout);
        if let Some(cookie) = text
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: "))
            .and_then(|v| v.split(';').next())
        {
            return Ok(cookie.to_owned());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    bail!("could not sign in as {user} on {base}")
}

/// schemathesis (PyPI) against the served OpenAPI document, signed in as each demo role in turn.
///
/// Every check except two (docs/reliability.md): `positive_data_acceptance`, because a schema
/// cannot carry every rule a body must keep (a valid CRN, a known staff id, a plan whose version
/// is the stored one), so schema-valid bodies are refused with 422 or 409, and
/// `missing_required_header`, because a missing `If-Match` or `X-Justification` is answered 428
/// as spec R1 says, which schemathesis does not expect.
pub(crate) fn schemathesis(examples: &str) -> Result<()> {
    let installed = Command::new("schemathesis")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !installed {
        let mut pip = Command::new("python3");
        pip.args(["-m", "pip", "install", "--quiet", "schemathesis"]);
        run(pip)?;
    }
    let mut build = cargo();
    build.args(["build", "-p", "oasys-cli", "--bin", "oasys"]);
    run(build)?;
    let binary = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root().join("target"), Into::into)
        .join("debug/oasys");
    let dir = std::env::temp_dir().join(format!("oasys-schemathesis-{}", std::process::id()));
    std::fs::create_dir_all(&dir).context("could not create a temporary directory")?;
    let served = serve_demo(&binary, &dir)?;
    let schema = format!("{}/api/openapi.json", served.base);
    for user in ["practitioner", "admin", "auditor"] {
        let cookie = login(&served.base, user)?;
        let header = format!("Cookie: {cookie}");
        let mut gate = Command::new("schemathesis");
        gate.args([
            "run",
            &schema,
            "-H",
            &header,
            // Logging out would end the session the run signs in with.
            "--exclude-path",
            "/api/v1/auth/logout",
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance,missing_required_header",
            "-n",
            examples,
            "--request-timeout",
            "15",
            "--seed",
            "11",
            "--continue-on-failure",
        ]);
        run(gate)
            .with_context(|| format!("schemathesis found 5xx or schema violations as {user}"))?;
    }
    drop(served);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
