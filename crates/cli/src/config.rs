//! Settings shared by the data commands: `--database`, `--format` and `--config`, resolved from
//! flags, then environment variables, then the TOML config file, then the defaults.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The config file read from the working directory when `--config` is not given.
pub(crate) const DEFAULT_CONFIG: &str = "oasys.toml";
/// The database used when nothing else names one: an SQLite file in the working directory.
pub(crate) const DEFAULT_DATABASE: &str = "oasys.db";

/// How listings and reports are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum OutputFormat {
    /// Aligned text for people
    #[default]
    Table,
    /// One JSON document for scripts
    Json,
}

/// The options every data command takes (global, so they may follow the subcommand).
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Common {
    /// Database: sqlite://PATH, a file path, or postgres://USER@HOST/DB [default: oasys.db]
    #[arg(
        long,
        global = true,
        env = "OASYS_DATABASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    database: Option<String>,
    /// Configuration file (TOML) [default: oasys.toml in the working directory, when present]
    #[arg(long, global = true, env = "OASYS_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Output format of reports [default: table]
    #[arg(long, global = true, env = "OASYS_FORMAT", value_enum)]
    format: Option<OutputFormat>,
}

/// What the config file may hold.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database: Option<String>,
    format: Option<OutputFormat>,
}

/// The resolved settings.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// The database URL.
    pub(crate) database: String,
    /// Where the URL came from, for error messages.
    pub(crate) database_source: String,
    /// The output format.
    pub(crate) format: OutputFormat,
}

impl Common {
    /// Flags and environment (already merged by clap), then the config file, then defaults.
    pub(crate) fn resolve(&self) -> Result<Settings> {
        let file = match &self.config {
            Some(path) => Some((path.clone(), read_config(path)?)),
            None if Path::new(DEFAULT_CONFIG).is_file() => {
                let path = PathBuf::from(DEFAULT_CONFIG);
                let config = read_config(&path)?;
                Some((path, config))
            }
            None => None,
        };
        let (file_database, file_format, file_name) = match file {
            Some((path, config)) => (config.database, config.format, path.display().to_string()),
            None => (None, None, String::new()),
        };
        let (database, database_source) = match (&self.database, file_database) {
            (Some(url), _) => (url.clone(), "--database or OASYS_DATABASE_URL".to_owned()),
            (None, Some(url)) => (url, format!("`database` in {file_name}")),
            (None, None) => (
                DEFAULT_DATABASE.to_owned(),
                "the default, oasys.db in the working directory".to_owned(),
            ),
        };
        check_url(&database).with_context(|| format!("the database URL from {database_source}"))?;
        Ok(Settings {
            database,
            database_source,
            format: self.format.or(file_format).unwrap_or_default(),
        })
    }
}

fn read_config(path: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the config file {} (check --config or OASYS_CONFIG)",
            path.display()
        )
    })?;
    toml::from_str(&text).with_context(|| {
        format!(
            "cannot parse the config file {} (it may set `database` and `format` only)",
            path.display()
        )
    })
}

/// Refuses schemes the store does not speak, before anything is created.
fn check_url(url: &str) -> Result<()> {
    if url.trim().is_empty() {
        bail!(
            "the database URL is empty: use sqlite://PATH, a file path or postgres://USER@HOST/DB"
        );
    }
    if let Some((scheme, _)) = url.split_once("://")
        && !matches!(scheme, "sqlite" | "postgres" | "postgresql")
    {
        bail!(
            "unsupported database scheme `{scheme}`: use sqlite://PATH, a file path or \
             postgres://USER@HOST/DB"
        );
    }
    Ok(())
}

/// The URL with any password replaced, fit for messages.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((user_info, host)) if user_info.contains(':') => {
            let user = user_info.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}{path}")
        }
        _ => url.to_owned(),
    }
}

/// The SQLite file a URL names, or `None` for PostgreSQL (as the store parses it).
pub(crate) fn sqlite_path(url: &str) -> Option<&str> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return None;
    }
    Some(
        url.strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://me:secret@db.example/oasys"),
            "postgres://me:***@db.example/oasys"
        );
        assert_eq!(redact("postgres://me@db/oasys"), "postgres://me@db/oasys");
        assert_eq!(redact("sqlite://a/b.db"), "sqlite://a/b.db");
    }

    #[test]
    fn unknown_schemes_are_refused() {
        assert!(check_url("mysql://x/y").is_err());
        assert!(check_url("").is_err());
        assert!(check_url("sqlite://x.db").is_ok());
        assert!(check_url("x.db").is_ok());
        assert!(check_url("postgresql://u@h/d").is_ok());
    }
}
