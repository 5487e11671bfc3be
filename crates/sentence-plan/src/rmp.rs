//! The risk management plan (spec §8): the four pillars and contingency, MAPPA category and level,
//! registration flags RM1–RM17, the issues it addresses, and its completeness rule by overall ROSH.

use std::collections::BTreeSet;
use std::fmt;

use oasys_assessment_model::{
    AnswerValue, Assessment, MAPPA_CATEGORY, MAPPA_LEVEL, RiskLevel, Section,
};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::link::Link;

/// MAPPA category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MappaCategory {
    /// 1: registered sexual offenders.
    One,
    /// 2: violent offenders sentenced to 12 months or more, hospital orders, and others.
    Two,
    /// 3: other dangerous offenders needing multi-agency management.
    Three,
    /// Not a MAPPA case.
    None,
}

impl MappaCategory {
    /// Reads the assessment's option code (`1`, `2`, `3`, `none`).
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "1" => Some(Self::One),
            "2" => Some(Self::Two),
            "3" => Some(Self::Three),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

/// MAPPA management level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MappaLevel {
    /// 1: ordinary agency management.
    One,
    /// 2: active multi-agency management.
    Two,
    /// 3: as 2 with senior staff committing special resources.
    Three,
}

impl MappaLevel {
    /// Reads the assessment's option code (`1`, `2`, `3`).
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "1" => Some(Self::One),
            "2" => Some(Self::Two),
            "3" => Some(Self::Three),
            _ => None,
        }
    }
}

/// The MAPPA and registration items RM1–RM17 (and RM11.13), by their OASys codes.
pub const REGISTRATION_FLAGS: [(&str, &str); 18] = [
    ("RM1", "Referred to MAPPA level 2"),
    ("RM2", "Referred to MAPPA level 3"),
    ("RM3", "Should be referred to MAPPA level 2"),
    ("RM4", "Should be referred to MAPPA level 3"),
    ("RM5", "Critical public protection case"),
    ("RM6", "Should be a CPPC now"),
    ("RM7", "Should be a CPPC pre-release"),
    ("RM8", "Required to register as a sex offender"),
    ("RM9", "Registered as a sex offender"),
    ("RM10", "Disqualified from working with children"),
    ("RM11", "Present or previous conviction against a child"),
    ("RM11.13", "Eligible for early allocation"),
    ("RM12", "Ongoing risk to children"),
    ("RM13", "Notify before release"),
    ("RM14", "Public Protection Manual restrictions"),
    ("RM15", "Conditionally discharged patient"),
    ("RM16", "Life licence"),
    ("RM17", "Extended sentence"),
];

/// The RMP text items that must be filled in when the plan is required: code and pillar.
pub const REQUIRED_TEXT: [(&str, &str); 5] = [
    ("RM30", "supervision"),
    ("RM31", "monitoring and control"),
    ("RM32", "interventions and treatment"),
    ("RM33", "victim safety planning"),
    ("RM34", "contingency"),
];

/// A risk management plan.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskManagementPlan {
    /// RM28.1 key current information.
    pub key_information: Option<String>,
    /// RM28 further considerations.
    pub further_considerations: Option<String>,
    /// RM30 supervision.
    pub supervision: Option<String>,
    /// RM31 monitoring and control (licence conditions, curfew, exclusion zones, monitoring).
    pub monitoring_and_control: Option<String>,
    /// RM32 interventions and treatment.
    pub interventions_and_treatment: Option<String>,
    /// RM33 victim safety planning.
    pub victim_safety_planning: Option<String>,
    /// RM34 contingency.
    pub contingency: Option<String>,
    /// RM35 comments.
    pub comments: Option<String>,
    /// MAPPA category.
    pub mappa_category: Option<MappaCategory>,
    /// MAPPA level.
    pub mappa_level: Option<MappaLevel>,
    /// Registration flags answered Yes, by code (RM1…RM17, RM11.13).
    pub registration_flags: BTreeSet<String>,
    /// The needs and ROSH factors the plan addresses (RM28.0.x.1).
    pub issues_addressed: BTreeSet<Link>,
}

