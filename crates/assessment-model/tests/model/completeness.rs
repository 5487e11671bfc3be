//! Completeness for signing per layer: mandatory items, full analysis, matrix, RMP, sexual history,
//! cloned sections, cross-field problems and the plan-agreement hook.

use crate::common::*;
use oasys_assessment_model::*;

fn codes_for(missing: &[Missing], section: Section, why: &MissingReason) -> Vec<String> {
    missing
        .iter()
        .filter(|m| m.section == section && &m.why == why)
        .flat_map(|m| m.codes.clone())
        .collect()
}

fn sections(missing: &[Missing]) -> Vec<Section> {
    let mut s: Vec<Section> = missing.iter().map(|m| m.section).collect();
    s.dedup();
    s
}

#[test]
fn empty_layer3_lists_every_section_and_the_whole_matrix() {
    let missing = completeness(&open(Layer::Layer3Full), None);
    let s = sections(&missing);
    for section in [
        Section::OffendingInformation,
        Section::OffenceAnalysis,
        Section::RoshScreening,
        Section::RoshSummary,
    ]
    .into_iter()
    .chain(Section::NEEDS)
    {
        assert!(s.contains(&section), "{section} missing from {s:?}");
    }
    let mandatory = codes_for(
        &missing,
        Section::OffendingInformation,
        &MissingReason::Mandatory,
    );
    assert!(mandatory.contains(&"1.32".to_owned()) && mandatory.contains(&"1.5".to_owned()));
    assert_eq!(
        codes_for(&missing, Section::RoshSummary, &MissingReason::RiskMatrix).len(),
        9
    );
    assert!(missing.iter().any(|m| m.why
        == MissingReason::CrossField {
            problem: Section1Problem::NoCurrentOffence
        }));
}

#[test]
fn layer1_and_standalone_need_less() {
    let l1 = completeness(&open(Layer::Layer1Basic), None);
    assert!(!sections(&l1).contains(&Section::Accommodation));
    assert!(!sections(&l1).contains(&Section::RoshSummary));
    let mandatory = codes_for(
        &l1,
        Section::OffendingInformation,
        &MissingReason::Mandatory,
    );
    assert!(mandatory.contains(&"1.5".to_owned()));
    let standalone = completeness(&open(Layer::Standalone), None);
    let mandatory = codes_for(
        &standalone,
        Section::OffendingInformation,
        &MissingReason::Mandatory,
    );
    assert!(!mandatory.contains(&"1.5".to_owned()) && mandatory.contains(&"1.8".to_owned()));
    assert!(sections(&standalone).contains(&Section::RoshScreening));
}

#[test]
fn filled_assessments_are_complete() {
    for layer in [Layer::Layer1Basic, Layer::Layer3Full, Layer::Standalone] {
        let mut a = open(layer);
        fill(&mut a);
        assert_eq!(completeness(&a, Some(true)), vec![], "{layer:?}");
    }
}

#[test]
fn full_analysis_trigger_requires_fa_and_one_column_on_layer1() {
    let mut a = open(Layer::Layer1Basic);
    fill(&mut a);
    set(&mut a, "R1.3.2", AnswerValue::Yes);
    let missing = completeness(&a, None);
    let fa = codes_for(
        &missing,
        Section::FullAnalysis,
        &MissingReason::FullAnalysis,
    );
    assert_eq!(fa, ["FA1", "FA2", "FA3", "FA4", "FA5", "FA6", "FA7"]);
    assert_eq!(
        codes_for(&missing, Section::RoshSummary, &MissingReason::FullAnalysis).len(),
        5
    );
    assert_eq!(
        codes_for(&missing, Section::RoshSummary, &MissingReason::RiskMatrix).len(),
        4
    );
    for group in [
        RiskGroup::Children,
        RiskGroup::Public,
        RiskGroup::KnownAdult,
        RiskGroup::Staff,
    ] {
        set(
            &mut a,
            &rosh::matrix_code(group, RiskSetting::Community),
            AnswerValue::RiskLevel(RiskLevel::Low),
        );
    }
    assert!(
        codes_for(
            &completeness(&a, None),
            Section::RoshSummary,
            &MissingReason::RiskMatrix
        )
        .is_empty()
    );
    // A rationale waives the trigger (but never for R1.2.1).
    set(
        &mut a,
        FULL_ANALYSIS_RATIONALE,
        AnswerValue::Text("historic, no current indicators".into()),
    );
    assert!(
        codes_for(
            &completeness(&a, None),
            Section::FullAnalysis,
            &MissingReason::FullAnalysis
        )
        .is_empty()
    );
    set(&mut a, "R1.2.1.2", AnswerValue::Yes);
    assert_eq!(
        codes_for(
            &completeness(&a, None),
            Section::FullAnalysis,
            &MissingReason::FullAnalysis
        )
        .len(),
        7
    );
}

