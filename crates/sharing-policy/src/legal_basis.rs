//! The legal bases on which partner agencies ask for information (sharing spec §3.1).
//! `Other` carries its own description (e.g. a DPA 2018 Part 3 police request or a court order).

use std::fmt;

use serde::{Deserialize, Serialize};

/// The legal basis of an information-sharing request.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LegalBasis {
    /// `ISR`: formal information-sharing request to the Probation Service.
    Isr,
    /// `MASH`: multi-agency safeguarding hub enquiry.
    Mash,
    /// `STRATEGY_MEETING`: child-protection strategy meeting or discussion.
    StrategyMeeting,
    /// `RISK_MANAGEMENT_MEETING`: multi-agency risk management meeting.
    RiskManagementMeeting,
    /// `MAPPA`: MAPPA arrangements (Criminal Justice Act 2003 s.325).
    Mappa,
    /// `CA1989_S47`: Children Act 1989 s.47 enquiry (reasonable cause to suspect significant harm).
    #[serde(rename = "CA1989_S47")]
    Ca1989S47,
    /// `CA1989_S17`: Children Act 1989 s.17 child-in-need assessment.
    #[serde(rename = "CA1989_S17")]
    Ca1989S17,
    /// `OTHER`: anything else; the description is required.
    Other {
        /// What the basis is (e.g. "police request under DPA 2018 Part 3", "court order").
        description: String,
    },
}

impl LegalBasis {
    /// The bases without free text, in the spec's order (plus `Other` with an empty description).
    #[must_use]
    pub fn all() -> Vec<LegalBasis> {
        vec![
            Self::Isr,
            Self::Mash,
            Self::StrategyMeeting,
            Self::RiskManagementMeeting,
            Self::Mappa,
            Self::Ca1989S47,
            Self::Ca1989S17,
            Self::Other {
                description: String::new(),
            },
        ]
    }

    /// The stable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Isr => "ISR",
            Self::Mash => "MASH",
            Self::StrategyMeeting => "STRATEGY_MEETING",
            Self::RiskManagementMeeting => "RISK_MANAGEMENT_MEETING",
            Self::Mappa => "MAPPA",
            Self::Ca1989S47 => "CA1989_S47",
            Self::Ca1989S17 => "CA1989_S17",
            Self::Other { .. } => "OTHER",
        }
    }

    /// Whether a request on this basis must name at least one child.
    #[must_use]
    pub fn requires_child(&self) -> bool {
        matches!(
            self,
            Self::Mash | Self::StrategyMeeting | Self::Ca1989S47 | Self::Ca1989S17
        )
    }

    /// Whether the basis is a meeting (package expiry runs from the meeting date).
    #[must_use]
    pub fn is_meeting(&self) -> bool {
        matches!(
            self,
            Self::StrategyMeeting | Self::RiskManagementMeeting | Self::Mappa
        )
    }
}

impl fmt::Display for LegalBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Isr => f.write_str("formal information-sharing request"),
            Self::Mash => f.write_str("multi-agency safeguarding hub enquiry"),
            Self::StrategyMeeting => f.write_str("child-protection strategy meeting"),
            Self::RiskManagementMeeting => f.write_str("multi-agency risk management meeting"),
            Self::Mappa => f.write_str("MAPPA (Criminal Justice Act 2003 s.325)"),
            Self::Ca1989S47 => f.write_str("Children Act 1989 s.47 enquiry"),
            Self::Ca1989S17 => f.write_str("Children Act 1989 s.17 child-in-need assessment"),
            Self::Other { description } => write!(f, "other: {description}"),
        }
    }
}
