//! Choosing a package's content: each template element is included (by default or by exception)
//! or recorded as redacted with its reason; raw answers outside the template are excluded.

use oasys_assessment_model::{AnswerValue, Assessment, RiskGroup, RiskLevel, RiskSetting};

use crate::decision::SharingDecision;
use crate::package::{MonitoringSummary, PackageItem, Redaction, outside_reason};
use crate::template::{
    BEHAVIOURS, CHILD_SAFEGUARDING, MATRIX, ORDERS, OVERALL_ROSH, PLAN_COMPLIANCE, PLAN_CONDITIONS,
    PLAN_INTERVENTIONS, PLAN_OBJECTIVES, RedactionReason, Treatment, template_item,
};

/// The official level definitions, paraphrased (assessment spec §7.3).
#[must_use]
pub fn level_definition(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Low => "current evidence does not indicate a likelihood of causing serious harm",
        RiskLevel::Medium => {
            "identifiable indicators of risk of serious harm; potential to cause it, but unlikely unless circumstances change"
        }
        RiskLevel::High => {
            "identifiable indicators; the harmful event could happen at any time and the impact would be serious"
        }
        RiskLevel::VeryHigh => {
            "imminent risk; the event is more likely than not to happen soon and the impact would be serious"
        }
    }
}

fn group_name(group: RiskGroup) -> &'static str {
    match group {
        RiskGroup::Children => "Children",
        RiskGroup::Public => "Public",
        RiskGroup::KnownAdult => "Known adult",
        RiskGroup::Staff => "Staff",
        RiskGroup::Prisoners => "Prisoners",
    }
}

/// Renders an answer; the flag says whether it is free text.
fn render_answer(value: &AnswerValue) -> (String, bool) {
    match value {
        AnswerValue::Text(t) => (t.clone(), true),
        AnswerValue::Yes => ("Yes".to_owned(), false),
        AnswerValue::No => ("No".to_owned(), false),
        AnswerValue::DontKnow => ("Don't know".to_owned(), false),
        AnswerValue::Missing => ("Missing".to_owned(), false),
        AnswerValue::Problems(n) => (format!("{n}"), false),
        AnswerValue::Count(n) => (format!("{n}"), false),
        AnswerValue::Date(d) => (d.to_string(), false),
        AnswerValue::RiskLevel(l) => (l.to_string(), false),
        AnswerValue::Code(c) => (c.clone(), false),
        AnswerValue::Options(o) => (o.join(", "), false),
        AnswerValue::Frequency(f) => (format!("{f:?}"), false),
        AnswerValue::RelationshipStatus(r) => (format!("{r:?}"), false),
        AnswerValue::Injecting(i) => (format!("{i:?}"), false),
    }
}

fn label_of(assessment: &Assessment, code: &str) -> String {
    match code {
        BEHAVIOURS => "Behaviours recorded in ROSH screening (R1.3)".to_owned(),
        ORDERS => "Civil or ancillary orders in force (R1.4)".to_owned(),
        MATRIX => "Risk of serious harm matrix (children first)".to_owned(),
        OVERALL_ROSH => "Overall risk of serious harm".to_owned(),
        PLAN_CONDITIONS => "Licence conditions and requirements".to_owned(),
        PLAN_OBJECTIVES => "Sentence plan objectives".to_owned(),
        PLAN_INTERVENTIONS => "Interventions".to_owned(),
        PLAN_COMPLIANCE => "Recent compliance and breach events".to_owned(),
        _ => assessment
            .question_set()
            .question(code)
            .map_or_else(|| code.to_owned(), |q| q.label.clone()),
    }
}

fn lines(items: &[String]) -> Option<(String, bool)> {
    let kept: Vec<&str> = items
        .iter()
        .map(String::as_str)
        .filter(|l| !l.trim().is_empty())
        .collect();
    (!kept.is_empty()).then(|| (kept.join("\n"), true))
}

