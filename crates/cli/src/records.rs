//! Reads scoring inputs as JSON Lines or CSV, in batches, and turns each record into a
//! `PredictorInput`, naming the line and the field when a record is malformed.

use std::io::BufRead;
use std::ops::Range;
use std::sync::Arc;

use oasys_scoring::PredictorInput;
use serde_json::{Map, Value};

/// Input file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// One JSON object per line.
    Jsonl,
    /// A header row of canonical field names, then one record per row.
    Csv,
}

/// Records read together, before parsing (parsing happens on the worker threads). JSON Lines
/// records are slices of one buffer, so reading a line costs no allocation of its own; each is
/// checked as UTF-8 when it is parsed, so that a line that is not is one rejected record.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    /// The JSON Lines bytes of the batch.
    text: Vec<u8>,
    pub records: Vec<RawRecord>,
}

impl Batch {
    pub(crate) fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Parses one of this batch's records.
    pub(crate) fn parse(&self, record: &RawRecord) -> Result<PredictorInput, RecordError> {
        match &record.body {
            RawBody::Json(range) => match std::str::from_utf8(&self.text[range.clone()]) {
                Ok(text) => parse_json(text),
                Err(e) => Err(RecordError {
                    field: None,
                    message: format!(
                        "the line is not valid UTF-8 (byte {} of the line)",
                        e.valid_up_to() + 1
                    ),
                    id: None,
                }),
            },
            RawBody::Csv { headers, row } => from_value(csv_object(headers, row)),
            RawBody::Unreadable(message) => Err(RecordError {
                field: None,
                message: message.clone(),
                id: None,
            }),
        }
    }
}

/// One record as read.
#[derive(Debug)]
pub(crate) struct RawRecord {
    /// 1-based line number in the input (for CSV, the row's line).
    pub line: u64,
    pub body: RawBody,
}

#[derive(Debug)]
pub(crate) enum RawBody {
    /// The line's place in [`Batch::text`], without its line ending.
    Json(Range<usize>),
    Csv {
        headers: Arc<csv::StringRecord>,
        row: csv::StringRecord,
    },
    /// A record that could not be read as text (why).
    Unreadable(String),
}

/// Why a record could not be read as a predictor input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordError {
    /// The input field at fault, when one can be named.
    pub field: Option<String>,
    pub message: String,
    /// The record's `id`, when it could be read.
    pub id: Option<String>,
}

/// Fields whose values are strings in the JSON form; every other CSV cell is read as a boolean
/// (`true`/`false`, `yes`/`no`) or an integer when it looks like one.
const STRING_FIELDS: &[&str] = &[
    "id",
    "gender",
    "offence_code",
    "ogrs3_offence_category",
    "offence_category",
    "supervision_status",
    "relationship_status",
    "assessment_date",
    "date_of_birth",
    "conviction_date",
    "follow_up_start_date",
    "most_recent_offence_date",
    "most_recent_sexual_sanction_date",
];

/// serde_json locates errors as "at line 1 column N"; within one record only the column helps.
fn located(message: String) -> String {
    match message.rsplit_once(" at line 1 column ") {
        Some((what, column)) if column.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{what} (column {column})")
        }
        _ => message,
    }
}

fn path_field(path: &serde_path_to_error::Path) -> Option<String> {
    let text = path.to_string();
    (text != "." && !text.is_empty()).then_some(text)
}

fn parse_json(text: &str) -> Result<PredictorInput, RecordError> {
    // Fast path; only a record that fails is parsed again to find the field at fault.
    if let Ok(input) = serde_json::from_str(text) {
        return Ok(input);
    }
    let id = || {
        serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|v| v.get("id").and_then(id_text))
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let input: PredictorInput =
        serde_path_to_error::deserialize(&mut deserializer).map_err(|e| RecordError {
            field: path_field(e.path()),
            message: located(e.inner().to_string()),
            id: id(),
        })?;
    deserializer.end().map_err(|e| RecordError {
        field: None,
        message: located(e.to_string()),
        id: input.id.clone(),
    })?;
    Ok(input)
}

fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn from_value(object: Map<String, Value>) -> Result<PredictorInput, RecordError> {
    let id = object.get("id").and_then(id_text);
    serde_path_to_error::deserialize(Value::Object(object)).map_err(|e| RecordError {
        field: path_field(e.path()),
        message: e.inner().to_string(),
        id,
    })
}

/// A CSV row as the equivalent JSON object: empty cells are missing, `need_3_4` is need answer 3.4.
fn csv_object(headers: &csv::StringRecord, row: &csv::StringRecord) -> Map<String, Value> {
    let mut object = Map::new();
    let mut needs = Map::new();
    for (name, cell) in headers.iter().zip(row.iter()) {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        if let Some(code) = name.strip_prefix("need_") {
            needs.insert(code.replace('_', "."), typed_cell(cell));
        } else if STRING_FIELDS.contains(&name) {
            object.insert(name.to_owned(), Value::String(cell.to_owned()));
        } else {
            object.insert(name.to_owned(), typed_cell(cell));
        }
    }
    if !needs.is_empty() {
        object.insert("need_answers".to_owned(), Value::Object(needs));
    }
    object
}

