//! Loads the offence catalogue from a CSV file in the format of `offence_categories.csv`
//! (operators' reference data; inputs that give categories directly need none).

use std::path::Path;

use anyhow::{Context, Result, bail};
use oasys_app::OffenceRow;
use oasys_scoring::{OffenceCatalogue, catalogue_entry_from_columns};

const COLUMNS: [&str; 5] = [
    "code",
    "ogrs3_status",
    "ogrs3_category",
    "snsv_category",
    "actuarial_category",
];

/// Every row of the file with its line number, each checked by the scoring crate's loader.
pub(crate) fn read_rows(path: &Path) -> Result<Vec<(u64, OffenceRow)>> {
    let mut reader = csv::Reader::from_path(path)
        .with_context(|| format!("cannot open the offence catalogue {}", path.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("cannot read the header of {}", path.display()))?
        .clone();
    let mut index = [0usize; 5];
    for (slot, name) in index.iter_mut().zip(COLUMNS) {
        *slot = headers.iter().position(|h| h == name).with_context(|| {
            format!(
                "{} has no `{name}` column (expected the columns of offence_categories.csv)",
                path.display()
            )
        })?;
    }
    let mut rows = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let line = row as u64 + 2;
        let record =
            record.with_context(|| format!("{}: line {line} is not valid CSV", path.display()))?;
        let cell = |i: usize| record.get(index[i]).unwrap_or("").trim().to_owned();
        let offence = OffenceRow {
            code: cell(0),
            ogrs3_status: cell(1),
            ogrs3_category: cell(2),
            snsv_category: cell(3),
            actuarial_category: cell(4),
        };
        catalogue_entry_from_columns(
            &offence.code,
            &offence.ogrs3_status,
            &offence.ogrs3_category,
            &offence.snsv_category,
            &offence.actuarial_category,
        )
        .with_context(|| format!("{}: line {line}", path.display()))?;
        rows.push((line, offence));
    }
    if rows.is_empty() {
        bail!("{} holds no offence codes", path.display());
    }
    Ok(rows)
}

pub(crate) fn load(path: &Path) -> Result<OffenceCatalogue> {
    let mut catalogue = OffenceCatalogue::default();
    for (line, row) in read_rows(path)? {
        let entry = catalogue_entry_from_columns(
            &row.code,
            &row.ogrs3_status,
            &row.ogrs3_category,
            &row.snsv_category,
            &row.actuarial_category,
        )
        .with_context(|| format!("{}: line {line}", path.display()))?;
        catalogue.insert(row.code, entry);
    }
    Ok(catalogue)
}
