//! `cargo xtask assets`: builds the web UI's front-end assets from the npm lock file into
//! `crates/web/assets/dist` (committed, embedded in the binary by `oasys-web`), and
//! `cargo xtask assets --check` proves the committed files are exactly what the lock file builds.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{describe, root};

/// Files of `dist/`: (name, where it comes from, relative to the assets folder).
const OUTPUTS: &[(&str, Source)] = &[
    ("app.css", Source::Sass("src/app.scss")),
    (
        "govuk-frontend.min.js",
        Source::Copy("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js"),
    ),
    ("init.mjs", Source::Copy("src/init.mjs")),
    ("js-enabled.js", Source::Copy("src/js-enabled.js")),
    ("favicon.svg", Source::Copy("src/favicon.svg")),
];

#[derive(Clone, Copy)]
enum Source {
    Sass(&'static str),
    Copy(&'static str),
}

/// The folder holding `package.json`, `src/` and `dist/`.
pub fn assets_dir() -> PathBuf {
    root().join("crates").join("web").join("assets")
}

fn run_in(dir: &Path, program: &str, args: &[&str]) -> Result<()> {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir).args(args);
    eprintln!("$ (cd {}) {}", dir.display(), describe(&cmd));
    let status = cmd
        .status()
        .with_context(|| format!("could not run {program}: is Node.js with npm installed?"))?;
    if !status.success() {
        bail!("{program} failed with {status}");
    }
    Ok(())
}

/// Installs the locked npm packages (no install scripts: none is needed).
pub fn npm_ci() -> Result<()> {
    run_in(
        &assets_dir(),
        "npm",
        &["ci", "--no-audit", "--no-fund", "--ignore-scripts"],
    )
}

fn build_into(out: &Path) -> Result<()> {
    let dir = assets_dir();
    std::fs::create_dir_all(out)?;
    for (name, source) in OUTPUTS {
        let target = out.join(name);
        match source {
            Source::Sass(input) => {
                let target = target.to_string_lossy().into_owned();
                run_in(
                    &dir,
                    "node_modules/.bin/sass",
                    &[
                        "--pkg-importer=node",
                        "--style=compressed",
                        "--no-source-map",
                        input,
                        &target,
                    ],
                )?;
            }
            Source::Copy(input) => {
                let bytes =
                    std::fs::read(dir.join(input)).with_context(|| format!("reading {input}"))?;
                std::fs::write(&target, bytes)?;
            }
        }
    }
    Ok(())
}

/// `cargo xtask assets [--check]`.
pub fn run(args: &[String]) -> Result<()> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => bail!("usage: cargo xtask assets [--check]"),
    };
    npm_ci()?;
    let dist = assets_dir().join("dist");
    if !check {
        build_into(&dist)?;
        eprintln!("assets: built {}", dist.display());
        return Ok(());
    }
    let scratch = std::env::temp_dir().join(format!("oasys-assets-{}", std::process::id()));
    build_into(&scratch)?;
    let mut drift = Vec::new();
    for (name, _) in OUTPUTS {
        let built = std::fs::read(scratch.join(name))?;
        let committed = std::fs::read(dist.join(name)).unwrap_or_default();
        if built != committed {
            drift.push(*name);
        }
    }
    std::fs::remove_dir_all(&scratch).ok();
    if !drift.is_empty() {
        bail!(
            "crates/web/assets/dist is not what package-lock.json builds ({}): run `cargo xtask assets` and commit",
            drift.join(", ")
        );
    }
    eprintln!("assets: dist/ matches the lock file");
    Ok(())
}
