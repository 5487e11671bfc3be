//! De-identified data for the analyst role: keyed pseudonyms (HMAC-SHA-256, key passed in),
//! coarsened dates, no names or identifiers, and suppression of small cells.

use std::collections::BTreeMap;
use std::fmt;

use chrono::Datelike;
use hmac::{Hmac, Mac};
use oasys_assessment_model::{Assessment, Gender, Layer, Purpose, RiskLevel, Section, State};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use thiserror::Error;
use uuid::Uuid;

use crate::action::Action;
use crate::actor::Actor;
use crate::decide::{Decision, Denial, decide};
use crate::render::hex;
use crate::resource::Resource;

/// Smallest count shown in an aggregate; smaller cells are suppressed.
pub const MIN_CELL: u64 = 10;

/// The secret key for pseudonyms; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct PseudonymKey(Vec<u8>);

impl fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PseudonymKey(<redacted>)")
    }
}

/// The key is too short to be a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("the pseudonym key must be at least 16 bytes (got {0})")]
pub struct WeakKey(pub usize);

impl PseudonymKey {
    /// Wraps a key of at least 16 bytes.
    pub fn new(bytes: &[u8]) -> Result<Self, WeakKey> {
        if bytes.len() < 16 {
            Err(WeakKey(bytes.len()))
        } else {
            Ok(Self(bytes.to_vec()))
        }
    }
}

/// HMAC-SHA-256 (RFC 2104) over `message`, from the RustCrypto `hmac` crate.
#[must_use]
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// A stable pseudonym for an id under a key: `P-` and 32 hex characters.
#[must_use]
pub fn pseudonym(key: &PseudonymKey, kind: &str, id: Uuid) -> String {
    let mac = hmac_sha256(&key.0, format!("{kind}:{id}").as_bytes());
    format!("P-{}", hex(mac.get(..16).unwrap_or_default()))
}

/// One need section, scores only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeidentifiedNeed {
    /// The section.
    pub section: Section,
    /// Its score (`None` when unanswered).
    pub score: Option<u32>,
    /// Whether a need is identified.
    pub need: Option<bool>,
}

/// One assessment with every identifier removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeidentifiedRecord {
    /// Pseudonym of the person.
    pub person: String,
    /// Pseudonym of the assessment.
    pub assessment: String,
    /// Age band at the assessment date, e.g. "25-29".
    pub age_band: String,
    /// Gender.
    pub gender: Gender,
    /// Assessment month, "YYYY-MM".
    pub assessment_month: String,
    /// Layer.
    pub layer: Layer,
    /// Purpose.
    pub purpose: Purpose,
    /// Whether it is complete (rather than locked incomplete).
    pub complete: bool,
    /// Overall ROSH.
    pub overall_rosh: Option<RiskLevel>,
    /// Need-section scores.
    pub needs: Vec<DeidentifiedNeed>,
}

/// Age band: "under 18", "18-20", "21-24", then five-year bands from "25-29" to "60-64", "65+".
#[must_use]
pub fn age_band(age: i32) -> String {
    match age {
        i32::MIN..=17 => "under 18".to_owned(),
        18..=20 => "18-20".to_owned(),
        21..=24 => "21-24".to_owned(),
        65.. => "65+".to_owned(),
        _ => {
            let low = age / 5 * 5;
            format!("{low}-{}", low + 4)
        }
    }
}

/// De-identifies one assessment. Open, voided and deleted assessments give `None`.
#[must_use]
pub fn deidentify(assessment: &Assessment, key: &PseudonymKey) -> Option<DeidentifiedRecord> {
    let complete = match assessment.state() {
        State::Complete { .. } => true,
        State::LockedIncomplete => false,
        _ => return None,
    };
    if assessment.deleted().is_some() {
        return None;
    }
    let header = assessment.header();
    let dob = header.person.date_of_birth;
    let date = header.assessment_date;
    let mut age = date.year() - dob.year();
    if (date.month(), date.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    Some(DeidentifiedRecord {
        person: pseudonym(key, "person", header.person.id),
        assessment: pseudonym(key, "assessment", header.id),
        age_band: age_band(age),
        gender: header.person.gender,
        assessment_month: format!("{:04}-{:02}", date.year(), date.month()),
        layer: header.layer,
        purpose: header.purpose.clone(),
        complete,
        overall_rosh: assessment.risk_matrix().overall(),
        needs: Section::NEEDS
            .iter()
            .map(|s| {
                let score = assessment.section_score(*s);
                DeidentifiedNeed {
                    section: *s,
                    score: score.score,
                    need: score.identified_need,
                }
            })
            .collect(),
    })
}

/// Builds the de-identified dataset for an actor allowed to (`BuildDeidentifiedDataset`).
pub fn deidentified_dataset(
    actor: &Actor,
    assessments: &[Assessment],
    key: &PseudonymKey,
) -> Result<Vec<DeidentifiedRecord>, Denial> {
    match decide(
        actor,
        Action::BuildDeidentifiedDataset,
        &Resource::Organisation,
    ) {
        Decision::Allow { .. } => Ok(assessments
            .iter()
            .filter_map(|a| deidentify(a, key))
            .collect()),
        Decision::Deny(d) => Err(d),
    }
}

/// A count in an aggregate, or suppressed when below [`MIN_CELL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    /// Shown.
    Count(u64),
    /// Fewer than the minimum; not shown.
    Suppressed,
}

/// Suppresses counts from 1 to `MIN_CELL - 1` (zero is shown).
#[must_use]
pub fn suppress_small_cells<K: Ord + Clone>(counts: &BTreeMap<K, u64>) -> BTreeMap<K, Cell> {
    counts
        .iter()
        .map(|(k, n)| {
            let cell = if *n > 0 && *n < MIN_CELL {
                Cell::Suppressed
            } else {
                Cell::Count(*n)
            };
            (k.clone(), cell)
        })
        .collect()
}
