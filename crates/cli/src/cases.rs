//! `oasys allocate PERSON PRACTITIONER` and `oasys lao show|exclude|restrict|remove`: an operator's
//! changes to who holds and who may see a case, each audited in the same transaction. The LAO
//! rules of the sharing spec (§2.3) hold here too: adding to a list takes effect at once, removing
//! needs a second authorised person (SPO or above).

use std::collections::BTreeSet;

use anyhow::{Result, anyhow};
use clap::Subcommand;
use oasys_app::{Allocation, Operation, Repositories, Storage};
use oasys_assessment_model::OrgCode;
use oasys_sharing_policy::{LaoLists, LaoStanding};
use serde_json::json;

use crate::Outcome;
use crate::config::Common;
use crate::operator::{self, Event, Failure, find_person};
use crate::output::{self, list, row};

#[derive(Debug, clap::Args)]
pub(crate) struct AllocateArgs {
    #[command(flatten)]
    common: Common,
    /// The person: CRN (e.g. X123456) or person id (UUID)
    person: String,
    /// Username of the practitioner or prison offender manager who takes the case
    practitioner: String,
    /// The practitioner's team that holds the case [default: their only team]
    #[arg(long)]
    team: Option<String>,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  oasys lao show X123456
  oasys lao exclude X123456 jsmith
  oasys lao restrict X123456 po1 spo1
  oasys lao remove X123456 jsmith --from exclusion --approved-by spo1

Exclusion beats restriction, which beats every relationship and role (sharing spec §2.3).")]
pub(crate) struct LaoArgs {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: LaoCommand,
}

/// Which LAO list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum List {
    /// The exclusion list (named users barred from the case)
    Exclusion,
    /// The restriction list (when not empty, only these users may see the case)
    Restriction,
}

#[derive(Debug, Subcommand)]
enum LaoCommand {
    /// Show a person's exclusion and restriction lists and their messages
    #[command(after_help = "\
Examples:
  oasys lao show X123456
  oasys lao show X123456 --format json")]
    Show {
        /// The person: CRN or person id
        person: String,
    },
    /// Bar users from a case (takes effect on their next request)
    #[command(after_help = "\
Examples:
  oasys lao exclude X123456 jsmith
  oasys lao exclude X123456 jsmith akhan --message \"Contact the Head of PDU North\"

Exclusion wins over every other rule, including allocation and team oversight.")]
    Exclude {
        /// The person: CRN or person id
        person: String,
        /// Usernames to exclude
        #[arg(required = true)]
        users: Vec<String>,
        /// Message shown to an excluded user (replaces the current one)
        #[arg(long)]
        message: Option<String>,
    },
    /// Restrict a case to named users: once the list is not empty, only they may see it
    #[command(after_help = "\
Examples:
  oasys lao restrict X123456 po1 spo1
  oasys lao restrict X123456 po1 --message \"Restricted: contact the SPO of team N1\"

Remember the allocated practitioner and their manager: anyone not listed loses access at once.")]
    Restrict {
        /// The person: CRN or person id
        person: String,
        /// Usernames allowed to see the case
        #[arg(required = true)]
        users: Vec<String>,
        /// Message shown to a user outside the list (replaces the current one)
        #[arg(long)]
        message: Option<String>,
    },
    /// Take a user off a list; needs a second authorised person (an SPO or above)
    #[command(after_help = "\
Examples:
  oasys lao remove X123456 jsmith --from exclusion --approved-by spo1
  oasys lao remove X123456 po2 --from restriction --approved-by hpdu1

Removing an exclusion or a restriction widens access, so it needs the approval of an enabled
senior probation officer, head of PDU or HOMD (sharing spec §2.3); the approver is audited.")]
    Remove {
        /// The person: CRN or person id
        person: String,
        /// Username to take off the list
        user: String,
        /// Which list
        #[arg(long, value_enum)]
        from: List,
        /// Username of the SPO (or above) who approved the removal
        #[arg(long, value_name = "USERNAME")]
        approved_by: String,
    },
}

fn refused(message: String) -> Failure {
    Failure::Refused(message)
}

/// The stored, enabled account of `username`, or a refusal naming it.
fn account(repos: &dyn Repositories, username: &str) -> Result<oasys_app::UserAccount, Failure> {
    let account = repos.user(username)?.ok_or_else(|| {
        refused(format!(
            "no account {username:?}: check the username with `oasys user list`"
        ))
    })?;
    if account.disabled {
        return Err(refused(format!(
            "the account {username} is disabled: enable it with `oasys user enable {username}` first"
        )));
    }
    Ok(account)
}

