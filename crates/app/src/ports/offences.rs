//! The offence catalogue port: the Home Office offence codes and the predictor categories they map
//! to (the columns of `offence_categories.csv`), loaded by operators and read when scoring.

use serde::{Deserialize, Serialize};

use super::error::StoreError;

/// One stored catalogue row, as text: the scoring crate's loader
/// (`oasys_scoring::catalogue_entry_from_columns`) checks and interprets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffenceRow {
    /// Five-digit Home Office offence code.
    pub code: String,
    /// `mapped`, `need_exact_offence` or `not_mapped`.
    pub ogrs3_status: String,
    /// OGRS3 category name (empty unless mapped).
    pub ogrs3_category: String,
    /// SNSV category name (may be empty).
    pub snsv_category: String,
    /// Actuarial (OGP/OVP) category name (may be empty).
    pub actuarial_category: String,
}

/// The stored offence catalogue.
///
/// Contract:
/// - `replace_offences` MUST replace the whole catalogue with `rows` atomically (readers see the
///   old catalogue or the new one, never a mix) and return `Invalid` when two rows share a code,
///   storing nothing then. Replacing with the same rows changes nothing visible.
/// - `offences` MUST return every stored row ordered by code (empty when none was loaded).
/// - `offence_count` MUST return the number of stored rows.
pub trait OffenceRepository: Send + Sync {
    /// Replaces the catalogue.
    fn replace_offences(&self, rows: &[OffenceRow]) -> Result<(), StoreError>;
    /// Every stored row, by code.
    fn offences(&self) -> Result<Vec<OffenceRow>, StoreError>;
    /// How many codes are stored.
    fn offence_count(&self) -> Result<u64, StoreError>;
}

/// The scoring catalogue stored rows describe, `None` when none was loaded. A row that no longer
/// reads (stored by hand, or by an older loader) is a `Backend` error naming its code.
pub fn catalogue_of(
    rows: &[OffenceRow],
) -> Result<Option<oasys_scoring::OffenceCatalogue>, StoreError> {
    if rows.is_empty() {
        return Ok(None);
    }
    let mut catalogue = oasys_scoring::OffenceCatalogue::default();
    for row in rows {
        let entry = oasys_scoring::catalogue_entry_from_columns(
            &row.code,
            &row.ogrs3_status,
            &row.ogrs3_category,
            &row.snsv_category,
            &row.actuarial_category,
        )
        .map_err(|e| {
            StoreError::Backend(format!(
                "stored offence code {} does not read: {e}",
                row.code
            ))
        })?;
        catalogue.insert(row.code.clone(), entry);
    }
    Ok(Some(catalogue))
}
