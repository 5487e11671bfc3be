//! Turning the columns of the offence reference data (`offence_categories.csv`) into catalogue
//! entries. The caller reads the file; this module only checks and converts the values.

use thiserror::Error;

use crate::offence::{CatalogueEntry, OffenceCategory, Ogrs3Category, Ogrs3Mapping};

/// A value in the offence reference data that this crate cannot use.
///
/// ```
/// use oasys_scoring::{catalogue_entry_from_columns, CatalogueError};
/// let error = catalogue_entry_from_columns("27", "mapped", "violence", "", "").unwrap_err();
/// assert_eq!(error, CatalogueError::InvalidCode("27".into()));
/// assert_eq!(error.to_string(), r#"offence code "27" is not exactly five digits"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CatalogueError {
    /// The code is not five ASCII digits.
    #[error("offence code {0:?} is not exactly five digits")]
    InvalidCode(String),
    /// `ogrs3_status` is not `mapped`, `need_exact_offence` or `not_mapped`.
    #[error("ogrs3_status {0:?} is not mapped, need_exact_offence or not_mapped")]
    UnknownOgrs3Status(String),
    /// A mapped code without a known OGRS3 category.
    #[error("ogrs3_category {0:?} is not an OGRS3 offence category")]
    UnknownOgrs3Category(String),
    /// An offence category name not in the spec's list of 24.
    #[error("{column} {value:?} is not an offence category")]
    UnknownOffenceCategory {
        /// The column it was found in.
        column: &'static str,
        /// The value found.
        value: String,
    },
}

fn optional_category(
    column: &'static str,
    value: &str,
) -> Result<Option<OffenceCategory>, CatalogueError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    OffenceCategory::parse(value)
        .map(Some)
        .ok_or_else(|| CatalogueError::UnknownOffenceCategory {
            column,
            value: value.to_owned(),
        })
}

/// Builds one catalogue entry from the columns `code`, `ogrs3_status`, `ogrs3_category`,
/// `snsv_category` and `actuarial_category` of the reference data (empty cell = no value).
///
/// ```
/// use oasys_scoring::{catalogue_entry_from_columns, OffenceCategory, Ogrs3Mapping};
///
/// let entry = catalogue_entry_from_columns("08800", "need_exact_offence", "", "other_offences", "other_offences")?;
/// assert_eq!(entry.ogrs3, Ogrs3Mapping::NeedExactOffence);
/// assert_eq!(entry.actuarial_category, Some(OffenceCategory::OtherOffences));
/// # Ok::<(), oasys_scoring::CatalogueError>(())
/// ```
pub fn catalogue_entry_from_columns(
    code: &str,
    ogrs3_status: &str,
    ogrs3_category: &str,
    snsv_category: &str,
    actuarial_category: &str,
) -> Result<CatalogueEntry, CatalogueError> {
    if code.len() != 5 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CatalogueError::InvalidCode(code.to_owned()));
    }
    let ogrs3 = match ogrs3_status.trim() {
        "mapped" => Ogrs3Mapping::Mapped(
            Ogrs3Category::parse(ogrs3_category.trim())
                .ok_or_else(|| CatalogueError::UnknownOgrs3Category(ogrs3_category.to_owned()))?,
        ),
        "need_exact_offence" => Ogrs3Mapping::NeedExactOffence,
        "not_mapped" => Ogrs3Mapping::NotMapped,
        other => return Err(CatalogueError::UnknownOgrs3Status(other.to_owned())),
    };
    Ok(CatalogueEntry {
        ogrs3,
        snsv_category: optional_category("snsv_category", snsv_category)?,
        actuarial_category: optional_category("actuarial_category", actuarial_category)?,
    })
}
