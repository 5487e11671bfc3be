//! Project automation: `cargo xtask ci` is exactly what CI runs; `cargo xtask bench` measures speed.
//! Every step prints what it runs so a failure can be reproduced by hand.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

mod assets;
mod bench;
mod postgres;
mod reliability;
mod soak;

/// Crates that hold the domain logic: none of them may reach an I/O crate (ARCHITECTURE.md).
const CORE_CRATES: &[&str] = &[
    "oasys-assessment-model",
    "oasys-scoring",
    "oasys-sentence-plan",
    "oasys-sharing-policy",
    "oasys-app",
    "oasys-what-works",
];

/// Crates the core must never depend on, directly or transitively (normal edges).
const FORBIDDEN_IN_CORE: &[&str] = &[
    "tokio",
    "diesel",
    "diesel_migrations",
    "axum",
    "hyper",
    "reqwest",
    "clap",
    "tower",
    "tower-http",
    "sqlx",
    "r2d2",
    "deadpool",
    "rusqlite",
    "libsqlite3-sys",
    "pq-sys",
    "tracing-subscriber",
    "rand",
    "getrandom",
    "mio",
    "socket2",
    "csv",
    "indicatif",
];

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str).unwrap_or("help");
    match task {
        "ci" => ci(),
        "bench" => bench::run_bench(&args[1..]),
        "assets" => assets::run(&args[1..]),
        "boundaries" => boundaries(),
        "postgres" => postgres::ensure_running().map(|url| println!("{}={url}", postgres::URL_VAR)),
        "fuzz" => reliability::fuzz(),
        "reliability" => reliability::reliability(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\n\
                 tasks:\n  \
                 ci          fmt, clippy, dependency boundaries, tests, cargo deny (what CI runs)\n  \
                 boundaries  only the dependency-boundary check\n  \
                 assets      build the web UI's assets from the npm lock file (--check: prove dist/ is current)\n  \
                 fuzz        the proptest fuzz targets with many cases (long pass)\n  \
                 reliability fuzz, SIGKILL rounds, edit race, overload, outage and schemathesis (docs/reliability.md)\n  \
                 reliability soak [--minutes N]  the server's memory under half its saturation rate (30 min)\n "
            );
            if task == "help" {
                Ok(())
            } else {
                bail!("unknown task `{task}`")
            }
        }
    }
}

/// The workspace root (the parent of this crate's folder).
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

pub(crate) fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

/// Runs a command, echoing it first, and fails with its exit status.
pub(crate) fn run(mut cmd: Command) -> Result<()> {
    eprintln!("$ {}", describe(&cmd));
    let status = cmd
        .status()
        .with_context(|| format!("could not start {}", describe(&cmd)))?;
    if !status.success() {
        bail!("`{}` failed with {status}", describe(&cmd));
    }
    Ok(())
}

pub(crate) fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|s| s.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn ci() -> Result<()> {
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--check"]);
    run(fmt)?;

    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]);
    run(clippy)?;

    boundaries()?;
    // The UI's committed assets must be what the lock file builds; this also installs axe-core,
    // which the browser tests inject into every page they check.
    assets::run(&["--check".to_owned()])?;

    let postgres_url = postgres::ensure_running()?;
    let mut test = cargo();
    test.args(["test", "--workspace", "--locked"]);
    test.env(postgres::URL_VAR, postgres_url);
    run(test)?;

    deny()?;
    eprintln!("xtask ci: all checks passed");
    Ok(())
}

/// Core crates must not reach tokio, diesel, axum, clap or any other I/O crate.
fn boundaries() -> Result<()> {
    let mut failures = Vec::new();
    for krate in CORE_CRATES {
        let dir = root()
            .join("crates")
            .join(krate.trim_start_matches("oasys-"));
        if !dir.join("Cargo.toml").exists() {
            continue;
        }
        let mut tree = cargo();
        tree.args([
            "tree", "--locked", "-e", "normal", "-p", krate, "--prefix", "none", "--format", "{p}",
        ]);
        eprintln!("$ {}", describe(&tree));
        let out = tree.output().context("could not run cargo tree")?;
        if !out.status.success() {
            bail!(
                "cargo tree failed for {krate}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let listing = String::from_utf8_lossy(&out.stdout);
        for line in listing.lines() {
            let name = line.split_whitespace().next().unwrap_or("");
            if FORBIDDEN_IN_CORE.contains(&name) {
                failures.push(format!("{krate} depends on {name}"));
            }
        }
    }
    failures.sort();
    failures.dedup();
    if !failures.is_empty() {
        bail!(
            "dependency boundary broken (see docs/ARCHITECTURE.md):\n  {}",
            failures.join("\n  ")
        );
    }
    eprintln!("boundaries: core crates reach no I/O crate");
    Ok(())
}

fn deny() -> Result<()> {
    let installed = cargo()
        .args(["deny", "--version"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !installed {
        let mut install = cargo();
        install.args(["install", "--locked", "cargo-deny"]);
        run(install)?;
    }
    // The RustSec advisory database lives on GitHub, which this environment cannot reach
    // (docs/adr/0002-cargo-deny-without-advisories.md); bans, licences and sources are checked.
    let mut deny = cargo();
    deny.args(["deny", "--locked", "check", "bans", "licenses", "sources"]);
    run(deny)
}
