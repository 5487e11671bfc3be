//! `oasys sharing purge-expired`: the daily sweep that purges every released disclosure package
//! past its expiry that no read has purged yet (sharing spec §3.5: the content goes, from the
//! package and its history; the manifest, the hash and the disclosure record stay). Each purge
//! is audited as an erasure by the operator.

use anyhow::{Result, anyhow};
use clap::Subcommand;
use oasys_app::{App, RequestContext};
use oasys_sharing_policy::{Actor, Role};

use crate::Outcome;
use crate::config::Common;
use crate::operator;
use crate::serve::{RandomIds, SystemClock};

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  oasys sharing purge-expired --database sqlite:///var/lib/oasys/oasys.db")]
pub(crate) struct SharingArgs {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: SharingCommand,
}

#[derive(Debug, Subcommand)]
enum SharingCommand {
    /// Purge the content of released disclosure packages past their expiry (run it daily)
    #[command(after_help = "\
Examples:
  oasys sharing purge-expired

A package is also purged the first time anyone asks for it after its expiry; this sweep purges
the ones nobody asked for. Prints how many it purged; each purge is one audited erasure.")]
    PurgeExpired,
}

pub(crate) fn run(args: &SharingArgs) -> Result<Outcome> {
    let SharingCommand::PurgeExpired = args.command;
    let (db, _) = operator::open(&args.common)?;
    let app = App::new(db, SystemClock, RandomIds);
    let actor = Actor::new(operator::operator(), Role::Administrator, "");
    let ctx = RequestContext {
        correlation_id: Some("oasys sharing purge-expired".to_owned()),
        justification: Some("retention: disclosure package expiry".to_owned()),
    };
    let purged = app
        .purge_expired_disclosures(&actor, &ctx)
        .map_err(|e| anyhow!("cannot purge the expired disclosure packages: {e}"))?;
    println!("purged {purged} expired disclosure package(s)");
    Ok(Outcome::Success)
}
