//! The person being assessed: case identifiers, names, date of birth, gender, location and sentence facts.
//! Constructors check every rule and report every problem; serde goes through the same checks.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::identifiers::{Crn, NomisId, Pnc};

/// A problem with the person's record.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PersonError {
    /// Neither a CRN nor a NOMIS id was given.
    #[error("a crn or a nomis id is required")]
    NoCaseIdentifier,
    /// A family or given name is empty or too long.
    #[error("invalid {field}: {reason}")]
    InvalidName {
        /// `family_name` or `given_name`.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// An organisation code (PDU, team or establishment) is malformed.
    #[error("invalid {field} code {value:?}: must be 1 to 10 capital letters or digits")]
    InvalidOrgCode {
        /// Which code.
        field: &'static str,
        /// The text given.
        value: String,
    },
    /// The person's age on the assessment date is outside 10–110.
    #[error("age {age} on {date} is outside 10 to 110 (date of birth {date_of_birth})")]
    AgeOutOfRange {
        /// Whole years (negative when born after `date`).
        age: i32,
        /// The assessment date.
        date: NaiveDate,
        /// The date of birth.
        date_of_birth: NaiveDate,
    },
}

/// A family or given name: non-empty after trimming, at most 100 characters.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

impl Name {
    /// Checks a name.
    pub fn parse(value: &str) -> Result<Self, PersonError> {
        Self::parse_field(value, "name")
    }

    fn parse_field(value: &str, field: &'static str) -> Result<Self, PersonError> {
        if value.trim().is_empty() {
            return Err(PersonError::InvalidName {
                field,
                reason: "must not be empty",
            });
        }
        if value.chars().count() > 100 {
            return Err(PersonError::InvalidName {
                field,
                reason: "must be at most 100 characters",
            });
        }
        Ok(Self(value.to_owned()))
    }

    /// The name as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Name {
    type Error = PersonError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Name> for String {
    fn from(value: Name) -> Self {
        value.0
    }
}

/// An organisation code: PDU, team or prison establishment (1–10 capital letters or digits).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgCode(String);

impl OrgCode {
    /// Checks a code.
    pub fn parse(value: &str) -> Result<Self, PersonError> {
        let ok = !value.is_empty()
            && value.len() <= 10
            && value
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if ok {
            Ok(Self(value.to_owned()))
        } else {
            Err(PersonError::InvalidOrgCode {
                field: "organisation",
                value: value.to_owned(),
            })
        }
    }

    /// The code as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrgCode {
    type Error = PersonError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrgCode> for String {
    fn from(value: OrgCode) -> Self {
        value.0
    }
}

/// Case identifiers: at least one of CRN and NOMIS id, PNC optional.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawCaseIds", into = "RawCaseIds")]
pub struct CaseIds {
    crn: Option<Crn>,
    nomis_id: Option<NomisId>,
    pnc: Option<Pnc>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCaseIds {
    crn: Option<Crn>,
    nomis_id: Option<NomisId>,
    pnc: Option<Pnc>,
}

impl CaseIds {
    /// Combines identifiers; refuses when neither CRN nor NOMIS id is given.
    pub fn new(
        crn: Option<Crn>,
        nomis_id: Option<NomisId>,
        pnc: Option<Pnc>,
    ) -> Result<Self, PersonError> {
        if crn.is_none() && nomis_id.is_none() {
            return Err(PersonError::NoCaseIdentifier);
        }
        Ok(Self { crn, nomis_id, pnc })
    }

    /// The probation case reference.
    #[must_use]
    pub fn crn(&self) -> Option<&Crn> {
        self.crn.as_ref()
    }

    /// The prison number.
    #[must_use]
    pub fn nomis_id(&self) -> Option<&NomisId> {
        self.nomis_id.as_ref()
    }

    /// The Police National Computer id.
    #[must_use]
    pub fn pnc(&self) -> Option<&Pnc> {
        self.pnc.as_ref()
    }
}

impl TryFrom<RawCaseIds> for CaseIds {
    type Error = PersonError;
    fn try_from(raw: RawCaseIds) -> Result<Self, Self::Error> {
        Self::new(raw.crn, raw.nomis_id, raw.pnc)
    }
}

impl From<CaseIds> for RawCaseIds {
    fn from(ids: CaseIds) -> Self {
        Self {
            crn: ids.crn,
            nomis_id: ids.nomis_id,
            pnc: ids.pnc,
        }
    }
}

/// Gender as recorded; predictors need Male or Female, otherwise they are "not calculable".
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// Male.
    Male,
    /// Female.
    Female,
    /// Other.
    Other,
    /// Not known.
    NotKnown,
}

/// Where the person is managed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Location {
    /// In the community, with probation delivery unit and team.
    Community {
        /// Probation delivery unit code.
        pdu: OrgCode,
        /// Team code.
        team: OrgCode,
    },
    /// In custody, with the prison establishment code.
    Custody {
        /// Establishment code.
        establishment: OrgCode,
    },
}

/// ONS ethnic group categories (2021); for aggregate fairness monitoring only, never scoring.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Ethnicity {
    AsianBangladeshi,
    AsianChinese,
    AsianIndian,
    AsianPakistani,
    AsianOther,
    BlackAfrican,
    BlackCaribbean,
    BlackOther,
    MixedWhiteAndAsian,
    MixedWhiteAndBlackAfrican,
    MixedWhiteAndBlackCaribbean,
    MixedOther,
    WhiteBritish,
    WhiteIrish,
    WhiteGypsyOrIrishTraveller,
    WhiteRoma,
    WhiteOther,
    OtherArab,
    OtherAnyOther,
    PreferNotToSay,
}

