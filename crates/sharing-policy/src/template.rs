//! The child-safeguarding disclosure template (sharing spec §3.5): which assessment elements each
//! section includes by default, and which it redacts by default and why.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The sections of the child-safeguarding template.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateSection {
    /// 1 Offence history and convictions, incl. sexual elements and patterns.
    OffenceHistory,
    /// 2 Risk of harm analysis, especially to children.
    RiskOfHarm,
    /// 3 Attitudes, thinking and behaviour.
    AttitudesThinkingBehaviour,
    /// 4 Lifestyle and relationships, incl. contact with children.
    LifestyleRelationships,
    /// 5 Accommodation, employment and household.
    AccommodationEmployment,
    /// 6 Sentence plan and monitoring requirements.
    SentencePlanMonitoring,
}

impl TemplateSection {
    /// Every section in template order.
    pub const ALL: [TemplateSection; 6] = [
        Self::OffenceHistory,
        Self::RiskOfHarm,
        Self::AttitudesThinkingBehaviour,
        Self::LifestyleRelationships,
        Self::AccommodationEmployment,
        Self::SentencePlanMonitoring,
    ];
}

impl fmt::Display for TemplateSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::OffenceHistory => "1 Offence history and convictions",
            Self::RiskOfHarm => "2 Risk of harm analysis",
            Self::AttitudesThinkingBehaviour => "3 Attitudes, thinking and behaviour",
            Self::LifestyleRelationships => "4 Lifestyle and relationships",
            Self::AccommodationEmployment => "5 Accommodation, employment and household",
            Self::SentencePlanMonitoring => "6 Sentence plan and monitoring",
        })
    }
}

/// Why an element is left out of a package.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedactionReason {
    /// Identifies a victim.
    Victim,
    /// Identifies a third party (partner, associate, family member, others present).
    ThirdParty,
    /// Could identify an informant or a source.
    Informant,
    /// A raw item answer: the package carries the practitioner's analysis, not the record.
    RawAnswer,
    /// Health or mental-health details.
    Health,
    /// Victim safety planning.
    VictimSafetyPlanning,
    /// The section was not chosen in the decision.
    SectionNotShared,
    /// Marked by the decider in a free-text block.
    MarkedInText,
}

impl fmt::Display for RedactionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Victim => "victim",
            Self::ThirdParty => "third party",
            Self::Informant => "informant",
            Self::RawAnswer => "raw answer",
            Self::Health => "health",
            Self::VictimSafetyPlanning => "victim safety planning",
            Self::SectionNotShared => "section not shared",
            Self::MarkedInText => "marked by the decider",
        })
    }
}

/// What the template does with an element by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Treatment {
    /// Included: practitioner analysis or a summary fact.
    Include,
    /// Redacted unless the decision makes an exception.
    Redact(RedactionReason),
}

/// One element of the template: a question code or a derived element (`R1.3`, `SUM6`, `PLAN.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TemplateItem {
    /// The element code.
    pub code: &'static str,
    /// Its template section.
    pub section: TemplateSection,
    /// Included or redacted by default.
    pub default: Treatment,
}

/// Derived element: R1.3 behaviours answered Yes.
pub const BEHAVIOURS: &str = "R1.3";
/// Derived element: R1.4 civil orders in force.
pub const ORDERS: &str = "R1.4";
/// Derived element: the risk matrix, children row first.
pub const MATRIX: &str = "SUM6";
/// Derived element: overall ROSH.
pub const OVERALL_ROSH: &str = "ROSH.OVERALL";
/// Plan element: licence conditions and requirements.
pub const PLAN_CONDITIONS: &str = "PLAN.CONDITIONS";
/// Plan element: objectives.
pub const PLAN_OBJECTIVES: &str = "PLAN.OBJECTIVES";
/// Plan element: interventions.
pub const PLAN_INTERVENTIONS: &str = "PLAN.INTERVENTIONS";
/// Plan element: recent compliance and breach events.
pub const PLAN_COMPLIANCE: &str = "PLAN.COMPLIANCE";

const fn inc(code: &'static str, section: TemplateSection) -> TemplateItem {
    TemplateItem {
        code,
        section,
        default: Treatment::Include,
    }
}

const fn red(
    code: &'static str,
    section: TemplateSection,
    reason: RedactionReason,
) -> TemplateItem {
    TemplateItem {
        code,
        section,
        default: Treatment::Redact(reason),
    }
}

use RedactionReason as R;
use TemplateSection as S;

