//! The `oasys` command: the operators' tool and the composition root of the adapters.
//! Exit codes: 0 success, 1 the operation found problems (rejected records, a failed check), 2 usage or fatal error.

mod accounts;
mod audit;
mod cases;
mod catalogue;
mod config;
mod db;
mod demo;
mod migrations;
mod offences;
mod operator;
mod outcomes;
mod output;
mod records;
mod report;
mod research;
mod reviews;
mod score;
mod serve;
mod sharing;
mod teams;
mod transfer;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// mimalloc: about a tenth less CPU than glibc's malloc for `oasys score` (docs/performance.md);
/// `oasys serve` measured the same with either.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "oasys",
    version,
    about = "Offender assessment: predictors, needs and (soon) the whole case file",
    after_help = "\
Examples:
  oasys db migrate                      create and migrate ./oasys.db
  oasys db status --format json         what the database holds
  oasys score --input cases.jsonl       score predictor inputs
  oasys completions bash > /etc/bash_completion.d/oasys

Data commands take --database URL (sqlite://PATH, a file path or postgres://USER@HOST/DB), else
OASYS_DATABASE_URL, else `database` in the config file (--config FILE, or ./oasys.toml when
present), else ./oasys.db. Reports take --format table|json (OASYS_FORMAT, `format`).
Exit status: 0 ok, 1 the operation found problems, 2 usage or fatal error."
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
spec §13, with the record's `id` echoed. A malformed record (not JSON, a wrong type, text that is
not UTF-8) is reported on stderr with its line number and field, an {\"line\", \"id\", \"error\"}
object takes its place in the output, and the run goes on.
Exit status: 0 every line scored, 1 some lines rejected, 2 usage or fatal error.")]
    Score(score::ScoreArgs),
    /// Look after the database: migrate, status, backup, restore, verify
    #[command(after_help = "\
Examples:
  oasys db migrate
  oasys db status --database sqlite:///var/lib/oasys/oasys.db
  oasys db backup /backups/oasys-$(date +%F).db
  oasys db restore /backups/oasys-2026-01-31.db --database sqlite://restored.db
  oasys db verify --format json")]
    Db(db::DbArgs),
    /// Run the web server (JSON API) on the database; --demo seeds a fictional demo
    #[command(after_help = "\
Examples:
  oasys serve --demo                                  ./oasys.db with demo users, on 127.0.0.1:8080
  oasys serve --addr 0.0.0.0:8080 --database postgres://oasys@db/oasys
  OASYS_DATABASE_URL=sqlite:///var/lib/oasys/oasys.db oasys serve

The server is stateless (sessions live in the database), so several can share one PostgreSQL.
It stops on Ctrl-C or SIGTERM after finishing the requests in flight.")]
    Serve(serve::ServeArgs),
    /// Manage local accounts: add, disable, enable, change role
    User(accounts::UserArgs),
    /// Manage API bearer tokens: create, revoke
    Token(accounts::TokenArgs),
    /// Manage teams: list them, record their area, add or remove members and managers
    Team(teams::TeamArgs),
    /// Allocate a person's case to a practitioner (ends the current allocation), audited
    #[command(after_help = "\
Examples:
  oasys allocate X123456 jsmith
  oasys allocate 0f7c2a3e-5d7b-4c1e-9a51-2b6f0e1d9c44 jsmith --team N1 --format json

The practitioner must be an enabled practitioner or prison offender manager in the team, and not
shut out by the case's LAO lists. Their access starts, and the previous holder's ends, on the
next request.")]
    Allocate(cases::AllocateArgs),
    /// Limited access offenders: show, exclude, restrict, remove (with a second person's approval)
    Lao(cases::LaoArgs),
    /// Reviews due: assessments whose next review falls before a date
    Reviews(reviews::ReviewsArgs),
    /// The audit log: verify the hash chain, search a person's access history (s.62)
    Audit(audit::AuditArgs),
    /// The offence catalogue the server scores with: import a CSV, show what is loaded
    Offences(offences::OffencesArgs),
    /// Import people and assessments from JSON Lines (as `oasys export` writes them)
    #[command(after_help = "\
Examples:
  oasys import people-and-assessments.jsonl
  oasys import export.jsonl --database postgres://oasys@db.internal/oasys --format json
  zcat export.jsonl.gz | oasys import -

Each line is {\"kind\":\"person\",\"person\":{…}} or {\"kind\":\"assessment\",\"review_due\":DATE,
\"assessment\":{…}}; people must come before their assessments. Lines are read one at a time and
each record is stored with its audit event in its own transaction: all of it or none. A record
already stored with the same content is `unchanged` (re-importing a file changes nothing); one
that differs is rejected, never overwritten. Rejected records are listed on stderr with their
line numbers and reasons (and under `rejections` with --format json); the rest are stored.
Exit status: 0 every record imported or unchanged, 1 some rejected, 2 usage or fatal error.")]
    Import(transfer::ImportArgs),
    /// Export every person and assessment (latest versions) as JSON Lines
    #[command(after_help = "\
Examples:
  oasys export --output /secure/oasys-$(date +%F).jsonl
  oasys export | gzip > export.jsonl.gz

People come first, then assessments, each ordered by id; memory use does not grow with the
database. The output file must not exist and holds personal data: keep it safe. The export is
recorded in the audit log.")]
    Export(transfer::ExportArgs),
    /// Proven reoffending outcomes: import them in bulk (CSV or JSON Lines, person by CRN)
    Outcomes(outcomes::OutcomesArgs),
    /// Reports: the What Works report on a cohort (HTML with charts, and CSV)
    Report(report::ReportArgs),
    /// Research: the de-identified extract of a cohort (JSON Lines, keyed pseudonyms)
    Research(research::ResearchArgs),
    /// Information sharing upkeep: purge released disclosure packages past their expiry
    Sharing(sharing::SharingArgs),
    /// Print a shell completion script
    #[command(after_help = "\
Examples:
  oasys completions bash > ~/.local/share/bash-completion/completions/oasys
  oasys completions zsh > \"${fpath[1]}/_oasys\"
  oasys completions fish > ~/.config/fish/completions/oasys.fish")]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Score(args) => score::run(&args),
        Command::Db(args) => db::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::User(args) => accounts::run_user(&args),
        Command::Token(args) => accounts::run_token(&args),
        Command::Team(args) => teams::run(&args),
        Command::Allocate(args) => cases::run_allocate(&args),
        Command::Lao(args) => cases::run_lao(&args),
        Command::Reviews(args) => reviews::run(&args),
        Command::Audit(args) => audit::run(&args),
        Command::Offences(args) => offences::run(&args),
        Command::Import(args) => transfer::run_import(&args),
        Command::Export(args) => transfer::run_export(&args),
        Command::Outcomes(args) => outcomes::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Research(args) => research::run(&args),
        Command::Sharing(args) => sharing::run(&args),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "oasys", &mut std::io::stdout());
            Ok(Outcome::Success)
        }
    };
    match outcome {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::SomeRejected | Outcome::ProblemsFound) => ExitCode::from(1),
        // A reader that stops early (`oasys score … | head`) is not an error.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// How a command ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Success,
    /// Some records were rejected; the rest were processed.
    SomeRejected,
    /// A check found problems (e.g. a broken audit chain, pending migrations).
    ProblemsFound,
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
