//! `oasys export` and `oasys import`: people and assessments as JSON Lines, streamed (one record
//! in memory at a time), one record per transaction with its audit event. Re-importing what is
//! already stored changes nothing; a record that cannot be stored is reported with its line
//! number and reason and the rest go on.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use oasys_app::{Listings, Operation, Repositories, Storage, StoreError};
use oasys_assessment_model::{Assessment, Person};
use oasys_storage::Database;
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::config::Common;
use crate::operator::{self, Event, Failure};
use crate::output::{self, row};
use crate::{Outcome, is_stdio};

/// Records read or written per page when exporting.
const PAGE: usize = 500;
/// Rejections listed in the JSON report (all are printed on stderr).
const LISTED_REJECTIONS: usize = 1000;

#[derive(Debug, clap::Args)]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    common: Common,
    /// Where to write the JSON Lines; `-` or absent: standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    #[command(flatten)]
    common: Common,
    /// The JSON Lines file (as `oasys export` writes it); `-`: standard input
    file: PathBuf,
}

/// One line of the exchange format, as read.
#[derive(Debug)]
enum Record {
    /// A person (people come before their assessments).
    Person { person: Box<Person> },
    /// The latest version of an assessment, with the review date stored beside it.
    Assessment {
        review_due: Option<NaiveDate>,
        assessment: Box<Assessment>,
    },
}

/// A record as written: borrowed, so exporting copies nothing.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum RecordRef<'a> {
    Person {
        person: &'a Person,
    },
    Assessment {
        review_due: Option<NaiveDate>,
        assessment: &'a Assessment,
    },
}

fn progress(total: Option<u64>, unit: &str) -> ProgressBar {
    // indicatif draws on stderr only when it is a terminal.
    match total {
        Some(total) => ProgressBar::new(total).with_style(
            ProgressStyle::with_template(&format!(
                "{{bar:40}} {{pos}}/{{len}} {unit} {{per_sec}} eta {{eta}}"
            ))
            .expect("valid progress template"),
        ),
        None => ProgressBar::new_spinner(),
    }
}

pub(crate) fn run_export(args: &ExportArgs) -> Result<Outcome> {
    let (db, settings) = operator::open(&args.common)?;
    let mut output: Box<dyn Write> = if is_stdio(args.output.as_ref()) {
        Box::new(BufWriter::new(std::io::stdout().lock()))
    } else {
        let path = args.output.as_ref().expect("checked by is_stdio");
        let file = File::create_new(path).with_context(|| {
            format!(
                "cannot create {} (an export never overwrites: choose a new name)",
                path.display()
            )
        })?;
        Box::new(BufWriter::new(file))
    };
    let counts = db.row_counts().context("cannot count the records")?;
    let count = |table: &str| counts.iter().find(|(t, _)| *t == table).map(|(_, n)| *n);
    let total = count("people").unwrap_or(0) + count("assessments").unwrap_or(0);
    // Recorded before any record leaves the database (the counts are those at the start).
    operator::record_read(
        &db,
        &Event::new(Operation::Consultation, "export").details(json!({
            "people": count("people"),
            "assessments": count("assessments"),
            "to": if is_stdio(args.output.as_ref()) { "standard output" } else { "a file" },
        })),
        None,
    )?;
    let bar = progress(Some(total), "records");
    let write = |output: &mut dyn Write, record: &RecordRef<'_>| -> Result<()> {
        serde_json::to_writer(&mut *output, record).context("cannot write the export")?;
        output.write_all(b"\n").context("cannot write the export")
    };
    let (mut people, mut assessments) = (0u64, 0u64);
    let mut after = None;
    loop {
        let page = db.people_after(after, PAGE).context("cannot read people")?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for person in &page {
            write(&mut output, &RecordRef::Person { person })?;
            people += 1;
            bar.inc(1);
        }
    }
    let mut after = None;
    loop {
        let page = db
            .assessments_after(after, PAGE)
            .context("cannot read assessments")?;
        let Some(last) = page.last() else { break };
        after = Some(last.assessment.header().id);
        for stored in &page {
            write(
                &mut output,
                &RecordRef::Assessment {
                    review_due: stored.review_due,
                    assessment: &stored.assessment,
                },
            )?;
            assessments += 1;
            bar.inc(1);
        }
    }
    output.flush().context("cannot write the export")?;
    drop(output);
    bar.finish_and_clear();
    let summary = json!({ "people": people, "assessments": assessments });
    // The records went to stdout, so the summary goes to stderr there.
    if is_stdio(args.output.as_ref()) {
        eprintln!("exported {people} people and {assessments} assessments");
    } else {
        output::print(
            settings.format,
            &summary,
            &[
                row("output", args.output.as_ref().expect("a file").display()),
                row("people", people),
                row("assessments", assessments),
            ],
        )?;
    }
    Ok(Outcome::Success)
}

