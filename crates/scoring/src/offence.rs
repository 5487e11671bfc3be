//! The two offence-category systems (spec §3.1), the offence catalogue that maps Home Office
//! codes to them, and the resolution rules each predictor follows (§3.2).

use std::collections::HashMap;

use oasys_assessment_model::vocabulary::{OFFENCE_CATEGORIES, OGRS3_CATEGORIES};
use serde::Serialize;

use crate::PredictorInput;
use crate::result::{Reason, ReasonCode};

/// An enum over a category list whose keys live in assessment-model's vocabulary (the one source of
/// the names); variants are in the same order as the keys.
macro_rules! categories {
    ($(#[$meta:meta])* $name:ident from $keys:path { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        ///
        /// ```
        #[doc = concat!("use oasys_scoring::", stringify!($name), ";")]
        #[doc = concat!("for category in ", stringify!($name), "::ALL {")]
        #[doc = concat!("    assert_eq!(", stringify!($name), "::parse(category.key()), Some(*category));")]
        /// }
        #[doc = concat!("assert_eq!(", stringify!($name), "::parse(\"shoplifting\"), None);")]
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(
                #[allow(missing_docs)] // named by `key()`
                $variant,
            )+
        }

        impl $name {
            /// Every category, in the order of the spec's table.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The canonical snake_case name used in inputs, outputs and the catalogue.
            pub fn key(self) -> &'static str {
                $keys[self as usize]
            }

            /// Parses a canonical name; `None` for anything else.
            pub fn parse(key: &str) -> Option<Self> {
                $keys.iter().position(|k| *k == key).and_then(|i| Self::ALL.get(i).copied())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.key())
            }
        }

        const _: () = assert!($name::ALL.len() == $keys.len(), "one variant per key");
    };
}

categories! {
    /// The 20 OGRS3 offence categories (input `ogrs3_offence_category`).
    Ogrs3Category from OGRS3_CATEGORIES {
        Violence,
        Robbery,
        PublicOrder,
        SexualNotAgainstChild,
        SexualAgainstChild,
        SolicitingOrProstitution,
        BurglaryDomestic,
        BurglaryOther,
        TheftNonMotor,
        HandlingStolenGoods,
        FraudAndForgery,
        AbscondingOrBail,
        TakingAndDrivingAway,
        TheftFromVehicles,
        OtherMotoring,
        DrinkDriving,
        CriminalDamage,
        DrugImportExportOrProduction,
        DrugPossessionOrSupply,
        OtherOffences,
    }
}

categories! {
    /// The 24 offence categories used by SNSV, ARP, VRP and SVRP (input `offence_category`).
    OffenceCategory from OFFENCE_CATEGORIES {
        ViolenceAgainstThePersonSubAbh,
        ViolenceAgainstThePersonAbhPlus,
        WeaponsNonFirearm,
        FirearmsMostSerious,
        FirearmsOther,
        AcquisitiveViolence,
        PublicOrderAndHarassment,
        SexualNotAgainstChild,
        SexualAgainstChild,
        BurglaryDomestic,
        BurglaryOther,
        TheftNonMotor,
        HandlingStolenGoods,
        VehicleRelatedTheft,
        FraudAndForgery,
        WelfareFraud,
        AbscondingOrBail,
        MotoringOffences,
        DrinkDriving,
        Drunkenness,
        CriminalDamage,
        DrugImportExportOrProduction,
        DrugPossessionOrSupply,
        OtherOffences,
    }
}

impl Ogrs3Category {
    /// The OGRS3 offence parameter (table 3.1).
    ///
    /// ```
    /// use oasys_scoring::Ogrs3Category;
    /// assert_eq!(Ogrs3Category::Violence.parameter(), 0.0);
    /// assert_eq!(Ogrs3Category::SolicitingOrProstitution.parameter(), 0.7606);
    /// ```
    pub fn parameter(self) -> f64 {
        use Ogrs3Category::*;
        match self {
            Violence => 0.0,
            Robbery => -0.6348,
            PublicOrder => 0.1819,
            SexualNotAgainstChild => 0.0328,
            SexualAgainstChild => -0.6534,
            SolicitingOrProstitution => 0.7606,
            BurglaryDomestic => -0.1239,
            BurglaryOther => 0.2406,
            TheftNonMotor => 0.6612,
            HandlingStolenGoods => 0.3519,
            FraudAndForgery => 0.1599,
            AbscondingOrBail => 0.7334,
            TakingAndDrivingAway => 0.3801,
            TheftFromVehicles => 0.4272,
            OtherMotoring => 0.2622,
            DrinkDriving => -0.1214,
            CriminalDamage => 0.2050,
            DrugImportExportOrProduction => -0.7956,
            DrugPossessionOrSupply => 0.0772,
            OtherOffences => -0.0607,
        }
    }
}

