//! The risk management plan's drafted pillars: gathered from the matrix, registrations, the plan
//! and the indicated assessments, and nothing when the records say nothing.

use oasys_assessment_model::{AnswerValue, RiskLevel, RiskSetting};
use oasys_sentence_plan::*;

use crate::common::*;

fn pillar<'a>(draft: &'a [(&'static str, String)], code: &str) -> Option<&'a str> {
    draft
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, text)| text.as_str())
}

#[test]
fn nothing_recorded_drafts_nothing() {
    let a = assessment_with(1, &[]);
    assert!(draft_rmp(&a, None, RiskSetting::Community).is_empty());
}

#[test]
fn each_pillar_says_what_the_records_say() {
    let a = assessment_with(
        2,
        &[
            ("RM12", AnswerValue::Yes),
            ("SUM6.1.1", AnswerValue::RiskLevel(RiskLevel::High)),
            ("SUM6.1.2", AnswerValue::RiskLevel(RiskLevel::Low)),
            ("3.3", AnswerValue::Yes),
            ("3.4", p(1)),
        ],
    );
    let plan = draft_plan(&a, &options(d(3, 1), RiskSetting::Community), &mut ids())
        .unwrap_or_else(|e| panic!("{e}"));
    let draft = draft_rmp(&a, Some(&plan), RiskSetting::Community);
    let codes: Vec<&str> = draft.iter().map(|(c, _)| *c).collect();
    assert!(
        codes.windows(2).all(|w| w[0] < w[1]),
        "in item order: {codes:?}"
    );

    assert!(
        pillar(&draft, "RM30").is_some_and(|t| t.contains("High")),
        "{draft:?}"
    );
    let rm12 = REGISTRATION_FLAGS
        .iter()
        .find(|(c, _)| *c == "RM12")
        .map(|(_, label)| *label)
        .expect("RM12 is a registration flag");
    assert!(
        pillar(&draft, "RM31").is_some_and(|t| t.contains(rm12)),
        "{draft:?}"
    );
    let first = &plan.objectives()[0];
    assert!(
        pillar(&draft, "RM32").is_some_and(|t| t.contains(&first.title)),
        "the plan's open objectives: {draft:?}"
    );
    let victims = pillar(&draft, "RM33").expect("a High cell names who is at risk");
    assert!(
        victims.contains("children in the community: High"),
        "{victims}"
    );
    assert!(
        !victims.contains("custody"),
        "Low cells are not listed: {victims}"
    );
    assert!(
        pillar(&draft, "RM34")
            .is_some_and(|t| t.contains(IndicatorKind::ChildSafeguarding.label())),
        "the indicated assessments: {draft:?}"
    );
}