fn typed_cell(cell: &str) -> Value {
    match cell.to_ascii_lowercase().as_str() {
        "true" | "yes" => return Value::Bool(true),
        "false" | "no" => return Value::Bool(false),
        _ => {}
    }
    cell.parse::<i64>()
        .map_or_else(|_| Value::String(cell.to_owned()), Value::from)
}

/// Reads records in batches, keeping count of lines and bytes consumed.
pub(crate) enum Reader<R: BufRead> {
    Jsonl {
        input: R,
        line: u64,
        bytes: u64,
    },
    Csv {
        input: csv::Reader<R>,
        headers: Arc<csv::StringRecord>,
    },
}

impl<R: BufRead> Reader<R> {
    pub(crate) fn new(input: R, format: Format) -> std::io::Result<Self> {
        Ok(match format {
            Format::Jsonl => Reader::Jsonl {
                input,
                line: 0,
                bytes: 0,
            },
            Format::Csv => {
                let mut input = csv::ReaderBuilder::new().flexible(true).from_reader(input);
                let headers = Arc::new(input.headers().map_err(std::io::Error::other)?.clone());
                Reader::Csv { input, headers }
            }
        })
    }

    /// Bytes of input consumed so far.
    pub(crate) fn position(&self) -> u64 {
        match self {
            Reader::Jsonl { bytes, .. } => *bytes,
            Reader::Csv { input, .. } => input.position().byte(),
        }
    }

    /// Up to `max` records; an empty batch means the end of the input.
    pub(crate) fn batch(&mut self, max: usize) -> std::io::Result<Batch> {
        let mut batch = Batch::default();
        let out = &mut batch.records;
        out.reserve_exact(max);
        match self {
            Reader::Jsonl { input, line, bytes } => {
                let text = &mut batch.text;
                while out.len() < max {
                    let start = text.len();
                    // Appends the line's bytes to the batch (checked as UTF-8 when parsed).
                    let read = input.read_until(b'\n', text)?;
                    if read == 0 {
                        break;
                    }
                    *line += 1;
                    *bytes += read as u64;
                    let record = &text[start..];
                    if record.trim_ascii().is_empty() {
                        text.truncate(start);
                        continue;
                    }
                    let end = start + record.trim_ascii_end().len();
                    out.push(RawRecord {
                        line: *line,
                        body: RawBody::Json(start..end),
                    });
                }
            }
            Reader::Csv { input, headers } => {
                let mut row = csv::StringRecord::new();
                while out.len() < max {
                    match input.read_record(&mut row) {
                        Ok(false) => break,
                        Ok(true) => out.push(RawRecord {
                            line: row.position().map_or(0, |p| p.line()),
                            body: RawBody::Csv {
                                headers: Arc::clone(headers),
                                row: row.clone(),
                            },
                        }),
                        // The row was read, but is not text: one rejected record; reading goes on.
                        Err(e) => match e.kind() {
                            csv::ErrorKind::Utf8 { pos, err } => out.push(RawRecord {
                                line: pos.as_ref().map_or(0, csv::Position::line),
                                body: RawBody::Unreadable(format!(
                                    "the row is not valid UTF-8 (column {})",
                                    err.field() + 1
                                )),
                            }),
                            _ => return Err(std::io::Error::other(e)),
                        },
                    }
                }
            }
        }
        Ok(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_type_names_the_field() {
        let err = parse_json(r#"{"id":"a","total_sanctions":"three"}"#).expect_err("type error");
        assert_eq!(err.field.as_deref(), Some("total_sanctions"));
        assert_eq!(err.id.as_deref(), Some("a"));
        let err = parse_json(r#"{"need_answers":[1]}"#).expect_err("type error");
        assert_eq!(err.field.as_deref(), Some("need_answers"));
        let err = parse_json(r#"{"date_of_birth":"1980-02-30"}"#).expect_err("bad date");
        assert_eq!(err.field.as_deref(), Some("date_of_birth"));
        assert!(parse_json(r#"{"gender":"male"} trailing"#).is_err());
        assert!(parse_json("[1,2]").is_err());
    }

    #[test]
    fn csv_cells_take_the_types_of_the_json_form() {
        let headers = csv::StringRecord::from(vec![
            "id",
            "offence_code",
            "total_sanctions",
            "unemployed",
            "need_3_4",
            "gender",
        ]);
        let row = csv::StringRecord::from(vec!["007", "02700", "3", "Yes", "1", ""]);
        let input = from_value(csv_object(&headers, &row)).expect("parses");
        assert_eq!(input.id.as_deref(), Some("007"));
        assert_eq!(input.offence_code.as_deref(), Some("02700"));
        assert_eq!(input.total_sanctions, Some(3));
        assert_eq!(input.unemployed, Some(2));
        assert_eq!(input.need_answers.get("3.4"), Some(&Value::from(1)));
        assert_eq!(input.gender, None);
        let row = csv::StringRecord::from(vec!["x", "02700", "many", "", "", ""]);
        let err = from_value(csv_object(&headers, &row)).expect_err("type error");
        assert_eq!(err.field.as_deref(), Some("total_sanctions"));
    }
}