/// What became of one record.
enum Fate {
    Imported,
    Unchanged,
}

/// A record that was not stored.
#[derive(Debug, Serialize)]
struct Rejection {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    reason: String,
}

/// serde_json locates errors as "at line 1 column N"; within one record only the column helps.
fn located(message: String) -> String {
    match message.rsplit_once(" at line 1 column ") {
        Some((what, column)) if column.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{what} (column {column})")
        }
        _ => message,
    }
}

fn reject(line: u64, field: Option<&str>, reason: String) -> Rejection {
    Rejection {
        line,
        kind: None,
        id: None,
        field: field.map(str::to_owned),
        reason,
    }
}

/// One member of a record, read as `T`, naming the field at fault (`person.ids.crn`).
fn member<T: serde::de::DeserializeOwned>(
    line: u64,
    object: &mut serde_json::Map<String, Value>,
    name: &str,
) -> Result<T, Rejection> {
    let value = object.remove(name).unwrap_or(Value::Null);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if matches!(path.as_str(), "." | "?" | "") {
            name.to_owned()
        } else {
            format!("{name}.{path}")
        };
        reject(line, Some(&field), e.inner().to_string())
    })
}

fn parse(line: u64, text: &str) -> Result<Record, Rejection> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| reject(line, None, located(e.to_string())))?;
    let Value::Object(mut object) = value else {
        return Err(reject(
            line,
            None,
            "a record must be a JSON object".to_owned(),
        ));
    };
    let kind = match object.remove("kind") {
        Some(Value::String(kind)) => kind,
        _ => {
            return Err(reject(
                line,
                Some("kind"),
                "missing `kind`: \"person\" or \"assessment\"".to_owned(),
            ));
        }
    };
    let record = match kind.as_str() {
        "person" => Record::Person {
            person: member(line, &mut object, "person")?,
        },
        "assessment" => Record::Assessment {
            review_due: member(line, &mut object, "review_due")?,
            assessment: member(line, &mut object, "assessment")?,
        },
        other => {
            return Err(reject(
                line,
                Some("kind"),
                format!("unknown kind {other:?}: use \"person\" or \"assessment\""),
            ));
        }
    };
    if let Some(extra) = object.keys().next() {
        return Err(reject(
            line,
            Some(extra),
            format!("unknown field `{extra}` in a {kind} record"),
        ));
    }
    Ok(record)
}

/// Why the store refused a record, in words that say what to do.
fn store_reason(kind: &str, error: &Failure) -> String {
    match error {
        Failure::Store(StoreError::Conflict { reason, .. }) => format!(
            "{kind} conflicts with one already stored ({reason}): an identifier (CRN, NOMIS id, \
             PNC) belongs to another record"
        ),
        Failure::Store(StoreError::NotFound { .. }) if kind == "assessment" => {
            "its person is not stored: import the person first (people come before their \
             assessments)"
                .to_owned()
        }
        other => other.to_string(),
    }
}

fn store(db: &Database, record: &Record) -> Result<Fate, Failure> {
    db.in_transaction(|repos: &dyn Repositories| -> Result<Fate, Failure> {
        match record {
            Record::Person { person } => {
                if let Some(stored) = repos.get_person(person.id)? {
                    return if stored == **person {
                        Ok(Fate::Unchanged)
                    } else {
                        Err(Failure::Refused(format!(
                            "person {} is already stored with different details; import never \
                             overwrites (change people through the service)",
                            person.id
                        )))
                    };
                }
                repos.insert_person(person)?;
                repos.append(&operator::entry_of(
                    &Event::new(Operation::Collection, "import.person").person(person.id),
                ))?;
            }
            Record::Assessment {
                review_due,
                assessment,
            } => {
                let id = assessment.header().id;
                if let Some(stored) = repos.get_assessment(id)? {
                    return if stored == **assessment {
                        Ok(Fate::Unchanged)
                    } else {
                        Err(Failure::Refused(format!(
                            "assessment {id} is already stored as version {} and differs; \
                             import never overwrites",
                            stored.version()
                        )))
                    };
                }
                repos.insert_assessment(assessment, *review_due)?;
                repos.append(&operator::entry_of(
                    &Event::new(Operation::Collection, "import.assessment")
                        .person(assessment.header().person.id)
                        .subject(&id.to_string())
                        .details(json!({ "version": assessment.version() })),
                ))?;
            }
        }
        Ok(Fate::Imported)
    })
}