impl OffenceCategory {
    /// Position in the spec's numbered list (0-based), used to index coefficient tables.
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// How the catalogue maps a code for OGRS3 (column `ogrs3_status`).
///
/// ```
/// use oasys_scoring::{catalogue_entry_from_columns, Ogrs3Mapping};
/// let entry = catalogue_entry_from_columns("95001", "not_mapped", "", "", "")?;
/// assert_eq!(entry.ogrs3, Ogrs3Mapping::NotMapped);
/// # Ok::<(), oasys_scoring::CatalogueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ogrs3Mapping {
    /// The code has this OGRS3 category.
    Mapped(Ogrs3Category),
    /// A group code whose OGRS3 category depends on the exact offence (`08800`, `11100`, `14100`).
    NeedExactOffence,
    /// No OGRS3 category (for example court-martial codes).
    NotMapped,
}

/// One offence code's categories in the catalogue.
///
/// ```
/// use oasys_scoring::{catalogue_entry_from_columns, OffenceCategory};
/// let entry = catalogue_entry_from_columns("08184", "mapped", "other_offences", "firearms_most_serious", "firearms_other")?;
/// assert_eq!(entry.snsv_category, Some(OffenceCategory::FirearmsMostSerious));
/// assert_eq!(entry.actuarial_category, Some(OffenceCategory::FirearmsOther));
/// # Ok::<(), oasys_scoring::CatalogueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogueEntry {
    /// OGRS3 mapping.
    pub ogrs3: Ogrs3Mapping,
    /// Category used by SNSV (the v1 "RSR offence category"); `None` when the v1 map lacks it.
    pub snsv_category: Option<OffenceCategory>,
    /// Category used by ARP, VRP and SVRP (the 2025 "actuarial category").
    pub actuarial_category: Option<OffenceCategory>,
}

/// Home Office offence codes mapped to predictor categories: reference data the caller loads
/// (for example from `offence_categories.csv`) and passes in; this crate never reads files.
///
/// ```
/// use oasys_scoring::{CatalogueEntry, OffenceCatalogue, OffenceCategory, Ogrs3Category, Ogrs3Mapping};
///
/// let mut catalogue = OffenceCatalogue::default();
/// catalogue.insert("02700", CatalogueEntry {
///     ogrs3: Ogrs3Mapping::Mapped(Ogrs3Category::SolicitingOrProstitution),
///     snsv_category: Some(OffenceCategory::PublicOrderAndHarassment),
///     actuarial_category: Some(OffenceCategory::PublicOrderAndHarassment),
/// });
/// assert_eq!(catalogue.len(), 1);
/// assert!(catalogue.get("02700").is_some());
/// ```
#[derive(Debug, Clone, Default)]
pub struct OffenceCatalogue {
    entries: HashMap<String, CatalogueEntry>,
}

impl OffenceCatalogue {
    /// Adds or replaces the entry for `code`.
    ///
    /// ```
    /// # use oasys_scoring::*;
    /// let mut catalogue = OffenceCatalogue::default();
    /// catalogue.insert("08800", catalogue_entry_from_columns("08800", "need_exact_offence", "", "", "")?);
    /// assert!(catalogue.get("08800").is_some());
    /// # Ok::<(), CatalogueError>(())
    /// ```
    pub fn insert(&mut self, code: impl Into<String>, entry: CatalogueEntry) {
        self.entries.insert(code.into(), entry);
    }

    /// The entry for a five-digit code.
    ///
    /// ```
    /// assert!(oasys_scoring::OffenceCatalogue::default().get("02700").is_none());
    /// ```
    pub fn get(&self, code: &str) -> Option<&CatalogueEntry> {
        self.entries.get(code)
    }

    /// Number of codes.
    ///
    /// ```
    /// assert_eq!(oasys_scoring::OffenceCatalogue::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no code has been loaded.
    ///
    /// ```
    /// assert!(oasys_scoring::OffenceCatalogue::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Which catalogue column a v1/v4.11 predictor reads for its offence category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CategoryColumn {
    Snsv,
    Actuarial,
}

