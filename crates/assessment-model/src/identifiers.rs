//! Case identifiers of a person: CRN, PNC id and NOMIS prison number.
//! Each is a newtype checked in its constructor; serde goes through the same check.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why an identifier was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdentifierError {
    /// The probation case reference is not one capital letter followed by six digits.
    #[error("invalid crn {value:?}: {reason}")]
    InvalidCrn {
        /// The text that was given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The Police National Computer id is not in the form `YYYY/NNNNNNNC`.
    #[error("invalid pnc id {value:?}: {reason}")]
    InvalidPnc {
        /// The text that was given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The PNC id is well formed but its check letter does not match.
    #[error("pnc id {value:?} has check letter {given}, expected {expected}")]
    PncCheckLetter {
        /// The text that was given.
        value: String,
        /// The check letter that was given.
        given: char,
        /// The check letter the year and serial require.
        expected: char,
    },
    /// The NOMIS prison number is not of the form `A1234BC`.
    #[error("invalid nomis id {value:?}: {reason}")]
    InvalidNomisId {
        /// The text that was given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// Probation case reference number, `^[A-Z][0-9]{6}$`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Crn(String);

impl Crn {
    /// Parses a CRN such as `X123456`.
    pub fn parse(value: &str) -> Result<Self, IdentifierError> {
        let err = |reason| IdentifierError::InvalidCrn {
            value: value.to_owned(),
            reason,
        };
        let bytes = value.as_bytes();
        if bytes.len() != 7 {
            return Err(err("must be 7 characters: a capital letter and six digits"));
        }
        if !bytes[0].is_ascii_uppercase() {
            return Err(err("must start with a capital letter"));
        }
        if !bytes[1..].iter().all(u8::is_ascii_digit) {
            return Err(err("the last six characters must be digits"));
        }
        Ok(Self(value.to_owned()))
    }

    /// The CRN as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// NOMIS prison number, `^[A-Z][0-9]{4}[A-Z]{2}$`, e.g. `A1234BC`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NomisId(String);

impl NomisId {
    /// Parses a prison number such as `A1234BC`.
    pub fn parse(value: &str) -> Result<Self, IdentifierError> {
        let err = |reason| IdentifierError::InvalidNomisId {
            value: value.to_owned(),
            reason,
        };
        let b = value.as_bytes();
        if b.len() != 7 {
            return Err(err("must be 7 characters, e.g. A1234BC"));
        }
        let shape_ok = b[0].is_ascii_uppercase()
            && b[1..5].iter().all(u8::is_ascii_digit)
            && b[5..].iter().all(u8::is_ascii_uppercase);
        if !shape_ok {
            return Err(err(
                "must be a capital letter, four digits and two capital letters",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// The prison number as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The check letters of a PNC id, indexed by `(YY * 10^7 + serial) mod 23`.
pub const PNC_CHECK_LETTERS: &str = "ZABCDEFGHJKLMNPQRTUVWXY";

/// Police National Computer id, stored canonically as `YYYY/NNNNNNNC`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Pnc(String);

impl Pnc {
    /// Parses a PNC id. Accepts `2012/0012345X`, `20120012345X` and short serials
    /// (`2012/12345X`), which are left-padded to seven digits; a lower-case check letter is upper-cased.
    pub fn parse(value: &str) -> Result<Self, IdentifierError> {
        let err = |reason| IdentifierError::InvalidPnc {
            value: value.to_owned(),
            reason,
        };
        let text = value.trim();
        if !text.is_ascii() {
            return Err(err("must contain only ASCII letters, digits and '/'"));
        }
        if text.len() < 6 || text.len() > 13 {
            return Err(err("must look like YYYY/NNNNNNNC"));
        }
        let (year, rest) = text.split_at(4);
        if !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("must start with a four-digit year"));
        }
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let Some(last) = rest.chars().last() else {
            return Err(err("serial number and check letter are missing"));
        };
        let serial = &rest[..rest.len() - last.len_utf8()];
        if serial.is_empty() || serial.len() > 7 || !serial.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("serial number must be 1 to 7 digits"));
        }
        let given = last.to_ascii_uppercase();
        if !given.is_ascii_uppercase() {
            return Err(err("must end with a check letter"));
        }
        let serial_value: u64 = serial
            .parse()
            .map_err(|_| err("serial number must be digits"))?;
        let yy: u64 = year[2..].parse().map_err(|_| err("year must be digits"))?;
        let expected = pnc_check_letter(yy, serial_value);
        if given != expected {
            return Err(IdentifierError::PncCheckLetter {
                value: value.to_owned(),
                given,
                expected,
            });
        }
        Ok(Self(format!("{year}/{serial_value:07}{given}")))
    }

    /// The canonical `YYYY/NNNNNNNC` form.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The check letter for a two-digit year and a serial number.
#[must_use]
pub fn pnc_check_letter(two_digit_year: u64, serial: u64) -> char {
    let index = (two_digit_year % 100 * 10_000_000 + serial % 10_000_000) % 23;
    PNC_CHECK_LETTERS
        .chars()
        .nth(usize::try_from(index).unwrap_or(0))
        .unwrap_or('Z')
}

macro_rules! string_newtype_impls {
    ($t:ty) => {
        impl TryFrom<String> for $t {
            type Error = IdentifierError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
        impl From<$t> for String {
            fn from(value: $t) -> Self {
                value.0
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl std::str::FromStr for $t {
            type Err = IdentifierError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

string_newtype_impls!(Crn);
string_newtype_impls!(NomisId);
string_newtype_impls!(Pnc);

#[cfg(test)]
mod tests {
    use super::*;

    /// The check letter computed from first principles, independently of `pnc_check_letter`.
    fn letter(yy: u64, serial: u64) -> char {
        let letters = [
            'Z', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'Q', 'R',
            'T', 'U', 'V', 'W', 'X', 'Y',
        ];
        let n = yy * 10_000_000 + serial;
        letters[usize::try_from(n % 23).unwrap_or(0)]
    }

    #[test]
    fn crn_good_and_bad() {
        assert_eq!(
            Crn::parse("X123456").map(|c| c.to_string()),
            Ok("X123456".to_owned())
        );
        for bad in [
            "",
            "x123456",
            "X12345",
            "X1234567",
            "1234567",
            "XX23456",
            "X12345A",
            "X12３456",
        ] {
            assert!(
                matches!(Crn::parse(bad), Err(IdentifierError::InvalidCrn { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn nomis_good_and_bad() {
        assert!(NomisId::parse("A1234BC").is_ok());
        for bad in [
            "a1234BC", "A1234B", "A12345C", "AB234BC", "A1234bC", "A1234BCD", "",
        ] {
            assert!(
                matches!(
                    NomisId::parse(bad),
                    Err(IdentifierError::InvalidNomisId { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn pnc_canonical_forms() {
        let c = letter(12, 12_345);
        let canonical = format!("2012/0012345{c}");
        for input in [
            canonical.clone(),
            format!("20120012345{c}"),
            format!("2012/12345{c}"),
            format!("201212345{c}"),
            format!("2012/0012345{}", c.to_ascii_lowercase()),
        ] {
            assert_eq!(
                Pnc::parse(&input).map(|p| p.as_str().to_owned()),
                Ok(canonical.clone()),
                "{input}"
            );
        }
    }

    #[test]
    fn pnc_check_letter_matches_formula() {
        // (81 * 10^7 + 1) mod 23 by hand: 10^7 mod 23 = 14, 81 * 14 = 1134, 1134 mod 23 = 7, + 1 = 8 -> 'H'.
        assert_eq!(letter(81, 1), 'H');
        assert!(Pnc::parse("1981/0000001H").is_ok());
        assert!(Pnc::parse("81/0000001H").is_err());
        for (yy, serial) in [(99, 9_999_999), (0, 0), (12, 12_345), (5, 42)] {
            assert_eq!(pnc_check_letter(yy, serial), letter(yy, serial));
        }
    }

    #[test]
    fn pnc_wrong_letter_names_expected() {
        let c = letter(12, 12_345);
        let wrong = if c == 'A' { 'B' } else { 'A' };
        let err = Pnc::parse(&format!("2012/0012345{wrong}"));
        assert_eq!(
            err,
            Err(IdentifierError::PncCheckLetter {
                value: format!("2012/0012345{wrong}"),
                given: wrong,
                expected: c
            })
        );
        let message = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains(&format!("expected {c}")), "{message}");
    }

    #[test]
    fn pnc_malformed() {
        for bad in [
            "",
            "2012",
            "2012/",
            "2012/A",
            "20x2/0012345A",
            "2012/00123456789A",
            "2012/0012345",
            "2012/é12345A",
        ] {
            assert!(
                matches!(Pnc::parse(bad), Err(IdentifierError::InvalidPnc { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn serde_rejects_malformed_ids() {
        assert!(serde_json::from_str::<Crn>("\"X12\"").is_err());
        assert!(serde_json::from_str::<NomisId>("\"A1234BC\"").is_ok());
        let c = letter(12, 12_345);
        let pnc: Result<Pnc, _> = serde_json::from_str(&format!("\"2012/12345{c}\""));
        assert_eq!(
            pnc.map(|p| p.to_string()).ok(),
            Some(format!("2012/0012345{c}"))
        );
    }
}