/// The content of an element, when the assessment or plan has any.
fn value_of(
    assessment: &Assessment,
    plan: Option<&MonitoringSummary>,
    code: &str,
) -> Option<(String, bool)> {
    match code {
        BEHAVIOURS => {
            let screening = assessment.rosh_screening();
            let labels: Vec<String> = screening
                .behaviours
                .iter()
                .map(|n| label_of(assessment, &format!("R1.3.{n}")))
                .collect();
            (!labels.is_empty()).then(|| (labels.join("; "), false))
        }
        ORDERS => {
            let orders = assessment.rosh_screening().orders;
            (!orders.is_empty()).then(|| (orders.join("; "), false))
        }
        MATRIX => {
            let matrix = assessment.risk_matrix();
            let mut rows = Vec::new();
            for group in RiskGroup::ALL {
                for setting in RiskSetting::ALL {
                    if let Some(level) = matrix.level(group, setting) {
                        let place = match setting {
                            RiskSetting::Community => "community",
                            RiskSetting::Custody => "custody",
                        };
                        rows.push(format!(
                            "{}, {place}: {level} ({})",
                            group_name(group),
                            level_definition(level)
                        ));
                    }
                }
            }
            (!rows.is_empty()).then(|| (rows.join("\n"), false))
        }
        OVERALL_ROSH => assessment
            .risk_matrix()
            .overall()
            .map(|l| (l.to_string(), false)),
        PLAN_CONDITIONS => plan.and_then(|p| lines(&p.conditions)),
        PLAN_OBJECTIVES => plan.and_then(|p| lines(&p.objectives)),
        PLAN_INTERVENTIONS => plan.and_then(|p| lines(&p.interventions)),
        PLAN_COMPLIANCE => plan.and_then(|p| lines(&p.compliance)),
        _ => assessment.answer(code).map(render_answer),
    }
}

/// Raw codes whose content reaches the package only through a derived element.
fn covered_by_derived(code: &str) -> bool {
    code.starts_with("R1.3.")
        || code == "R1.4"
        || code.starts_with("R1.4.")
        || code.starts_with("SUM6.")
}

/// Splits the assessment and plan into included items and redactions for a decision.
pub(crate) fn select(
    decision: &SharingDecision,
    assessment: &Assessment,
    plan: Option<&MonitoringSummary>,
) -> (Vec<PackageItem>, Vec<Redaction>) {
    let shared = decision.shared_sections();
    let mut items = Vec::new();
    let mut redactions = Vec::new();
    let mut push =
        |code: &str,
         section,
         value: (String, bool),
         verdict: Result<Option<String>, RedactionReason>| match verdict {
            Ok(exception) => items.push(PackageItem {
                element: code.to_owned(),
                section,
                label: label_of(assessment, code),
                value: value.0,
                free_text: value.1,
                exception,
            }),
            Err(reason) => redactions.push(Redaction {
                element: code.to_owned(),
                span: None,
                reason,
            }),
        };
    for item in CHILD_SAFEGUARDING {
        let Some(value) = value_of(assessment, plan, item.code) else {
            continue;
        };
        let exception = decision
            .exception(item.code)
            .map(|e| e.justification.clone());
        let verdict = match (item.default, shared.contains(&item.section), exception) {
            (_, _, Some(justification)) => Ok(Some(justification)),
            (Treatment::Include, true, None) => Ok(None),
            (Treatment::Include, false, None) => Err(RedactionReason::SectionNotShared),
            (Treatment::Redact(reason), _, None) => Err(reason),
        };
        push(item.code, Some(item.section), value, verdict);
    }
    for (code, answer) in assessment.answers() {
        if template_item(code).is_some() || covered_by_derived(code) {
            continue;
        }
        let verdict = match decision.exception(code) {
            Some(e) => Ok(Some(e.justification.clone())),
            None => Err(outside_reason(code)),
        };
        push(code, None, render_answer(answer), verdict);
    }
    (items, redactions)
}
