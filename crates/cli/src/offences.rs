//! `oasys offences import FILE` and `oasys offences status`: the offence catalogue in the
//! database, which the server's scoring uses to resolve offence codes (categories given directly
//! need no catalogue). An import replaces the whole catalogue in one audited transaction.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use oasys_app::{OffenceRepository, OffenceRow, Operation};
use serde_json::json;

use crate::Outcome;
use crate::catalogue::read_rows;
use crate::config::Common;
use crate::operator::{self, Event};
use crate::output::{self, row};

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  oasys offences import testdata/offence_categories.csv
  oasys offences status")]
pub(crate) struct OffencesArgs {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: OffencesCommand,
}

#[derive(Debug, Subcommand)]
enum OffencesCommand {
    /// Load an offence catalogue CSV (the format of offence_categories.csv), replacing the stored one
    #[command(after_help = "\
Examples:
  oasys offences import testdata/offence_categories.csv
  oasys offences import /srv/reference/offence_categories.csv --format json

Every row is checked first (five-digit code, OGRS3 status and categories the scorer knows, no code
twice); any problem stops the import with its line number and nothing changes. The catalogue is
then replaced in one transaction, so the server scores with the old one or the new one, never a
mix. Importing the same file again changes nothing and says `unchanged`.
Exit status: 0 imported or unchanged, 2 the file was refused or the database failed.")]
    Import {
        /// The CSV file
        file: PathBuf,
    },
    /// Show how many offence codes the database holds
    #[command(after_help = "\
Examples:
  oasys offences status --format json")]
    Status,
}

pub(crate) fn run(args: &OffencesArgs) -> Result<Outcome> {
    let (db, settings) = operator::open(&args.common)?;
    match &args.command {
        OffencesCommand::Status => {
            let count = db
                .offence_count()
                .context("cannot count the offence codes")?;
            output::print(
                settings.format,
                &json!({ "codes": count }),
                &[row(
                    "offence codes",
                    if count == 0 {
                        "none loaded: scoring needs categories given directly (load a catalogue \
                         with `oasys offences import FILE`)"
                            .to_owned()
                    } else {
                        count.to_string()
                    },
                )],
            )?;
        }
        OffencesCommand::Import { file } => {
            let rows = read_rows(file)?;
            let mut first_line: BTreeMap<&str, u64> = BTreeMap::new();
            for (line, offence) in &rows {
                if let Some(first) = first_line.insert(&offence.code, *line) {
                    bail!(
                        "{}: line {line}: offence code {} was already given on line {first}; \
                         each code may appear once",
                        file.display(),
                        offence.code
                    );
                }
            }
            let mut rows: Vec<OffenceRow> = rows.into_iter().map(|(_, r)| r).collect();
            rows.sort_by(|a, b| a.code.cmp(&b.code));
            let before = db.offences().context("cannot read the stored catalogue")?;
            let unchanged = before == rows;
            if !unchanged {
                let event = Event::new(Operation::Alteration, "offences.import")
                    .subject("offence_catalogue")
                    .details(json!({ "codes": rows.len(), "replaced": before.len() }));
                operator::audited(&db, &event, |repos| Ok(repos.replace_offences(&rows)?))
                    .map_err(|e| anyhow!("cannot store the catalogue (nothing changed): {e}"))?;
            }
            let result = if unchanged { "unchanged" } else { "imported" };
            output::print(
                settings.format,
                &json!({
                    "file": file.display().to_string(),
                    "result": result,
                    "codes": rows.len(),
                    "replaced": before.len(),
                }),
                &[
                    row("file", file.display()),
                    row("result", result),
                    row("codes", rows.len()),
                    row("codes before", before.len()),
                ],
            )?;
        }
    }
    Ok(Outcome::Success)
}