fn text(assessment: &Assessment, code: &str) -> Option<String> {
    match assessment.answer(code) {
        Some(AnswerValue::Text(t)) if !t.trim().is_empty() => Some(t.clone()),
        _ => None,
    }
}

fn code(assessment: &Assessment, item: &str) -> Option<String> {
    match assessment.answer(item) {
        Some(AnswerValue::Code(c)) => Some(c.clone()),
        _ => None,
    }
}

impl RiskManagementPlan {
    /// Reads the RM items recorded on the assessment; `issues_addressed` starts empty
    /// (the question set does not hold RM28.0.x.1, so the plan crate keeps it).
    #[must_use]
    pub fn from_assessment(assessment: &Assessment) -> Self {
        Self {
            key_information: text(assessment, "RM28.1"),
            further_considerations: text(assessment, "RM28"),
            supervision: text(assessment, "RM30"),
            monitoring_and_control: text(assessment, "RM31"),
            interventions_and_treatment: text(assessment, "RM32"),
            victim_safety_planning: text(assessment, "RM33"),
            contingency: text(assessment, "RM34"),
            comments: text(assessment, "RM35"),
            mappa_category: code(assessment, MAPPA_CATEGORY)
                .and_then(|c| MappaCategory::from_code(&c)),
            mappa_level: code(assessment, MAPPA_LEVEL).and_then(|c| MappaLevel::from_code(&c)),
            registration_flags: REGISTRATION_FLAGS
                .iter()
                .filter(|(c, _)| assessment.answer(c).is_some_and(AnswerValue::is_yes))
                .map(|(c, _)| (*c).to_owned())
                .collect(),
            issues_addressed: BTreeSet::new(),
        }
    }

    /// The text of a required item by code (RM30–RM34).
    #[must_use]
    pub fn pillar(&self, code: &str) -> Option<&str> {
        let value = match code {
            "RM30" => &self.supervision,
            "RM31" => &self.monitoring_and_control,
            "RM32" => &self.interventions_and_treatment,
            "RM33" => &self.victim_safety_planning,
            "RM34" => &self.contingency,
            _ => &None,
        };
        value.as_deref().filter(|t| !t.trim().is_empty())
    }

    /// Whether a registration flag is set.
    #[must_use]
    pub fn flag(&self, code: &str) -> bool {
        self.registration_flags.contains(code)
    }
}

/// Something missing or wrong in a risk management plan.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Error, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum RmpProblem {
    /// A pillar or the contingency is blank.
    #[error("{code} {pillar} is blank")]
    PillarMissing {
        /// RM30–RM34.
        code: String,
        /// The pillar's name.
        pillar: String,
    },
    /// MAPPA category not answered.
    #[error("the MAPPA category is not recorded")]
    MappaCategoryMissing,
    /// MAPPA level not answered.
    #[error("the MAPPA level is not recorded")]
    MappaLevelMissing,
    /// A registration flag code that does not exist.
    #[error("{code} is not a registration flag")]
    UnknownFlag {
        /// The code.
        code: String,
    },
    /// An issue addressed that is not a need section.
    #[error("{section} is not a criminogenic need section")]
    UnknownNeed {
        /// The section.
        section: Section,
    },
}

/// The result of checking an RMP against the overall ROSH.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RmpCheck {
    /// Blocking problems (High / Very High ROSH, and malformed entries at any level).
    pub problems: Vec<RmpProblem>,
    /// The same completeness gaps at Medium ROSH: a warning only.
    pub warnings: Vec<RmpProblem>,
}

impl fmt::Display for RmpCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} problems, {} warnings",
            self.problems.len(),
            self.warnings.len()
        )
    }
}

