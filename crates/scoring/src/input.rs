//! The canonical predictor input (spec §4): one flat object per assessment, every field optional,
//! kept close to the wire so that out-of-domain values become per-predictor reasons, not parse errors.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

/// Everything any predictor reads, under the canonical snake_case names of the spec (§4.2).
///
/// A field that is `None` is *missing*. Ratings and counts are kept as signed integers and
/// enumerations as strings so that a value outside its domain (a rating of 3, a negative count,
/// an unknown category) makes only the predictors that use it not calculable, with the reason
/// `invalid_value`, instead of rejecting the whole record. Unknown fields are ignored when
/// deserialising.
///
/// ```
/// use oasys_scoring::PredictorInput;
///
/// let input: PredictorInput = serde_json::from_str(
///     r#"{"gender": "male", "date_of_birth": "1980-01-01", "total_sanctions": 3}"#,
/// )?;
/// assert_eq!(input.total_sanctions, Some(3));
/// assert!(input.conviction_date.is_none());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)] // each field is documented in the spec table it is named after (§4.2)
pub struct PredictorInput {
    /// Echoed back in the report; not used by any predictor.
    pub id: Option<String>,

    // Person, dates and criminal history.
    #[serde(deserialize_with = "date")]
    pub assessment_date: Option<NaiveDate>,
    /// `male` or `female`; any other string makes every predictor `unsupported_gender`.
    pub gender: Option<String>,
    #[serde(deserialize_with = "date")]
    pub date_of_birth: Option<NaiveDate>,
    /// 1.29, the date of the current conviction.
    #[serde(deserialize_with = "date")]
    pub conviction_date: Option<NaiveDate>,
    /// 1.38, the start of follow-up; defaults to `conviction_date`.
    #[serde(deserialize_with = "date")]
    pub follow_up_start_date: Option<NaiveDate>,
    /// 1.8, age in whole years at the first sanction.
    pub age_at_first_sanction: Option<i64>,
    /// 1.32, sanction occasions including the current one.
    pub total_sanctions: Option<i64>,
    /// 1.40, sanctions that involved violence.
    pub violent_sanctions: Option<i64>,
    /// Home Office offence code of the current offence: five ASCII digits.
    pub offence_code: Option<String>,
    /// OGRS3 category chosen directly (overrides `offence_code` for OGRS3).
    pub ogrs3_offence_category: Option<String>,
    /// Offence category chosen directly (overrides `offence_code` for SNSV, ARP, VRP, SVRP).
    pub offence_category: Option<String>,
    /// `community`, `custody` or `remand`.
    pub supervision_status: Option<String>,
    /// 1.43.
    #[serde(deserialize_with = "date")]
    pub most_recent_offence_date: Option<NaiveDate>,
    /// 1.39: RSR and CSRP use the static violence predictor even when the dynamic one scored.
    pub force_static: Option<bool>,

    // Sexual offending.
    /// 1.30.
    pub sexual_offence_history: Option<bool>,
    /// 1.41 (informational).
    pub current_offence_sexually_motivated: Option<bool>,
    /// 1.34.
    pub contact_adult_sexual_sanctions: Option<i64>,
    /// 1.37.
    pub non_contact_sexual_sanctions: Option<i64>,
    /// 1.45.
    pub contact_child_sexual_sanctions: Option<i64>,
    /// 1.46.
    pub indecent_image_sanctions: Option<i64>,
    /// 1.33.
    #[serde(deserialize_with = "date")]
    pub most_recent_sexual_sanction_date: Option<NaiveDate>,
    /// 1.44; missing counts as No.
    pub stranger_victim: Option<bool>,

    // Offence analysis and need-section answers used by the predictors.
    pub weapon_in_offence: Option<bool>,
    pub recognises_impact: Option<bool>,
    /// 3.3: a boolean, or the item score 0 / 2.
    #[serde(deserialize_with = "yes_no_item")]
    pub no_fixed_abode: Option<i64>,
    pub accommodation_suitability: Option<i64>,
    /// 4.2: a boolean, or the item score 0 / 2.
    #[serde(deserialize_with = "yes_no_item")]
    pub unemployed: Option<i64>,
    pub partner_relationship: Option<i64>,
    pub evidence_of_domestic_abuse: Option<bool>,
    pub domestic_abuse_partner_perpetrator: Option<bool>,
    /// `living_together`, `not_living_together` or `not_in_relationship`.
    pub relationship_status: Option<String>,
    pub activities_encourage_offending: Option<i64>,
    pub current_drug_misuse: Option<i64>,
    pub drug_misuse_motivation: Option<i64>,
    pub drug_heroin: Option<bool>,
    pub drug_methadone: Option<bool>,
    pub drug_other_opiates: Option<bool>,
    pub drug_crack_cocaine: Option<bool>,
    pub drug_powder_cocaine: Option<bool>,
    pub drug_misused_prescribed: Option<bool>,
    pub drug_benzodiazepines: Option<bool>,
    pub drug_amphetamines: Option<bool>,
    pub drug_hallucinogens: Option<bool>,
    pub drug_ecstasy: Option<bool>,
    pub drug_cannabis: Option<bool>,
    pub drug_solvents: Option<bool>,
    pub drug_steroids: Option<bool>,
    pub drug_other: Option<bool>,
    pub drug_spice: Option<bool>,
    pub drug_ketamine: Option<bool>,
    pub alcohol_current_use: Option<i64>,
    pub alcohol_binge: Option<i64>,
    pub psychiatric_treatment: Option<bool>,
    pub impulsivity: Option<i64>,
    pub temper_control: Option<i64>,
    pub problem_solving: Option<i64>,
    pub awareness_of_consequences: Option<i64>,
    pub understands_others_views: Option<i64>,
    pub pro_criminal_attitudes: Option<i64>,
    pub previous_homicide: Option<bool>,
    pub previous_wounding_gbh: Option<bool>,
    pub previous_aggravated_burglary: Option<bool>,
    pub previous_arson: Option<bool>,
    pub previous_criminal_damage_life: Option<bool>,
    pub previous_kidnapping: Option<bool>,
    pub previous_firearm: Option<bool>,
    pub previous_robbery: Option<bool>,
    pub previous_weapon: Option<bool>,

