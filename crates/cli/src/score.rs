//! `oasys score`: reads predictor inputs, scores each with every predictor in parallel batches,
//! and writes one JSON report per line in input order.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::sync::{Mutex, mpsc};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use oasys_scoring::{OffenceCatalogue, score, score_without_explanations};
use rayon::prelude::*;
use serde::Serialize;

use crate::records::{Batch, Format, RawRecord, Reader, RecordError};
use crate::{Outcome, is_stdio};

/// Records read and scored per parallel batch.
const BATCH: usize = 1024;
/// Records a worker scores into one output buffer.
const CHUNK: usize = 64;

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

    let (input, size): (Box<dyn BufRead + Send>, Option<u64>) = if is_stdio(args.input.as_ref()) {
        (
            Box::new(BufReader::with_capacity(1 << 20, std::io::stdin())),
            None,
        )
    } else {
        let path = args.input.as_ref().expect("checked by is_stdio");
        let file = File::open(path)
            .with_context(|| format!("cannot open the input {}", path.display()))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Box::new(BufReader::with_capacity(1 << 20, file)), size)
    };
    // Chunks of scored records larger than the buffer go straight to the output.
    let mut output: Box<dyn Write + Send> = if is_stdio(args.output.as_ref()) {
        enlarge_pipe(&std::io::stdout());
        Box::new(BufWriter::with_capacity(64 << 10, std::io::stdout()))
    } else {
        let path = args.output.as_ref().expect("checked by is_stdio");
        let file = File::create(path)
            .with_context(|| format!("cannot create the output {}", path.display()))?;
        Box::new(BufWriter::with_capacity(64 << 10, file))
    };

    let progress = match size {
        Some(bytes) => ProgressBar::new(bytes).with_style(
            ProgressStyle::with_template("{bar:40} {percent:>3}% {binary_bytes_per_sec} eta {eta}")
                .expect("valid progress template"),
        ),
        None => ProgressBar::new_spinner(),
    };
    let mut reader = Reader::new(input, format).context("cannot read the input")?;
    let explain = !args.no_explanation;
    // A reader thread reads batches, the main thread scores each on the rayon pool and a writer
    // thread writes the scored ones, so reading, scoring and writing overlap; order is kept
    // because batches, and the chunks within a batch, are passed on in the order they were read.
    let (batches, batch_receiver) = mpsc::sync_channel::<(Batch, u64)>(2);
    let (sender, receiver) = mpsc::sync_channel::<(Vec<Chunk>, u64)>(2);
    // Output buffers go back to the workers once written, so that their memory is reused
    // rather than freed and faulted in again for every chunk.
    let spare: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
    let written = std::thread::scope(|scope| -> Result<(u64, u64)> {
        let writer = scope.spawn(|| -> Result<(u64, u64)> {
            let (mut scored, mut rejected) = (0u64, 0u64);
            for (chunks, position) in receiver {
                for mut chunk in chunks {
                    output
                        .write_all(&chunk.text)
                        .context("cannot write the output")?;
                    chunk.text.clear();
                    if let Ok(mut spare) = spare.lock() {
                        spare.push(std::mem::take(&mut chunk.text));
                    }
                    scored += chunk.scored;
                    rejected += chunk.complaints.len() as u64;
                    for message in chunk.complaints {
                        progress.suspend(|| eprintln!("{message}"));
                    }
                }
                progress.set_position(position);
            }
            output.flush().context("cannot write the output")?;
            Ok((scored, rejected))
        });
        let reading = scope.spawn(move || -> Result<()> {
            loop {
                let batch = reader.batch(BATCH).context("cannot read the input")?;
                if batch.is_empty() || batches.send((batch, reader.position())).is_err() {
                    // The end, or scoring stopped because the writer failed (reported below).
                    return Ok(());
                }
            }
        });
        for (batch, position) in batch_receiver {
            let chunks: Vec<Chunk> = batch
                .records
                .par_chunks(CHUNK)
                .map(|records| {
                    let buffer = spare.lock().ok().and_then(|mut s| s.pop());
                    process(&batch, records, catalogue.as_ref(), explain, buffer)
                })
                .collect();
            if sender.send((chunks, position)).is_err() {
                // The writer stopped on an error, which its join reports.
                break;
            }
        }
        drop(sender);
        let written = writer
            .join()
            .map_err(|_| anyhow::anyhow!("the output writer stopped unexpectedly"))?;
        let read = reading
            .join()
            .map_err(|_| anyhow::anyhow!("the input reader stopped unexpectedly"))?;
        // A write error comes first: it is why reading stopped early.
        let written = written?;
        read?;
        Ok(written)
    });
    let (scored, rejected) = written?;
    progress.finish_and_clear();
    if rejected > 0 {
        eprintln!("{scored} records scored, {rejected} rejected");
        Ok(Outcome::SomeRejected)
    } else {
        Ok(Outcome::Success)
    }
}

/// When standard output is a pipe, asks for a 1 MiB pipe buffer (the most an unprivileged
/// process gets by default) instead of 64 KiB: a chunk of scored records is several hundred KB,
/// and a small pipe makes writer and reader wake each other for every 64 KiB (200,000 records into
/// a reader of 1 MiB reads: a tenth of the context switches, about a fifth less wall time). Not a pipe, or
/// not allowed: nothing changes.
#[cfg(target_os = "linux")]
fn enlarge_pipe(stdout: &std::io::Stdout) {
    let _ = rustix::pipe::fcntl_setpipe_size(stdout, 1 << 20);
}

#[cfg(not(target_os = "linux"))]
fn enlarge_pipe(_stdout: &std::io::Stdout) {}

/// The output of consecutive records: their lines and, in order, the messages for stderr about
/// the rejected ones.
struct Chunk {
    text: Vec<u8>,
    scored: u64,
    complaints: Vec<String>,
}

/// Scores consecutive records of a batch into one output buffer (`buffer`, if a spare one is
/// given).
fn process(
    batch: &Batch,
    records: &[RawRecord],
    catalogue: Option<&OffenceCatalogue>,
    explain: bool,
    buffer: Option<Vec<u8>>,
) -> Chunk {
    let per_record = if explain { 20 * 1024 } else { 8 * 1024 };
    let mut text = buffer.unwrap_or_default();
    text.reserve(records.len() * per_record);
    let mut chunk = Chunk {
        text,
        scored: 0,
        complaints: Vec::new(),
    };
    for record in records {
        match process_one(batch, record, catalogue, explain, &mut chunk.text) {
            Some(message) => chunk.complaints.push(message),
            None => chunk.scored += 1,
        }
    }
    chunk
}

/// Appends one output line (with its newline) to `out`; for a rejected record, returns the
/// message for stderr.
fn process_one(
    batch: &Batch,
    record: &RawRecord,
    catalogue: Option<&OffenceCatalogue>,
    explain: bool,
    out: &mut Vec<u8>,
) -> Option<String> {
    match batch.parse(record) {
        Ok(input) => {
            let report = if explain {
                score(&input, catalogue)
            } else {
                score_without_explanations(&input, catalogue)
            };
            report
                .write_json(out, explain)
                .expect("writing to memory cannot fail");
            out.push(b'\n');
            None
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
            serde_json::to_writer(&mut *out, &rejected).expect("an error always serialises");
            out.push(b'\n');
            let place = field.map_or_else(String::new, |f| format!(", field `{f}`"));
            Some(format!("line {}{place}: {message}", record.line))
        }
    }
}
