//! Answer vocabularies of the question set and the answer values that fill them.
//! A vocabulary decides which values a question accepts and how a value scores in a need section.

use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::answers::AnswerValue;

/// How often a drug is used (section 8 drug grid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Daily.
    Daily,
    /// Weekly.
    Weekly,
    /// Monthly.
    Monthly,
    /// Occasional.
    Occasional,
}

/// Relationship status (6.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipStatus {
    /// In a relationship, living together.
    LivingTogether,
    /// In a relationship, not living together.
    NotLivingTogether,
    /// Not in a relationship.
    NotInRelationship,
}

/// Risk of serious harm level; there is no "none" level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RiskLevel {
    /// Low (stored `L`).
    #[serde(rename = "L")]
    Low,
    /// Medium (stored `M`).
    #[serde(rename = "M")]
    Medium,
    /// High (stored `H`).
    #[serde(rename = "H")]
    High,
    /// Very high (stored `V`).
    #[serde(rename = "V")]
    VeryHigh,
}

impl fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Low => "Low",
            Self::Medium => "Medium",
            Self::High => "High",
            Self::VeryHigh => "Very High",
        })
    }
}

/// Ever injected drugs (8.6); scores 0/1/2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Injecting {
    /// Never injected.
    Never,
    /// Injected previously.
    Previously,
    /// Injecting currently.
    Currently,
}

/// Which predictor category list an offence-category question draws from (predictors.md §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategorySystem {
    /// The 20 OGRS3 categories.
    Ogrs3,
    /// The 24 offence (RSR / actuarial) categories.
    Offence,
}

/// The OGRS3 offence categories (predictors.md §3.1).
pub const OGRS3_CATEGORIES: [&str; 20] = [
    "violence",
    "robbery",
    "public_order",
    "sexual_not_against_child",
    "sexual_against_child",
    "soliciting_or_prostitution",
    "burglary_domestic",
    "burglary_other",
    "theft_non_motor",
    "handling_stolen_goods",
    "fraud_and_forgery",
    "absconding_or_bail",
    "taking_and_driving_away",
    "theft_from_vehicles",
    "other_motoring",
    "drink_driving",
    "criminal_damage",
    "drug_import_export_or_production",
    "drug_possession_or_supply",
    "other_offences",
];

/// The offence categories used by SNSV, ARP, VRP and SVRP (predictors.md §3.1).
pub const OFFENCE_CATEGORIES: [&str; 24] = [
    "violence_against_the_person_sub_abh",
    "violence_against_the_person_abh_plus",
    "weapons_non_firearm",
    "firearms_most_serious",
    "firearms_other",
    "acquisitive_violence",
    "public_order_and_harassment",
    "sexual_not_against_child",
    "sexual_against_child",
    "burglary_domestic",
    "burglary_other",
    "theft_non_motor",
    "handling_stolen_goods",
    "vehicle_related_theft",
    "fraud_and_forgery",
    "welfare_fraud",
    "absconding_or_bail",
    "motoring_offences",
    "drink_driving",
    "drunkenness",
    "criminal_damage",
    "drug_import_export_or_production",
    "drug_possession_or_supply",
    "other_offences",
];

/// The set of answers a question accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Vocabulary {
    /// Yes or No.
    YesNo,
    /// Yes, No or Don't know.
    YesNoDontKnow,
    /// Yes, No or Missing.
    YesNoMissing,
    /// 0 no problems, 1 some problems, 2 significant problems (optionally Missing).
    Problems {
        /// Whether Missing is accepted.
        missing_allowed: bool,
    },
    /// Daily, Weekly, Monthly, Occasional.
    Frequency,
    /// The three relationship statuses of 6.8.
    RelationshipStatus,
    /// Low, Medium, High, Very High.
    RiskLevel,
    /// Never, Previously, Currently.
    Injecting,
    /// A calendar date.
    Date,
    /// A whole number in `min..=max`.
    Count {
        /// Smallest accepted value.
        min: u32,
        /// Largest accepted value.
        max: u32,
    },
    /// A Home Office offence code, exactly five digits.
    OffenceCode,
    /// A predictor offence category chosen directly.
    OffenceCategory {
        /// Which category list applies.
        system: CategorySystem,
    },
    /// Exactly one of the options.
    Choice {
        /// The accepted option codes.
        options: Vec<String>,
    },
    /// Any number of distinct options.
    MultiSelect {
        /// The accepted option codes.
        options: Vec<String>,
    },
    /// Free text up to `max_len` characters.
    Text {
        /// Maximum length in characters.
        max_len: usize,
    },
}

impl fmt::Display for Vocabulary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::YesNo => f.write_str("Yes or No"),
            Self::YesNoDontKnow => f.write_str("Yes, No or Don't know"),
            Self::YesNoMissing => f.write_str("Yes, No or Missing"),
            Self::Problems {
                missing_allowed: false,
            } => f.write_str("a problems rating 0, 1 or 2"),
            Self::Problems {
                missing_allowed: true,
            } => f.write_str("a problems rating 0, 1 or 2, or Missing"),
            Self::Frequency => f.write_str("Daily, Weekly, Monthly or Occasional"),
            Self::RelationshipStatus => f.write_str("a relationship status"),
            Self::RiskLevel => f.write_str("Low, Medium, High or Very High"),
            Self::Injecting => f.write_str("Never, Previously or Currently"),
            Self::Date => f.write_str("a date"),
            Self::Count { min, max } => write!(f, "a count from {min} to {max}"),
            Self::OffenceCode => f.write_str("a five-digit Home Office offence code"),
            Self::OffenceCategory {
                system: CategorySystem::Ogrs3,
            } => f.write_str("an OGRS3 offence category"),
            Self::OffenceCategory {
                system: CategorySystem::Offence,
            } => f.write_str("an offence category"),
            Self::Choice { options } => write!(f, "one of {}", options.join(", ")),
            Self::MultiSelect { options } => {
                write!(f, "distinct options from {}", options.join(", "))
            }
            Self::Text { max_len } => write!(f, "text of at most {max_len} characters"),
        }
    }
}