/// Checks an RMP: at High or Very High overall ROSH RM30–RM34 must be non-empty and the MAPPA
/// category and level recorded; at Medium the same gaps are warnings; Low or unknown asks nothing.
/// Unknown flag codes and non-need issues are problems at every level.
#[must_use]
pub fn check_rmp(rmp: &RiskManagementPlan, overall: Option<RiskLevel>) -> RmpCheck {
    let mut gaps = Vec::new();
    for (code, pillar) in REQUIRED_TEXT {
        if rmp.pillar(code).is_none() {
            gaps.push(RmpProblem::PillarMissing {
                code: code.into(),
                pillar: pillar.into(),
            });
        }
    }
    if rmp.mappa_category.is_none() {
        gaps.push(RmpProblem::MappaCategoryMissing);
    }
    if rmp.mappa_level.is_none() {
        gaps.push(RmpProblem::MappaLevelMissing);
    }
    let mut check = RmpCheck::default();
    match overall {
        Some(RiskLevel::High | RiskLevel::VeryHigh) => check.problems = gaps,
        Some(RiskLevel::Medium) => check.warnings = gaps,
        _ => {}
    }
    for flag in &rmp.registration_flags {
        if !REGISTRATION_FLAGS.iter().any(|(c, _)| c == flag) {
            check
                .problems
                .push(RmpProblem::UnknownFlag { code: flag.clone() });
        }
    }
    for issue in &rmp.issues_addressed {
        if let Link::Need(section) = issue
            && !issue.is_valid()
        {
            check
                .problems
                .push(RmpProblem::UnknownNeed { section: *section });
        }
    }
    check
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::RiskFactor;

    fn complete() -> RiskManagementPlan {
        RiskManagementPlan {
            supervision: Some("weekly".into()),
            monitoring_and_control: Some("curfew 7pm–7am".into()),
            interventions_and_treatment: Some("BBR".into()),
            victim_safety_planning: Some("DASO referral".into()),
            contingency: Some("recall if contact".into()),
            mappa_category: Some(MappaCategory::Two),
            mappa_level: Some(MappaLevel::One),
            ..RiskManagementPlan::default()
        }
    }

    #[test]
    fn high_and_very_high_need_every_pillar_and_mappa() {
        let empty = RiskManagementPlan::default();
        for level in [RiskLevel::High, RiskLevel::VeryHigh] {
            let check = check_rmp(&empty, Some(level));
            assert_eq!(check.problems.len(), 7, "{check:?}");
            assert!(check.warnings.is_empty());
            assert!(check_rmp(&complete(), Some(level)).problems.is_empty());
        }
        let blank = RiskManagementPlan {
            contingency: Some("   ".into()),
            mappa_level: None,
            ..complete()
        };
        assert_eq!(
            check_rmp(&blank, Some(RiskLevel::High)).problems,
            vec![
                RmpProblem::PillarMissing {
                    code: "RM34".into(),
                    pillar: "contingency".into()
                },
                RmpProblem::MappaLevelMissing
            ]
        );
    }

    #[test]
    fn medium_is_a_warning_and_low_asks_nothing() {
        let empty = RiskManagementPlan::default();
        let medium = check_rmp(&empty, Some(RiskLevel::Medium));
        assert!(medium.problems.is_empty());
        assert_eq!(medium.warnings.len(), 7);
        assert_eq!(check_rmp(&empty, Some(RiskLevel::Low)), RmpCheck::default());
        assert_eq!(check_rmp(&empty, None), RmpCheck::default());
    }

    #[test]
    fn flags_and_issues_are_checked_at_every_level() {
        let mut rmp = complete();
        rmp.registration_flags.insert("RM9".into());
        rmp.registration_flags.insert("RM99".into());
        rmp.issues_addressed
            .insert(Link::Need(Section::Accommodation));
        rmp.issues_addressed
            .insert(Link::Risk(RiskFactor::Stalking));
        rmp.issues_addressed
            .insert(Link::Need(Section::OffenceAnalysis));
        let check = check_rmp(&rmp, None);
        assert_eq!(check.problems.len(), 2, "{check:?}");
        assert!(rmp.flag("RM9") && !rmp.flag("RM1"));
        assert_eq!(MappaCategory::from_code("none"), Some(MappaCategory::None));
        assert_eq!(MappaLevel::from_code("4"), None);
    }
}
