//! `oasys team list|area|add|remove`: teams as the account profiles and the team reference data
//! record them (members and managers come from the profiles, the area from `set_team_area`).

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, anyhow};
use clap::Subcommand;
use oasys_app::{Listings, Operation};
use oasys_assessment_model::OrgCode;
use serde::Serialize;
use serde_json::json;

use crate::Outcome;
use crate::config::Common;
use crate::operator::{self, Event, Failure};
use crate::output;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  oasys team list
  oasys team area N1 North
  oasys team add N1 jsmith
  oasys team add N1 spo1 --manager
  oasys team remove N1 jsmith

Members and managers are kept in the accounts (`oasys user role` replaces them all at once); every
change is audited.")]
pub(crate) struct TeamArgs {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: TeamCommand,
}

#[derive(Debug, Subcommand)]
enum TeamCommand {
    /// List every team with its area, members and managers
    #[command(after_help = "\
Examples:
  oasys team list
  oasys team list --format json

A team appears once it has a recorded area or a member; `-` marks an area not yet recorded.")]
    List,
    /// Record (or change) the area a team belongs to
    #[command(after_help = "\
Examples:
  oasys team area N1 North")]
    Area {
        /// Team code (capital letters and digits)
        team: String,
        /// Area (region)
        area: String,
    },
    /// Add a user to a team, or as one of its managers with --manager
    #[command(after_help = "\
Examples:
  oasys team add N1 jsmith
  oasys team add N1 spo1 --manager

The change takes effect on the user's next request.")]
    Add {
        /// Team code
        team: String,
        /// Username
        username: String,
        /// Add as a manager of the team (SPO, head of PDU, HOMD only)
        #[arg(long)]
        manager: bool,
    },
    /// Take a user out of a team, or off its managers with --manager
    #[command(after_help = "\
Examples:
  oasys team remove N1 jsmith
  oasys team remove N1 spo1 --manager")]
    Remove {
        /// Team code
        team: String,
        /// Username
        username: String,
        /// Remove as a manager (membership stays)
        #[arg(long)]
        manager: bool,
    },
}

/// One team as listed.
#[derive(Debug, Default, Serialize)]
struct TeamView {
    code: String,
    area: Option<String>,
    members: BTreeSet<String>,
    managers: BTreeSet<String>,
}

fn team_code(team: &str) -> Result<String> {
    OrgCode::parse(team)
        .map(|c| c.as_str().to_owned())
        .map_err(|e| anyhow!("{team:?} is not a team code: {e}"))
}

pub(crate) fn run(args: &TeamArgs) -> Result<Outcome> {
    let (db, settings) = operator::open(&args.common)?;
    match &args.command {
        TeamCommand::List => {
            let mut teams: BTreeMap<String, TeamView> = BTreeMap::new();
            for team in db.teams().context("cannot list the teams")? {
                teams.entry(team.code.clone()).or_default().area = Some(team.area);
            }
            for user in db.users().context("cannot list the accounts")? {
                for team in &user.profile.teams {
                    teams
                        .entry(team.clone())
                        .or_default()
                        .members
                        .insert(user.username.clone());
                }
                for team in &user.profile.managed_teams {
                    teams
                        .entry(team.clone())
                        .or_default()
                        .managers
                        .insert(user.username.clone());
                }
            }
            let views: Vec<TeamView> = teams
                .into_iter()
                .map(|(code, view)| TeamView { code, ..view })
                .collect();
            let cell = |set: &BTreeSet<String>| {
                if set.is_empty() {
                    "-".to_owned()
                } else {
                    set.iter().cloned().collect::<Vec<_>>().join(",")
                }
            };
            let rows: Vec<Vec<String>> = views
                .iter()
                .map(|v| {
                    vec![
                        v.code.clone(),
                        v.area.clone().unwrap_or_else(|| "-".to_owned()),
                        cell(&v.members),
                        cell(&v.managers),
                    ]
                })
                .collect();
            output::print_columns(
                settings.format,
                &views,
                &["TEAM", "AREA", "MEMBERS", "MANAGERS"],
                &rows,
                "no teams: record one with `oasys team area TEAM AREA`",
            )?;
        }
        TeamCommand::Area { team, area } => {
            let team = team_code(team)?;
            if area.trim().is_empty() {
                anyhow::bail!("the area must not be empty");
            }
            let event = Event::new(Operation::Alteration, "team.area")
                .subject(&team)
                .details(json!({ "area": area }));
            operator::audited(&db, &event, |repos| Ok(repos.set_team_area(&team, area)?))
                .map_err(|e| anyhow!("cannot record the area of {team}: {e}"))?;
            println!("team {team} is in area {area}");
        }
        TeamCommand::Add {
            team,
            username,
            manager,
        }
        | TeamCommand::Remove {
            team,
            username,
            manager,
        } => {
            let add = matches!(args.command, TeamCommand::Add { .. });
            let team = team_code(team)?;
            let area = db
                .teams()
                .context("cannot read the teams")?
                .into_iter()
                .find(|t| t.code == team)
                .map(|t| t.area);
            let action = match (add, manager) {
                (true, false) => "team.add_member",
                (true, true) => "team.add_manager",
                (false, false) => "team.remove_member",
                (false, true) => "team.remove_manager",
            };
            let event = Event::new(Operation::Security, action)
                .subject(username)
                .details(json!({ "team": team }));
            operator::audited(&db, &event, |repos| {
                let account = repos.user(username)?.ok_or_else(|| {
                    Failure::Refused(format!(
                        "no account {username:?}: check the username with `oasys user list`"
                    ))
                })?;
                let mut profile = account.profile;
                if add && *manager && !profile.role.is_manager() {
                    return Err(Failure::Refused(format!(
                        "{username} is a {}: only SPOs, heads of PDU and HOMDs manage teams",
                        profile.role.code()
                    )));
                }
                if add
                    && let Some(area) = &area
                    && *area != profile.area
                {
                    return Err(Failure::Refused(format!(
                        "team {team} is in area {area} but {username} works in {}; change their \
                         area with `oasys user role` first",
                        profile.area
                    )));
                }
                let set = if *manager {
                    &mut profile.managed_teams
                } else {
                    &mut profile.teams
                };
                let changed = if add {
                    set.insert(team.clone())
                } else {
                    set.remove(&team)
                };
                if !changed {
                    return Err(Failure::Refused(format!(
                        "{username} is {} {} of team {team}",
                        if add { "already" } else { "not" },
                        if *manager { "a manager" } else { "a member" }
                    )));
                }
                repos.set_profile(username, &profile)?;
                Ok(())
            })
            .map_err(|e| anyhow!("cannot change team {team}: {e}"))?;
            println!(
                "{username} {} team {team}{}",
                if add { "added to" } else { "removed from" },
                if *manager { " as a manager" } else { "" }
            );
        }
    }
    Ok(Outcome::Success)
}
