//! Printing reports as an aligned table (label, value) or as one JSON document, as `--format`
//! asks; the report builds both views.

use std::io::Write;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::config::OutputFormat;

/// One labelled line of a table view.
pub(crate) type Row = (String, String);

/// A row from anything printable.
pub(crate) fn row(label: &str, value: impl std::fmt::Display) -> Row {
    (label.to_owned(), value.to_string())
}

/// Prints `json` (pretty, one document) or `rows` (labels aligned) on standard output.
pub(crate) fn print(format: OutputFormat, json: &impl Serialize, rows: &[Row]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut out, json).context("cannot write the report")?;
            writeln!(out).context("cannot write the report")?;
        }
        OutputFormat::Table => {
            let width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
            for (label, value) in rows {
                writeln!(out, "{label:<width$}  {value}").context("cannot write the report")?;
            }
        }
    }
    out.flush().context("cannot write the report")
}

/// A list for a table cell: `none` when empty.
pub(crate) fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

/// Prints `json` (pretty, one document) or `rows` as columns under `headers` on standard output;
/// an empty table prints `empty` instead.
pub(crate) fn print_columns(
    format: OutputFormat,
    json: &impl Serialize,
    headers: &[&str],
    rows: &[Vec<String>],
    empty: &str,
) -> Result<()> {
    if format == OutputFormat::Json {
        return print(format, json, &[]);
    }
    let mut out = std::io::stdout().lock();
    if rows.is_empty() {
        writeln!(out, "{empty}").context("cannot write the report")?;
        return out.flush().context("cannot write the report");
    }
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| -> String {
        let text: Vec<String> = cells
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        text.join("  ").trim_end().to_owned()
    };
    writeln!(out, "{}", line(&mut headers.iter().copied())).context("cannot write the report")?;
    for row in rows {
        writeln!(out, "{}", line(&mut row.iter().map(String::as_str)))
            .context("cannot write the report")?;
    }
    out.flush().context("cannot write the report")
}
