//! Answer vocabularies of the question set and the answer values that fill them.
//! A vocabulary decides which values a question accepts and how a value scores in a need section.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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

/// One answer to one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerValue {
    /// Yes.
    Yes,
    /// No.
    No,
    /// Don't know.
    DontKnow,
    /// Recorded as missing (Layer 1, where the question allows).
    Missing,
    /// A 0/1/2 problems rating.
    Problems(u8),
    /// A drug-use frequency.
    Frequency(Frequency),
    /// A relationship status.
    RelationshipStatus(RelationshipStatus),
    /// A risk level.
    RiskLevel(RiskLevel),
    /// An injecting history.
    Injecting(Injecting),
    /// A date.
    Date(NaiveDate),
    /// A count.
    Count(u32),
    /// A code: offence code, offence category or a choice option.
    Code(String),
    /// Selected options of a multi-select question.
    Options(Vec<String>),
    /// Free text.
    Text(String),
}

impl AnswerValue {
    /// Whether this value belongs to the vocabulary; `Err` describes what was expected.
    pub fn check(&self, vocabulary: &Vocabulary) -> Result<(), String> {
        use AnswerValue as A;
        use Vocabulary as V;
        let ok = match (vocabulary, self) {
            (V::YesNo, A::Yes | A::No)
            | (V::YesNoDontKnow, A::Yes | A::No | A::DontKnow)
            | (V::YesNoMissing, A::Yes | A::No | A::Missing)
            | (
                V::Problems {
                    missing_allowed: true,
                },
                A::Missing,
            )
            | (V::Frequency, A::Frequency(_))
            | (V::RelationshipStatus, A::RelationshipStatus(_))
            | (V::RiskLevel, A::RiskLevel(_))
            | (V::Injecting, A::Injecting(_))
            | (V::Date, A::Date(_)) => true,
            (V::Problems { .. }, A::Problems(n)) => *n <= 2,
            (V::Count { min, max }, A::Count(n)) => (min..=max).contains(&n),
            (V::OffenceCode, A::Code(c)) => c.len() == 5 && c.bytes().all(|b| b.is_ascii_digit()),
            (
                V::OffenceCategory {
                    system: CategorySystem::Ogrs3,
                },
                A::Code(c),
            ) => OGRS3_CATEGORIES.contains(&c.as_str()),
            (
                V::OffenceCategory {
                    system: CategorySystem::Offence,
                },
                A::Code(c),
            ) => OFFENCE_CATEGORIES.contains(&c.as_str()),
            (V::Choice { options }, A::Code(c)) => options.contains(c),
            (V::MultiSelect { options }, A::Options(chosen)) => {
                chosen.iter().all(|c| options.contains(c))
                    && chosen
                        .iter()
                        .enumerate()
                        .all(|(i, c)| !chosen[..i].contains(c))
            }
            (V::Text { max_len }, A::Text(t)) => t.chars().count() <= *max_len,
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(vocabulary.to_string())
        }
    }

    /// The need-section score of this value: Problems 0/1/2, Yes 2, No 0, Injecting 0/1/2, Missing 0.
    /// `None` for values that carry no score.
    #[must_use]
    pub fn need_score(&self) -> Option<u32> {
        match self {
            Self::Problems(n) => Some(u32::from(*n)),
            Self::Yes => Some(2),
            Self::No | Self::Missing => Some(0),
            Self::Injecting(i) => Some(match i {
                Injecting::Never => 0,
                Injecting::Previously => 1,
                Injecting::Currently => 2,
            }),
            _ => None,
        }
    }

    /// Whether the answer is Yes.
    #[must_use]
    pub fn is_yes(&self) -> bool {
        matches!(self, Self::Yes)
    }

    /// Whether this answer counts as given: not Missing and not blank text or empty selection.
    #[must_use]
    pub fn is_given(&self) -> bool {
        match self {
            Self::Missing => false,
            Self::Text(t) | Self::Code(t) => !t.trim().is_empty(),
            _ => true,
        }
    }
}

impl fmt::Display for AnswerValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Yes => f.write_str("Yes"),
            Self::No => f.write_str("No"),
            Self::DontKnow => f.write_str("Don't know"),
            Self::Missing => f.write_str("Missing"),
            Self::Problems(n) => write!(f, "{n}"),
            Self::Frequency(v) => write!(f, "{v:?}"),
            Self::RelationshipStatus(v) => write!(f, "{v:?}"),
            Self::RiskLevel(v) => write!(f, "{v}"),
            Self::Injecting(v) => write!(f, "{v:?}"),
            Self::Date(d) => write!(f, "{d}"),
            Self::Count(n) => write!(f, "{n}"),
            Self::Code(c) => write!(f, "{c:?}"),
            Self::Options(o) => write!(f, "{o:?}"),
            Self::Text(t) => write!(f, "text of {} characters", t.chars().count()),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_membership() {
        assert!(AnswerValue::Yes.check(&Vocabulary::YesNo).is_ok());
        assert!(AnswerValue::DontKnow.check(&Vocabulary::YesNo).is_err());
        assert!(
            AnswerValue::Missing
                .check(&Vocabulary::Problems {
                    missing_allowed: false
                })
                .is_err()
        );
        assert!(
            AnswerValue::Missing
                .check(&Vocabulary::Problems {
                    missing_allowed: true
                })
                .is_ok()
        );
        assert!(
            AnswerValue::Problems(3)
                .check(&Vocabulary::Problems {
                    missing_allowed: true
                })
                .is_err()
        );
        assert!(
            AnswerValue::Count(0)
                .check(&Vocabulary::Count { min: 1, max: 999 })
                .is_err()
        );
        assert!(
            AnswerValue::Code("0270".into())
                .check(&Vocabulary::OffenceCode)
                .is_err()
        );
        assert!(
            AnswerValue::Code("02700".into())
                .check(&Vocabulary::OffenceCode)
                .is_ok()
        );
        let ogrs = Vocabulary::OffenceCategory {
            system: CategorySystem::Ogrs3,
        };
        assert!(AnswerValue::Code("robbery".into()).check(&ogrs).is_ok());
        assert!(
            AnswerValue::Code("acquisitive_violence".into())
                .check(&ogrs)
                .is_err()
        );
        let multi = Vocabulary::MultiSelect {
            options: vec!["a".into(), "b".into()],
        };
        assert!(
            AnswerValue::Options(vec!["a".into(), "a".into()])
                .check(&multi)
                .is_err()
        );
        assert!(
            AnswerValue::Text("é".repeat(5))
                .check(&Vocabulary::Text { max_len: 5 })
                .is_ok()
        );
        assert_eq!(
            AnswerValue::Yes.check(&Vocabulary::Count { min: 1, max: 9 }),
            Err("a count from 1 to 9".to_owned())
        );
    }

    #[test]
    fn need_scores() {
        assert_eq!(AnswerValue::Yes.need_score(), Some(2));
        assert_eq!(AnswerValue::Missing.need_score(), Some(0));
        assert_eq!(
            AnswerValue::Injecting(Injecting::Previously).need_score(),
            Some(1)
        );
        assert_eq!(AnswerValue::Text(String::new()).need_score(), None);
    }
}