    /// Need-section answers keyed by OASys item code (`"3.4"`, `"9.99"`), spec §12; `null`
    /// reads as none given (spec §4.1: a `null` field is missing).
    #[serde(deserialize_with = "null_as_none_given")]
    pub need_answers: BTreeMap<String, serde_json::Value>,
}

/// The need answers, with `null` read as an empty map.
fn null_as_none_given<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, serde_json::Value>, D::Error> {
    Ok(Option::deserialize(deserializer)?.unwrap_or_default())
}

/// A `YYYY-MM-DD` date: the common form is read directly; anything else goes to chrono's
/// parser, so that every value is accepted or rejected, with the same message, exactly as
/// chrono's own `Deserialize` would.
fn date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
    struct Date(NaiveDate);
    struct Visitor;

    impl serde::de::Visitor<'_> for Visitor {
        type Value = Date;

        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            formatter.write_str("a formatted date string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Date, E> {
            if let Some(date) = plain_date(value.as_bytes()) {
                return Ok(Date(date));
            }
            value.parse().map(Date).map_err(E::custom)
        }
    }

    impl<'de> Deserialize<'de> for Date {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_str(Visitor)
        }
    }

    Ok(Option::<Date>::deserialize(deserializer)?.map(|Date(date)| date))
}

/// Exactly four, two and two ASCII digits separated by `-`, naming a real day.
fn plain_date(bytes: &[u8]) -> Option<NaiveDate> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *bytes else {
        return None;
    };
    let digits = [y1, y2, y3, y4, m1, m2, d1, d2];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |a: u8, b: u8| u32::from(a - b'0') * 10 + u32::from(b - b'0');
    let year = i32::try_from(n(y1, y2) * 100 + n(y3, y4)).ok()?;
    NaiveDate::from_ymd_opt(year, n(m1, m2), n(d1, d2))
}

/// Accepts `true`/`false` or an item score, so that `2`/`0` work and `1` is caught as invalid.
fn yes_no_item<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Item {
        Flag(bool),
        Score(i64),
    }
    Ok(
        Option::<Item>::deserialize(deserializer)?.map(|item| match item {
            Item::Flag(true) => 2,
            Item::Flag(false) => 0,
            Item::Score(score) => score,
        }),
    )
}

/// `male` or `female`, the only genders the models were fitted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Male,
    Female,
}

impl Gender {
    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value {
            "male" => Some(Self::Male),
            "female" => Some(Self::Female),
            _ => None,
        }
    }
}

/// `relationship_status` (6.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RelationshipStatus {
    LivingTogether,
    NotLivingTogether,
    NotInRelationship,
}

impl RelationshipStatus {
    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value {
            "living_together" => Some(Self::LivingTogether),
            "not_living_together" => Some(Self::NotLivingTogether),
            "not_in_relationship" => Some(Self::NotInRelationship),
            _ => None,
        }
    }
}

/// `supervision_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SupervisionStatus {
    Community,
    Custody,
    Remand,
}

impl SupervisionStatus {
    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value {
            "community" => Some(Self::Community),
            "custody" => Some(Self::Custody),
            "remand" => Some(Self::Remand),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The direct path and chrono agree on dates and on the messages for bad ones.
    #[test]
    fn dates_read_as_chrono_reads_them() {
        let read = |text: &str| {
            serde_json::from_str::<PredictorInput>(&format!(r#"{{"date_of_birth":{text}}}"#))
                .map(|i| i.date_of_birth)
                .map_err(|e| e.to_string())
        };
        let chrono = |text: &str| {
            #[derive(Deserialize)]
            struct Chrono {
                date_of_birth: Option<NaiveDate>,
            }
            serde_json::from_str::<Chrono>(&format!(r#"{{"date_of_birth":{text}}}"#))
                .map(|i| i.date_of_birth)
                .map_err(|e| e.to_string())
        };
        for text in [
            r#""1980-03-04""#,
            r#""2000-02-29""#,
            r#""1900-02-29""#,
            r#""1980-13-01""#,
            r#""1980-00-10""#,
            r#""1980-02-30""#,
            r#""0000-01-01""#,
            r#""9999-12-31""#,
            r#""1980-3-4""#,
            r#""+1980-03-04""#,
            r#"" 1980-03-04""#,
            r#""1980-03-04T00:00""#,
            r#""1980/03/04""#,
            r#""198a-03-04""#,
            r#""""#,
            "null",
            "19800304",
            "true",
            "[1]",
        ] {
            assert_eq!(read(text), chrono(text), "{text}");
        }
        assert_eq!(
            read(r#""1980-03-04""#),
            Ok(NaiveDate::from_ymd_opt(1980, 3, 4))
        );
    }
}