/// Sentence facts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentenceFacts {
    /// Sentence or order type (code from the reference list).
    pub sentence_type: String,
    /// Date of sentence.
    pub sentence_date: Option<NaiveDate>,
    /// Expected end of sentence.
    pub expected_end: Option<NaiveDate>,
    /// Earliest release date (custody).
    pub earliest_release: Option<NaiveDate>,
    /// Licence end date.
    pub licence_end: Option<NaiveDate>,
}

/// The person being assessed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Stable id (passed in, never generated here).
    pub id: Uuid,
    /// CRN, NOMIS id and PNC.
    pub ids: CaseIds,
    /// Family name.
    pub family_name: Name,
    /// Given name.
    pub given_name: Name,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Gender.
    pub gender: Gender,
    /// Current location.
    pub location: Location,
    /// Ethnicity, when recorded.
    pub ethnicity: Option<Ethnicity>,
    /// Ever committed a sexual or sexually motivated offence (mirrors 1.30).
    pub sexually_motivated_offence_history: Option<bool>,
    /// Sentence facts, when known.
    pub sentence: Option<SentenceFacts>,
}

/// Whole years between `born` and `on` (negative when `on` is before `born`).
#[must_use]
pub fn age_on(born: NaiveDate, on: NaiveDate) -> i32 {
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years
}

impl Person {
    /// Checks that the person is aged 10 to 110 on the assessment date.
    pub fn check_age_on(&self, date: NaiveDate) -> Result<(), PersonError> {
        let age = age_on(self.date_of_birth, date);
        if (10..=110).contains(&age) {
            Ok(())
        } else {
            Err(PersonError::AgeOutOfRange {
                age,
                date,
                date_of_birth: self.date_of_birth,
            })
        }
    }

    /// Checks raw name fields, reporting both when both are wrong.
    pub fn names(family: &str, given: &str) -> Result<(Name, Name), Vec<PersonError>> {
        match (
            Name::parse_field(family, "family_name"),
            Name::parse_field(given, "given_name"),
        ) {
            (Ok(f), Ok(g)) => Ok((f, g)),
            (f, g) => Err([f.err(), g.err()].into_iter().flatten().collect()),
        }
    }

    /// Whether the person is in custody.
    #[must_use]
    pub fn in_custody(&self) -> bool {
        matches!(self.location, Location::Custody { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn ages_in_whole_years() {
        assert_eq!(age_on(date(2000, 6, 15), date(2010, 6, 14)), 9);
        assert_eq!(age_on(date(2000, 6, 15), date(2010, 6, 15)), 10);
        assert_eq!(age_on(date(2000, 2, 29), date(2001, 2, 28)), 0);
        assert_eq!(age_on(date(2010, 1, 1), date(2000, 1, 1)), -10);
    }

    #[test]
    fn case_ids_need_crn_or_nomis() {
        assert_eq!(
            CaseIds::new(None, None, None),
            Err(PersonError::NoCaseIdentifier)
        );
        assert!(CaseIds::new(None, NomisId::parse("A1234BC").ok(), None).is_ok());
        let json = r#"{"crn":null,"nomis_id":null,"pnc":null}"#;
        assert!(serde_json::from_str::<CaseIds>(json).is_err());
        assert!(
            serde_json::from_str::<CaseIds>(r#"{"crn":"X123456","nomis_id":null,"pnc":null}"#)
                .is_ok()
        );
        assert!(
            serde_json::from_str::<CaseIds>(r#"{"crn":"X12345","nomis_id":null,"pnc":null}"#)
                .is_err()
        );
    }

    #[test]
    fn names_and_codes() {
        assert!(Name::parse("Smith").is_ok());
        assert!(Name::parse("  ").is_err());
        assert!(Name::parse(&"a".repeat(100)).is_ok());
        assert!(Name::parse(&"a".repeat(101)).is_err());
        assert_eq!(Person::names("", "").err().map(|e| e.len()), Some(2));
        assert!(OrgCode::parse("N07T1").is_ok());
        assert!(OrgCode::parse("n07").is_err());
        assert!(OrgCode::parse("").is_err());
    }
}
