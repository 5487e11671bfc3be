//! `oasys score`: reads predictor inputs, scores each with every predictor in parallel batches,
//! and writes one JSON report per line in input order.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use oasys_scoring::{OffenceCatalogue, score};
use rayon::prelude::*;
use serde::Serialize;

use crate::records::{Format, RawRecord, Reader, RecordError};
use crate::{Outcome, is_stdio};

/// Records scored per parallel batch.
const BATCH: usize = 4096;

#[derive(Debug, clap::Args)]
pub(crate) struct ScoreArgs {
    /// Input file (JSON Lines, or CSV with the same column names); `-` or absent: standard input
    #[arg(long, short)]
    input: Option<PathBuf>,
    /// Output file for the JSON Lines reports; `-` or absent: standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Offence catalogue CSV (the format of offence_categories.csv) to resolve `offence_code`
    #[arg(long, value_name = "FILE")]
    offence_catalogue: Option<PathBuf>,
    /// Input format; by default CSV when the input file name ends in .csv, else JSON Lines
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Leave the factor-by-factor `explanation` out of every result (a quarter of the output size)
    #[arg(long)]
    no_explanation: bool,
}

/// What replaces a rejected record in the output.
#[derive(Serialize)]
struct Rejected<'a> {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    error: ErrorBody<'a>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    message: &'a str,
}

pub(crate) fn run(args: &ScoreArgs) -> Result<Outcome> {
    let catalogue = args
        .offence_catalogue
        .as_deref()
        .map(crate::catalogue::load)
        .transpose()?;
    let format = args.format.unwrap_or_else(|| match &args.input {
        Some(p) if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) => Format::Csv,
        _ => Format::Jsonl,
    });

    let (input, size): (Box<dyn BufRead>, Option<u64>) = if is_stdio(args.input.as_ref()) {
        (
            Box::new(BufReader::with_capacity(1 << 20, std::io::stdin().lock())),
            None,
        )
    } else {
        let path = args.input.as_ref().expect("checked by is_stdio");
        let file = File::open(path)
            .with_context(|| format!("cannot open the input {}", path.display()))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Box::new(BufReader::with_capacity(1 << 20, file)), size)
    };
    let mut output: Box<dyn Write> = if is_stdio(args.output.as_ref()) {
        Box::new(BufWriter::with_capacity(1 << 20, std::io::stdout().lock()))
    } else {
        let path = args.output.as_ref().expect("checked by is_stdio");
        let file = File::create(path)
            .with_context(|| format!("cannot create the output {}", path.display()))?;
        Box::new(BufWriter::with_capacity(1 << 20, file))
    };

    let progress = match size {
        Some(bytes) => ProgressBar::new(bytes).with_style(
            ProgressStyle::with_template("{bar:40} {percent:>3}% {binary_bytes_per_sec} eta {eta}")
                .expect("valid progress template"),
        ),
        None => ProgressBar::new_spinner(),
    };
    let mut reader = Reader::new(input, format).context("cannot read the input")?;
    let (mut scored, mut rejected) = (0u64, 0u64);
    loop {
        let batch = reader.batch(BATCH).context("cannot read the input")?;
        if batch.is_empty() {
            break;
        }
        let results: Vec<(Vec<u8>, Option<String>)> = batch
            .par_iter()
            .map(|record| process(record, catalogue.as_ref(), !args.no_explanation))
            .collect();
        for (line, complaint) in results {
            output.write_all(&line).context("cannot write the output")?;
            match complaint {
                Some(message) => {
                    rejected += 1;
                    progress.suspend(|| eprintln!("{message}"));
                }
                None => scored += 1,
            }
        }
        progress.set_position(reader.position());
    }
    output.flush().context("cannot write the output")?;
    progress.finish_and_clear();
    if rejected > 0 {
        eprintln!("{scored} records scored, {rejected} rejected");
        Ok(Outcome::SomeRejected)
    } else {
        Ok(Outcome::Success)
    }
}

/// One output line (with its newline) and, for a rejected record, the message for stderr.
fn process(
    record: &RawRecord,
    catalogue: Option<&OffenceCatalogue>,
    explain: bool,
) -> (Vec<u8>, Option<String>) {
    let mut out = Vec::with_capacity(32 * 1024);
    match record.parse() {
        Ok(input) => {
            let report = score(&input, catalogue);
            let report = if explain {
                report
            } else {
                report.without_explanations()
            };
            serde_json::to_writer(&mut out, &report).expect("a report always serialises");
            out.push(b'\n');
            (out, None)
        }
        Err(RecordError { field, message, id }) => {
            let rejected = Rejected {
                line: record.line,
                id: id.as_deref(),
                error: ErrorBody {
                    field: field.as_deref(),
                    message: &message,
                },
            };
            serde_json::to_writer(&mut out, &rejected).expect("an error always serialises");
            out.push(b'\n');
            let place = field.map_or_else(String::new, |f| format!(", field `{f}`"));
            (out, Some(format!("line {}{place}: {message}", record.line)))
        }
    }
}
