//! What an objective, an intervention or the risk management plan addresses: a criminogenic need
//! (sections 3–13) or a risk-of-serious-harm factor (the "issues addressed" list of spec §8).

use std::fmt;

use oasys_assessment_model::Section;
use serde::{Deserialize, Serialize};

/// A risk-of-serious-harm factor that a plan can address (spec §8 "issues addressed", plus sexual offending).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskFactor {
    /// Weapons.
    Weapons,
    /// Arson.
    Arson,
    /// Domestic abuse.
    DomesticAbuse,
    /// Hate crime.
    HateCrime,
    /// Stalking.
    Stalking,
    /// Sexual offending (ours: the target of sexual-offending programmes).
    SexualOffending,
    /// Integrated child safeguarding plan.
    ChildSafeguarding,
    /// Self-harm or suicide.
    SelfHarmSuicide,
    /// Coping in custody.
    CopingInCustody,
    /// Vulnerability.
    Vulnerability,
    /// Escape or abscond.
    EscapeAbscond,
    /// Risk to children.
    RiskToChildren,
    /// Risk to a known adult.
    RiskToKnownAdult,
    /// Risk to prisoners.
    RiskToPrisoners,
    /// Risk to staff.
    RiskToStaff,
    /// Risk to the public.
    RiskToPublic,
    /// Emotional congruence with children.
    EmotionalCongruenceWithChildren,
    /// Sexual preoccupation.
    SexualPreoccupation,
    /// Offence-related sexual interests.
    OffenceRelatedSexualInterests,
    /// Hostile orientation.
    HostileOrientation,
    /// Victim safety planning.
    VictimSafetyPlanning,
}

impl RiskFactor {
    /// Every factor in order.
    pub const ALL: [RiskFactor; 21] = [
        Self::Weapons,
        Self::Arson,
        Self::DomesticAbuse,
        Self::HateCrime,
        Self::Stalking,
        Self::SexualOffending,
        Self::ChildSafeguarding,
        Self::SelfHarmSuicide,
        Self::CopingInCustody,
        Self::Vulnerability,
        Self::EscapeAbscond,
        Self::RiskToChildren,
        Self::RiskToKnownAdult,
        Self::RiskToPrisoners,
        Self::RiskToStaff,
        Self::RiskToPublic,
        Self::EmotionalCongruenceWithChildren,
        Self::SexualPreoccupation,
        Self::OffenceRelatedSexualInterests,
        Self::HostileOrientation,
        Self::VictimSafetyPlanning,
    ];

    /// The label shown to a practitioner.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Weapons => "weapons",
            Self::Arson => "arson",
            Self::DomesticAbuse => "domestic abuse",
            Self::HateCrime => "hate crime",
            Self::Stalking => "stalking",
            Self::SexualOffending => "sexual offending",
            Self::ChildSafeguarding => "integrated child safeguarding plan",
            Self::SelfHarmSuicide => "self-harm or suicide",
            Self::CopingInCustody => "coping in custody",
            Self::Vulnerability => "vulnerability",
            Self::EscapeAbscond => "escape or abscond",
            Self::RiskToChildren => "risk to children",
            Self::RiskToKnownAdult => "risk to a known adult",
            Self::RiskToPrisoners => "risk to prisoners",
            Self::RiskToStaff => "risk to staff",
            Self::RiskToPublic => "risk to the public",
            Self::EmotionalCongruenceWithChildren => "emotional congruence with children",
            Self::SexualPreoccupation => "sexual preoccupation",
            Self::OffenceRelatedSexualInterests => "offence-related sexual interests",
            Self::HostileOrientation => "hostile orientation",
            Self::VictimSafetyPlanning => "victim safety planning",
        }
    }
}

/// A criminogenic need or a ROSH factor.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Link {
    /// A need section (3–13).
    Need(Section),
    /// A risk-of-serious-harm factor.
    Risk(RiskFactor),
}

impl Link {
    /// Whether the link names something a plan can address: any risk factor, or a section 3–13.
    #[must_use]
    pub fn is_valid(self) -> bool {
        match self {
            Self::Need(section) => is_need_section(section),
            Self::Risk(_) => true,
        }
    }
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Need(section) => write!(f, "need: {section}"),
            Self::Risk(factor) => write!(f, "risk: {}", factor.label()),
        }
    }
}

/// Whether the section is one of the need sections 3–13.
#[must_use]
pub fn is_need_section(section: Section) -> bool {
    Section::NEEDS.contains(&section)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sections_three_to_thirteen_are_needs() {
        assert!(Link::Need(Section::Accommodation).is_valid());
        assert!(Link::Need(Section::Health).is_valid());
        assert!(!Link::Need(Section::OffendingInformation).is_valid());
        assert!(!Link::Need(Section::RiskManagementPlan).is_valid());
        assert!(Link::Risk(RiskFactor::DomesticAbuse).is_valid());
        assert_eq!(
            Link::Risk(RiskFactor::Stalking).to_string(),
            "risk: stalking"
        );
    }
}
