//! `oasys user add|disable|enable|role` and `oasys token create|revoke`: the operator's account
//! administration, straight on the database, each change audited in the same transaction.

use std::collections::BTreeSet;
use std::io::Read;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{Duration, Utc};
use clap::Subcommand;
use oasys_app::{
    AccountProfile, ApiToken, Listings, Operation, Repositories, StoreError, UserAccount,
};
use oasys_assessment_model::Rank;
use oasys_sharing_policy::{Action, Role};
use oasys_storage::Database;
use uuid::Uuid;

use crate::config::Common;
use crate::operator::{self, Event};
use crate::{Outcome, output};

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  oasys user list
  printf '%s\\n' \"$PASSWORD\" | oasys user add jsmith --role practitioner --grade 3 --area North --team N1
  oasys user disable jsmith")]
pub(crate) struct UserArgs {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: UserCommand,
}

/// Who the account is: role, grade and where they work.
#[derive(Debug, Clone, clap::Args)]
struct ProfileArgs {
    /// Role: practitioner, prison_offender_manager, senior_probation_officer, head_of_pdu, homd,
    /// case_administrator, analyst, administrator, auditor, service_client
    #[arg(long)]
    role: String,
    /// Framework grade 1–5 (practitioners and managers)
    #[arg(long)]
    grade: Option<u8>,
    /// Area (region)
    #[arg(long)]
    area: String,
    /// Team the user works in (repeatable)
    #[arg(long = "team")]
    teams: Vec<String>,
    /// Team the user manages (repeatable; managers only)
    #[arg(long = "manages")]
    managed_teams: Vec<String>,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a local account; the password is read from standard input (first line)
    #[command(after_help = "\
Examples:
  printf '%s\\n' \"$PASSWORD\" | oasys user add jsmith --role practitioner --grade 3 --area North --team N1
  oasys user add spo1 --role senior_probation_officer --area North --team N1 --manages N1 < password.txt")]
    Add {
        /// Username
        username: String,
        #[command(flatten)]
        profile: ProfileArgs,
    },
    /// List every account: username, role, grade, area, teams, managed teams, disabled
    #[command(after_help = "\
Examples:
  oasys user list
  oasys user list --format json | jq -r '.[] | select(.disabled) | .username'

Password hashes are never shown.")]
    List,
    /// Disable an account (ends its sessions)
    Disable {
        /// Username
        username: String,
    },
    /// Enable a disabled account
    Enable {
        /// Username
        username: String,
    },
    /// Replace an account's role, grade, area and teams
    Role {
        /// Username
        username: String,
        #[command(flatten)]
        profile: ProfileArgs,
    },
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  oasys token create svc-reports --scope view_person --expires-days 90
  oasys token revoke 5f0c8a52-3d4e-4b8a-9f61-2c7d1e0b9a34")]
pub(crate) struct TokenArgs {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: TokenCommand,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create an API bearer token for a user; the secret is printed once and stored only hashed
    #[command(after_help = "\
Examples:
  oasys token create svc-reports --scope view_person --scope view_assessment --expires-days 90")]
    Create {
        /// Username the token acts as
        username: String,
        /// Action the token allows (repeatable, at least one): the token does nothing else,
        /// whatever the account's role allows
        #[arg(long = "scope", required = true)]
        scope: Vec<String>,
        /// Days until the token expires, 1 to 365
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(i64).range(1..=365))]
        expires_days: i64,
    },
    /// Revoke a token by its id
    Revoke {
        /// Token id (printed by `oasys token create`)
        id: Uuid,
    },
}

fn role(code: &str) -> Result<Role> {
    Role::ALL
        .into_iter()
        .find(|r| r.code() == code)
        .ok_or_else(|| {
            let known: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
            anyhow!("unknown role {code:?}; use one of: {}", known.join(", "))
        })
}

fn profile(args: &ProfileArgs) -> Result<AccountProfile> {
    let role = role(&args.role)?;
    let grade = args
        .grade
        .map(|g| Rank::new(g).map_err(|e| anyhow!("--grade {g}: {e}")))
        .transpose()?;
    if !args.managed_teams.is_empty() && !role.is_manager() {
        bail!(
            "--manages is for managers; a {} manages no team",
            role.code()
        );
    }
    if args.area.trim().is_empty() {
        bail!("--area must not be empty");
    }
    Ok(AccountProfile {
        role,
        grade,
        area: args.area.clone(),
        teams: args.teams.iter().cloned().collect(),
        managed_teams: args.managed_teams.iter().cloned().collect(),
    })
}

/// Runs `work` and its security audit event (`action` on `subject`) in one transaction.
fn audited(
    db: &Database,
    action: &str,
    subject: &str,
    work: impl FnOnce(&dyn Repositories) -> Result<(), StoreError>,
) -> Result<()> {
    let event = Event::new(Operation::Security, action).subject(subject);
    operator::audited(db, &event, |repos| Ok(work(repos)?)).map_err(|e| anyhow!("{e}"))
}

fn read_password() -> Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("cannot read the password from standard input")?;
    let password = text.lines().next().unwrap_or("").to_owned();
    if password.chars().count() < 12 {
        bail!("the password must have at least 12 characters (give it on standard input)");
    }
    Ok(password)
}

