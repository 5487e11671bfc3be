//! Answer values: what an answer holds, whether it belongs to a vocabulary and how it scores.
//! Checking is total: any value against any vocabulary gives a yes or a description of what was expected.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::vocabulary::{
    CategorySystem, Frequency, Injecting, OFFENCE_CATEGORIES, OGRS3_CATEGORIES, RelationshipStatus,
    RiskLevel, Vocabulary,
};

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