pub(crate) fn run_allocate(args: &AllocateArgs) -> Result<Outcome> {
    let (db, settings) = operator::open(&args.common)?;
    let mut event = Event::new(Operation::Alteration, "allocate").subject(&args.practitioner);
    let (crn, team, previous) = db
        .in_transaction(|repos| -> Result<_, Failure> {
            let person = find_person(repos, &args.person)?;
            let account = account(repos, &args.practitioner)?;
            if !account.profile.role.is_case_worker() {
                return Err(refused(format!(
                    "{} is a {}: cases are allocated to practitioners and prison offender managers",
                    args.practitioner,
                    account.profile.role.code()
                )));
            }
            let team = match &args.team {
                Some(team) if account.profile.teams.contains(team) => team.clone(),
                Some(team) => {
                    return Err(refused(format!(
                        "{} is not in team {team} (their teams: {}); add them with `oasys team add {team} {}`",
                        args.practitioner,
                        list(&account.profile.teams.iter().cloned().collect::<Vec<_>>()),
                        args.practitioner
                    )));
                }
                None => {
                    let mut teams = account.profile.teams.iter();
                    match (teams.next(), teams.next()) {
                        (Some(only), None) => only.clone(),
                        (None, _) => {
                            return Err(refused(format!(
                                "{} is in no team: add them to one with `oasys team add TEAM {}`",
                                args.practitioner, args.practitioner
                            )));
                        }
                        (Some(_), Some(_)) => {
                            return Err(refused(format!(
                                "{} is in several teams ({}): choose one with --team",
                                args.practitioner,
                                account.profile.teams.iter().cloned().collect::<Vec<_>>().join(", ")
                            )));
                        }
                    }
                }
            };
            let team_code = OrgCode::parse(&team)
                .map_err(|e| refused(format!("team {team:?} is not a valid team code: {e}")))?;
            let access = repos
                .case_access(person.id)?
                .ok_or_else(|| refused(format!("no person with id {}", person.id)))?;
            match access.lao.standing(&args.practitioner) {
                LaoStanding::Excluded => {
                    return Err(refused(format!(
                        "{} is on the exclusion list of this case and could not work on it; \
                         choose someone else (or see `oasys lao show {}`)",
                        args.practitioner, args.person
                    )));
                }
                LaoStanding::NotOnRestrictionList => {
                    return Err(refused(format!(
                        "this case is restricted and {} is not on its restriction list; add them \
                         with `oasys lao restrict {} {}` first",
                        args.practitioner, args.person, args.practitioner
                    )));
                }
                LaoStanding::NotLimited | LaoStanding::Permitted => {}
            }
            let previous = repos.current_allocation(person.id)?;
            event = event.clone().person(person.id).details(json!({
                "practitioner": args.practitioner,
                "team": team,
                "previous_practitioner": previous.as_ref().map(|a| a.practitioner.clone()),
            }));
            repos.allocate(&Allocation {
                person_id: person.id,
                practitioner: args.practitioner.clone(),
                team: team_code,
                allocated_at: chrono::Utc::now(),
                allocated_by: operator::operator(),
            })?;
            repos.append(&operator::entry_of(&event))?;
            let crn = person
                .ids
                .crn()
                .map_or_else(|| person.id.to_string(), |c| c.as_str().to_owned());
            Ok((crn, team, previous))
        })
        .map_err(|e| anyhow!("cannot allocate {}: {e}", args.person))?;
    let previous = previous.map_or_else(|| "none".to_owned(), |a| a.practitioner);
    output::print(
        settings.format,
        &json!({
            "person": crn,
            "practitioner": args.practitioner,
            "team": team,
            "previous_practitioner": previous,
        }),
        &[
            row("person", &crn),
            row("allocated to", &args.practitioner),
            row("team", &team),
            row("previously", &previous),
        ],
    )?;
    Ok(Outcome::Success)
}

