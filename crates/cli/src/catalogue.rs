//! Loads the offence catalogue from a CSV file in the format of `offence_categories.csv`
//! (operators' reference data; inputs that give categories directly need none).

use std::path::Path;

use anyhow::{Context, Result, bail};
use oasys_scoring::{OffenceCatalogue, catalogue_entry_from_columns};

const COLUMNS: [&str; 5] = [
    "code",
    "ogrs3_status",
    "ogrs3_category",
    "snsv_category",
    "actuarial_category",
];

pub(crate) fn load(path: &Path) -> Result<OffenceCatalogue> {
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
    let mut catalogue = OffenceCatalogue::default();
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record =
            record.with_context(|| format!("{}: line {line} is not valid CSV", path.display()))?;
        let cell = |i: usize| record.get(index[i]).unwrap_or("");
        let entry = catalogue_entry_from_columns(cell(0), cell(1), cell(2), cell(3), cell(4))
            .with_context(|| format!("{}: line {line}", path.display()))?;
        catalogue.insert(cell(0), entry);
    }
    if catalogue.is_empty() {
        bail!("{} holds no offence codes", path.display());
    }
    Ok(catalogue)
}