pub(crate) fn run_import(args: &ImportArgs) -> Result<Outcome> {
    let (db, settings) = operator::open(&args.common)?;
    let stdin = args.file.as_os_str() == "-";
    let (input, size): (Box<dyn BufRead>, Option<u64>) = if stdin {
        (Box::new(BufReader::new(std::io::stdin().lock())), None)
    } else {
        let file = File::open(&args.file)
            .with_context(|| format!("cannot open {}", args.file.display()))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Box::new(BufReader::new(file)), size)
    };
    let bar = match size {
        Some(bytes) => ProgressBar::new(bytes).with_style(
            ProgressStyle::with_template("{bar:40} {percent:>3}% {binary_bytes_per_sec} eta {eta}")
                .expect("valid progress template"),
        ),
        None => ProgressBar::new_spinner(),
    };
    let (mut imported, mut unchanged, mut rejected) = (0u64, 0u64, 0u64);
    let mut listed: Vec<Rejection> = Vec::new();
    let mut text = String::new();
    let mut input = input;
    let mut line = 0u64;
    let mut position = 0u64;
    loop {
        text.clear();
        let read = input
            .read_line(&mut text)
            .with_context(|| format!("cannot read line {} of the input", line + 1))?;
        if read == 0 {
            break;
        }
        line += 1;
        position += read as u64;
        bar.set_position(position);
        if text.trim().is_empty() {
            continue;
        }
        let outcome = parse(line, text.trim_end()).and_then(|record| {
            let (kind, id) = match &record {
                Record::Person { person } => ("person", person.id),
                Record::Assessment { assessment, .. } => ("assessment", assessment.header().id),
            };
            store(&db, &record).map_err(|e| Rejection {
                line,
                kind: Some(kind),
                id: Some(id),
                field: None,
                reason: store_reason(kind, &e),
            })
        });
        match outcome {
            Ok(Fate::Imported) => imported += 1,
            Ok(Fate::Unchanged) => unchanged += 1,
            Err(rejection) => {
                rejected += 1;
                let what = match (rejection.kind, rejection.id) {
                    (Some(kind), Some(id)) => format!(" ({kind} {id})"),
                    _ => String::new(),
                };
                let field = rejection
                    .field
                    .as_ref()
                    .map_or_else(String::new, |f| format!(", field `{f}`"));
                bar.suspend(|| {
                    eprintln!("line {line}{what}{field}: {}", rejection.reason);
                });
                if listed.len() < LISTED_REJECTIONS {
                    listed.push(rejection);
                }
            }
        }
    }
    bar.finish_and_clear();
    output::print(
        settings.format,
        &json!({
            "file": args.file.display().to_string(),
            "imported": imported,
            "unchanged": unchanged,
            "rejected": rejected,
            "rejections": listed,
        }),
        &[
            row("file", args.file.display()),
            row("imported", imported),
            row("unchanged", unchanged),
            row("rejected", rejected),
        ],
    )?;
    if rejected > 0 {
        eprintln!(
            "{rejected} record(s) rejected (listed above with their line numbers); the others \
             were stored. Fix those lines and import the file again: stored records stay unchanged"
        );
        Ok(Outcome::SomeRejected)
    } else {
        Ok(Outcome::Success)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_line_names_the_field_or_the_column() {
        let err =
            parse(3, r#"{"kind":"person","person":{"id":"not-a-uuid"}}"#).expect_err("bad id");
        assert_eq!(err.line, 3);
        assert_eq!(err.field.as_deref(), Some("person.id"));
        let err = parse(4, r#"{"kind":"planet"}"#).expect_err("unknown kind");
        assert!(err.reason.contains("planet"), "{}", err.reason);
        let err = parse(5, "{not json").expect_err("not json");
        assert!(err.reason.contains("column"), "{}", err.reason);
        assert!(parse(6, r#"{"kind":"person","person":{}} trailing"#).is_err());
        let err = parse(7, r#"{"kind":"person","person":{},"extra":1}"#).expect_err("extra");
        assert_eq!(err.field.as_deref(), Some("person"));
        let err = parse(8, r#"{"person":{}}"#).expect_err("no kind");
        assert_eq!(err.field.as_deref(), Some("kind"));
        let err = parse(9, "[1]").expect_err("not an object");
        assert!(err.reason.contains("JSON object"), "{}", err.reason);
    }

    #[test]
    fn store_refusals_say_what_to_do() {
        let missing = Failure::Store(StoreError::NotFound {
            entity: "person",
            id: "x".to_owned(),
        });
        assert!(store_reason("assessment", &missing).contains("import the person first"));
        let duplicate = Failure::Store(StoreError::Conflict {
            entity: "person",
            reason: "duplicate key (people_crn_key)".to_owned(),
            current_version: None,
        });
        assert!(store_reason("person", &duplicate).contains("CRN"));
    }
}
