//! The `oasys` command: the operators' tool and the composition root of the adapters.
//! Exit codes: 0 success, 1 some records were rejected (the rest were processed), 2 usage or fatal error.

mod catalogue;
mod records;
mod score;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "oasys",
    version,
    about = "Offender assessment: predictors, needs and (soon) the whole case file"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Score predictor inputs (JSON Lines or CSV) with every predictor and need section
    #[command(after_help = "\
Examples:
  oasys score --input cases.jsonl --output scores.jsonl
  oasys score --input cases.csv --offence-catalogue offence_categories.csv > scores.jsonl
  cat cases.jsonl | oasys score > scores.jsonl

Each input record gives one output line, in input order (blank lines are skipped): the report of
spec §13, with the record's `id` echoed. A malformed record is reported on stderr with its line
number and field, an {\"line\", \"id\", \"error\"} object takes its place in the output, and the
run goes on.
Exit status: 0 every line scored, 1 some lines rejected, 2 usage or fatal error.")]
    Score(score::ScoreArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Score(args) => score::run(&args),
    };
    match outcome {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::SomeRejected) => ExitCode::from(1),
        // A reader that stops early (`oasys score … | head`) is not an error.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// How a command that processes many records ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Success,
    SomeRejected,
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `-` or no path means standard input/output.
pub(crate) fn is_stdio(path: Option<&PathBuf>) -> bool {
    path.is_none_or(|p| p.as_os_str() == "-")
}
