//! Draft plans: one objective per identified need and per N.98/N.99 section, harm first, catalogue
//! interventions, risk factors from the indicators, and dates never before the assessment date.

use oasys_assessment_model::{AnswerValue, RiskSetting, Section};
use oasys_sentence_plan::*;

use crate::common::*;

fn needs(pairs: &[(&str, AnswerValue)]) -> oasys_assessment_model::Assessment {
    assessment_with(1, pairs)
}

fn sections(plan: &SentencePlan) -> Vec<Section> {
    plan.objectives()
        .iter()
        .flat_map(|o| o.links.iter())
        .filter_map(|l| match l {
            Link::Need(s) => Some(*s),
            Link::Risk(_) => None,
        })
        .collect()
}

#[test]
fn one_objective_per_need_harm_linked_first() {
    let a = needs(&[
        // Accommodation: need (score 3 ≥ 2), not flagged.
        ("3.3", AnswerValue::Yes),
        ("3.4", p(1)),
        // Alcohol: below threshold but linked to reoffending.
        ("9.1", p(1)),
        ("9.99", AnswerValue::Yes),
        // Attitudes: need and linked to harm.
        ("12.1", p(2)),
        ("12.98", AnswerValue::Yes),
        // Finance is unscored: flagged linked to harm.
        ("5.98", AnswerValue::Yes),
        // Drugs: answered under threshold, not flagged.
        ("8.4", p(1)),
    ]);
    let plan = draft_plan(&a, &options(d(2, 10), RiskSetting::Community), &mut ids());
    let plan = plan.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        sections(&plan),
        vec![
            Section::FinancialManagement,
            Section::Attitudes,
            Section::AlcoholMisuse,
            Section::Accommodation
        ]
    );
    assert_eq!(plan.created(), d(2, 10));
    assert_eq!(plan.signing(), SigningStatus::Unsigned);
    let first = &plan.objectives()[0];
    assert_eq!(
        first.title,
        objective_title(Link::Need(Section::FinancialManagement))
    );
    assert!(
        first.text.contains("linked to risk of serious harm"),
        "{}",
        first.text
    );
    for o in plan.objectives() {
        assert!(!o.interventions.is_empty(), "{}", o.title);
        assert!(
            o.interventions
                .iter()
                .all(|i| i.catalogue_code.as_deref().and_then(entry).is_some())
        );
        assert_eq!(
            o.target_date,
            o.interventions
                .iter()
                .filter_map(Intervention::target_date)
                .max()
        );
    }
}

#[test]
fn nothing_identified_gives_an_empty_draft() {
    let a = needs(&[("3.4", p(1)), ("3.98", AnswerValue::No)]);
    let plan = draft_plan(&a, &options(d(2, 10), RiskSetting::Community), &mut ids());
    assert_eq!(plan.map(|p| p.objectives().len()), Ok(0));
}

#[test]
fn dates_are_never_before_the_assessment_date() {
    let a = needs(&[("3.3", AnswerValue::Yes)]);
    let plan = draft_plan(&a, &options(d(1, 1), RiskSetting::Community), &mut ids());
    let plan = plan.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plan.created(), d(ASSESSED.0, ASSESSED.1));
    for o in plan.objectives() {
        assert!(o.created >= plan.created());
        for i in &o.interventions {
            assert!(i.created >= plan.created());
            assert!(i.target_date().is_none_or(|t| t >= plan.created()));
        }
    }
}

#[test]
fn domestic_abuse_adds_the_risk_factor_and_its_programmes() {
    let a = needs(&[
        ("6.1", p(2)),
        ("6.98", AnswerValue::Yes),
        ("6.7da", AnswerValue::Yes),
        ("6.7.2.1da", AnswerValue::Yes),
    ]);
    let plan = draft_plan(&a, &options(d(2, 10), RiskSetting::Community), &mut ids());
    let plan = plan.unwrap_or_else(|e| panic!("{e}"));
    let relationships = &plan.objectives()[0];
    assert!(
        relationships
            .links
            .contains(&Link::Risk(RiskFactor::DomesticAbuse))
    );
    let codes: Vec<_> = relationships
        .interventions
        .iter()
        .filter_map(|i| i.catalogue_code.as_deref())
        .collect();
    assert!(codes.contains(&"BBR"), "{codes:?}");
}

#[test]
fn custody_drafts_use_custody_services_and_sexual_risk_adds_programmes() {
    let a = needs(&[
        ("8.4", p(2)),
        ("8.5", p(2)),
        ("11.5", p(2)),
        ("11.6", p(2)),
        ("1.30", AnswerValue::Yes),
    ]);
    let plan = draft_plan(&a, &options(d(2, 10), RiskSetting::Custody), &mut ids());
    let plan = plan.unwrap_or_else(|e| panic!("{e}"));
    let codes: Vec<&str> = plan
        .objectives()
        .iter()
        .flat_map(|o| &o.interventions)
        .filter_map(|i| i.catalogue_code.as_deref())
        .collect();
    assert!(
        codes.contains(&"PDT") && !codes.contains(&"DRR"),
        "{codes:?}"
    );
    let thinking = plan
        .objectives()
        .iter()
        .find(|o| o.links.contains(&Link::Need(Section::ThinkingAndBehaviour)));
    assert!(thinking.is_some_and(|o| o.links.contains(&Link::Risk(RiskFactor::SexualOffending))));
    assert!(
        codes
            .iter()
            .any(|c| ["HORIZON", "KAIZEN", "BNM+"].contains(c)),
        "{codes:?}"
    );
}
