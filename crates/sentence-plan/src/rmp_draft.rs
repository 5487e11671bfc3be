//! A draft of the risk management plan's five pillars (RM30–RM34) for the practitioner to start
//! from: what the assessment and the sentence plan already say, gathered under each pillar. Only
//! facts recorded elsewhere are used; the practitioner's own judgement is left for them to add.

use oasys_assessment_model::{Assessment, RiskGroup, RiskLevel, RiskSetting};

use crate::indicators::indicators;
use crate::plan::SentencePlan;
use crate::rmp::REGISTRATION_FLAGS;

/// The drafted text of each pillar, by item code (RM30–RM34), in order, for a person in
/// `setting` (see [`crate::setting_of`]). A pillar with nothing to say from the records is left out.
#[must_use]
pub fn draft_rmp(
    assessment: &Assessment,
    plan: Option<&SentencePlan>,
    setting: RiskSetting,
) -> Vec<(&'static str, String)> {
    let matrix = assessment.risk_matrix();
    let overall = matrix.overall();
    let mut pillars = Vec::new();

    if let Some(level) = overall {
        pillars.push((
            "RM30",
            format!(
                "Overall risk of serious harm: {level}. Set the frequency and kind of contact this \
                 level calls for, and who else supervises."
            ),
        ));
    }

    let flags: Vec<&str> = REGISTRATION_FLAGS
        .iter()
        .filter(|(code, _)| assessment.answer(code).is_some_and(|a| a.is_yes()))
        .map(|(_, label)| *label)
        .collect();
    if !flags.is_empty() {
        pillars.push((
            "RM31",
            format!("Registrations and orders: {}.", flags.join("; ")),
        ));
    }

    if let Some(plan) = plan {
        let steps: Vec<String> = plan
            .objectives()
            .iter()
            .filter(|o| o.is_open())
            .map(|o| {
                let steps: Vec<&str> = o.interventions.iter().map(|i| i.text.as_str()).collect();
                if steps.is_empty() {
                    format!("- {}", o.title)
                } else {
                    format!("- {}: {}", o.title, steps.join("; "))
                }
            })
            .collect();
        if !steps.is_empty() {
            pillars.push((
                "RM32",
                format!("From the sentence plan:\n{}", steps.join("\n")),
            ));
        }
    }

    let mut at_risk = Vec::new();
    for group in RiskGroup::ALL {
        for setting in [RiskSetting::Community, RiskSetting::Custody] {
            if let Some(level) = matrix
                .level(group, setting)
                .filter(|l| *l >= RiskLevel::High)
            {
                at_risk.push(format!(
                    "- {} in {}: {level}",
                    group_name(group),
                    setting_name(setting)
                ));
            }
        }
    }
    if !at_risk.is_empty() {
        pillars.push((
            "RM33",
            format!(
                "High or very high risk of serious harm to:\n{}\nSay how each is protected.",
                at_risk.join("\n")
            ),
        ));
    }

    let indicated: Vec<String> = indicators(assessment, setting)
        .iter()
        .map(|i| format!("- {}", i.kind.label()))
        .collect();
    if !indicated.is_empty() {
        pillars.push((
            "RM34",
            format!(
                "Further assessments the answers call for:\n{}\nSay what will be done if the risk \
                 rises, and by whom.",
                indicated.join("\n")
            ),
        ));
    }
    pillars
}

fn group_name(group: RiskGroup) -> &'static str {
    match group {
        RiskGroup::Children => "children",
        RiskGroup::Public => "the public",
        RiskGroup::KnownAdult => "a known adult",
        RiskGroup::Staff => "staff",
        RiskGroup::Prisoners => "other prisoners",
    }
}

fn setting_name(setting: RiskSetting) -> &'static str {
    match setting {
        RiskSetting::Community => "the community",
        RiskSetting::Custody => "custody",
    }
}
