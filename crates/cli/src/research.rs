//! `oasys research export`: the de-identified research extract of a cohort as JSON Lines, for an
//! analyst only (checked by the sharing policy, audited): no names, no CRN, PNC or NOMIS id,
//! person and assessment ids replaced by keyed pseudonyms (HMAC-SHA-256 under the research key),
//! dates coarsened to months, age bands instead of dates of birth.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use oasys_app::App;
use oasys_sharing_policy::deidentify::PseudonymKey;

use crate::Outcome;
use crate::config::Common;
use crate::operator::open;
use crate::report::{CohortArgs, actor, context};
use crate::serve::{RandomIds, SystemClock};

/// The variable holding the pseudonym key when no key file is given.
pub(crate) const KEY_VAR: &str = "OASYS_PSEUDONYM_KEY";

#[derive(Debug, clap::Args)]
pub(crate) struct ResearchArgs {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: ResearchCommand,
}

#[derive(Debug, Subcommand)]
enum ResearchCommand {
    /// Write the de-identified extract of a cohort (analysts only)
    #[command(after_help = "\
Examples:
  oasys research export --as analyst1 --key-file /etc/oasys/research.key --output cohort.jsonl
  OASYS_PSEUDONYM_KEY=... oasys research export --as analyst1 --from 2025-01-01 --area North --output north.jsonl

One JSON object per person: pseudonyms `person` and `assessment` (the same key gives the same
pseudonyms, so extracts can be linked; a different key cannot be linked), age band, sex,
ethnicity, area, sentence type, assessment month, predictor probabilities and bands, the outcome
with its dates as months, and the interventions in the plan with how far each got. The key must
be at least 16 bytes; keep it secret. The file is created readable by its owner only.")]
    Export {
        #[command(flatten)]
        cohort: CohortArgs,
        /// Where to write the JSON Lines extract
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
        /// File holding the pseudonym key (its first line); else OASYS_PSEUDONYM_KEY
        #[arg(long, value_name = "FILE")]
        key_file: Option<PathBuf>,
    },
}

pub(crate) fn run(args: &ResearchArgs) -> Result<Outcome> {
    match &args.command {
        ResearchCommand::Export {
            cohort,
            output,
            key_file,
        } => {
            let key = key(key_file.as_ref())?;
            let filter = cohort.filter()?;
            let catalogue = cohort.catalogue()?;
            let (db, _) = open(&args.common)?;
            let actor = actor(&db, &cohort.username)?;
            let app = App::new(db, SystemClock, RandomIds);
            let records = app
                .research_export(&actor, &filter, catalogue.as_ref(), &key, &context())
                .map_err(|e| anyhow!("cannot build the extract: {e}"))?;
            let file = create_private(output)?;
            let mut out = std::io::BufWriter::new(file);
            for record in &records {
                serde_json::to_writer(&mut out, record)
                    .with_context(|| format!("cannot write {}", output.display()))?;
                out.write_all(b"\n")
                    .with_context(|| format!("cannot write {}", output.display()))?;
            }
            out.into_inner()
                .map_err(|e| anyhow!("cannot write {}: {e}", output.display()))?
                .sync_all()
                .with_context(|| format!("cannot write {}", output.display()))?;
            eprintln!("wrote {} records to {}", records.len(), output.display());
            Ok(Outcome::Success)
        }
    }
}

/// The key from the file's first line, else from the environment.
fn key(file: Option<&PathBuf>) -> Result<PseudonymKey> {
    let text = match file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the key file {}", path.display()))?
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned(),
        None => match std::env::var(KEY_VAR) {
            Ok(value) => value,
            Err(_) => bail!("give the pseudonym key with --key-file FILE or {KEY_VAR}"),
        },
    };
    PseudonymKey::new(text.trim().as_bytes()).map_err(|e| anyhow!("{e}"))
}

/// Creates (or truncates) a file readable and writable by its owner only.
fn create_private(path: &PathBuf) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))
}
