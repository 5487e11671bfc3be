//! When countersigning is required and who may countersign (spec §11.3), as pure functions
//! over the signer's rank, an optional personal signing level and the overall ROSH.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::vocabulary::RiskLevel;

/// Framework-role rank: 1 unapproved PSO/PQiP … 3 approved PO, 4 SPO, 5 head of PDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Rank(u8);

/// The rank is outside 1–5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("rank {0} is outside 1 to 5")]
pub struct InvalidRank(pub u8);

impl Rank {
    /// Checks a rank.
    pub fn new(rank: u8) -> Result<Self, InvalidRank> {
        if (1..=5).contains(&rank) {
            Ok(Self(rank))
        } else {
            Err(InvalidRank(rank))
        }
    }

    /// The rank number.
    #[must_use]
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Rank {
    type Error = InvalidRank;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Rank> for u8 {
    fn from(rank: Rank) -> Self {
        rank.0
    }
}

/// A user's personal signing level; when set it replaces the grade default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SigningLevel {
    /// Every assessment is countersigned.
    CountersignAll,
    /// Countersign when only screening was done (no ROSH level recorded) **[Check]**.
    RoshScreeningOnly,
    /// Countersign when overall ROSH ≥ Low.
    Low,
    /// Countersign when overall ROSH ≥ Medium.
    Medium,
    /// Countersign when overall ROSH ≥ High.
    High,
    /// Countersign when overall ROSH is Very High.
    VeryHigh,
}

/// How many countersignatures a signature needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountersignRequirement {
    /// None: the signer's signature completes it.
    None,
    /// One countersignature.
    Single,
    /// Two countersignatures.
    Double,
}

/// The countersigning rule: the default grade table (rank 1 always; rank 2 at High+; rank 3 at Very High;
/// ranks 4 and 5 never), replaced by a personal signing level when set. Unknown ROSH counts as Low.
/// Double when the signer is rank 1 and ROSH is Very High.
#[must_use]
pub fn countersign_required(
    signer: Rank,
    signing_level: Option<SigningLevel>,
    overall_rosh: Option<RiskLevel>,
) -> CountersignRequirement {
    let rosh = overall_rosh.unwrap_or(RiskLevel::Low);
    let at_least = |level: RiskLevel| rosh >= level;
    let needed = match signing_level {
        Some(SigningLevel::CountersignAll) => true,
        Some(SigningLevel::RoshScreeningOnly) => overall_rosh.is_none(),
        Some(SigningLevel::Low) => at_least(RiskLevel::Low),
        Some(SigningLevel::Medium) => at_least(RiskLevel::Medium),
        Some(SigningLevel::High) => at_least(RiskLevel::High),
        Some(SigningLevel::VeryHigh) => at_least(RiskLevel::VeryHigh),
        None => match signer.get() {
            1 => true,
            2 => at_least(RiskLevel::High),
            3 => at_least(RiskLevel::VeryHigh),
            _ => false,
        },
    };
    if signer.get() == 1 && rosh == RiskLevel::VeryHigh {
        CountersignRequirement::Double
    } else if needed {
        CountersignRequirement::Single
    } else {
        CountersignRequirement::None
    }
}

/// Whether a rank may countersign for a signer: rank ≥ 3 and above the signer; rank ≥ 4 at Very High.
/// That the countersigner is not the signer is checked by the lifecycle, which knows both ids.
#[must_use]
pub fn eligible_countersigner(
    signer: Rank,
    countersigner: Rank,
    overall_rosh: Option<RiskLevel>,
) -> bool {
    let minimum = if overall_rosh == Some(RiskLevel::VeryHigh) {
        4
    } else {
        3
    };
    countersigner.get() >= minimum && countersigner > signer
}

#[cfg(test)]
mod tests {
    use super::*;
    use CountersignRequirement::{Double, None as NoCs, Single};
    use RiskLevel::{High, Low, Medium, VeryHigh};

    fn r(n: u8) -> Rank {
        Rank::new(n).unwrap_or(Rank(5))
    }

    #[test]
    fn default_grade_table() {
        let levels = [None, Some(Low), Some(Medium), Some(High), Some(VeryHigh)];
        let table: [(u8, [CountersignRequirement; 5]); 5] = [
            (1, [Single, Single, Single, Single, Double]),
            (2, [NoCs, NoCs, NoCs, Single, Single]),
            (3, [NoCs, NoCs, NoCs, NoCs, Single]),
            (4, [NoCs; 5]),
            (5, [NoCs; 5]),
        ];
        for (rank, expected) in table {
            for (level, want) in levels.iter().zip(expected) {
                assert_eq!(
                    countersign_required(r(rank), None, *level),
                    want,
                    "rank {rank} at {level:?}"
                );
            }
        }
    }

    #[test]
    fn signing_level_replaces_default() {
        assert_eq!(
            countersign_required(r(4), Some(SigningLevel::CountersignAll), None),
            Single
        );
        assert_eq!(
            countersign_required(r(2), Some(SigningLevel::VeryHigh), Some(High)),
            NoCs
        );
        assert_eq!(
            countersign_required(r(3), Some(SigningLevel::Medium), Some(Medium)),
            Single
        );
        assert_eq!(
            countersign_required(r(3), Some(SigningLevel::RoshScreeningOnly), None),
            Single
        );
        assert_eq!(
            countersign_required(r(3), Some(SigningLevel::RoshScreeningOnly), Some(Low)),
            NoCs
        );
        assert_eq!(
            countersign_required(r(1), Some(SigningLevel::VeryHigh), Some(VeryHigh)),
            Double
        );
    }

    #[test]
    fn eligibility() {
        assert!(eligible_countersigner(r(1), r(3), Some(High)));
        assert!(!eligible_countersigner(r(2), r(2), None));
        assert!(!eligible_countersigner(r(3), r(3), None));
        assert!(!eligible_countersigner(r(1), r(2), None));
        assert!(!eligible_countersigner(r(1), r(3), Some(VeryHigh)));
        assert!(eligible_countersigner(r(3), r(4), Some(VeryHigh)));
        assert!(Rank::new(0).is_err() && Rank::new(6).is_err());
        assert!(serde_json::from_str::<Rank>("9").is_err());
    }
}