#[test]
fn layer3_needs_both_columns_except_prisoners_in_community() {
    let mut a = open(Layer::Layer3Full);
    fill(&mut a);
    must(
        &mut a,
        &assessor(),
        Command::ClearAnswer {
            code: "SUM6.3.2".into(),
        },
    );
    let missing = completeness(&a, None);
    assert_eq!(
        codes_for(&missing, Section::RoshSummary, &MissingReason::RiskMatrix),
        ["SUM6.3.2"]
    );
    assert!(a.question_set().question("SUM6.5.1").is_none());
}

#[test]
fn high_rosh_requires_the_rmp() {
    let mut a = open(Layer::Layer3Full);
    fill(&mut a);
    set(
        &mut a,
        "SUM6.1.1",
        AnswerValue::RiskLevel(RiskLevel::Medium),
    );
    assert!(
        completeness(&a, None).is_empty(),
        "medium is a warning only"
    );
    set(&mut a, "SUM6.1.1", AnswerValue::RiskLevel(RiskLevel::High));
    let rmp = codes_for(
        &completeness(&a, None),
        Section::RiskManagementPlan,
        &MissingReason::RiskManagementPlan,
    );
    assert_eq!(
        rmp,
        [
            MAPPA_CATEGORY,
            MAPPA_LEVEL,
            "RM30",
            "RM31",
            "RM32",
            "RM33",
            "RM34"
        ]
    );
    set(&mut a, "RM30", AnswerValue::Text("   ".into()));
    let rmp = codes_for(
        &completeness(&a, None),
        Section::RiskManagementPlan,
        &MissingReason::RiskManagementPlan,
    );
    assert!(
        rmp.contains(&"RM30".to_owned()),
        "blank text is not an answer"
    );
}

#[test]
fn sexual_history_requires_the_sexual_items() {
    let mut a = open(Layer::Layer1Basic);
    fill(&mut a);
    set(&mut a, "1.30", AnswerValue::Yes);
    let codes = codes_for(
        &completeness(&a, None),
        Section::OffendingInformation,
        &MissingReason::SexualHistory,
    );
    for code in ["1.33", "1.34", "1.37", "1.43", "1.45", "1.46"] {
        assert!(codes.contains(&code.to_owned()), "{code}");
    }
}

#[test]
fn plan_agreement_hook() {
    let mut a = open(Layer::Layer3Full);
    fill(&mut a);
    let missing = completeness(&a, Some(false));
    assert_eq!(
        missing,
        vec![Missing {
            section: Section::SentencePlan,
            codes: vec![],
            why: MissingReason::PlanNotAgreed
        }]
    );
    assert!(completeness(&a, Some(true)).is_empty());
    let mut risk_only = Assessment::create(
        NewAssessment {
            purpose: Purpose::RiskOfHarmAssessment,
            ..new_assessment(7, Layer::Layer3Full)
        },
        &person(),
        t(2026, 2, 1),
    )
    .expect("create");
    fill(&mut risk_only);
    assert!(completeness(&risk_only, Some(false)).is_empty());
}

#[test]
fn sign_lists_everything_and_lock_incomplete_accepts_it() {
    let mut a = open(Layer::Layer3Full);
    let Err(LifecycleError::SectionIncomplete { missing }) = a.apply(
        &actor("SPO", 4),
        t(2026, 2, 2),
        Command::Sign { plan_agreed: None },
    ) else {
        panic!("sign should refuse")
    };
    assert_eq!(missing, completeness(&a, None));
    assert!(missing.len() > 10);
    must(
        &mut a,
        &actor("SPO", 4),
        Command::LockIncomplete {
            reason: "no interview".into(),
        },
    );
    assert_eq!(a.state(), &State::LockedIncomplete);
}
