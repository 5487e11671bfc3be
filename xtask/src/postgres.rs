//! The PostgreSQL the storage contract suite runs against: reuse a server on the loopback test
//! port, or initdb and start a throw-away cluster (Debian's `postgresql`), and hand its URL to tests.

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::{root, run};

/// The variable the storage tests read the server URL from.
pub(crate) const URL_VAR: &str = "OASYS_TEST_POSTGRES_URL";
/// A fixed, non-default loopback port so a developer's own PostgreSQL is never touched.
const PORT: u16 = 54329;
/// The role the tests connect as (it creates and drops one database per test).
const ROLE: &str = "oasys_test";

/// Makes sure a server is listening and returns the URL the tests should use.
/// An URL already in the environment wins (a CI service, a developer's own server).
pub(crate) fn ensure_running() -> Result<String> {
    if let Ok(url) = std::env::var(URL_VAR) {
        eprintln!("postgres: using {URL_VAR} from the environment");
        return Ok(url);
    }
    let url = format!("postgres://{ROLE}:{ROLE}@127.0.0.1:{PORT}/postgres");
    if listening() {
        eprintln!("postgres: a server already listens on 127.0.0.1:{PORT}");
        return Ok(url);
    }
    let bin = bin_dir()?;
    let data = data_dir()?;
    if !data.join("PG_VERSION").exists() {
        init_cluster(&bin, &data)?;
    }
    let options = format!(
        "-c listen_addresses=127.0.0.1 -p {PORT} -k {} -c fsync=on -c synchronous_commit=on \
         -c full_page_writes=on -c max_connections=200",
        data.display()
    );
    let log = data.join("server.log");
    let mut start = as_postgres(&bin.join("pg_ctl"));
    start.arg("-D").arg(&data).arg("-l").arg(&log);
    start.args(["-w", "-t", "60", "-o", &options, "start"]);
    run(start).with_context(|| format!("postgres did not start; see {}", log.display()))?;
    let create_role = format!(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN \
         CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{ROLE}'; END IF; END $$;"
    );
    let mut psql = as_postgres(&bin.join("psql"));
    psql.arg("-h").arg(&data);
    psql.args(["-p", &PORT.to_string(), "-U", "postgres", "-d", "postgres"]);
    psql.args(["-v", "ON_ERROR_STOP=1", "-q", "-c", &create_role]);
    run(psql).context("could not create the test role")?;
    if !listening() {
        bail!("postgres started but nothing listens on 127.0.0.1:{PORT}");
    }
    Ok(url)
}

fn listening() -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], PORT));
    TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok()
}

/// `/usr/lib/postgresql/<highest version>/bin`.
fn bin_dir() -> Result<PathBuf> {
    let base = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(base)
        .with_context(|| {
            format!(
                "{} is missing: install PostgreSQL (apt-get install postgresql)",
                base.display()
            )
        })?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).context(
        "no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)",
    )
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Runs a server binary as the `postgres` OS user when we are root (initdb refuses root).
fn as_postgres(program: &Path) -> Command {
    if is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program);
        cmd
    } else {
        Command::new(program)
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// The cluster lives in the target directory when the `postgres` user can reach it (it cannot
/// reach a target dir under root's home), otherwise under /var/tmp.
fn data_dir() -> Result<PathBuf> {
    let target = target_dir();
    std::fs::create_dir_all(&target).context("could not create the target directory")?;
    let reachable = !is_root()
        || Command::new("runuser")
            .args(["-u", "postgres", "--", "test", "-x"])
            .arg(&target)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
    let dir = if reachable {
        target.join("pg-data")
    } else {
        PathBuf::from(format!("/var/tmp/oasys-pg-{PORT}"))
    };
    Ok(dir)
}

fn init_cluster(bin: &Path, data: &Path) -> Result<()> {
    std::fs::create_dir_all(data)
        .with_context(|| format!("could not create {}", data.display()))?;
    if is_root() {
        let mut chown = Command::new("chown");
        chown.args(["-R", "postgres:postgres"]).arg(data);
        run(chown)?;
    }
    let mut initdb = as_postgres(&bin.join("initdb"));
    initdb.arg("-D").arg(data);
    // Trust on loopback only: a throw-away cluster for tests, listening on 127.0.0.1.
    initdb.args([
        "-U",
        "postgres",
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C",
    ]);
    run(initdb).context("initdb failed")
}