pub(crate) fn run_lao(args: &LaoArgs) -> Result<Outcome> {
    let (db, settings) = operator::open(&args.common)?;
    let person_text = match &args.command {
        LaoCommand::Show { person }
        | LaoCommand::Exclude { person, .. }
        | LaoCommand::Restrict { person, .. }
        | LaoCommand::Remove { person, .. } => person.clone(),
    };
    let (crn, lists, holder) = db
        .in_transaction(|repos| -> Result<_, Failure> {
            let person = find_person(repos, &person_text)?;
            let crn = person
                .ids
                .crn()
                .map_or_else(|| person.id.to_string(), |c| c.as_str().to_owned());
            let mut lao = repos
                .case_access(person.id)?
                .map(|a| a.lao)
                .unwrap_or_default();
            let event = match &args.command {
                LaoCommand::Show { .. } => {
                    // Whether a person is a limited access case is itself sensitive: audited.
                    repos.append(&operator::entry_of(
                        &Event::new(Operation::Consultation, "lao.show").person(person.id),
                    ))?;
                    return Ok((crn, lao, None));
                }
                LaoCommand::Exclude { users, message, .. }
                | LaoCommand::Restrict { users, message, .. } => {
                    let exclude = matches!(args.command, LaoCommand::Exclude { .. });
                    for user in users {
                        repos.user(user)?.ok_or_else(|| {
                            refused(format!(
                                "no account {user:?}: LAO lists name existing users (see `oasys user list`)"
                            ))
                        })?;
                    }
                    let (target, text, action) = if exclude {
                        (&mut lao.excluded, &mut lao.exclusion_message, "lao.exclude")
                    } else {
                        (&mut lao.restricted_to, &mut lao.restriction_message, "lao.restrict")
                    };
                    let added: BTreeSet<String> =
                        users.iter().filter(|u| !target.contains(*u)).cloned().collect();
                    target.extend(users.iter().cloned());
                    if let Some(message) = message {
                        *text = Some(message.clone());
                    }
                    Event::new(Operation::Alteration, action)
                        .person(person.id)
                        .details(json!({ "added": added, "message_changed": message.is_some() }))
                }
                LaoCommand::Remove {
                    user,
                    from,
                    approved_by,
                    ..
                } => {
                    let approver = account(repos, approved_by)?;
                    if !approver.profile.role.is_manager() {
                        return Err(refused(format!(
                            "{approved_by} is a {}: removing from an LAO list needs the approval \
                             of a senior probation officer, head of PDU or HOMD",
                            approver.profile.role.code()
                        )));
                    }
                    if approved_by == user {
                        return Err(refused(
                            "a user cannot approve their own removal from an LAO list".to_owned(),
                        ));
                    }
                    let (target, action) = match from {
                        List::Exclusion => (&mut lao.excluded, "lao.remove_exclusion"),
                        List::Restriction => (&mut lao.restricted_to, "lao.remove_restriction"),
                    };
                    if !target.remove(user) {
                        return Err(refused(format!(
                            "{user} is not on the {} list of this case",
                            match from {
                                List::Exclusion => "exclusion",
                                List::Restriction => "restriction",
                            }
                        )));
                    }
                    Event::new(Operation::Alteration, action)
                        .person(person.id)
                        .details(json!({ "removed": user, "approved_by": approved_by }))
                }
            };
            repos.set_lao(person.id, &lao, chrono::Utc::now())?;
            repos.append(&operator::entry_of(&event))?;
            let holder = repos.current_allocation(person.id)?.map(|a| a.practitioner);
            Ok((crn, lao, holder))
        })
        .map_err(|e| anyhow!("{e}"))?;
    print_lists(settings.format, &crn, &lists)?;
    if let Some(holder) = holder
        && matches!(
            lists.standing(&holder),
            LaoStanding::Excluded | LaoStanding::NotOnRestrictionList
        )
    {
        eprintln!(
            "warning: {holder}, who holds the case, can no longer see {crn}; reallocate it with \
             `oasys allocate {crn} USERNAME`"
        );
    } else if let LaoCommand::Restrict { .. } = args.command {
        eprintln!(
            "only the users on the restriction list may now see {crn}; check that the case's \
             managers are listed"
        );
    }
    Ok(Outcome::Success)
}

fn print_lists(format: crate::config::OutputFormat, crn: &str, lao: &LaoLists) -> Result<()> {
    let names = |set: &BTreeSet<String>| list(&set.iter().cloned().collect::<Vec<_>>());
    output::print(
        format,
        &json!({
            "person": crn,
            "limited_access": lao.is_limited(),
            "excluded": lao.excluded,
            "exclusion_message": lao.exclusion_text(),
            "restricted_to": lao.restricted_to,
            "restriction_message": lao.restriction_text(),
        }),
        &[
            row("person", crn),
            row(
                "limited access",
                if lao.is_limited() { "yes" } else { "no" },
            ),
            row("excluded", names(&lao.excluded)),
            row("exclusion message", lao.exclusion_text()),
            row("restricted to", names(&lao.restricted_to)),
            row("restriction message", lao.restriction_text()),
        ],
    )
}