/// The outcome of §3.2 for one predictor.
#[derive(Debug, Clone)]
pub(crate) enum Resolved<T> {
    Category(T),
    /// Neither code nor category given: `offence_code` joins the missing inputs.
    Missing,
    Problem(Reason),
}

fn code_is_valid(code: &str) -> bool {
    code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit())
}

fn invalid_code(code: &str) -> Reason {
    Reason::new(
        ReasonCode::InvalidOffenceCode,
        &["offence_code"],
        format!("offence code {code:?} is not exactly five digits"),
    )
}

fn not_found(code: &str, what: &str) -> Reason {
    Reason::new(
        ReasonCode::OffenceCodeNotFound,
        &["offence_code"],
        format!("offence code {code} has no {what} in the offence catalogue"),
    )
}

/// §3.2 for OGRS3.
pub(crate) fn resolve_ogrs3(
    input: &PredictorInput,
    catalogue: Option<&OffenceCatalogue>,
) -> Resolved<Ogrs3Category> {
    if let Some(code) = input.offence_code.as_deref().filter(|c| !code_is_valid(c)) {
        return Resolved::Problem(invalid_code(code));
    }
    if let Some(key) = input.ogrs3_offence_category.as_deref() {
        return match Ogrs3Category::parse(key) {
            Some(category) => Resolved::Category(category),
            None => Resolved::Problem(Reason::new(
                ReasonCode::InvalidValue,
                &["ogrs3_offence_category"],
                format!("{key:?} is not an OGRS3 offence category"),
            )),
        };
    }
    let Some(code) = input.offence_code.as_deref() else {
        return Resolved::Missing;
    };
    match catalogue.and_then(|c| c.get(code)).map(|e| e.ogrs3) {
        Some(Ogrs3Mapping::Mapped(category)) => Resolved::Category(category),
        Some(Ogrs3Mapping::NeedExactOffence) => Resolved::Problem(Reason::new(
            ReasonCode::OffenceNeedsExactCode,
            &["offence_code"],
            format!(
                "offence code {code} is a group code: give the exact offence or the OGRS3 category"
            ),
        )),
        Some(Ogrs3Mapping::NotMapped) | None => {
            Resolved::Problem(not_found(code, "OGRS3 category"))
        }
    }
}

/// §3.2 for SNSV (v1 column) and ARP, VRP, SVRP (2025 column).
pub(crate) fn resolve_category(
    input: &PredictorInput,
    catalogue: Option<&OffenceCatalogue>,
    column: CategoryColumn,
) -> Resolved<OffenceCategory> {
    if let Some(code) = input.offence_code.as_deref().filter(|c| !code_is_valid(c)) {
        return Resolved::Problem(invalid_code(code));
    }
    if let Some(key) = input.offence_category.as_deref() {
        return match OffenceCategory::parse(key) {
            Some(category) => Resolved::Category(category),
            None => Resolved::Problem(Reason::new(
                ReasonCode::InvalidValue,
                &["offence_category"],
                format!("{key:?} is not an offence category"),
            )),
        };
    }
    let Some(code) = input.offence_code.as_deref() else {
        return Resolved::Missing;
    };
    let entry = catalogue.and_then(|c| c.get(code));
    let category = match column {
        CategoryColumn::Snsv => entry.and_then(|e| e.snsv_category),
        CategoryColumn::Actuarial => entry.and_then(|e| e.actuarial_category),
    };
    match category {
        Some(category) => Resolved::Category(category),
        None => Resolved::Problem(not_found(code, "offence category for this predictor")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snake(name: &str) -> String {
        let mut out = String::new();
        for (i, c) in name.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    }

    /// The variants (which carry the coefficients) line up with the vocabulary's keys.
    #[test]
    fn variants_and_keys_are_in_the_same_order() {
        for c in Ogrs3Category::ALL {
            assert_eq!(c.key(), snake(&format!("{c:?}")));
        }
        for c in OffenceCategory::ALL {
            assert_eq!(c.key(), snake(&format!("{c:?}")));
        }
        assert_eq!(
            OffenceCategory::parse("welfare_fraud"),
            Some(OffenceCategory::WelfareFraud)
        );
        assert_eq!(Ogrs3Category::parse("nonsense"), None);
    }
}
