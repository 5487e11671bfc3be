//! `oasys outcomes import FILE`: proven reoffending outcomes in bulk, from CSV or JSON Lines, the
//! person named by CRN. Records that do not read or do not fit are reported with their line
//! numbers and the rest are imported (in one transaction with one audit event); running the same
//! file again changes nothing.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use clap::Subcommand;
use oasys_app::{App, OutcomeImport, OutcomeRecord, RejectedOutcome};

use crate::Outcome;
use crate::config::Common;
use crate::operator::{open, operator};
use crate::output::{print, row};
use crate::serve::{RandomIds, SystemClock};

#[derive(Debug, clap::Args)]
pub(crate) struct OutcomesArgs {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: OutcomesCommand,
}

/// How the file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum InputFormat {
    /// Comma-separated values with a header row
    Csv,
    /// One JSON object per line
    Jsonl,
}

#[derive(Debug, Subcommand)]
enum OutcomesCommand {
    /// Import proven reoffending outcomes (one per person; a later import replaces a different one)
    #[command(after_help = "\
Examples:
  oasys outcomes import reoffending-2026-q1.csv
  oasys outcomes import outcomes.jsonl --format json

CSV columns (header row, any order): crn, follow_up_start, follow_up_end, first_reoffence,
offence_category, violent, sexual. Dates are YYYY-MM-DD; first_reoffence and offence_category
may be empty (no proven reoffence); violent and sexual are true/false (yes/no, 1/0; empty is
false). JSON Lines objects use the same names.

Predictors are validated over two years from the follow-up start: give follow-ups of at least two
years (a shorter one counts only when the person reoffended within it); the violent and sexual
flags cover the whole follow-up given.

A record is rejected, with its line number, when it does not read, its CRN is unknown, its
first reoffence falls outside the follow-up, or it gives a category or flag without a reoffence.
Exit status: 0 all imported, 1 some records rejected (the rest are imported), 2 usage or fatal error.")]
    Import {
        /// The file (CSV or JSON Lines)
        file: PathBuf,
        /// The file's format [default: from the extension; .csv is CSV, anything else JSON Lines]
        #[arg(long = "input-format", value_enum)]
        input_format: Option<InputFormat>,
    },
}

pub(crate) fn run(args: &OutcomesArgs) -> Result<Outcome> {
    match &args.command {
        OutcomesCommand::Import { file, input_format } => {
            let format = input_format.unwrap_or_else(|| guess(file));
            let (records, mut rejected) = match format {
                InputFormat::Csv => read_csv(file)?,
                InputFormat::Jsonl => read_jsonl(file)?,
            };
            let (db, settings) = open(&args.common)?;
            let app = App::new(db, SystemClock, RandomIds);
            let mut result = app
                .import_outcomes(&operator(), &records)
                .map_err(|e| anyhow!("cannot import the outcomes: {e}"))?;
            rejected.append(&mut result.rejected);
            rejected.sort_by_key(|r| r.line);
            result.rejected = rejected;
            report(settings.format, file, &result)?;
            Ok(if result.rejected.is_empty() {
                Outcome::Success
            } else {
                Outcome::SomeRejected
            })
        }
    }
}

fn guess(file: &Path) -> InputFormat {
    match file.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("csv") => InputFormat::Csv,
        _ => InputFormat::Jsonl,
    }
}

fn report(format: crate::config::OutputFormat, file: &Path, result: &OutcomeImport) -> Result<()> {
    for r in &result.rejected {
        eprintln!("{}: line {}: {}", file.display(), r.line, r.reason);
    }
    print(
        format,
        result,
        &[
            row("new", result.inserted),
            row("updated", result.updated),
            row("unchanged", result.unchanged),
            row("rejected", result.rejected.len()),
        ],
    )
}

type Read = (Vec<(usize, OutcomeRecord)>, Vec<RejectedOutcome>);

fn read_jsonl(file: &Path) -> Result<Read> {
    let reader = BufReader::new(
        File::open(file).with_context(|| format!("cannot open {}", file.display()))?,
    );
    let (mut records, mut rejected) = (Vec::new(), Vec::new());
    for (index, line) in reader.lines().enumerate() {
        let number = index + 1;
        let line =
            line.with_context(|| format!("cannot read {} at line {number}", file.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let mut de = serde_json::Deserializer::from_str(&line);
        match serde_path_to_error::deserialize::<_, OutcomeRecord>(&mut de) {
            Ok(record) => records.push((number, record)),
            Err(e) => rejected.push(RejectedOutcome {
                line: number,
                reason: match e.path().to_string().as_str() {
                    "." => e.inner().to_string(),
                    path => format!("{path}: {}", e.inner()),
                },
            }),
        }
    }
    Ok((records, rejected))
}

const COLUMNS: [&str; 7] = [
    "crn",
    "follow_up_start",
    "follow_up_end",
    "first_reoffence",
    "offence_category",
    "violent",
    "sexual",
];

fn read_csv(file: &Path) -> Result<Read> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(file)
        .with_context(|| format!("cannot open {}", file.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("cannot read the header row of {}", file.display()))?
        .clone();
    let mut index = [None; 7];
    for (slot, name) in index.iter_mut().zip(COLUMNS) {
        *slot = headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    }
    for (i, name) in COLUMNS.iter().enumerate().take(3) {
        if index[i].is_none() {
            return Err(anyhow!(
                "{} has no `{name}` column (expected: {})",
                file.display(),
                COLUMNS.join(", ")
            ));
        }
    }
    let (mut records, mut rejected) = (Vec::new(), Vec::new());
    for result in reader.records() {
        let (line, record) = match result {
            Ok(record) => (record.position().map_or(0, |p| p.line() as usize), record),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                rejected.push(RejectedOutcome {
                    line,
                    reason: format!("not valid CSV: {e}"),
                });
                continue;
            }
        };
        let cell = |i: usize| index[i].and_then(|c| record.get(c)).unwrap_or("");
        match csv_record(cell) {
            Ok(r) => records.push((line, r)),
            Err(reason) => rejected.push(RejectedOutcome { line, reason }),
        }
    }
    Ok((records, rejected))
}

fn csv_record<'a>(cell: impl Fn(usize) -> &'a str) -> Result<OutcomeRecord, String> {
    let date = |i: usize| -> Result<Option<NaiveDate>, String> {
        let text = cell(i);
        if text.is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("{}: {text:?} is not a date (YYYY-MM-DD)", COLUMNS[i]))
    };
    let required = |i: usize| -> Result<NaiveDate, String> {
        date(i)?.ok_or_else(|| format!("{} is missing", COLUMNS[i]))
    };
    let flag = |i: usize| -> Result<bool, String> {
        match cell(i).to_ascii_lowercase().as_str() {
            "" | "false" | "no" | "n" | "0" => Ok(false),
            "true" | "yes" | "y" | "1" => Ok(true),
            other => Err(format!("{}: {other:?} is not true or false", COLUMNS[i])),
        }
    };
    let crn = cell(0);
    if crn.is_empty() {
        return Err("crn is missing".to_owned());
    }
    Ok(OutcomeRecord {
        crn: crn.to_owned(),
        follow_up_start: required(1)?,
        follow_up_end: required(2)?,
        first_reoffence: date(3)?,
        offence_category: Some(cell(4).to_owned()).filter(|c| !c.is_empty()),
        violent: flag(5)?,
        sexual: flag(6)?,
    })
}