pub(crate) fn run_user(args: &UserArgs) -> Result<Outcome> {
    let (db, settings) = operator::open(&args.common)?;
    match &args.command {
        UserCommand::Add {
            username,
            profile: p,
        } => {
            let profile = profile(p)?;
            let password = read_password()?;
            let hash = oasys_web::hash_password(&password)
                .map_err(|e| anyhow!("cannot hash the password: {e:?}"))?;
            let account = UserAccount {
                username: username.clone(),
                password_hash: hash,
                profile,
                disabled: false,
                created_at: Utc::now(),
            };
            audited(&db, "user_add", username, |repos| {
                repos.create_user(&account)
            })
            .with_context(|| format!("cannot add {username} (is the username taken?)"))?;
            println!("added {username}");
        }
        UserCommand::List => list_users(&db, &settings)?,
        UserCommand::Disable { username } | UserCommand::Enable { username } => {
            let disable = matches!(args.command, UserCommand::Disable { .. });
            let action = if disable {
                "user_disable"
            } else {
                "user_enable"
            };
            audited(&db, action, username, |repos| {
                repos.set_disabled(username, disable)
            })
            .with_context(|| format!("cannot change {username} (is the username right?)"))?;
            println!(
                "{} {username}",
                if disable { "disabled" } else { "enabled" }
            );
        }
        UserCommand::Role {
            username,
            profile: p,
        } => {
            let profile = profile(p)?;
            audited(&db, "user_role", username, |repos| {
                repos.set_profile(username, &profile)
            })
            .with_context(|| format!("cannot change {username} (is the username right?)"))?;
            println!("changed {username}");
        }
    }
    Ok(Outcome::Success)
}

pub(crate) fn run_token(args: &TokenArgs) -> Result<Outcome> {
    let (db, _) = operator::open(&args.common)?;
    match &args.command {
        TokenCommand::Create {
            username,
            scope,
            expires_days,
        } => {
            let scope: BTreeSet<Action> = scope
                .iter()
                .map(|code| {
                    Action::ALL
                        .into_iter()
                        .find(|a| a.code() == code)
                        .ok_or_else(|| {
                            let known: Vec<&str> = Action::ALL.iter().map(|a| a.code()).collect();
                            anyhow!(
                                "unknown action {code:?} in --scope; the actions are: {}",
                                known.join(", ")
                            )
                        })
                })
                .collect::<Result<_>>()?;
            let (secret, hash) =
                oasys_web::new_secret().map_err(|e| anyhow!("cannot make a secret: {e:?}"))?;
            let now = Utc::now();
            let token = ApiToken {
                id: Uuid::new_v4(),
                token_hash: hash,
                username: username.clone(),
                scope,
                created_at: now,
                expires_at: Some(now + Duration::days(*expires_days)),
                revoked_at: None,
            };
            audited(&db, "token_create", username, |repos| {
                repos.create_api_token(&token)
            })
            .with_context(|| {
                format!("cannot create a token for {username} (is the username right?)")
            })?;
            println!("token id {}", token.id);
            println!("secret {secret}");
            eprintln!(
                "the secret is shown once: give it to the client now (Authorization: Bearer <secret>)"
            );
        }
        TokenCommand::Revoke { id } => {
            audited(&db, "token_revoke", &id.to_string(), |repos| {
                repos.revoke_api_token(*id, Utc::now())
            })
            .with_context(|| format!("cannot revoke token {id} (is the id right?)"))?;
            println!("revoked {id}");
        }
    }
    Ok(Outcome::Success)
}

/// One account as `oasys user list --format json` shows it (never the password hash).
#[derive(Debug, serde::Serialize)]
struct UserView<'a> {
    username: &'a str,
    role: &'static str,
    grade: Option<u8>,
    area: &'a str,
    teams: &'a BTreeSet<String>,
    managed_teams: &'a BTreeSet<String>,
    disabled: bool,
    created_at: chrono::DateTime<Utc>,
}

fn joined(items: &BTreeSet<String>) -> String {
    if items.is_empty() {
        "-".to_owned()
    } else {
        items.iter().cloned().collect::<Vec<_>>().join(",")
    }
}

fn list_users(db: &Database, settings: &crate::config::Settings) -> Result<()> {
    let users = db.users().context("cannot list the accounts")?;
    let views: Vec<UserView<'_>> = users
        .iter()
        .map(|u| UserView {
            username: &u.username,
            role: u.profile.role.code(),
            grade: u.profile.grade.map(Rank::get),
            area: &u.profile.area,
            teams: &u.profile.teams,
            managed_teams: &u.profile.managed_teams,
            disabled: u.disabled,
            created_at: u.created_at,
        })
        .collect();
    let rows: Vec<Vec<String>> = views
        .iter()
        .map(|v| {
            vec![
                v.username.to_owned(),
                v.role.to_owned(),
                v.grade.map_or_else(|| "-".to_owned(), |g| g.to_string()),
                v.area.to_owned(),
                joined(v.teams),
                joined(v.managed_teams),
                if v.disabled { "yes" } else { "no" }.to_owned(),
            ]
        })
        .collect();
    output::print_columns(
        settings.format,
        &views,
        &[
            "USERNAME", "ROLE", "GRADE", "AREA", "TEAMS", "MANAGES", "DISABLED",
        ],
        &rows,
        "no accounts: add the first with `oasys user add`",
    )
}