/// The child-safeguarding template, version [`TEMPLATE_VERSION`].
pub const CHILD_SAFEGUARDING: &[TemplateItem] = &[
    inc("OFFENCE.CODE", S::OffenceHistory),
    inc("OFFENCE.DATE", S::OffenceHistory),
    inc("OFFENCE.SENTENCE", S::OffenceHistory),
    inc("1.29", S::OffenceHistory),
    inc("1.32", S::OffenceHistory),
    inc("1.40", S::OffenceHistory),
    inc("1.26", S::OffenceHistory),
    inc("1.34", S::OffenceHistory),
    inc("1.35", S::OffenceHistory),
    inc("1.36", S::OffenceHistory),
    inc("1.37", S::OffenceHistory),
    inc("1.45", S::OffenceHistory),
    inc("1.46", S::OffenceHistory),
    inc("1.30", S::OffenceHistory),
    inc("1.41", S::OffenceHistory),
    inc("S1.54", S::OffenceHistory),
    inc("2.2_V2_SEXUAL", S::OffenceHistory),
    inc("2.9.1", S::OffenceHistory),
    inc("2.1", S::OffenceHistory),
    inc("2.12", S::OffenceHistory),
    inc("2.13", S::OffenceHistory),
    inc("2.14", S::OffenceHistory),
    inc("FA8", S::OffenceHistory),
    inc("FA9", S::OffenceHistory),
    inc("FA10", S::OffenceHistory),
    inc("FA13", S::OffenceHistory),
    inc("FA14", S::OffenceHistory),
    inc(BEHAVIOURS, S::OffenceHistory),
    inc(ORDERS, S::OffenceHistory),
    red("2.4.1", S::OffenceHistory, R::Victim),
    red("2.4.2", S::OffenceHistory, R::Victim),
    red("2.5", S::OffenceHistory, R::Victim),
    red("FA4", S::OffenceHistory, R::Victim),
    red("FA11", S::OffenceHistory, R::Victim),
    red("FA5", S::OffenceHistory, R::ThirdParty),
    red("FA12", S::OffenceHistory, R::ThirdParty),
    red("2.7.3", S::OffenceHistory, R::ThirdParty),
    red("FA7", S::OffenceHistory, R::Informant),
    inc("SUM1", S::RiskOfHarm),
    inc("SUM2", S::RiskOfHarm),
    inc("SUM3", S::RiskOfHarm),
    inc("SUM4", S::RiskOfHarm),
    inc("SUM5", S::RiskOfHarm),
    inc("SUM10", S::RiskOfHarm),
    inc("SUM11", S::RiskOfHarm),
    inc(MATRIX, S::RiskOfHarm),
    inc(OVERALL_ROSH, S::RiskOfHarm),
    inc("FA15", S::RiskOfHarm),
    inc("FA16", S::RiskOfHarm),
    inc("FA17", S::RiskOfHarm),
    inc("FA26", S::RiskOfHarm),
    inc("FA26.t", S::RiskOfHarm),
    inc("FA27", S::RiskOfHarm),
    inc("FA28", S::RiskOfHarm),
    inc("FA29", S::RiskOfHarm),
    inc("FA30", S::RiskOfHarm),
    inc("FA302", S::RiskOfHarm),
    inc("11.97", S::AttitudesThinkingBehaviour),
    inc("11.98", S::AttitudesThinkingBehaviour),
    inc("11.99", S::AttitudesThinkingBehaviour),
    inc("12.97", S::AttitudesThinkingBehaviour),
    inc("12.98", S::AttitudesThinkingBehaviour),
    inc("12.99", S::AttitudesThinkingBehaviour),
    inc("6.97", S::LifestyleRelationships),
    inc("7.97", S::LifestyleRelationships),
    inc("8.97", S::LifestyleRelationships),
    inc("9.97", S::LifestyleRelationships),
    inc("6.8", S::LifestyleRelationships),
    inc("6.9", S::LifestyleRelationships),
    inc("3.97", S::AccommodationEmployment),
    inc("4.94", S::AccommodationEmployment),
    inc("RM30", S::SentencePlanMonitoring),
    inc("RM31", S::SentencePlanMonitoring),
    inc("RM32", S::SentencePlanMonitoring),
    inc("RM34", S::SentencePlanMonitoring),
    inc("RM.MAPPA.CATEGORY", S::SentencePlanMonitoring),
    inc("RM.MAPPA.LEVEL", S::SentencePlanMonitoring),
    inc("RM8", S::SentencePlanMonitoring),
    inc("RM9", S::SentencePlanMonitoring),
    inc("RM10", S::SentencePlanMonitoring),
    inc(PLAN_CONDITIONS, S::SentencePlanMonitoring),
    inc(PLAN_OBJECTIVES, S::SentencePlanMonitoring),
    inc(PLAN_INTERVENTIONS, S::SentencePlanMonitoring),
    inc(PLAN_COMPLIANCE, S::SentencePlanMonitoring),
    red("RM33", S::SentencePlanMonitoring, R::VictimSafetyPlanning),
];

/// The template code.
pub const TEMPLATE_CODE: &str = "CHILD_SAFEGUARDING";
/// The template version.
pub const TEMPLATE_VERSION: &str = "2026.1";

/// The template entry for an element code.
#[must_use]
pub fn template_item(code: &str) -> Option<&'static TemplateItem> {
    CHILD_SAFEGUARDING.iter().find(|i| i.code == code)
}

/// Why a raw answer outside the template is excluded: health details or simply a raw answer.
#[must_use]
pub fn outside_template_reason(code: &str) -> RedactionReason {
    let health_fa = code
        .strip_prefix("FA")
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| (31..=47).contains(&n));
    if code.starts_with("10.") || code.starts_with("13.") || code.starts_with("R3.") || health_fa {
        RedactionReason::Health
    } else {
        RedactionReason::RawAnswer
    }
}
